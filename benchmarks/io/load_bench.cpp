// Loading: CSV throughput (bytes and rows per second) and snapshot load time, on generated
// datasets ($SAFEGUARD_BENCH_CHILDREN children, default 100,000).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "bench_data.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/snapshot.hpp"

namespace sg = safeguard;

namespace {

std::size_t total_rows(const sg::dataset& d) {
  return d.org_units.size() + d.population.size() + d.agencies.size() + d.children.size() +
         d.circumstances.size() + d.cases.size() + d.services.size() + d.activities.size() +
         d.plans.size() + d.targets.size() + d.holidays.size();
}

void BM_LoadCsv(benchmark::State& state) {
  const auto children = sg::bench::bench_children();
  const std::string folder = sg::bench::bench_dataset(children);
  const auto bytes = sg::bench::folder_bytes(folder);
  std::size_t rows = 0;
  for (auto _ : state) {
    auto d = std::make_unique<sg::dataset>(sg::io::load_dataset(folder));
    benchmark::DoNotOptimize(d.get());
    // Freeing the columns is the caller's business, later, not part of loading.
    state.PauseTiming();
    // The answer is checked, not only timed: every child generated is loaded.
    if (d->children.size() != children) state.SkipWithError("wrong number of children loaded");
    rows = total_rows(*d);
    d.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["csv_MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["children"] = static_cast<double>(children);
}
BENCHMARK(BM_LoadCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

void BM_LoadSnapshot(benchmark::State& state) {
  const auto children = sg::bench::bench_children();
  const std::string folder = sg::bench::bench_dataset(children);
  const std::string snapshot = folder + ".sgsnap";
  if (!std::filesystem::exists(snapshot)) sg::io::save_snapshot(sg::io::load_dataset(folder), snapshot);
  const auto bytes = std::filesystem::file_size(snapshot);
  for (auto _ : state) {
    auto d = std::make_unique<sg::dataset>(sg::io::load_snapshot(snapshot));
    benchmark::DoNotOptimize(d.get());
    state.PauseTiming();
    if (d->children.size() != children) state.SkipWithError("wrong number of children loaded");
    d.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["snapshot_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_LoadSnapshot)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

}  // namespace

