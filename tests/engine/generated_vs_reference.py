#!/usr/bin/env python3
"""Checks every standard indicator of `safeguard compute` against the independent,
row-by-row reference (tests/reference/reference.py) on generated datasets, for several
periods, levels and breakdowns.

usage: generated_vs_reference.py SAFEGUARD_BIN [--children N] [--seeds 1,2]
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import compare  # noqa: E402

# Requests as `safeguard compute` arguments; the reference takes the same ones.
REQUESTS = [
    ["--period", "2024", "--level", "1,2"],
    ["--period", "2024Q1,2024Q2,2024S2,202406,2024W27", "--level", "2,3"],
    ["--period", "2023,2024S1", "--level", "1,2", "--by", "sex,age_band"],
    ["--period", "2024", "--level", "2", "--by", "concern_group"],
    ["--period", "2024", "--level", "1", "--by", "agency"],
    ["--period", "2024", "--level", "1,2", "--by", "circumstance,disability"],
    ["--period", "2024Q3", "--level", "2", "--by", "topic,kind"],
    ["--period", "2024", "--level", "1", "--by", "service,referred"],
    ["--period", "2024", "--level", "2", "--by", "ethnicity,source"],
    ["--period", "2024S1", "--level", "1", "--by", "age_band", "--age-bands", "0-2,3-5,6-15"],
    ["--period", "2024", "--level", "1,2", "--no-consent"],
    ["--period", "2024-03-15..2024-09-30", "--level", "1,2,3", "--by", "outcome,perpetrator"],
    # Whole months read by month (a leap February, a span of whole months, a financial year
    # across two calendar years, spans reaching before and after the data), next to a year
    # read in row order.
    ["--period", "202402,2024-02-01..2024-04-30,2024July,2022-11-01..2023-01-31,"
     "2025-12-01..2026-02-28,2023Q4,2025", "--level", "1,2", "--by", "sex"],
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--children", type=int, default=6000)
    parser.add_argument("--seeds", default="7,11")
    parser.add_argument("--provinces", type=int, default=2)
    args = parser.parse_args()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds.split(","):
            data = os.path.join(tmp, f"data{seed}")
            subprocess.run([args.binary, "generate", data, "--children", str(args.children),
                            "--provinces", str(args.provinces), "--seed", seed, "--quiet"], check=True)
            for i, request in enumerate(REQUESTS):
                ours = os.path.join(tmp, f"ours{seed}_{i}.csv")
                theirs = os.path.join(tmp, f"ref{seed}_{i}.csv")
                subprocess.run([args.binary, "compute", data, *request, "-o", ours, "--quiet"], check=True)
                subprocess.run([sys.executable, os.path.join(ROOT, "tests", "reference", "reference.py"),
                                data, *request, "-o", theirs], check=True)
                mismatches = compare.compare_files(theirs, ours)
                label = f"seed {seed}: {' '.join(request)}"
                if mismatches:
                    failed += 1
                    print(f"FAIL {label}: {len(mismatches)} cells differ")
                    for m in mismatches[:15]:
                        print("    ", m)
                else:
                    passed += 1
                    print(f"ok   {label}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
