// `safeguard validate DATA`: load errors (exit 1), or the rows loaded, the load's warnings
// and the data-quality findings of safeguard::io::validate (exit 0).
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <sys/stat.h>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/snapshot.hpp"
#include "safeguard/io/validate.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* validate_usage =
    "usage: safeguard validate DATA [--max-errors N] [--as-of YYYY-MM-DD] [--quiet]\n"
    "\n"
    "Loads DATA (a dataset folder or a snapshot file). If the load finds errors, prints every\n"
    "diagnostic to stderr and exits 1. Otherwise prints the rows of each table, the load's\n"
    "warnings and the data-quality findings (rules SG301-SG361, see docs/validation.md) to\n"
    "stdout and exits 0: findings never stop a load.\n"
    "\n"
    "Options:\n"
    "  --max-errors N   load errors to collect before stopping, and findings to print per\n"
    "                   rule (default 100; 0: no limit); every finding is counted\n"
    "  --as-of DATE     the day the data describes, for SG304 (default: the latest date of\n"
    "                   the children's registrations, exits, episodes, cases and services)\n"
    "  --quiet          no progress display\n"
    "  -h, --help       show this help\n";

std::vector<std::pair<std::string_view, std::size_t>> table_rows(const dataset& d) {
  // In loading order (io::table_file_names()).
  return {{"org_units.csv", d.org_units.size()},
          {"agencies.csv", d.agencies.size()},
          {"population.csv", d.population.size()},
          {"children.csv", d.children.size()},
          {"circumstances.csv", d.circumstances.size()},
          {"cases.csv", d.cases.size()},
          {"services.csv", d.services.size()},
          {"activities.csv", d.activities.size()},
          {"plans.csv", d.plans.size()},
          {"targets.csv", d.targets.size()},
          {"holidays.csv", d.holidays.size()}};
}

const char* level_name(severity s) { return s == severity::error ? "error" : "warning"; }

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

int run_validate(int argc, char** argv) {
  std::string data_path;
  bool quiet = false;
  std::size_t max_errors = 100;
  day_number as_of = no_day;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(validate_usage, stdout);
      return 0;
    }
    if (args.flag("--quiet", "-q")) {
      quiet = true;
    } else if (args.option("--max-errors")) {
      max_errors = static_cast<std::size_t>(args.unsigned_value());
    } else if (args.option("--as-of")) {
      const auto d = parse_iso_date(args.value());
      if (!d) throw usage_error("--as-of expects a date YYYY-MM-DD, got '" + args.value() + "'");
      as_of = *d;
    } else if (args.positional() && data_path.empty()) {
      data_path = args.value();
    } else {
      args.unknown();
    }
  }
  if (data_path.empty()) throw usage_error("missing DATA");

  progress_display progress(quiet ? progress_style::quiet : progress_style::automatic);
  dataset data;
  io::load_report load;
  if (is_folder(data_path)) {
    io::load_options options;
    options.max_errors = max_errors;
    options.progress = progress.callback();
    load = io::try_load_dataset(data_path, data, options);
    progress.finish();
    if (!load.ok()) {
      for (const diagnostic& d : load.diagnostics)
        std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "safeguard validate: %s has %zu load error%s; nothing was validated\n",
                   data_path.c_str(), load.error_count(), load.error_count() == 1 ? "" : "s");
      return 1;
    }
  } else if (io::is_snapshot_file(data_path)) {
    try {
      data = io::load_snapshot(data_path);
    } catch (const io::snapshot_error& e) {
      std::fprintf(stderr, "safeguard validate: %s\n", e.what());
      return 1;
    }
  } else {
    struct stat st {};
    if (::stat(data_path.c_str(), &st) != 0)
      std::fprintf(stderr, "safeguard validate: cannot read '%s': %s\n", data_path.c_str(),
                   std::strerror(errno));
    else
      std::fprintf(stderr,
                   "safeguard validate: '%s' is neither a dataset folder nor a snapshot file\n",
                   data_path.c_str());
    return 1;
  }

  io::validation_options options;
  options.max_findings_per_rule =
      max_errors == 0 ? std::numeric_limits<std::size_t>::max() : max_errors;
  options.as_of = as_of;
  options.progress = progress.callback();
  const io::validation_report report = io::validate(data, options);
  progress.finish();

  fmt::print("Dataset {}\n", data_path);
  fmt::print("  {:<20} {:>14}\n", "file", "rows");
  std::uint64_t rows = 0;
  for (const auto& [file, n] : table_rows(data)) {
    fmt::print("  {:<20} {:>14}\n", file, group_digits(n));
    rows += n;
  }
  fmt::print("  {:<20} {:>14}\n", "total", group_digits(rows));

  const std::size_t warnings = load.warning_count();
  fmt::print("\nLoad warnings: {}\n", group_digits(warnings));
  for (const diagnostic& d : load.diagnostics) fmt::print("  {}\n", d.to_string());

  if (report.clean()) {
    fmt::print("\nFindings: none\n");
    return 0;
  }
  fmt::print("\nFindings: {} in {} rule{}{}\n", group_digits(report.total()), report.counts.size(),
             report.counts.size() == 1 ? "" : "s",
             report.as_of != no_day ? " (as of " + format_iso_date(report.as_of) + ")" : "");
  fmt::print("  {:<6} {:<8} {:<18} {:>12}  {}\n", "rule", "level", "file", "count", "check");
  for (const io::rule_count& c : report.counts) {
    const io::validation_rule* rule = io::find_validation_rule(c.rule);
    fmt::print("  {:<6} {:<8} {:<18} {:>12}  {}\n", c.rule, rule ? level_name(rule->level) : "",
               rule ? rule->table : "", group_digits(c.count), rule ? rule->summary : "");
  }
  for (const io::rule_count& c : report.counts) {
    const io::validation_rule* rule = io::find_validation_rule(c.rule);
    fmt::print("\n{} {}: {} finding{}", c.rule, rule ? rule->summary : "", group_digits(c.count),
               c.count == 1 ? "" : "s");
    if (c.kept < c.count) fmt::print(", the first {} shown", group_digits(c.kept));
    fmt::print("\n");
    for (const io::finding& f : report.findings)
      if (f.rule == c.rule) fmt::print("  {}\n", f.to_string());
  }
  return 0;
}

}  // namespace safeguard::cli
