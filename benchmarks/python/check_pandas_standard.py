#!/usr/bin/env python3
"""Checks that the plain-pandas catalogue (pandas_standard.py) gives safeguard's cells.

The benchmark compares the speed of the two; this proves they compute the same thing. For a
generated dataset (and, with --cases, every hand-made dataset of tests/data/cases) it computes
the 36 standard indicators for each period and level with both, without breakdowns, and
compares numerator, denominator and value of every cell (1e-9 relative). Prints the
differences and exits 1 when there is any; a run that compares no cell fails too.

usage: check_pandas_standard.py [--children 20000] [--periods 2024,2024Q2] [--levels 1,2]
                                [--data-dir DIR] [--cases tests/data/cases]

Run with the Python module on PYTHONPATH (<build>/bindings/python), /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from typing import List, Tuple

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pandas_standard  # noqa: E402  (next to this file)
import safeguard  # noqa: E402


def check_dataset(folder: str, periods: List[str], levels: List[int],
                  honour_consent: bool = True) -> Tuple[int, List[str]]:
    """(cells compared, differences) between safeguard and pandas_standard on FOLDER."""
    resolved = safeguard.parse_period_list(",".join(periods), "2024-12-31")
    expected = safeguard.load(folder).compute(resolved, levels=levels,
                                              honour_consent=honour_consent).to_pandas()
    prepared = pandas_standard.prepare(pandas_standard.load(folder), honour_consent)
    actual = pd.concat([pandas_standard.compute(prepared, p.id, level, p.start, p.end)
                        for p in resolved for level in levels], ignore_index=True)
    return len(actual), pandas_standard.compare(expected, actual)


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--periods", default="2024,2024Q2")
    parser.add_argument("--levels", default="1,2")
    parser.add_argument("--data-dir", help="an existing dataset folder instead of generating one")
    parser.add_argument("--cases", help="also check every hand-made dataset of this folder "
                                        "(tests/data/cases) for the periods of its request.txt")
    args = parser.parse_args(argv)
    periods = [p for p in args.periods.split(",") if p]
    levels = [int(level) for level in args.levels.split(",") if level]

    failures = 0
    checked = []
    with tempfile.TemporaryDirectory(prefix="safeguard-pandas-") as tmp:
        folder = args.data_dir
        if folder is None:
            folder = os.path.join(tmp, f"children-{args.children}")
            safeguard.generate(folder, children=args.children, seed=args.seed)
        started = time.perf_counter()
        cells, problems = check_dataset(folder, periods, levels)
        checked.append((f"generated, {args.children:,} children" if args.data_dir is None
                        else folder, cells, problems, time.perf_counter() - started))

    if args.cases:
        for name in sorted(os.listdir(args.cases)):
            case = os.path.join(args.cases, name)
            request = os.path.join(case, "request.txt")
            if not os.path.isfile(request):
                continue
            with open(request, encoding="utf-8") as f:
                words = shlex.split(f.read())
            started = time.perf_counter()
            cells, problems = check_dataset(case, words[words.index("--period") + 1].split(","),
                                            [1, 2, 3], "--no-consent" not in words)
            checked.append((f"tests/data/cases/{name}", cells, problems,
                            time.perf_counter() - started))

    for what, cells, problems, seconds in checked:
        status = "ok" if cells and not problems else "FAILED"
        print(f"{status:6} {what}: {cells} cells compared, {len(problems)} differences "
              f"({seconds:.1f} s)")
        for problem in problems[:50]:
            print(f"       {problem}")
        failures += bool(problems) or not cells
    if failures:
        print(f"pandas_standard differs from safeguard on {failures} of {len(checked)} datasets")
    else:
        print(f"pandas_standard equals safeguard on all {len(checked)} datasets")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
