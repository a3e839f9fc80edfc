#!/usr/bin/env python3
"""The Python benchmark of safeguard (issue 4, "Benchmarks").

Measures on one generated dataset (N children, seed 1, the folder the C++ benchmarks use):

1. what Python adds over C++ for the same operations: load (CSV folder, snapshot); compute of
   the standard catalogue for 2024 at district level (over a new dataset, which builds its
   indexes first, and over a prepared one); the 19 periods of 2024 × levels 1–3 × sex × age
   band; the 19 periods at district level. Each is timed through the package and in C++
   (timed_operations.hpp), the two sides taking turns run by run, so that both meet the same
   machine. By default the C++ side runs inside this process (the module _native_timings,
   built next to the C++ benchmarks) on the very Dataset the package computes with, so that
   the two differ by nothing but Python; with --separate-process it is the program
   cpp_timings, which also counts what differs between two processes (their memory, where
   the dataset sits). Plus ``to_pandas()`` of the district × 19-period report, which has no
   C++ counterpart;
2. the same 36 indicators written in plain pandas (pandas_standard.py) against safeguard from
   Python, for 2024 at level 2: load, prepare, compute. The pandas cells are checked equal to
   safeguard's before any timing is printed.

Each figure is the best and the median of the timed runs (time.perf_counter around the one
call, garbage collection paused, as timeit does), after one untimed warm-up run: at least
--repeat runs, more for a quick operation, until --min-time seconds (as Google Benchmark's
MinTime). Answers are checked, not only timed: children loaded and rows of every result agree
on both sides. The module and cpp_timings must be linked against the same build of the
library: the script stops when either is older than the build tree's libsafeguard.

usage: bench_python.py [--children 1000000] [--repeat 5] [--min-time 1]
                       [--data-dir /tmp/safeguard-bench] [--build-dir BUILD] [--threads 0]
                       [--separate-process] [--json FILE]

Run with /usr/bin/python3 (numpy and pandas). --build-dir (default $SAFEGUARD_BUILD_DIR) is a
build tree configured with -DSAFEGUARD_BUILD_PYTHON=ON -DSAFEGUARD_BUILD_BENCHMARKS=ON: its
module is imported and its benchmarks/_native_timings (or benchmarks/cpp_timings) used. Without it, the package on PYTHONPATH
is used and cpp_timings is looked for in the build tree that package sits in.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))

# The 19 periods of 2024 (months, quarters, halves, the year), as compute_bench.cpp asks them.
PERIODS_19 = ",".join([f"2024{m:02d}" for m in range(1, 13)] + [f"2024Q{q}" for q in range(1, 5)]
                      + ["2024S1", "2024S2", "2024"])

# The operations timed on both sides (names shared with cpp_timings) and their labels.
OPERATIONS = [
    ("load_csv", "load, CSV folder"),
    ("load_snapshot", "load, snapshot"),
    ("compute_first", "compute 2024, level 2, new dataset (builds indexes)"),
    ("compute_one", "compute 2024, level 2 (prepared)"),
    ("compute_19", "compute 19 periods × levels 1–3 × sex × age band"),
    ("district_19", "compute 19 periods, level 2"),
]


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=1_000_000,
                        help="children in the generated dataset (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed runs per operation and side, at least (default 5)")
    parser.add_argument("--min-time", type=float, default=1.0,
                        help="seconds of timed runs per operation and side, at least: a quick "
                             "operation runs more than --repeat times (default 1; at most "
                             "10 × --repeat runs)")
    parser.add_argument("--data-dir",
                        default=os.environ.get("SAFEGUARD_BENCH_DIR", "/tmp/safeguard-bench"),
                        help="where datasets are generated and kept, as children-N "
                             "(default $SAFEGUARD_BENCH_DIR or /tmp/safeguard-bench)")
    parser.add_argument("--build-dir", default=os.environ.get("SAFEGUARD_BUILD_DIR"),
                        help="build tree holding bindings/python and benchmarks/cpp_timings")
    parser.add_argument("--cpp-timings",
                        help="the cpp_timings program (default: in the build tree)")
    parser.add_argument("--separate-process", action="store_true",
                        help="time the C++ side in the program cpp_timings rather than inside "
                             "this process")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads of load and compute on both sides (default 0: all cores)")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    if args.children < 1 or args.repeat < 1 or args.threads < 0 or args.min_time < 0:
        parser.error("--children and --repeat must be at least 1, --threads and --min-time "
                     "at least 0")
    return args


def time_once(call: Callable[[], Any]) -> Tuple[float, Any]:
    """Milliseconds of one call and its answer, garbage collection paused during the call."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        answer = call()
        return (time.perf_counter() - start) * 1000.0, answer
    finally:
        gc.enable()


def best(ms: List[float]) -> float:
    return min(ms)


def median(ms: List[float]) -> float:
    return statistics.median(ms)


def benchmark_dirs(args: argparse.Namespace, module_file: str) -> List[str]:
    """Where the C++ side is looked for: <build>/benchmarks of --build-dir, then of the build
    tree the package sits in (<build>/bindings/python/safeguard/__init__.py)."""
    dirs = []
    if args.build_dir:
        dirs.append(os.path.join(args.build_dir, "benchmarks"))
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(module_file))))
    dirs.append(os.path.join(build, "benchmarks"))
    return dirs


def find_cpp_timings(args: argparse.Namespace, module_file: str) -> str:
    if args.cpp_timings:
        return args.cpp_timings
    candidates = [os.path.join(d, "cpp_timings") for d in benchmark_dirs(args, module_file)]
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit("bench_python.py: cpp_timings not found (build the target cpp_timings, or pass "
             "--build-dir or --cpp-timings); looked at " + ", ".join(candidates))


def import_native_timings(args: argparse.Namespace, module_file: str) -> Any:
    """The module _native_timings of the package's build tree, and the file it came from."""
    import importlib.util
    for folder in benchmark_dirs(args, module_file):
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.startswith("_native_timings") and name.endswith(".so"):
                spec = importlib.util.spec_from_file_location("_native_timings",
                                                              os.path.join(folder, name))
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return module
    sys.exit("bench_python.py: _native_timings not found (build the target _native_timings, "
             "or pass --build-dir, or use --separate-process); looked in "
             + ", ".join(benchmark_dirs(args, module_file)))


class NativeTimings:
    """The C++ side inside this process (_native_timings), on the package's own Dataset."""

    def __init__(self, module: Any, folder: str, snapshot: str, threads: int, dataset: Any) -> None:
        self.timings = module.Timings(folder, snapshot, threads, dataset.core,
                                      dataset._prepared_core())
        self.children = dataset.rows["children"]

    def run(self, operation: str) -> Tuple[float, int]:
        # The same preparation as the Python side's (time_once): a collection just before the
        # run, none during it. A collection walks every Python object and leaves the caches
        # cold, so doing it for one side only would be counted as Python's cost.
        gc.collect()
        gc.disable()
        try:
            ms, count = self.timings.run(operation)
        finally:
            gc.enable()
        return float(ms), int(count)

    def close(self) -> None:
        self.timings = None


class CppTimings:
    """The cpp_timings process: one operation per request, answered with (ms, count)."""

    def __init__(self, program: str, folder: str, snapshot: str, threads: int) -> None:
        self.process = subprocess.Popen([program, folder, snapshot, str(threads)], text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ready = self.process.stdout.readline().split()
        if len(ready) != 2 or ready[0] != "ready":
            self.close()
            sys.exit("bench_python.py: cpp_timings did not start")
        self.children = int(ready[1])

    def run(self, operation: str) -> Tuple[float, int]:
        self.process.stdin.write(operation + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        if len(answer) != 2:
            self.close()
            sys.exit(f"bench_python.py: cpp_timings failed on {operation}")
        return float(answer[0]), int(answer[1])

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def check_same_build(module_file: str, cpp_program: str) -> None:
    """Stops when the module or cpp_timings is older than the library of its build tree: the
    two would then time different code, and the difference would not be Python's."""
    for program in (module_file, cpp_program):
        build = os.path.dirname(os.path.dirname(program))  # <build>/benchmarks/cpp_timings
        if program == module_file:  # <build>/bindings/python/safeguard/_safeguard*.so
            build = os.path.dirname(os.path.dirname(build))
        for name in ("libsafeguard.a", "libsafeguard.so"):
            library = os.path.join(build, name)
            if os.path.exists(library) and os.path.getmtime(program) < os.path.getmtime(library):
                sys.exit(f"bench_python.py: {program} is older than {library}; rebuild both "
                         f"(cmake --build {build} --target _safeguard cpp_timings)")


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.build_dir:
        sys.path.insert(0, os.path.join(args.build_dir, "bindings", "python"))
    sys.path.insert(0, HERE)
    import pandas as pd
    import pandas_standard
    import safeguard

    n, repeat, threads = args.children, args.repeat, args.threads
    if args.separate_process:
        cpp_program = find_cpp_timings(args, safeguard.__file__)
    else:
        native = import_native_timings(args, safeguard.__file__)
        cpp_program = native.__file__
    check_same_build(safeguard._safeguard.__file__, cpp_program)

    # The dataset: generated once and kept, in the layout of benchmarks/bench_data.hpp.
    folder = os.path.join(args.data_dir, f"children-{n}")
    snapshot = folder + ".sgsnap"
    if not os.path.exists(os.path.join(folder, "org_units.csv")):
        print(f"generating {n:,} children into {folder} ...", flush=True)
        os.makedirs(folder, exist_ok=True)
        safeguard.generate(folder, children=n, provinces=max(1, n // 1_500_000), seed=1)
    try:
        if safeguard.load(snapshot).rows["children"] != n:
            raise safeguard.SafeguardError("the snapshot holds another dataset")
    except (safeguard.SafeguardError, OSError):
        print(f"writing the snapshot {snapshot} ...", flush=True)
        safeguard.load(folder).save(snapshot)
    csv_mb = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
                 if f.endswith(".csv")) / 1e6

    # Python's side of each operation: (what runs before the clock starts, the timed call,
    # the count checked against C++'s). `ds` is prepared like cpp_timings' dataset.
    ds = safeguard.load(snapshot, threads=threads)
    ds.compute("2024", levels=2, threads=threads)  # builds the indexes, sorts every placing date
    fresh: List[Any] = [None]

    def new_dataset() -> None:
        # A new Dataset over the same columns has no indexes yet: its first compute builds them.
        fresh[0] = safeguard.Dataset(ds.core)

    Side = Tuple[Optional[Callable[[], None]], Callable[[], Any], Callable[[Any], int]]
    python_side: Dict[str, Side] = {
        "load_csv": (None, lambda: safeguard.load(folder, threads=threads),
                     lambda d: d.rows["children"]),
        "load_snapshot": (None, lambda: safeguard.load(snapshot, threads=threads),
                          lambda d: d.rows["children"]),
        "compute_first": (new_dataset,
                          lambda: fresh[0].compute("2024", levels=2, threads=threads), len),
        "compute_one": (None, lambda: ds.compute("2024", levels=2, threads=threads), len),
        "compute_19": (None, lambda: ds.compute(PERIODS_19, levels=[1, 2, 3],
                                                by=["sex", "age_band"], threads=threads), len),
        "district_19": (None, lambda: ds.compute(PERIODS_19, levels=2, threads=threads), len),
    }
    answers: Dict[str, Any] = {}  # the last answer of each compute, for to_pandas and pandas

    def runs_for(warm_up_ms: float) -> int:
        """As Google Benchmark's MinTime: enough runs for --min-time seconds."""
        wanted = math.ceil(args.min_time * 1000.0 / max(warm_up_ms, 1e-3))
        return max(repeat, min(10 * repeat, wanted))

    def run_python(key: str) -> Tuple[float, int]:
        before, call, count_of = python_side[key]
        answers.pop(key, None)  # the previous answer is freed before the run, as in C++
        if before is not None:
            before()
        ms, answer = time_once(call)
        if not key.startswith("load"):
            answers[key] = answer
        return ms, count_of(answer)

    print(f"C++ and Python, taking turns (at least {repeat} runs per operation and side) ...",
          flush=True)
    cpp_ms: Dict[str, List[float]] = {}
    py_ms: Dict[str, List[float]] = {}
    counts: Dict[str, int] = {}
    cpp = (CppTimings(cpp_program, folder, snapshot, threads) if args.separate_process
           else NativeTimings(native, folder, snapshot, threads, ds))
    try:
        if cpp.children != n or ds.rows["children"] != n:
            sys.exit(f"bench_python.py: {cpp.children} children loaded in C++, "
                     f"{ds.rows['children']} in Python, not {n}")
        for key, _ in OPERATIONS:
            cpp_ms[key], py_ms[key] = [], []
            runs = repeat
            for run in itertools.count():  # run 0 is the untimed warm-up
                if run > runs:
                    break
                # The side that goes first alternates, so that neither always follows the other.
                for side in (("C++", "Python") if run % 2 == 0 else ("Python", "C++")):
                    ms, count = cpp.run(key) if side == "C++" else run_python(key)
                    if counts.setdefault(key, count) != count:
                        sys.exit(f"bench_python.py: {key} gives {count} in {side}, "
                                 f"{counts[key]} on the other side")
                    if run:
                        (cpp_ms if side == "C++" else py_ms)[key].append(ms)
                    elif side == "C++":
                        runs = runs_for(ms)
    finally:
        cpp.close()
    fresh[0] = None
    if counts["load_csv"] != n or counts["load_snapshot"] != n:
        sys.exit(f"bench_python.py: loads gave {counts['load_csv']} and {counts['load_snapshot']} "
                 f"children, not {n}")

    districts = answers["district_19"]
    to_pandas_ms: List[float] = []
    ms, report = time_once(districts.to_pandas)  # the warm-up
    for _ in range(runs_for(ms)):
        ms, report = time_once(districts.to_pandas)
        if len(report) != len(districts):
            sys.exit("bench_python.py: to_pandas() lost rows")
        to_pandas_ms.append(ms)
    one = answers["compute_one"]
    answers.clear()

    print("plain pandas ...", flush=True)
    pandas_ms: Dict[str, List[float]] = {"load": [], "prepare": [], "compute": [],
                                         "district_19": []}
    for _ in range(repeat):
        ms, tables = time_once(lambda: pandas_standard.load(folder))
        pandas_ms["load"].append(ms)
        ms, prepared = time_once(lambda t=tables: pandas_standard.prepare(t))
        pandas_ms["prepare"].append(ms)
        ms, table = time_once(lambda p=prepared: pandas_standard.compute(p, "2024", 2))
        pandas_ms["compute"].append(ms)
        del tables  # freed before the next run
    # The district × 19-period report, one period after the other (a pandas script has no
    # shared scan over periods); fewer runs, being 19 computes.
    for _ in range(min(repeat, 3)):
        ms, table_19 = time_once(lambda p=prepared: pd.concat(
            [pandas_standard.compute(p, period, 2) for period in PERIODS_19.split(",")],
            ignore_index=True))
        pandas_ms["district_19"].append(ms)
    del prepared
    problems = (pandas_standard.compare(one.to_pandas(), table)
                + pandas_standard.compare(report, table_19))
    if problems or len(table) == 0 or len(table_19) == 0:
        print("\n".join(problems[:50]))
        sys.exit("bench_python.py: the pandas version does not give safeguard's cells; "
                 "no timing is reported")
    del report

    # --- the report ---------------------------------------------------------------------------
    where = ("C++ in its own process (cpp_timings)" if args.separate_process
             else "C++ inside this process, on the same Dataset (_native_timings)")
    print(f"\nsafeguard {safeguard.__version__}, {n:,} children ({csv_mb:,.1f} MB of CSV), "
          f"{threads or 'all'} threads; {where}; ms, best and median of the runs of each "
          f"side; Python's overhead of the best runs, and paired (the median over rounds of "
          f"the two sides' difference)\n")
    header = (f"{'operation':56} {'runs':>4} {'C++ best':>9} {'median':>9} {'Python best':>11} "
              f"{'median':>9} {'of best':>8} {'paired':>8}")
    print(header)
    print("-" * len(header))
    # What Python adds, two ways: the best run of each side compared, and the median over the
    # runs of Python's time over C++'s in the same round (the two sides of a round run one
    # after the other, so that the machine's drift cancels out; the headline figure).
    overhead: Dict[str, float] = {}
    paired: Dict[str, float] = {}
    for key, label in OPERATIONS:
        c, p = cpp_ms[key], py_ms[key]
        overhead[key] = (best(p) - best(c)) / best(c) * 100.0
        paired[key] = median([(py - cc) / cc * 100.0 for py, cc in zip(p, c)])
        print(f"{label:56} {len(p):4} {best(c):9.1f} {median(c):9.1f} {best(p):11.1f} "
              f"{median(p):9.1f} {overhead[key]:+7.1f}% {paired[key]:+7.1f}%")
    label = f"to_pandas() of level 2 × 19 periods ({len(districts):,} rows)"
    print(f"{label:56} {len(to_pandas_ms):4} {'':9} {'':9} {best(to_pandas_ms):11.1f} "
          f"{median(to_pandas_ms):9.1f}")

    pandas_best = {step: best(ms) for step, ms in pandas_ms.items()}
    pairs = [
        ("load (read_csv + typing | safeguard.load)", pandas_best["load"], best(py_ms["load_csv"])),
        ("2024: prepare + compute (new dataset)", pandas_best["prepare"] + pandas_best["compute"],
         best(py_ms["compute_first"])),
        ("2024: compute (prepared)", pandas_best["compute"], best(py_ms["compute_one"])),
        ("2024: load + prepare + compute",
         pandas_best["load"] + pandas_best["prepare"] + pandas_best["compute"],
         best(py_ms["load_csv"]) + best(py_ms["compute_first"])),
        ("19 periods: compute (prepared)", pandas_best["district_19"],
         best(py_ms["district_19"])),
    ]
    print(f"\nplain pandas (pandas_standard.py) vs safeguard from Python: the 36 standard "
          f"indicators at level 2,\nfor 2024 ({len(table)} cells) and for the 19 periods of 2024 "
          f"({len(table_19):,} cells), equal on both sides;\nms, best of the runs (pandas: "
          f"{repeat}, {len(pandas_ms['district_19'])} for the 19 periods)\n")
    header = f"{'step':56} {'pandas':>9} {'safeguard':>11} {'speed-up':>9}"
    print(header)
    print("-" * len(header))
    speedups: Dict[str, float] = {}
    for label, pandas_time, safeguard_time in pairs:
        speedups[label] = pandas_time / safeguard_time
        print(f"{label:56} {pandas_time:9.1f} {safeguard_time:11.1f} {speedups[label]:8.1f}×")
    print(f"(pandas prepare alone: {pandas_best['prepare']:.1f} ms)")

    if args.json:
        figures = {
            "safeguard_version": safeguard.__version__,
            "children": n,
            "csv_mb": csv_mb,
            "repeat": repeat,
            "threads": threads,
            "rows": counts,
            "cpp_ms": cpp_ms,
            "python_ms": dict(py_ms, to_pandas=to_pandas_ms),
            "pandas_ms": pandas_ms,
            "python_overhead_percent_of_best": overhead,
            "python_overhead_percent_paired_median": paired,
            "pandas_speedup_of_best": speedups,
            "pandas_cells": len(table),
            "pandas_cells_equal": True,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
