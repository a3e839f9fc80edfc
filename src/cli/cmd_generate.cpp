// `safeguard generate OUT_DIR`: writes a synthetic dataset (safeguard::io::generate_dataset)
// and prints what it wrote.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/core.h>

#include "cli/arguments.hpp"
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

}  // namespace

int run_generate(int argc, char** argv) {
  io::generate_options options;
  std::string out_dir;
  bool quiet = false;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(generate_usage, stdout);
      return 0;
    }
    if (args.flag("--quiet", "-q")) {
      quiet = true;
    } else if (args.option("--children")) {
      options.children = args.unsigned_value();
    } else if (args.option("--provinces")) {
      const std::uint64_t n = args.unsigned_value();
      if (n < 1 || n > static_cast<std::uint64_t>(io::max_generated_provinces))
        throw usage_error(
            fmt::format("--provinces must be 1 to {}, got {}", io::max_generated_provinces, n));
      options.provinces = static_cast<int>(n);
    } else if (args.option("--seed")) {
      options.seed = args.unsigned_value();
    } else if (args.option("--first-year") || args.option("--last-year")) {
      const std::uint64_t year = args.unsigned_value();
      if (year < 2000 || year > 2030)
        throw usage_error(fmt::format("{} must be 2000 to 2030, got {}", args.name(), year));
      (args.name() == "--first-year" ? options.first_year : options.last_year) =
          static_cast<int>(year);
    } else if (args.positional() && out_dir.empty()) {
      out_dir = args.value();
    } else {
      args.unknown();
    }
  }
  if (out_dir.empty()) throw usage_error("missing OUT_DIR");
  if (options.first_year > options.last_year)
    throw usage_error(fmt::format("--first-year {} is after --last-year {}", options.first_year,
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
