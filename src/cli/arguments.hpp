// The arguments of one `safeguard` command, read front to back, so that every command takes
// its options the same way: `--name VALUE` or `--name=VALUE`, flags without a value, `-h` /
// `--help`, positionals anywhere, and one form of message for every mistake.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace safeguard::cli {

/// A mistake in how a command was called. `main` prints it after the command's name with a
/// pointer to the command's --help, and exits 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a command's arguments one at a time:
///
///     arguments args(argc, argv);
///     while (args.next()) {
///       if (args.help()) return print_help();
///       if (args.flag("--quiet", "-q")) quiet = true;
///       else if (args.option("--seed")) seed = args.unsigned_value();
///       else if (args.positional()) out_dir = args.value();
///       else args.unknown();
///     }
///
/// Every test reads the current argument only; option() also takes its value, from after
/// the `=` or from the next argument. Mistakes throw usage_error.
class arguments {
 public:
  /// `argv[0]` is the command's name and is skipped.
  arguments(int argc, char** argv) : argc_(argc), argv_(argv) {}

  /// Moves to the next argument; false when there is none.
  bool next();

  /// `-h` or `--help`.
  bool help() const { return flag("--help", "-h"); }
  /// The argument is the flag `name` (or `alias`); a flag given a value (`--quiet=1`) is a
  /// usage error.
  bool flag(std::string_view name, std::string_view alias = {}) const;
  /// The argument is the option `name` (or `alias`): its value is taken (the text after `=`,
  /// or the next argument) and is value() from now on. A missing value is a usage error.
  bool option(std::string_view name, std::string_view alias = {});
  /// The argument is not an option (a lone `-` is not one either); value() is its text.
  bool positional() const;

  /// The value of the option just matched, or the positional's text.
  const std::string& value() const { return value_; }
  /// value() as a non-negative decimal integer; anything else is a usage error.
  std::uint64_t unsigned_value() const;
  /// Throws the usage error for an argument no test matched: an unknown option, or a
  /// positional more than the command takes.
  [[noreturn]] void unknown() const;

  /// The option's name as typed, without a value (`--seed` of `--seed=7`).
  std::string_view name() const { return name_; }

 private:
  int argc_;
  char** argv_;
  int at_ = 0;             // index of the current argument
  std::string_view name_;  // the current argument, up to any '='
  bool has_inline_value_ = false;
  std::string value_;
};

/// A size in bytes as people read it: "512 B", "3.4 KiB", "97.2 MiB", "1.05 GiB".
std::string size_text(std::uint64_t bytes);

}  // namespace safeguard::cli
