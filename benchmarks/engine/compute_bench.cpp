// The standard catalogue on a generated dataset ($SAFEGUARD_BENCH_CHILDREN children, default
// 100,000), after loading: one period at district level, and the 19 periods of 2024 (months,
// quarters, halves, year) × levels 1–3 × sex × age band.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <memory>

#include "bench_data.hpp"
#include "safeguard/engine/compute.hpp"
#include "safeguard/io/load.hpp"

namespace sg = safeguard;

namespace {

const sg::dataset& data() {
  static const sg::dataset d = sg::io::load_dataset(sg::bench::bench_dataset(sg::bench::bench_children()));
  return d;
}

// The dataset's indexes (tree, relations, case rules, rows sorted by date) are built once,
// as an application computing many reports would; BM_PrepareDataset times that step.
const sg::engine::prepared_dataset& prepared() {
  static const sg::engine::prepared_dataset p = [] {
    sg::engine::prepared_dataset q(data());
    sg::engine::compute_request warm;
    warm.periods = {sg::period::parse("2024")};
    sg::engine::compute(q, sg::engine::catalogue::standard(), warm);  // sorts every placing date
    return q;
  }();
  return p;
}

// CASES_NEW for 2024 at the roots, counted plainly, so that a fast wrong engine fails.
double plain_cases_2024(const sg::dataset& d) {
  const auto start = sg::to_day_number({2024, 1, 1});
  const auto end = sg::to_day_number({2024, 12, 31});
  double n = 0;
  for (std::size_t i = 0; i < d.cases.size(); ++i) {
    const auto day = d.cases.reported_date[i];
    if (day < start || day > end || d.cases.consent_reporting[i] == 0) continue;
    const int age = sg::age_in_years(d.children.birth_date[d.cases.child[i].value], day);
    if (age >= 0 && age <= 15) ++n;
  }
  return n;
}

void check_answer(benchmark::State& state, const sg::engine::result& r) {
  double total = 0;
  for (std::size_t i = 0; i < r.size(); ++i)
    if (r.indicator_codes[r.indicator[i]] == "CASES_NEW" && r.periods[r.period_index[i]].id() == "2024" &&
        r.dimension.empty() && data().org_units.parent[static_cast<std::size_t>(r.org_unit[i].value)].value < 0)
      total += r.numerator[i];
  if (total != plain_cases_2024(data())) state.SkipWithError("CASES_NEW disagrees with a plain count");
}

// Times compute over the prepared dataset; freeing the result is the caller's business,
// later, not part of computing (as load_bench does not time freeing the dataset).
// CPU time of the whole process (every thread), in milliseconds.
double process_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// Times computing `request` (freeing the result is not timed). `cpu_ms` is the CPU time of
// both cores per compute: the work done, which drifts less with the VM's speed than the
// wall time does.
void time_computes(benchmark::State& state, const sg::engine::compute_request& request) {
  std::size_t rows = 0;
  double cpu = 0;
  for (auto _ : state) {
    const double before = process_cpu_ms();
    auto r = std::make_unique<sg::engine::result>(
        sg::engine::compute(prepared(), sg::engine::catalogue::standard(), request));
    benchmark::DoNotOptimize(r.get());
    state.PauseTiming();
    cpu += process_cpu_ms() - before;
    rows = r->size();
    r.reset();
    state.ResumeTiming();
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["cpu_ms"] = benchmark::Counter(cpu, benchmark::Counter::kAvgIterations);
}

void BM_StandardCatalogueOnePeriodDistricts(benchmark::State& state) {
  const auto& d = data();
  sg::engine::compute_request request;
  request.periods = {sg::period::parse("2024")};
  request.levels = {1, 2};
  check_answer(state, sg::engine::compute(d, sg::engine::catalogue::standard(), request));
  request.levels = {2};
  prepared();
  time_computes(state, request);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() *
                                                    (d.children.size() + d.cases.size() + d.services.size() + d.activities.size())));
}
BENCHMARK(BM_StandardCatalogueOnePeriodDistricts)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StandardCatalogue19PeriodsLevels123SexAge(benchmark::State& state) {
  sg::engine::compute_request request;
  request.periods = sg::parse_period_list(
      "202401,202402,202403,202404,202405,202406,202407,202408,202409,202410,202411,202412,"
      "2024Q1,2024Q2,2024Q3,2024Q4,2024S1,2024S2,2024",
      sg::to_day_number({2024, 12, 31}));
  request.levels = {1, 2, 3};
  request.by = {"sex", "age_band"};
  prepared();
  time_computes(state, request);
}
BENCHMARK(BM_StandardCatalogue19PeriodsLevels123SexAge)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PrepareDatasetAndComputeOnePeriod(benchmark::State& state) {
  const auto& d = data();
  sg::engine::compute_request request;
  request.periods = {sg::period::parse("2024")};
  for (auto _ : state) {
    auto r = std::make_unique<sg::engine::result>(
        sg::engine::compute(d, sg::engine::catalogue::standard(), request));
    benchmark::DoNotOptimize(r.get());
    state.PauseTiming();
    r.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_PrepareDatasetAndComputeOnePeriod)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

