// The operations of the Python benchmark (bench_python.py), timed in C++: the same calls the
// script makes through the Python package, each timed by the wall clock around the one call,
// so that the difference is the cost of Python. Used by cpp_timings (a separate C++ process)
// and by the module _native_timings (C++ inside the Python process, on the very Dataset the
// script computes with).
//
// Operations: load_csv, load_snapshot (io::load of the folder, of the snapshot);
// compute_first (the standard catalogue for 2024 at level 2 over a dataset without indexes:
// prepare + compute); compute_one (the same over the prepared dataset); compute_19 (the 19
// periods of 2024 × levels 1-3 × sex × age band); district_19 (the 19 periods at level 2).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "safeguard/engine/catalogue.hpp"
#include "safeguard/engine/compute.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/model/calendar.hpp"
#include "safeguard/period/period.hpp"

namespace safeguard::bench {

// The 19 periods of 2024: months, quarters, halves, the year (as bench_python.py asks them).
inline constexpr const char* periods_2024 =
    "202401,202402,202403,202404,202405,202406,202407,202408,202409,202410,202411,202412,"
    "2024Q1,2024Q2,2024Q3,2024Q4,2024S1,2024S2,2024";

class timed_operations {
 public:
  // `data` and `prepared` (over `data`) are what the compute operations read; the loads read
  // `folder` and `snapshot`. `threads` = 0: all cores.
  timed_operations(std::string folder, std::string snapshot, unsigned threads,
                   const dataset& data, const engine::prepared_dataset& prepared)
      : folder_(std::move(folder)), snapshot_(std::move(snapshot)), data_(data),
        prepared_(prepared) {
    one_.periods = {period::parse("2024")};
    one_.levels = {2};
    one_.threads = threads;
    nineteen_.periods = parse_period_list(periods_2024, to_day_number({2024, 12, 31}));
    nineteen_.levels = {1, 2, 3};
    nineteen_.by = {"sex", "age_band"};
    nineteen_.threads = threads;
    districts_ = nineteen_;
    districts_.levels = {2};
    districts_.by.clear();
    load_options_.threads = threads;
  }

  // Milliseconds of one run of `operation` and the count the script checks against its own
  // (children loaded, rows of the result), so that a fast wrong answer fails. The answer is
  // freed after the clock stops: freeing memory is not part of the operation.
  std::pair<double, std::size_t> run(const std::string& operation) const {
    const auto& standard = engine::catalogue::standard();
    const auto children = [](const std::unique_ptr<dataset>& d) { return d->children.size(); };
    const auto rows = [](const engine::result& r) { return r.size(); };
    if (operation == "load_csv")
      return timed([&] { return std::make_unique<dataset>(io::load(folder_, load_options_)); }, children);
    if (operation == "load_snapshot")
      return timed([&] { return std::make_unique<dataset>(io::load(snapshot_, load_options_)); }, children);
    if (operation == "compute_first") return timed([&] { return engine::compute(data_, standard, one_); }, rows);
    if (operation == "compute_one") return timed([&] { return engine::compute(prepared_, standard, one_); }, rows);
    if (operation == "compute_19") return timed([&] { return engine::compute(prepared_, standard, nineteen_); }, rows);
    if (operation == "district_19") return timed([&] { return engine::compute(prepared_, standard, districts_); }, rows);
    throw std::invalid_argument("unknown operation '" + operation + "'");
  }

 private:
  template <typename Make, typename Count>
  static std::pair<double, std::size_t> timed(Make make, Count count_of) {
    const auto start = std::chrono::steady_clock::now();
    auto answer = make();
    const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
    return {ms.count(), count_of(answer)};
  }

  std::string folder_, snapshot_;
  const dataset& data_;
  const engine::prepared_dataset& prepared_;
  engine::compute_request one_, nineteen_, districts_;
  io::load_options load_options_;
};

}  // namespace safeguard::bench
