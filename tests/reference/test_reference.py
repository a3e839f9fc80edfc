"""Tests of the reference implementation itself.

Each folder of tests/data/cases/ is a small dataset with a request (request.txt, the command-line
arguments) and the answer worked out by hand (expected.csv; the derivation is in the folder's
README.md). reference.py must reproduce each answer exactly, byte for byte; compare.py must
then also find no mismatch. Further tests pin the helpers whose rules the spec states (age,
working days, periods, number format) and compare.py's treatment of absent rows.

Run: /usr/bin/python3 -m pytest tests/reference -q
"""

import datetime
import os
import shlex
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "tests", "data", "cases")
sys.path.insert(0, HERE)

import compare  # noqa: E402
import reference  # noqa: E402

CASE_NAMES = sorted(name for name in os.listdir(CASES)
                    if os.path.isfile(os.path.join(CASES, name, "expected.csv")))


def run_reference(folder, args, output):
    return subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), folder, *args,
                           "-o", output], capture_output=True, text=True)


def test_there_are_enough_hand_made_cases():
    assert len(CASE_NAMES) >= 8


@pytest.mark.parametrize("name", CASE_NAMES)
def test_reference_reproduces_the_hand_worked_answer(name, tmp_path):
    folder = os.path.join(CASES, name)
    for required in ("request.txt", "README.md", "org_units.csv"):
        assert os.path.isfile(os.path.join(folder, required)), required
    with open(os.path.join(folder, "request.txt"), encoding="utf-8") as f:
        args = shlex.split(f.read())
    output = str(tmp_path / "actual.csv")
    run = run_reference(folder, args, output)
    assert run.returncode == 0, run.stderr
    expected_path = os.path.join(folder, "expected.csv")
    assert compare.compare_files(expected_path, output) == []
    with open(expected_path, encoding="utf-8") as f:
        expected_text = f.read()
    with open(output, encoding="utf-8") as f:
        assert f.read() == expected_text


# --- the rules the reference leans on ---

@pytest.mark.parametrize("birth, day, age", [
    ("2008-02-29", "2024-02-28", 15),   # leap year: the birthday is 29 February
    ("2008-02-29", "2024-02-29", 16),
    ("2008-02-29", "2023-02-28", 14),   # common year: the birthday is 1 March
    ("2008-02-29", "2023-03-01", 15),
    ("2008-03-31", "2024-03-31", 16),   # birthday on the day itself
    ("2008-03-31", "2024-03-30", 15),
    ("2024-03-31", "2024-03-30", -1),   # before birth
])
def test_age_in_completed_years(birth, day, age):
    assert reference.age_on(datetime.date.fromisoformat(birth),
                            datetime.date.fromisoformat(day)) == age


@pytest.mark.parametrize("a, b, days", [
    # Thu 25 Apr 2024 -> Tue 7 May: Fri 26, Mon 29, Thu 2, Fri 3, Mon 6, Tue 7 (30 Apr and
    # 1 May are holidays, weekends never count).
    ("2024-04-25", "2024-05-07", 6),
    ("2024-05-03", "2024-05-14", 7),
    ("2024-05-10", "2024-05-10", 0),
    ("2024-05-06", "2024-05-03", -1),   # backwards: minus the count from b to a (Mon 6)
    ("2024-04-27", "2024-04-28", 0),    # Saturday to Sunday
])
def test_working_days_between(a, b, days):
    holidays = {datetime.date(2024, 4, 30), datetime.date(2024, 5, 1)}
    assert reference.working_days_between(datetime.date.fromisoformat(a),
                                          datetime.date.fromisoformat(b), holidays) == days


@pytest.mark.parametrize("pid, first, last", [
    ("2024", "2024-01-01", "2024-12-31"),
    ("2024S2", "2024-07-01", "2024-12-31"),
    ("2024Q1", "2024-01-01", "2024-03-31"),
    ("202402", "2024-02-01", "2024-02-29"),
    ("202302", "2023-02-01", "2023-02-28"),
    ("2020W53", "2020-12-28", "2021-01-03"),
    ("2024W01", "2024-01-01", "2024-01-07"),
    ("2025W1", "2024-12-30", "2025-01-05"),
    ("20240229", "2024-02-29", "2024-02-29"),
    ("2024April", "2024-04-01", "2025-03-31"),
    ("2024July", "2024-07-01", "2025-06-30"),
    ("2024Oct", "2024-10-01", "2025-09-30"),
    ("2024Nov", "2024-11-01", "2025-10-31"),
    ("2024-03-15..2024-09-30", "2024-03-15", "2024-09-30"),
])
def test_period_days(pid, first, last):
    assert reference.period_days(pid) == (datetime.date.fromisoformat(first),
                                          datetime.date.fromisoformat(last))


@pytest.mark.parametrize("pid", ["2021W53", "2024Q5", "202413", "20230229", "2024S3", "24",
                                 "2024-02-01..2024-01-01", "THIS_YEAR"])
def test_bad_period_ids_are_refused(pid):
    with pytest.raises(reference.UsageError):
        reference.period_days(pid)


@pytest.mark.parametrize("x, text", [(12, "12"), (5.0, "5"), (7.5, "7.5"), (None, ""),
                                     (1 / 3 * 100, "33.33333333333333"), (0.1 + 0.2, "0.30000000000000004")])
def test_number_format(x, text):
    assert reference.format_number(x) == text


def test_unknown_dimension_is_a_usage_error(tmp_path):
    folder = os.path.join(CASES, CASE_NAMES[0])
    run = run_reference(folder, ["--period", "2024", "--by", "colour"], str(tmp_path / "o.csv"))
    assert run.returncode == 2
    assert "unknown dimension 'colour'" in run.stderr


# --- compare.py ---

HEADER = "indicator,period,org_unit,sex,numerator,denominator,value,target,status\n"


def write(path, rows):
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_compare_accepts_equal_tables_and_tiny_float_differences(tmp_path):
    a = write(tmp_path / "a.csv", ["CSC_PCT,2024,22,f,1,3,33.33333333333333,,"])
    b = write(tmp_path / "b.csv", ["CSC_PCT,2024,22,f,1.0,3,33.333333333333336,,"])
    assert compare.compare_files(a, b) == []


def test_compare_treats_an_absent_row_as_zero(tmp_path):
    a = write(tmp_path / "a.csv", ["CASES_NEW,2024,22,f,2,,2,,"])
    b = write(tmp_path / "b.csv", ["CASES_NEW,2024,22,f,2,,2,,", "CASES_NEW,2024,22,m,0,,0,,",
                                   "CSC_PCT,2024,22,m,0,10,0,,"])
    assert compare.compare_files(a, b) == []
    assert compare.compare_files(b, a) == []


def test_compare_reports_missing_unexpected_and_different_cells(tmp_path):
    a = write(tmp_path / "a.csv", ["CASES_NEW,2024,22,f,2,,2,,", "CASES_NEW,2024,22,m,1,,1,,",
                                   "TRAININGS,2024,22,,0,,0,5,"])
    b = write(tmp_path / "b.csv", ["CASES_NEW,2024,22,f,3,,3,,", "CASES_NEW,2024,22,u,1,,1,,"])
    mismatches = compare.compare_files(a, b)
    assert len(mismatches) == 4
    text = "\n".join(mismatches)
    assert "numerator expected '2', got '3'" in text
    assert "missing row" in text and "sex=m" in text
    assert "unexpected row" in text and "sex=u" in text
    assert "indicator=TRAININGS" in text  # a row with a target is not an absent cell


def test_compare_refuses_different_headers(tmp_path):
    a = write(tmp_path / "a.csv", [])
    b = tmp_path / "b.csv"
    b.write_text("indicator,period,org_unit,numerator,denominator,value,target,status\n",
                 encoding="utf-8")
    assert compare.compare_files(a, str(b))[0].startswith("header differs")


def test_compare_command_line_summary_and_exit_code(tmp_path):
    a = write(tmp_path / "a.csv", ["CASES_NEW,2024,22,f,2,,2,,", "CASES_NEW,2024,22,m,1,,1,,"])
    b = write(tmp_path / "b.csv", ["CASES_NEW,2024,22,f,2,,2,,", "CASES_NEW,2024,22,m,1,,1.5,,"])
    run = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), a, b],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stdout.strip().endswith("1 passed, 1 failed")
    run = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), a, a],
                         capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.strip() == "2 passed, 0 failed"
