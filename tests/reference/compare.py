#!/usr/bin/env python3
"""Compares two indicator tables (the spec's output CSV) cell by cell.

usage: compare.py EXPECTED.csv ACTUAL.csv

Both files must have the same header. Rows are matched by their key: indicator, period,
org_unit and the dimension columns. numerator, denominator, value and target are compared as
numbers (equal within 1e-9 relative, or both empty); status as text. A row present on one
side only is compared with an absent cell, which has numerator 0, an empty value, no target
and an empty status: it matches a row whose numerator is 0 or empty, whose value is empty or 0
and which has no target. Prints each mismatch (at most 50) and a summary line
`N passed, M failed` (rows); exits 1 on any mismatch.

Standard library only; golden_cases.py and generated_vs_reference.py import compare_files.
"""

import csv
import sys

NUMBER_COLUMNS = ("numerator", "denominator", "value", "target")
RESULT_COLUMNS = NUMBER_COLUMNS + ("status",)
RELATIVE_TOLERANCE = 1e-9
MAX_PRINTED = 50


def read_table(path):
    """(header, {key: {column: text}}) of an output table; the key is every column before
    `numerator`. A key seen twice is kept once and reported by compare_tables."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        rows = {}
        duplicates = []
        key_width = header.index("numerator") if "numerator" in header else len(header)
        for fields in reader:
            if not fields:
                continue
            fields = fields + [""] * (len(header) - len(fields))
            key = tuple(fields[:key_width])
            if key in rows:
                duplicates.append(key)
            rows[key] = dict(zip(header[key_width:], fields[key_width:]))
        return header, rows, duplicates


def numbers_equal(a, b):
    """Two cells of a number column: both empty, or numbers within the relative tolerance."""
    if a == "" or b == "":
        return a == b
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if x == y:
        return True
    return abs(x - y) <= RELATIVE_TOLERANCE * max(abs(x), abs(y))


def is_absent_cell(row):
    """Whether a row says no more than a missing row would (numerator 0, no value, no target)."""
    numerator, value = row.get("numerator", ""), row.get("value", "")
    return ((numerator == "" or numbers_equal(numerator, "0"))
            and (value == "" or numbers_equal(value, "0"))
            and row.get("target", "") == "" and row.get("status", "") == "")


def describe(key, header):
    return ", ".join(f"{name}={code}" for name, code in zip(header, key))


def compare_tables(expected, actual):
    """(list of mismatch messages, rows passed, rows failed) for two read_table results."""
    exp_header, exp_rows, exp_dups = expected
    act_header, act_rows, act_dups = actual
    if exp_header != act_header:
        return ([f"header differs: expected {','.join(exp_header)}; got {','.join(act_header)}"],
                0, 1)
    mismatches = [f"[{describe(k, exp_header)}] row repeated in expected" for k in exp_dups]
    mismatches += [f"[{describe(k, act_header)}] row repeated in actual" for k in act_dups]
    passed = failed = 0
    for key in sorted(set(exp_rows) | set(act_rows)):
        exp = exp_rows.get(key)
        act = act_rows.get(key)
        problems = []
        if exp is None:
            if not is_absent_cell(act):
                problems.append("unexpected row " + ",".join(act.get(c, "") for c in RESULT_COLUMNS))
        elif act is None:
            if not is_absent_cell(exp):
                problems.append("missing row, expected " + ",".join(exp.get(c, "") for c in RESULT_COLUMNS))
        else:
            for column in RESULT_COLUMNS:
                a, b = exp.get(column, ""), act.get(column, "")
                same = numbers_equal(a, b) if column in NUMBER_COLUMNS else a == b
                if not same:
                    problems.append(f"{column} expected '{a}', got '{b}'")
        if problems:
            failed += 1
            mismatches.append(f"[{describe(key, exp_header)}] " + "; ".join(problems))
        else:
            passed += 1
    failed += len(exp_dups) + len(act_dups)
    return mismatches, passed, failed


def compare_files(expected_path, actual_path):
    """The mismatches (messages) between two output tables; [] when they agree."""
    mismatches, _, _ = compare_tables(read_table(expected_path), read_table(actual_path))
    return mismatches


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    mismatches, passed, failed = compare_tables(read_table(argv[1]), read_table(argv[2]))
    for message in mismatches[:MAX_PRINTED]:
        print(message)
    if len(mismatches) > MAX_PRINTED:
        print(f"... and {len(mismatches) - MAX_PRINTED} more")
    print(f"{passed} passed, {failed} failed")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
