#!/usr/bin/env python3
"""Checks the Quảng Ninh 2024 example against the figures of the seed report.

The seed report (shared/seed, 20 June 2024) gives the province's child-protection figures for
the first half of 2024. This dataset was built so that the standard catalogue, computed for
period 2024S1 at level 1 (the province) broken down by agency, gives those figures. The script
prints one line per figure (figure | article | computed | ok) and exits 1 if any fails.

    check_figures.py [--bin PATH] [--data DIR]   figures from `safeguard compute`
    check_figures.py --from-csv [--data DIR]     figures recomputed from the CSV files
    check_figures.py --both [--bin PATH]         both; they must also agree with each other

The engine is run as
    safeguard compute DIR --period 2024S1 --level 1 --by agency
with the binary from --bin, else $SAFEGUARD_BIN, else `safeguard` on PATH.

A few figures cannot be read from that table (the article's split between news items and
reportages, the names of the localities, the 13 districts of the Children's Council); they are
always computed from activities.csv and marked [csv].

Exit status: 0 all figures hold; 1 a figure fails, or engine and CSV disagree; 2 the check
could not run (dataset breaks the format, engine missing or failing, unexpected output).
Python 3 standard library only.
"""

import argparse
import csv
import datetime
import io
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

PERIOD = "2024S1"
PERIOD_FIRST = datetime.date(2024, 1, 1)
PERIOD_LAST = datetime.date(2024, 6, 30)
PROVINCE = "22"
POPULATION_YEAR = 2024  # the calendar year in which the period ends

OUTPUT_COLUMNS = ["indicator", "period", "org_unit", "agency", "numerator", "denominator",
                  "value", "target", "status"]

# The activity indicators of the standard catalogue (spec/indicators.md): the column summed
# and the kinds counted (None: every kind). UNITS_REACHED counts distinct level-2 units.
ACTIVITY_INDICATORS = {
    "DIRECTIVES": ("quantity", {"directive"}),
    "TRAININGS": ("sessions", {"training"}),
    "TRAINING_PARTICIPANTS": ("participants", {"training"}),
    "COMM_SESSIONS": ("sessions", {"communication", "performance", "conference"}),
    "COMM_REACH": ("participants", {"communication", "performance", "conference"}),
    "CHILD_REACH": ("child_participants", None),
    "MEDIA_ITEMS": ("quantity", {"media_item", "media_report"}),
    "UNITS_REACHED": (None, {"training", "communication", "performance", "conference"}),
    "SUPPORT_GIVEN": ("quantity", {"support"}),
    "FACILITIES_BUILT": ("quantity", {"facility"}),
}

# Code lists of data-format.md that this dataset uses.
UNIT_KINDS = {"country", "province", "municipality", "city", "town", "district",
              "urban_district", "ward", "commune", "township", "special_zone"}
AGENCY_KINDS = {"labour_social_affairs", "health", "education", "culture_sports", "police",
                "justice", "information_communication", "home_affairs", "womens_union",
                "youth_union", "peoples_committee", "committee", "court", "procuracy",
                "hotline", "ngo", "other"}
ACTIVITY_KINDS = {"directive", "plan", "training", "communication", "performance",
                  "media_item", "media_report", "conference", "forum", "inspection", "support",
                  "facility"}
TOPICS = {"rights", "abuse_prevention", "sexual_abuse_prevention", "injury_prevention",
          "drowning_prevention", "road_safety", "first_aid", "school_safety", "drug_prevention",
          "tobacco_prevention", "child_labour", "trafficking", "online_safety", "nutrition",
          "gender_equality", "child_marriage", "participation", "mental_health",
          "summer_activities", "care_support"}
AUDIENCES = {"children", "parents", "teachers", "officials", "union_members", "community"}
DEPARTMENT_KINDS = {"labour_social_affairs", "education", "culture_sports", "police",
                    "womens_union", "youth_union"}
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CheckError(Exception):
    """The check cannot run: the dataset breaks the format or the engine misbehaved."""


# ---------------------------------------------------------------------------------------------
# The dataset, read with the rules of data-format.md


def read_table(data_dir, name):
    """(line, row) pairs of NAME, rows as dicts, lines 1-based with the header as line 1;
    [] when the file is absent (every table but org_units.csv may be)."""
    path = os.path.join(data_dir, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(line, row) for line, row in enumerate(csv.DictReader(f), start=2)]


class Dataset:
    """The tables the figures need, checked against the format as they are read."""

    def __init__(self, data_dir):
        self.errors = []
        self.units = {}     # code -> (name, parent, kind)
        self.agencies = {}  # code -> (name, kind, org_unit)
        self.activities = []
        self.population = []
        self.plans = {}
        self.targets = []
        self._read_units(data_dir)
        self._read_agencies(data_dir)
        self._read_activities(data_dir)
        self._read_population(data_dir)
        self._read_plans(data_dir)
        if self.errors:
            raise CheckError("the dataset breaks data-format.md:\n  " + "\n  ".join(self.errors))

    def _error(self, file, line, column, value, expected):
        self.errors.append(f"{file}:{line} [{column}]: '{value}'; expected {expected}")

    def _int(self, file, line, row, column, default):
        text = row.get(column) or ""
        if text == "":
            return default
        if not text.isdigit():
            self._error(file, line, column, text, "a non-negative integer")
            return default
        return int(text)

    def _date(self, file, line, row, column, required=True):
        text = row.get(column) or ""
        if text == "" and not required:
            return None
        if DATE_RE.match(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
        self._error(file, line, column, text, "a date YYYY-MM-DD")
        return None

    def _codes(self, file, line, row, column, allowed):
        text = row.get(column) or ""
        codes = set(text.split("|")) if text else set()
        for code in sorted(codes - allowed):
            self._error(file, line, column, code, "a code of the spec's list")
        return codes

    def _read_units(self, data_dir):
        for line, row in read_table(data_dir, "org_units.csv"):
            code = row["code"]
            if code in self.units:
                self._error("org_units.csv", line, "code", code, "a unique code")
            if row.get("kind") and row["kind"] not in UNIT_KINDS:
                self._error("org_units.csv", line, "kind", row["kind"], "an org-unit kind")
            self.units[code] = (row["name"], row.get("parent") or "", row.get("kind") or "")
        for code, (_, parent, _) in self.units.items():
            if parent and parent not in self.units:
                self._error("org_units.csv", "?", "parent", parent, "an existing unit")
        if not self.units:
            self.errors.append("org_units.csv: missing or empty")

    def _read_agencies(self, data_dir):
        for line, row in read_table(data_dir, "agencies.csv"):
            if row["kind"] not in AGENCY_KINDS:
                self._error("agencies.csv", line, "kind", row["kind"], "an agency kind")
            if row["org_unit"] not in self.units:
                self._error("agencies.csv", line, "org_unit", row["org_unit"], "an existing unit")
            if row["code"] in self.agencies:
                self._error("agencies.csv", line, "code", row["code"], "a unique code")
            self.agencies[row["code"]] = (row["name"], row["kind"], row["org_unit"])

    def _read_activities(self, data_dir):
        f = "activities.csv"
        seen = set()
        for line, row in read_table(data_dir, f):
            if row["activity_id"] in seen:
                self._error(f, line, "activity_id", row["activity_id"], "a unique id")
            seen.add(row["activity_id"])
            if row["agency"] not in self.agencies:
                self._error(f, line, "agency", row["agency"], "an agency of agencies.csv")
            if row["kind"] not in ACTIVITY_KINDS:
                self._error(f, line, "kind", row["kind"], "an activity kind")
            if row["org_unit"] not in self.units:
                self._error(f, line, "org_unit", row["org_unit"], "an existing unit")
            if row.get("programme") and not CODE_RE.match(row["programme"]):
                self._error(f, line, "programme", row["programme"], "a snake_case code")
            activity = {
                "id": row["activity_id"],
                "agency": row["agency"],
                "kind": row["kind"],
                "start": self._date(f, line, row, "start_date"),
                "end": self._date(f, line, row, "end_date", required=False),
                "org_unit": row["org_unit"],
                "topics": self._codes(f, line, row, "topics", TOPICS),
                "audiences": self._codes(f, line, row, "audiences", AUDIENCES),
                "sessions": self._int(f, line, row, "sessions", 1),
                "participants": self._int(f, line, row, "participants", 0),
                "child_participants": self._int(f, line, row, "child_participants", 0),
                "quantity": self._int(f, line, row, "quantity", 1),
                "programme": row.get("programme") or "",
            }
            if activity["child_participants"] > activity["participants"]:
                self._error(f, line, "child_participants", row["child_participants"],
                            "not more than participants")
            if activity["end"] and activity["start"] and activity["end"] < activity["start"]:
                self._error(f, line, "end_date", row["end_date"], "a date not before start_date")
            self.activities.append(activity)

    def _read_population(self, data_dir):
        f = "population.csv"
        seen = set()
        for line, row in read_table(data_dir, f):
            key = (row["org_unit"], row["year"], row["sex"], row["age"])
            if key in seen:
                self._error(f, line, "age", row["age"], "one row per (org_unit, year, sex, age)")
            seen.add(key)
            if row["org_unit"] not in self.units:
                self._error(f, line, "org_unit", row["org_unit"], "an existing unit")
            if row["sex"] not in ("f", "m"):
                self._error(f, line, "sex", row["sex"], "f or m")
            age = self._int(f, line, row, "age", 0)
            if age > 17:
                self._error(f, line, "age", row["age"], "an age from 0 to 17")
            self.population.append((row["org_unit"], self._int(f, line, row, "year", 0),
                                    age, self._int(f, line, row, "count", 0)))
        units_by_year = {}
        for unit, year, _, _ in self.population:
            units_by_year.setdefault(year, set()).add(unit)
        for year, units in units_by_year.items():
            for unit in units:
                if any(a in units for a in self.ancestors(unit)[1:]):
                    self._error(f, "?", "org_unit", unit,
                                f"no counts for {year} at both a unit and its ancestor")

    def _read_plans(self, data_dir):
        for line, row in read_table(data_dir, "plans.csv"):
            if row["agency"] not in self.agencies:
                self._error("plans.csv", line, "agency", row["agency"], "an agency code")
            self.plans[row["plan_id"]] = (row["agency"], row["org_unit"])
        for line, row in read_table(data_dir, "targets.csv"):
            if row["plan_id"] not in self.plans:
                self._error("targets.csv", line, "plan_id", row["plan_id"], "a plan of plans.csv")
                continue
            if (row.get("direction") or "at_least") not in ("at_least", "at_most"):
                self._error("targets.csv", line, "direction", row["direction"],
                            "at_least or at_most")
            agency, plan_unit = self.plans[row["plan_id"]]
            self.targets.append({"indicator": row["indicator"], "agency": agency,
                                 "value": parse_number(row["value"]),
                                 "org_unit": row.get("org_unit") or plan_unit,
                                 "period": row.get("period") or ""})

    def ancestors(self, code):
        """CODE followed by its parent, grandparent... up to its root."""
        chain = []
        while code and code not in chain:
            chain.append(code)
            code = self.units.get(code, ("", "", ""))[1]
        return chain

    def level2_unit(self, code):
        """The level-2 unit (district) at or above CODE, or None for a root."""
        chain = self.ancestors(code)
        return chain[-2] if len(chain) >= 2 else None

    def in_period(self, activity):
        return PERIOD_FIRST <= activity["start"] <= PERIOD_LAST

    def activities_in(self, agency=None, kinds=None, unit=PROVINCE):
        """Activities of the period placed in UNIT's subtree, of AGENCY and KINDS if given."""
        return [a for a in self.activities
                if self.in_period(a) and unit in self.ancestors(a["org_unit"])
                and (agency is None or a["agency"] == agency)
                and (kinds is None or a["kind"] in kinds)]


# ---------------------------------------------------------------------------------------------
# Where the numbers come from: the engine's output table, or the CSV files recomputed here


class FromCsv:
    """The standard catalogue's activity indicators, recomputed with plain Python."""

    name = "csv"

    def __init__(self, data):
        self.data = data

    def value(self, indicator, agency):
        if indicator == "CHILD_POP":
            return sum(count for unit, year, age, count in self.data.population
                       if year == POPULATION_YEAR and age <= 15
                       and PROVINCE in self.data.ancestors(unit))
        column, kinds = ACTIVITY_INDICATORS[indicator]
        rows = self.data.activities_in(agency, kinds)
        if column is None:
            return len({self.data.level2_unit(a["org_unit"]) for a in rows} - {None})
        return sum(a[column] for a in rows)

    def target(self, indicator, agency):
        matching = [t["value"] for t in self.data.targets
                    if t["indicator"] == indicator and t["agency"] == agency
                    and t["org_unit"] == PROVINCE and t["period"] == PERIOD]
        return sum(matching) if matching else None


class FromEngine:
    """The cells (2024S1, unit 22, agency) of `safeguard compute ... --by agency`."""

    name = "engine"

    def __init__(self, binary, data_dir):
        command = [binary, "compute", data_dir, "--period", PERIOD, "--level", "1",
                   "--by", "agency"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
        except OSError as e:
            raise CheckError(f"cannot run '{binary}': {e.strerror}; pass --bin PATH, set "
                             "SAFEGUARD_BIN, or use --from-csv")
        if done.returncode != 0:
            raise CheckError(f"'{' '.join(command)}' exited with {done.returncode}:\n"
                             + done.stderr.strip())
        reader = csv.DictReader(io.StringIO(done.stdout))
        if reader.fieldnames != OUTPUT_COLUMNS:
            raise CheckError(f"unexpected output columns {reader.fieldnames}; expected "
                             f"{OUTPUT_COLUMNS}")
        self.cells = {}
        for row in reader:
            if row["period"] != PERIOD or row["org_unit"] != PROVINCE:
                continue
            key = (row["indicator"], row["agency"])
            if key in self.cells:
                raise CheckError(f"two output rows for {key}")
            self.cells[key] = row

    def value(self, indicator, agency):
        # CHILD_POP does not allow the agency breakdown: its agency column is empty.
        row = self.cells.get((indicator, "" if indicator == "CHILD_POP" else agency))
        if row is None:
            return 0  # the spec lets cells whose numerator is 0 be left out
        text = row["value"] or row["numerator"]
        return parse_number(text) if text else None

    def target(self, indicator, agency):
        row = self.cells.get((indicator, agency))
        return parse_number(row["target"]) if row and row["target"] else None


def parse_number(text):
    number = float(text)
    return int(number) if number.is_integer() else number


# ---------------------------------------------------------------------------------------------
# The figures


class Figure:
    """One checked figure: COMPUTE(source, data) gives the number; csv_only figures ignore
    the source and always read the CSV files."""

    def __init__(self, label, article, compare, compute, csv_only=False):
        self.label = label
        self.article = article
        self.compare = compare
        self.compute = compute
        self.csv_only = csv_only


# The article names them in this order: Uông Bí and Cẩm Phả cities, Đông Triều and Quảng Yên
# towns, Vân Đồn district.
DOLISA_PLACES = ["Uông Bí", "Cẩm Phả", "Đông Triều", "Quảng Yên", "Vân Đồn"]


def exactly(n):
    return lambda v: v == n


def more_than(n):
    return lambda v: v is not None and v > n


def add(a, b):
    return None if a is None or b is None else a + b


def kind_sum(data, agency, kind, column):
    return sum(a[column] for a in data.activities_in(agency, {kind}))


def level2_names(data, agency, kinds):
    """Short names (without Thành phố / Thị xã / Huyện) of the level-2 units reached,
    in the article's order for the DOLISA localities, then alphabetically."""
    codes = {data.level2_unit(a["org_unit"]) for a in data.activities_in(agency, kinds)}
    names = [re.sub(r"^(Thành phố|Thị xã|Huyện) ", "", data.units[c][0]) for c in codes - {None}]
    order = {name: i for i, name in enumerate(DOLISA_PLACES)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def action_month_departments(data):
    """Provincial departments with an Action Month 2024 plan issued in the period."""
    departments = {code for code, (_, kind, unit) in data.agencies.items()
                   if kind in DEPARTMENT_KINDS and unit == PROVINCE}
    with_plan = {a["agency"] for a in data.activities_in(kinds={"plan"})
                 if a["programme"] == "action_month_2024"}
    return f"{len(departments & with_plan)} of {len(departments)}"



ARTICLE = [
    Figure("DOLISA directive documents (DIRECTIVES)", "26", exactly(26),
           lambda s, d: s.value("DIRECTIVES", "QN_DOLISA")),
    Figure("Education directive documents (DIRECTIVES)", "7", exactly(7),
           lambda s, d: s.value("DIRECTIVES", "QN_DOET")),
    Figure("DOLISA training conferences (TRAININGS)", "5", exactly(5),
           lambda s, d: s.value("TRAININGS", "QN_DOLISA")),
    Figure("DOLISA training delegates (TRAINING_PARTICIPANTS)", "383", exactly(383),
           lambda s, d: s.value("TRAINING_PARTICIPANTS", "QN_DOLISA")),
    Figure("DOLISA training localities (UNITS_REACHED)", "5", exactly(5),
           lambda s, d: s.value("UNITS_REACHED", "QN_DOLISA")),
    Figure("DOLISA training localities, by name [csv]",
           ", ".join(DOLISA_PLACES), lambda v: v == ", ".join(DOLISA_PLACES),
           lambda s, d: ", ".join(level2_names(d, "QN_DOLISA", {"training"})), csv_only=True),
    Figure("Culture/Sports staged-communication localities (UNITS_REACHED)", "10", exactly(10),
           lambda s, d: s.value("UNITS_REACHED", "QN_DOCST")),
    Figure("Culture/Sports attendees (COMM_REACH)", "more than 4,000", more_than(4000),
           lambda s, d: s.value("COMM_REACH", "QN_DOCST")),
    Figure("Police drug-prevention sessions (COMM_SESSIONS)", "68", exactly(68),
           lambda s, d: s.value("COMM_SESSIONS", "QN_POLICE")),
    Figure("Police people reached (COMM_REACH)", "14,423", exactly(14423),
           lambda s, d: s.value("COMM_REACH", "QN_POLICE")),
    Figure("Women's Union news items (media_item) [csv]", "more than 200", more_than(200),
           lambda s, d: kind_sum(d, "QN_WU", "media_item", "quantity"), csv_only=True),
    Figure("Women's Union reportages (media_report) [csv]", "2", exactly(2),
           lambda s, d: kind_sum(d, "QN_WU", "media_report", "quantity"), csv_only=True),
    Figure("Women's Union items + reportages (MEDIA_ITEMS)", "more than 200 + 2",
           more_than(202), lambda s, d: s.value("MEDIA_ITEMS", "QN_WU")),
    Figure("Women's Union events (TRAININGS + COMM_SESSIONS)", "82", exactly(82),
           lambda s, d: add(s.value("TRAININGS", "QN_WU"), s.value("COMM_SESSIONS", "QN_WU"))),
    Figure("Women's Union attendances (TRAINING_PARTICIPANTS + COMM_REACH)",
           "more than 83,000", more_than(83000),
           lambda s, d: add(s.value("TRAINING_PARTICIPANTS", "QN_WU"),
                            s.value("COMM_REACH", "QN_WU"))),
    Figure("Children's Council members (CHILD_REACH, Youth Union)", "55", exactly(55),
           lambda s, d: s.value("CHILD_REACH", "QN_YOUTH")),
    Figure("Children's Council district-level units [csv]", "13", exactly(13),
           lambda s, d: len(level2_names(d, "QN_YOUTH", {"forum"})), csv_only=True),
    Figure("Departments with an Action Month 2024 plan [csv]", "every department",
           lambda v: v == "6 of 6", lambda s, d: action_month_departments(d), csv_only=True),
]

# Not in the article: what else the dataset was built to give, so that a wrong engine shows.
DATASET = [
    Figure("Children aged 0-15, 2024 (CHILD_POP)", "347,194 (May 2024)", exactly(347194),
           lambda s, d: s.value("CHILD_POP", "")),
    Figure("Target: DOLISA DIRECTIVES 2024S1", "20 (targets.csv)", exactly(20),
           lambda s, d: s.target("DIRECTIVES", "QN_DOLISA")),
    Figure("Target: DOLISA TRAININGS 2024S1", "5 (targets.csv)", exactly(5),
           lambda s, d: s.target("TRAININGS", "QN_DOLISA")),
    Figure("Target: DOLISA TRAINING_PARTICIPANTS 2024S1", "350 (targets.csv)", exactly(350),
           lambda s, d: s.target("TRAINING_PARTICIPANTS", "QN_DOLISA")),
    Figure("Target: Culture/Sports COMM_REACH 2024S1", "4,000 (targets.csv)", exactly(4000),
           lambda s, d: s.target("COMM_REACH", "QN_DOCST")),
    Figure("Target: Police COMM_SESSIONS 2024S1", "60 (targets.csv)", exactly(60),
           lambda s, d: s.target("COMM_SESSIONS", "QN_POLICE")),
    Figure("Target: Women's Union MEDIA_ITEMS 2024S1", "200 (targets.csv)", exactly(200),
           lambda s, d: s.target("MEDIA_ITEMS", "QN_WU")),
    Figure("No S1 target for Youth FACILITIES_BUILT (2024 only)", "none", lambda v: v is None,
           lambda s, d: s.target("FACILITIES_BUILT", "QN_YOUTH")),
]


# ---------------------------------------------------------------------------------------------


def show(value):
    if value is None:
        return "(empty)"
    if isinstance(value, (int, float)):
        return f"{value:,}"
    return str(value)


def check(figures, sources, data):
    """Rows of the printed table and whether every figure holds in every source."""
    rows, all_ok = [], True
    for figure in figures:
        values = [figure.compute(source, data) for source in sources]
        ok = all(figure.compare(v) for v in values)
        agree = all(v == values[0] for v in values)
        all_ok = all_ok and ok and agree
        verdict = "ok" if ok and agree else ("FAIL (engine and csv differ)" if ok else "FAIL")
        rows.append([figure.label, figure.article] + [show(v) for v in values] + [verdict])
    return rows, all_ok


def print_table(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    print(line(header))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--from-csv", action="store_true",
                      help="recompute the figures from the CSV files instead of the engine")
    mode.add_argument("--both", action="store_true",
                      help="run the engine and the CSV recomputation; they must agree")
    parser.add_argument("--bin", default=os.environ.get("SAFEGUARD_BIN", "safeguard"),
                        help="the safeguard binary (default: $SAFEGUARD_BIN, else on PATH)")
    parser.add_argument("--data", default=HERE, help="the dataset folder (default: this one)")
    args = parser.parse_args(argv)

    try:
        data = Dataset(args.data)
        sources = []
        if not args.from_csv:
            sources.append(FromEngine(args.bin, args.data))
        if args.from_csv or args.both:
            sources.append(FromCsv(data))
    except CheckError as e:
        print(f"check_figures: {e}", file=sys.stderr)
        return 2

    computed = ["computed"] if len(sources) == 1 else ["computed", "from csv"]
    header = ["figure", "article"] + computed + ["ok"]
    # csv_only figures read the CSV files whatever the source; in --both mode both columns
    # then show the same number.
    article_rows, article_ok = check(ARTICLE, sources, data)
    dataset_rows, dataset_ok = check(DATASET, sources, data)
    print(f"Quảng Ninh, {PERIOD}, unit {PROVINCE}, by agency; figures from "
          + " and ".join(s.name for s in sources))
    print()
    print_table(header, article_rows)
    print()
    header[1] = "expected"
    print_table(header, dataset_rows)
    failed = sum(r[-1] != "ok" for r in article_rows + dataset_rows)
    print()
    print("all figures hold" if failed == 0 else f"{failed} figure(s) FAIL")
    return 0 if article_ok and dataset_ok else 1


if __name__ == "__main__":
    sys.exit(main())
