// `safeguard split DATA OUT_DIR`: splits a dataset into one dataset folder per root of its
// org-unit hierarchy (safeguard::engine::split_dataset_by_root), the partitions that
// safeguard.dask computes in parallel and merges exactly (docs/scale-out.md).
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "safeguard/engine/partition.hpp"
#include "safeguard/io/load.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* split_usage =
    "usage: safeguard split DATA OUT_DIR\n"
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
    "  -h, --help       show this help\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "safeguard split: %s\nRun 'safeguard split --help' for usage.\n", message.c_str());
  return 2;
}

}  // namespace

int run_split(int argc, char** argv) {
  std::string data_path, out_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(split_usage, stdout);
      return 0;
    }
    if (arg.size() >= 2 && arg[0] == '-') return usage_error("unknown option '" + std::string(arg) + "'");
    if (data_path.empty()) {
      data_path = std::string(arg);
    } else if (out_dir.empty()) {
      out_dir = std::string(arg);
    } else {
      return usage_error("unexpected argument '" + std::string(arg) + "'");
    }
  }
  if (data_path.empty()) return usage_error("missing DATA");
  if (out_dir.empty()) return usage_error("missing OUT_DIR");

  const auto start = std::chrono::steady_clock::now();
  try {
    const dataset data = io::load(data_path);
    const std::vector<std::string> folders = engine::split_dataset_by_root(data, out_dir);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& folder : folders) fmt::print("{}\n", folder);
    fmt::print(stderr, "Wrote {} partitions in {:.2f} s\n", folders.size(), seconds);
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
