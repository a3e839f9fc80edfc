// `safeguard snapshot DATA OUT_FILE`: loads a dataset (a folder, or an older snapshot) and
// saves it as a binary snapshot (safeguard::io::save_snapshot), which later commands load
// far faster than the CSV files.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/core.h>
#include <sys/stat.h>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/snapshot.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* snapshot_usage =
    "usage: safeguard snapshot DATA OUT_FILE [--quiet]\n"
    "\n"
    "Loads DATA (a dataset folder, or a snapshot to re-write in this version's format) and\n"
    "saves it to OUT_FILE as a binary snapshot, which every command accepts as DATA and loads\n"
    "many times faster than the CSV files. A snapshot is a cache of a checked load, not an\n"
    "exchange format: keep the folder. OUT_FILE is replaced only once it is complete. If the\n"
    "load finds errors, prints every diagnostic to stderr, writes nothing and exits 1.\n"
    "See docs/validation.md for the format.\n"
    "\n"
    "Options:\n"
    "  --quiet          no progress display, and no load warnings on stderr\n"
    "  -h, --help       show this help\n";

std::uint64_t total_rows(const dataset& d) {
  return d.org_units.size() + d.population.size() + d.agencies.size() + d.children.size() +
         d.circumstances.size() + d.cases.size() + d.services.size() + d.activities.size() +
         d.plans.size() + d.targets.size() + d.holidays.size();
}

}  // namespace

int run_snapshot(int argc, char** argv) {
  std::string data_path, out_path;
  bool quiet = false;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(snapshot_usage, stdout);
      return 0;
    }
    if (args.flag("--quiet", "-q")) {
      quiet = true;
    } else if (args.positional() && data_path.empty()) {
      data_path = args.value();
    } else if (args.positional() && out_path.empty()) {
      out_path = args.value();
    } else {
      args.unknown();
    }
  }
  if (data_path.empty()) throw usage_error("missing DATA");
  if (out_path.empty()) throw usage_error("missing OUT_FILE");

  const auto start = std::chrono::steady_clock::now();
  progress_display progress(quiet ? progress_style::quiet : progress_style::automatic);
  dataset data;
  struct stat st {};
  if (::stat(data_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    io::load_options options;
    options.progress = progress.callback();
    const io::load_report report = io::try_load_dataset(data_path, data, options);
    progress.finish();
    if (!report.ok()) {
      for (const diagnostic& d : report.diagnostics)
        std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "safeguard snapshot: %s has %zu load error%s; nothing was written\n",
                   data_path.c_str(), report.error_count(), report.error_count() == 1 ? "" : "s");
      return 1;
    }
    if (!quiet)
      for (const diagnostic& d : report.diagnostics)
        std::fprintf(stderr, "%s\n", d.to_string().c_str());
  } else if (io::is_snapshot_file(data_path)) {
    try {
      data = io::load_snapshot(data_path);
    } catch (const io::snapshot_error& e) {
      std::fprintf(stderr, "safeguard snapshot: %s\n", e.what());
      return 1;
    }
  } else {
    if (::stat(data_path.c_str(), &st) != 0)
      std::fprintf(stderr, "safeguard snapshot: cannot read '%s': %s\n", data_path.c_str(),
                   std::strerror(errno));
    else
      std::fprintf(stderr,
                   "safeguard snapshot: '%s' is neither a dataset folder nor a snapshot file\n",
                   data_path.c_str());
    return 1;
  }

  try {
    io::save_snapshot(data, out_path);
  } catch (const io::snapshot_error& e) {
    std::fprintf(stderr, "safeguard snapshot: %s\n", e.what());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  struct stat out_st {};
  const std::uint64_t bytes =
      ::stat(out_path.c_str(), &out_st) == 0 ? static_cast<std::uint64_t>(out_st.st_size) : 0;
  fmt::print("Wrote {}: {} rows, {} children, {} in {:.2f} s\n", out_path,
             group_digits(total_rows(data)), group_digits(data.children.size()), size_text(bytes),
             seconds);
  return 0;
}

}  // namespace safeguard::cli
