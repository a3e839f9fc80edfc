// `safeguard generate OUT_DIR`: writes a synthetic dataset (safeguard::io::generate_dataset)
// and prints what it wrote.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "safeguard/io/generate.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* generate_usage =
    "usage: safeguard generate OUT_DIR [--children N] [--provinces P] [--seed S]\n"
    "                          [--first-year Y] [--last-year Y] [--quiet]\n"
    "\n"
    "Writes a synthetic dataset in the layout of the dataset format into OUT_DIR: Quảng Ninh\n"
    "(GSO codes, 13 district-level units, 177 communes) and, on request, more provinces, with\n"
    "children, circumstance episodes, cases, services, population, agencies, activities,\n"
    "plans, targets and holidays. The same options always give byte-identical files.\n"
    "See docs/generator.md.\n"
    "\n"
    "Options:\n"
    "  --children N     rows of children.csv (default 100000); the other tables scale with it\n"
    "  --provinces P    provinces, 1 to 100 (default 1: Quảng Ninh only)\n"
    "  --seed S         seed of every random draw (default 1)\n"
    "  --first-year Y   first calendar year covered, 2000 to 2030 (default 2023)\n"
    "  --last-year Y    last calendar year covered (default 2025)\n"
    "  --quiet          no progress display\n"
    "  -h, --help       show this help\n";

bool parse_unsigned(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "safeguard generate: %s\nRun 'safeguard generate --help' for usage.\n",
               message.c_str());
  return 2;
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < std::uint64_t{1} << 20)
    return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  if (bytes < std::uint64_t{1} << 30)
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

}  // namespace

int run_generate(int argc, char** argv) {
  io::generate_options options;
  std::string out_dir;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(generate_usage, stdout);
      return 0;
    }
    if (arg == "--quiet" || arg == "-q") {
      quiet = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (!out_dir.empty()) return usage_error("more than one OUT_DIR: '" + std::string(arg) + "'");
      out_dir = std::string(arg);
      continue;
    }
    // --name VALUE or --name=VALUE
    std::string_view name = arg;
    std::string_view value;
    if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return usage_error(std::string(name) + " needs a value");
    }
    std::uint64_t number = 0;
    if (!parse_unsigned(value, number))
      return usage_error(std::string(name) + " expects a non-negative integer, got '" +
                         std::string(value) + "'");
    if (name == "--children") {
      options.children = number;
    } else if (name == "--provinces") {
      if (number < 1 || number > static_cast<std::uint64_t>(io::max_generated_provinces))
        return usage_error(fmt::format("--provinces must be 1 to {}, got {}",
                                       io::max_generated_provinces, number));
      options.provinces = static_cast<int>(number);
    } else if (name == "--seed") {
      options.seed = number;
    } else if (name == "--first-year" || name == "--last-year") {
      if (number < 2000 || number > 2030)
        return usage_error(fmt::format("{} must be 2000 to 2030, got {}", name, number));
      if (name == "--first-year")
        options.first_year = static_cast<int>(number);
      else
        options.last_year = static_cast<int>(number);
    } else {
      return usage_error("unknown option '" + std::string(name) + "'");
    }
  }
  if (out_dir.empty()) return usage_error("missing OUT_DIR");
  if (options.first_year > options.last_year)
    return usage_error(fmt::format("--first-year {} is after --last-year {}", options.first_year,
                                   options.last_year));

  progress_display progress(quiet ? progress_style::quiet : progress_style::automatic);
  options.progress = progress.callback();
  const auto start = std::chrono::steady_clock::now();
  io::generate_summary summary;
  try {
    summary = io::generate_dataset(out_dir, options);
  } catch (...) {
    progress.finish();  // end the bar's line before main prints the error
    throw;
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  fmt::print("Wrote a synthetic dataset to {} (seed {}; {} children; {} province{}; {}-{})\n",
             out_dir, options.seed, group_digits(options.children), options.provinces,
             options.provinces == 1 ? "" : "s", options.first_year, options.last_year);
  fmt::print("  {:<20} {:>14} {:>12}\n", "file", "rows", "size");
  std::uint64_t rows = 0;
  for (const io::table_summary& t : summary.tables) {
    fmt::print("  {:<20} {:>14} {:>12}\n", t.file, group_digits(t.rows), size_text(t.bytes));
    rows += t.rows;
  }
  fmt::print("  {:<20} {:>14} {:>12}\n", "total", group_digits(rows), size_text(summary.bytes()));
  fmt::print("in {:.2f} s ({:.1f} MB/s)\n", seconds,
             seconds > 0 ? static_cast<double>(summary.bytes()) / 1e6 / seconds : 0.0);
  return 0;
}

}  // namespace safeguard::cli
