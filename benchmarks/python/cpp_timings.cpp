// The C++ half of the Python benchmark (bench_python.py --separate-process): runs, on
// request, the operations the script times through the Python package (timed_operations.hpp),
// in a C++ program of its own.
//
// The script and this program take turns, one run at a time, so that both sides meet the
// same machine (a shared machine's speed drifts by tens of percent over a minute). It reads
// one operation name per line on stdin and answers each with one line "<milliseconds>
// <count>". The first line it writes is "ready <children>", once the dataset is loaded and
// prepared.
//
// usage: cpp_timings FOLDER SNAPSHOT [THREADS]   (threads of load and compute; 0 = all cores)
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "python/timed_operations.hpp"

namespace sg = safeguard;

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4 || (argc == 4 && std::atoi(argv[3]) < 0)) {
    std::fprintf(stderr, "usage: cpp_timings FOLDER SNAPSHOT [THREADS]\n");
    return 2;
  }
  const auto threads = static_cast<unsigned>(argc == 4 ? std::atoi(argv[3]) : 0);
  try {
    sg::io::load_options load_options;
    load_options.threads = threads;
    const sg::dataset data = sg::io::load(argv[2], load_options);
    const sg::engine::prepared_dataset prepared(data);
    const sg::bench::timed_operations operations(argv[1], argv[2], threads, data, prepared);
    operations.run("compute_one");  // sorts every placing date, as Python's warm-up
    std::printf("ready %zu\n", data.children.size());
    std::fflush(stdout);
    std::string operation;
    while (std::getline(std::cin, operation)) {
      const auto [ms, count] = operations.run(operation);
      std::printf("%.4f %zu\n", ms, count);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cpp_timings: %s\n", e.what());
    return 1;
  }
  return 0;
}
