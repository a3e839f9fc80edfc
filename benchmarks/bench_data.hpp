// Shared by the benchmarks: a generated dataset of the size asked for, made once and kept
// under $SAFEGUARD_BENCH_DIR (default /tmp/safeguard-bench) so that repeated runs skip it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "safeguard/io/generate.hpp"

namespace safeguard::bench {

/// Children in the benchmark dataset: $SAFEGUARD_BENCH_CHILDREN, default 100,000.
inline std::uint64_t bench_children() {
  const char* env = std::getenv("SAFEGUARD_BENCH_CHILDREN");
  return env ? std::strtoull(env, nullptr, 10) : 100000;
}

/// The folder of a generated dataset with `children` children (seed 1, one province per
/// 1.5 million children), generated on first use.
inline std::string bench_dataset(std::uint64_t children) {
  const char* env = std::getenv("SAFEGUARD_BENCH_DIR");
  const std::filesystem::path root = env ? env : "/tmp/safeguard-bench";
  const std::filesystem::path folder = root / ("children-" + std::to_string(children));
  if (!std::filesystem::exists(folder / "org_units.csv")) {
    std::filesystem::create_directories(folder);
    io::generate_options options;
    options.children = children;
    options.provinces = static_cast<int>(std::max<std::uint64_t>(1, children / 1500000));
    options.seed = 1;
    io::generate_dataset(folder.string(), options);
  }
  return folder.string();
}

/// Total bytes of the CSV files of a dataset folder.
inline std::uint64_t folder_bytes(const std::string& folder) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.is_regular_file() && e.path().extension() == ".csv") total += e.file_size();
  return total;
}

}  // namespace safeguard::bench
