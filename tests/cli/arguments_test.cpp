// How every `safeguard` command reads its arguments: `--name VALUE` and `--name=VALUE`,
// flags, positionals anywhere, and a usage_error naming the mistake.
#include "cli/arguments.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace safeguard::cli {
namespace {

// argv for a command called with `args` (argv[0] is the command's name).
class command {
 public:
  explicit command(std::vector<std::string> args) : text_(std::move(args)) {
    text_.insert(text_.begin(), "cmd");
    for (auto& s : text_) argv_.push_back(s.data());
  }
  arguments read() { return arguments(static_cast<int>(argv_.size()), argv_.data()); }

 private:
  std::vector<std::string> text_;
  std::vector<char*> argv_;
};

// What a typical command makes of its arguments.
struct parsed {
  std::vector<std::string> positionals;
  std::string seed = "-";
  bool quiet = false;
  bool help = false;
};

parsed parse(std::vector<std::string> text) {
  command c(std::move(text));
  arguments args = c.read();
  parsed out;
  while (args.next()) {
    if (args.help()) {
      out.help = true;
    } else if (args.flag("--quiet", "-q")) {
      out.quiet = true;
    } else if (args.option("--seed", "-s")) {
      out.seed = std::to_string(args.unsigned_value());
    } else if (args.positional() && out.positionals.size() < 2) {
      out.positionals.push_back(args.value());
    } else {
      args.unknown();
    }
  }
  return out;
}

std::string usage_message(std::vector<std::string> text) {
  try {
    parse(std::move(text));
  } catch (const usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Arguments, OptionValueFollowsOrIsJoinedWithEquals) {
  EXPECT_EQ(parse({"--seed", "7"}).seed, "7");
  EXPECT_EQ(parse({"--seed=7"}).seed, "7");
  EXPECT_EQ(parse({"-s", "7"}).seed, "7");
  EXPECT_EQ(parse({"-s=7"}).seed, "7");
  EXPECT_EQ(parse({}).seed, "-");
}

TEST(Arguments, PositionalsAnywhereAndInOrder) {
  const parsed p = parse({"in", "--seed", "3", "--quiet", "out"});
  EXPECT_EQ(p.positionals, (std::vector<std::string>{"in", "out"}));
  EXPECT_EQ(p.seed, "3");
  EXPECT_TRUE(p.quiet);
  // A lone '-' is a positional (standard input or output by convention), not an option.
  EXPECT_EQ(parse({"-"}).positionals, std::vector<std::string>{"-"});
}

TEST(Arguments, AnOptionsValueMayLookLikeAnOption) {
  // The next argument is the value, whatever it looks like: no guessing.
  EXPECT_EQ(usage_message({"--seed", "--quiet"}),
            "--seed expects a non-negative integer, got '--quiet'");
}

TEST(Arguments, FlagsAndHelp) {
  EXPECT_TRUE(parse({"-q"}).quiet);
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_FALSE(parse({"x"}).help);
}

TEST(Arguments, MistakesAreUsageErrorsThatNameThem) {
  EXPECT_EQ(usage_message({"--seed"}), "--seed needs a value");
  EXPECT_EQ(usage_message({"--seed", "x7"}), "--seed expects a non-negative integer, got 'x7'");
  EXPECT_EQ(usage_message({"--seed="}), "--seed expects a non-negative integer, got ''");
  EXPECT_EQ(usage_message({"--seed=-1"}), "--seed expects a non-negative integer, got '-1'");
  EXPECT_EQ(usage_message({"--seed=99999999999999999999"}),
            "--seed expects a non-negative integer, got '99999999999999999999'");
  EXPECT_EQ(usage_message({"--quiet=yes"}), "--quiet takes no value");
  EXPECT_EQ(usage_message({"--colour"}), "unknown option '--colour'");
  EXPECT_EQ(usage_message({"--colour=red"}), "unknown option '--colour'");
  EXPECT_EQ(usage_message({"a", "b", "c"}), "unexpected argument 'c'");
  EXPECT_EQ(usage_message({"a", "--seed", "1", "b"}), "(no error)");
}

TEST(Arguments, NameIsTheOptionAsTyped) {
  command c({"--seed=12", "-s", "4"});
  arguments args = c.read();
  ASSERT_TRUE(args.next());
  ASSERT_TRUE(args.option("--seed", "-s"));
  EXPECT_EQ(args.name(), "--seed");
  EXPECT_EQ(args.value(), "12");
  ASSERT_TRUE(args.next());
  ASSERT_TRUE(args.option("--seed", "-s"));
  EXPECT_EQ(args.name(), "-s");
  EXPECT_EQ(args.unsigned_value(), 4u);
  EXPECT_FALSE(args.next());
}

TEST(SizeText, ReadsAsPeopleWriteSizes) {
  EXPECT_EQ(size_text(0), "0 B");
  EXPECT_EQ(size_text(1023), "1023 B");
  EXPECT_EQ(size_text(1024), "1.0 KiB");
  EXPECT_EQ(size_text(1536), "1.5 KiB");
  EXPECT_EQ(size_text(std::uint64_t{5} << 20), "5.0 MiB");
  EXPECT_EQ(size_text(std::uint64_t{3} << 30), "3.00 GiB");
}

}  // namespace
}  // namespace safeguard::cli
