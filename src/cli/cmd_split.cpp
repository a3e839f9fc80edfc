// `safeguard split DATA OUT_DIR`: splits a dataset into one dataset folder per root of its
// org-unit hierarchy (safeguard::engine::split_dataset_by_root), the partitions that
// safeguard.dask computes in parallel and merges exactly (docs/scale-out.md).
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "safeguard/engine/partition.hpp"
#include "safeguard/io/load.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* split_usage =
    "usage: safeguard split DATA OUT_DIR [--quiet]\n"
    "\n"
    "Loads DATA (a dataset folder or a snapshot) and writes one dataset folder per root of\n"
    "its org-unit hierarchy (e.g. per province) into OUT_DIR, each named after its root's\n"
    "code and holding the root's whole subtree with every row placed in it (children with\n"
    "their circumstances, cases and services; agencies, activities, plans and targets;\n"
    "population) and every holiday. Computing a request on each folder and merging the\n"
    "results (safeguard.dask) gives exactly the result over DATA. Fails (exit 1) when the\n"
    "hierarchy has a single root (a country: nothing to split by), or when a row refers to\n"
    "a row of another root's partition (the message names the row). See docs/scale-out.md.\n"
    "\n"
    "Options:\n"
    "  --quiet          no summary on stderr\n"
    "  -h, --help       show this help\n";

}  // namespace

int run_split(int argc, char** argv) {
  std::string data_path, out_dir;
  bool quiet = false;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(split_usage, stdout);
      return 0;
    }
    if (args.flag("--quiet", "-q")) {
      quiet = true;
    } else if (args.positional() && data_path.empty()) {
      data_path = args.value();
    } else if (args.positional() && out_dir.empty()) {
      out_dir = args.value();
    } else {
      args.unknown();
    }
  }
  if (data_path.empty()) throw usage_error("missing DATA");
  if (out_dir.empty()) throw usage_error("missing OUT_DIR");

  const auto start = std::chrono::steady_clock::now();
  try {
    const dataset data = io::load(data_path);
    const std::vector<std::string> folders = engine::split_dataset_by_root(data, out_dir);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& folder : folders) fmt::print("{}\n", folder);
    if (!quiet) fmt::print(stderr, "Wrote {} partitions in {:.2f} s\n", folders.size(), seconds);
  } catch (const load_error& e) {
    for (const diagnostic& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::fprintf(stderr, "safeguard split: %s has load errors; nothing was written\n", data_path.c_str());
    return 1;
  } catch (const error& e) {
    std::fprintf(stderr, "safeguard split: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace safeguard::cli
