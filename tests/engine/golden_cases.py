#!/usr/bin/env python3
"""Runs `safeguard compute` on every hand-made dataset under tests/data/cases/ and compares
its output, cell by cell, with the dataset's expected.csv (answers worked out by hand).

usage: golden_cases.py SAFEGUARD_BIN [CASE_NAME ...]
"""
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import compare  # noqa: E402  (tests/reference/compare.py)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = argv[1]
    cases_dir = os.path.join(ROOT, "tests", "data", "cases")
    names = argv[2:] or sorted(
        d for d in os.listdir(cases_dir) if os.path.isfile(os.path.join(cases_dir, d, "expected.csv")))
    passed = failed = 0
    for name in names:
        folder = os.path.join(cases_dir, name)
        with open(os.path.join(folder, "request.txt"), encoding="utf-8") as f:
            args = shlex.split(f.read())
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "actual.csv")
            run = subprocess.run([binary, "compute", folder, *args, "-o", out, "--quiet"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f"{name}: safeguard compute failed ({run.returncode}): {run.stderr.strip()}")
                failed += 1
                continue
            mismatches = compare.compare_files(os.path.join(folder, "expected.csv"), out)
        if mismatches:
            failed += 1
            print(f"{name}: {len(mismatches)} mismatching cells")
            for m in mismatches[:20]:
                print("   ", m)
        else:
            passed += 1
            print(f"{name}: ok")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
