// The C++ half of the Python benchmark (bench_python.py): runs, on request, the operations
// the script times through the Python package, timed here in C++ the same way (wall clock
// around the one call), so that the difference is the cost of Python.
//
// The script and this program take turns, one run at a time, so that both sides meet the
// same machine (a shared machine's speed drifts by tens of percent over a minute). It reads
// one operation name per line on stdin and answers each with one line "<milliseconds>
// <count>", the count being what the script checks against its own (children loaded, rows of
// the result), so that a fast wrong answer on either side fails. The first line it writes is
// "ready <children>", once the dataset is loaded and prepared.
//
// Operations: load_csv, load_snapshot (io::load of the folder, of the snapshot);
// compute_first (the standard catalogue for 2024 at level 2 over a dataset without indexes:
// prepare + compute); compute_one (the same over the prepared dataset); compute_19 (the 19
// periods of 2024 × levels 1-3 × sex × age band); district_19 (the 19 periods at level 2).
//
// usage: cpp_timings FOLDER SNAPSHOT [THREADS]   (threads of load and compute; 0 = all cores)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "safeguard/engine/catalogue.hpp"
#include "safeguard/engine/compute.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/model/calendar.hpp"
#include "safeguard/period/period.hpp"

namespace sg = safeguard;

namespace {

// The 19 periods of 2024: months, quarters, halves, the year (as bench_python.py asks them).
constexpr const char* periods_2024 =
    "202401,202402,202403,202404,202405,202406,202407,202408,202409,202410,202411,202412,"
    "2024Q1,2024Q2,2024Q3,2024Q4,2024S1,2024S2,2024";

// Milliseconds of one call of `make` and the count `count_of` reads from its answer. The
// answer is destroyed after the clock stops: freeing memory is not part of the operation.
template <typename Make, typename Count>
void run_once(Make make, Count count_of) {
  const auto start = std::chrono::steady_clock::now();
  auto answer = make();
  const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
  std::printf("%.4f %zu\n", ms.count(), count_of(answer));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4 || (argc == 4 && std::atoi(argv[3]) < 0)) {
    std::fprintf(stderr, "usage: cpp_timings FOLDER SNAPSHOT [THREADS]\n");
    return 2;
  }
  const std::string folder = argv[1];
  const std::string snapshot = argv[2];
  const auto threads = static_cast<unsigned>(argc == 4 ? std::atoi(argv[3]) : 0);
  try {
    const auto& standard = sg::engine::catalogue::standard();
    sg::engine::compute_request one;
    one.periods = {sg::period::parse("2024")};
    one.levels = {2};
    one.threads = threads;
    sg::engine::compute_request nineteen;
    nineteen.periods = sg::parse_period_list(periods_2024, sg::to_day_number({2024, 12, 31}));
    nineteen.levels = {1, 2, 3};
    nineteen.by = {"sex", "age_band"};
    nineteen.threads = threads;
    sg::engine::compute_request districts = nineteen;
    districts.levels = {2};
    districts.by.clear();
    sg::io::load_options load_options;
    load_options.threads = threads;

    const sg::dataset data = sg::io::load(snapshot, load_options);
    const sg::engine::prepared_dataset prepared(data);
    sg::engine::compute(prepared, standard, one);  // sorts every placing date, as Python's warm-up
    std::printf("ready %zu\n", data.children.size());
    std::fflush(stdout);

    const auto children = [](const std::unique_ptr<sg::dataset>& d) { return d->children.size(); };
    const auto rows = [](const sg::engine::result& r) { return r.size(); };
    std::string operation;
    while (std::getline(std::cin, operation)) {
      if (operation == "load_csv") {
        run_once([&] { return std::make_unique<sg::dataset>(sg::io::load(folder, load_options)); },
                 children);
      } else if (operation == "load_snapshot") {
        run_once(
            [&] { return std::make_unique<sg::dataset>(sg::io::load(snapshot, load_options)); },
            children);
      } else if (operation == "compute_first") {
        run_once([&] { return sg::engine::compute(data, standard, one); }, rows);
      } else if (operation == "compute_one") {
        run_once([&] { return sg::engine::compute(prepared, standard, one); }, rows);
      } else if (operation == "compute_19") {
        run_once([&] { return sg::engine::compute(prepared, standard, nineteen); }, rows);
      } else if (operation == "district_19") {
        run_once([&] { return sg::engine::compute(prepared, standard, districts); }, rows);
      } else {
        std::fprintf(stderr, "cpp_timings: unknown operation '%s'\n", operation.c_str());
        return 2;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cpp_timings: %s\n", e.what());
    return 1;
  }
  return 0;
}
