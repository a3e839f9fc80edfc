#!/usr/bin/env python3
"""The standard catalogue of safeguard written in plain, vectorised pandas.

This is the side-by-side of the Python benchmark (bench_python.py): the 36 indicators of the
standard catalogue (src/engine/standard_catalogue.yaml, spec: shared/spec/indicators.md) as a
competent analyst would write them with pandas and numpy alone — read_csv, typed columns,
joins, boolean masks, groupby — for one period at one org-unit level, without breakdowns.
It does not use safeguard. Its counting rules are those of the independent row-by-row
reference (tests/reference/reference.py and its README): ages in completed years at the
date of reported_date for cases and at the period's last day E for the register, stock at E,
consent_reporting, units reached, medians of days, working days with the holidays table.

Three steps, timed separately by the benchmark:

- :func:`load` — read_csv of the dataset folder and typing (dates parsed, codes categorical,
  ids as strings); only the columns the indicators need are read;
- :func:`prepare` — the period-independent columns: references resolved to row positions,
  the org-unit tree, each case's child age at report and the case rules, concern flags,
  working days from report to plan, minutes from report to emergency measure;
- :func:`compute` — one period at one level: the long table safeguard's
  ``Result.to_pandas()`` gives (indicator, period, org_unit, numerator, denominator, value).

usage: pandas_standard.py DATA_DIR --period 2024 [--level 2] [-o FILE]
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

# The concern codes of each group the catalogue filters on (data-format.md, code lists).
ABUSE_CONCERNS = ["physical_violence", "emotional_violence", "sexual_abuse", "exploitation",
                  "child_labour", "trafficking", "abduction", "abandonment", "neglect",
                  "child_marriage", "online_abuse"]
INJURY_CONCERNS = ["drowning", "road_traffic", "fall", "burn", "poisoning", "other_injury"]

COMM_KINDS = ["communication", "performance", "conference"]

# The columns read from each table: column -> how it is typed. "id" and "ref" are strings,
# "code" categorical, "date" a datetime64 day, "datetime" the raw text (split into a day and a
# time of day by load), "int" a nullable number.
COLUMNS: Dict[str, Dict[str, str]] = {
    "org_units": {"code": "id", "parent": "ref"},
    "population": {"org_unit": "code", "year": "int", "age": "int", "count": "int"},
    "children": {"child_id": "id", "birth_date": "date", "org_unit": "code",
                 "registered_date": "date", "exit_date": "date"},
    "circumstances": {"child_id": "ref", "circumstance": "code", "start_date": "date",
                      "end_date": "date"},
    "cases": {"case_id": "id", "child_id": "ref", "reported_date": "datetime",
              "concerns": "code", "org_unit": "code", "source": "code", "outcome": "code",
              "emergency_date": "datetime", "plan_date": "date", "closed_date": "date",
              "consent_reporting": "int"},
    "services": {"case_id": "ref", "date": "date", "referred": "int"},
    "activities": {"kind": "code", "start_date": "date", "org_unit": "code", "sessions": "int",
                   "participants": "int", "child_participants": "int", "quantity": "int"},
    "holidays": {"date": "date"},
}

_PANDAS_DTYPE = {"id": str, "ref": str, "code": "category", "date": str, "datetime": str,
                 "int": "float64"}


# ----------------------------------------------------------------------------------------------
# Load: read_csv and typing
# ----------------------------------------------------------------------------------------------

def _read(folder: str, name: str) -> pd.DataFrame:
    """NAME.csv with the columns of COLUMNS[name], typed; an absent file or an absent
    optional column gives empty (missing) values. Empty cells are missing; nothing else is
    (keep_default_na=False: a code such as "NA" stays a code)."""
    spec = COLUMNS[name]
    path = os.path.join(folder, name + ".csv")
    if os.path.exists(path):
        frame = pd.read_csv(path, usecols=lambda c: c in spec, encoding="utf-8-sig",
                            dtype={c: _PANDAS_DTYPE[k] for c, k in spec.items()},
                            keep_default_na=False, na_values=[""])
    else:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in spec})
    for column, kind in spec.items():
        if column not in frame:
            frame[column] = pd.Series(np.nan, index=frame.index, dtype=object)
        if kind == "date":
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        elif kind == "datetime":
            # YYYY-MM-DD or YYYY-MM-DDTHH:MM: the day, and the moment where a time is given.
            text = frame[column]
            has_time = text.str.len() > 10
            frame[column] = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d")
            frame[column + "_time"] = pd.to_datetime(text.where(has_time),
                                                     format="%Y-%m-%dT%H:%M")
        elif kind == "int" and frame[column].dtype == object:
            frame[column] = pd.to_numeric(frame[column])
    return frame


@dataclass
class Tables:
    """The tables the standard catalogue reads, typed (see COLUMNS)."""
    org_units: pd.DataFrame
    population: pd.DataFrame
    children: pd.DataFrame
    circumstances: pd.DataFrame
    cases: pd.DataFrame
    services: pd.DataFrame
    activities: pd.DataFrame
    holidays: pd.DataFrame


def load(folder: str) -> Tables:
    """Reads the dataset folder (read_csv and typing only)."""
    return Tables(**{name: _read(folder, name) for name in COLUMNS})


# ----------------------------------------------------------------------------------------------
# Prepare: the columns that do not depend on the period
# ----------------------------------------------------------------------------------------------

def _codes_pattern(codes: List[str]) -> str:
    """A regex matching a |-separated cell that lists one of CODES."""
    return r"(?:^|\|)(?:" + "|".join(map(re.escape, codes)) + r")(?:\||$)"


def _has_code(column: pd.Series, codes: List[str]) -> np.ndarray:
    """True where the multi-valued cell lists one of CODES (evaluated once per distinct cell
    text, the column being categorical)."""
    column = column.astype("category")
    hits = column.cat.categories.str.contains(_codes_pattern(codes), regex=True)
    codes_ = column.cat.codes.to_numpy()
    return np.where(codes_ >= 0, np.asarray(hits, dtype=bool)[codes_], False)


def _positions(index: pd.Index, column: pd.Series) -> np.ndarray:
    """Row positions in INDEX of the values of COLUMN (-1 where absent or missing); a
    categorical column is looked up once per category."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(column.cat.categories)
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return index.get_indexer(column)


@dataclass
class Prepared:
    """The tables with their period-independent columns (row positions, flags, ages)."""
    unit_codes: np.ndarray  # org-unit code by position
    ancestors: np.ndarray   # [k, unit]: the k-th ancestor's position (0: itself; -1: none)
    unit_level: np.ndarray  # depth of each unit, root = 1
    population: pd.DataFrame
    children: pd.DataFrame
    circumstances: pd.DataFrame
    cases: pd.DataFrame
    services: pd.DataFrame
    activities: pd.DataFrame

    def at_level(self, level: int) -> np.ndarray:
        """For each unit position, the position of its ancestor (or itself) at LEVEL; -1 when
        the unit lies above that level (it then counts for no unit of the level)."""
        k = self.unit_level - level
        ok = k >= 0
        out = np.full(len(self.unit_level), -1, dtype=np.int64)
        out[ok] = self.ancestors[k[ok], np.nonzero(ok)[0]]
        return out


def _month_day(dates: pd.Series) -> np.ndarray:
    return (dates.dt.month * 100 + dates.dt.day).to_numpy()


def age_on(birth_year: np.ndarray, birth_md: np.ndarray, day: pd.Series) -> np.ndarray:
    """Completed years on DAY. (month, day) pairs compared as month*100+day: a child born on
    29 February has a birthday on 1 March in a common year."""
    return day.dt.year.to_numpy() - birth_year - (_month_day(day) < birth_md)


def prepare(t: Tables, honour_consent: bool = True) -> Prepared:
    """Resolves references and derives what does not depend on the period."""
    units = pd.Index(t.org_units["code"])
    parent = units.get_indexer(t.org_units["parent"])  # -1 for a root
    chain = [np.arange(len(units))]
    while (chain[-1] >= 0).any():
        chain.append(np.where(chain[-1] >= 0, parent[chain[-1]], -1))
    ancestors = np.vstack(chain)
    unit_level = (ancestors >= 0).sum(axis=0)

    population = t.population.assign(unit=_positions(units, t.population["org_unit"]))

    children = pd.DataFrame({
        "unit": _positions(units, t.children["org_unit"]),
        "birth_year": t.children["birth_date"].dt.year.to_numpy(),
        "birth_md": _month_day(t.children["birth_date"]),
        "registered": t.children["registered_date"].to_numpy(),
        "exit": t.children["exit_date"].to_numpy(),
    })
    child_ids = pd.Index(t.children["child_id"])

    circumstances = pd.DataFrame({
        "child": child_ids.get_indexer(t.circumstances["child_id"]),
        "at_risk": (t.circumstances["circumstance"] == "at_risk").to_numpy(),
        "start": t.circumstances["start_date"].to_numpy(),
        "end": t.circumstances["end_date"].to_numpy(),
    })

    c = t.cases
    child = child_ids.get_indexer(c["child_id"])
    day = c["reported_date"]
    age = age_on(children["birth_year"].to_numpy()[child], children["birth_md"].to_numpy()[child],
                 day)
    consent = (c["consent_reporting"] != 0).to_numpy()  # empty = 1
    # Working days d with report < d <= plan (negative when the plan precedes the report).
    planned = c["plan_date"].notna().to_numpy()
    holidays = t.holidays["date"].dropna().to_numpy().astype("datetime64[D]")
    working_days = np.full(len(c), np.nan)
    one = np.timedelta64(1, "D")
    working_days[planned] = np.busday_count(
        day.to_numpy()[planned].astype("datetime64[D]") + one,
        c["plan_date"].to_numpy()[planned].astype("datetime64[D]") + one, holidays=holidays)
    # Minutes from report to emergency measure: known only when both carry a time of day.
    minutes = (c["emergency_date_time"] - c["reported_date_time"]) / pd.Timedelta(minutes=1)
    cases = pd.DataFrame({
        "unit": _positions(units, c["org_unit"]),
        "child": child,
        "day": day.to_numpy(),
        "plan": c["plan_date"].to_numpy(),
        "closed": c["closed_date"].to_numpy(),
        "consent": consent if honour_consent else np.ones(len(c), dtype=bool),
        "abuse": _has_code(c["concerns"], ABUSE_CONCERNS),
        "injury": _has_code(c["concerns"], INJURY_CONCERNS),
        "sexual_abuse": _has_code(c["concerns"], ["sexual_abuse"]),
        "drowning": _has_code(c["concerns"], ["drowning"]),
        "hotline": (c["source"] == "hotline_111").to_numpy(),
        "died": (c["outcome"] == "died").to_numpy(),
        "within_7wd": working_days <= 7,
        "emergency_known": minutes.notna().to_numpy(),
        "within_12h": (minutes <= 12 * 60).to_numpy(),
        "days_to_close": ((c["closed_date"] - day) / pd.Timedelta(days=1)).to_numpy(),
    })
    # The case rules: the child is 0-15 at the date of reported_date, and consent.
    cases["counts"] = (age >= 0) & (age <= 15) & cases["consent"].to_numpy()

    s = t.services
    case = pd.Index(c["case_id"]).get_indexer(s["case_id"])
    services = pd.DataFrame({
        "case": case,
        "date": s["date"].to_numpy(),
        "referred": (s["referred"] == 1).to_numpy(),
        "unit": cases["unit"].to_numpy()[case],
        "child": child[case],
        "case_counts": cases["counts"].to_numpy()[case],
        "case_consent": cases["consent"].to_numpy()[case],
    })

    a = t.activities
    activities = pd.DataFrame({
        "unit": _positions(units, a["org_unit"]),
        "kind": a["kind"],
        "start": a["start_date"].to_numpy(),
        "sessions": a["sessions"].fillna(1).to_numpy(),
        "participants": a["participants"].fillna(0).to_numpy(),
        "child_participants": a["child_participants"].fillna(0).to_numpy(),
        "quantity": a["quantity"].fillna(1).to_numpy(),
    })
    prepared = Prepared(unit_codes=units.to_numpy(dtype=object), ancestors=ancestors,
                        unit_level=unit_level, population=population, children=children,
                        circumstances=circumstances, cases=cases, services=services,
                        activities=activities)
    # The district (level 2) of each activity's unit, for UNITS_REACHED; -1 at a root.
    prepared.activities["district"] = prepared.at_level(2)[prepared.activities["unit"].to_numpy()]
    return prepared


# ----------------------------------------------------------------------------------------------
# Compute: one period at one level
# ----------------------------------------------------------------------------------------------

def period_bounds(pid: str) -> Tuple[datetime.date, datetime.date]:
    """First and last day of a year (2024), half (2024S1), quarter (2024Q3) or month (202406)."""
    m = re.fullmatch(r"(\d{4})(?:([SQ])([1-4])|(\d{2}))?", pid)
    if not m:
        raise ValueError(f"unsupported period '{pid}'; expected yyyy, yyyySn, yyyyQn or yyyymm")
    year = int(m.group(1))
    if m.group(2) == "S":
        first_month, months = 6 * int(m.group(3)) - 5, 6
    elif m.group(2) == "Q":
        first_month, months = 3 * int(m.group(3)) - 2, 3
    elif m.group(4):
        first_month, months = int(m.group(4)), 1
    else:
        first_month, months = 1, 12
    first = datetime.date(year, first_month, 1)
    after = first_month + months
    last = (datetime.date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1)
            - datetime.timedelta(days=1))
    return first, last


def compute(p: Prepared, period: str, level: int = 2,
            first: Optional[datetime.date] = None,
            last: Optional[datetime.date] = None) -> pd.DataFrame:
    """The standard catalogue for one period at one org-unit level, without breakdowns, as the
    long table of safeguard's ``Result.to_pandas()``: indicator, period, org_unit, numerator,
    denominator, value — cells with a numerator of 0 left out, a value where the denominator
    is not 0. ``first``/``last`` default to the bounds of the period id."""
    if first is None or last is None:
        first, last = period_bounds(period)
    start, end = pd.Timestamp(first), pd.Timestamp(last)
    at_level = p.at_level(level)

    def out(frame: pd.DataFrame) -> pd.DataFrame:
        """FRAME with the output unit of each row (`out`), rows counting for none dropped."""
        frame = frame.assign(out=at_level[frame["unit"].to_numpy()])
        return frame[frame["out"] >= 0]

    def count(frame: pd.DataFrame) -> pd.Series:
        return out(frame).groupby("out").size()

    def total(frame: pd.DataFrame, column: str) -> pd.Series:
        return out(frame).groupby("out")[column].sum()

    def distinct(frame: pd.DataFrame, column: str) -> pd.Series:
        return out(frame).groupby("out")[column].nunique()

    # Population of the calendar year of E.
    pop = p.population[p.population["year"] == end.year]
    child_pop = total(pop[pop["age"].between(0, 15)], "count")
    child_pop_0_17 = total(pop[pop["age"].between(0, 17)], "count")

    # The register at E, aged 0-15 then, and the episodes active at E.
    ch = p.children
    e_year, e_md = end.year, end.month * 100 + end.day
    age_at_end = e_year - ch["birth_year"] - (e_md < ch["birth_md"])
    on_register = ((ch["registered"] <= end) & (ch["exit"].isna() | (ch["exit"] > end))
                   & age_at_end.between(0, 15))
    reg = ch[on_register]
    ci = p.circumstances
    active = ci[(ci["start"] <= end) & (ci["end"].isna() | (ci["end"] > end))]
    special = reg.index.isin(active.loc[~active["at_risk"], "child"].unique())
    at_risk = reg.index.isin(active.loc[active["at_risk"], "child"].unique())
    csc = reg[special]
    sv = p.services
    assisted_children = sv.loc[sv["case_consent"] & sv["date"].between(start, end), "child"]
    csc_assisted = csc[csc.index.isin(assisted_children.unique())]

    # Cases under the case rules: new (reported in the period), planned, closed, open at E.
    cs = p.cases[p.cases["counts"]]
    new = cs[cs["day"].between(start, end)]
    abuse = new[new["abuse"]]
    services_to_e = sv[sv["date"] <= end]
    with_service = abuse.index.isin(services_to_e["case"].unique())
    supported = abuse[(abuse["plan"] <= end) | with_service]
    planned = cs[cs["plan"].between(start, end)]
    closed = cs[cs["closed"].between(start, end)]
    open_at_end = cs[(cs["day"] <= end) & (cs["closed"].isna() | (cs["closed"] > end))]
    referred = new.index.isin(services_to_e.loc[services_to_e["referred"], "case"].unique())
    injury = new[new["injury"]]
    drowning_deaths = count(new[new["drowning"] & new["died"]])
    cases_new = count(new)
    abused_children = distinct(abuse, "child")
    median_days = out(closed).groupby("out")["days_to_close"].median()

    # Activities placed by start_date at their own unit.
    ac = p.activities[p.activities["start"].between(start, end)]
    kind = ac["kind"]
    comm = ac[kind.isin(COMM_KINDS)]
    training = ac[kind == "training"]
    reaching = ac[kind.isin(["training"] + COMM_KINDS)]
    reaching = reaching[reaching["district"] >= 0]
    units_reached = distinct(reaching, "district")

    # (code, numerator, denominator or None, factor), in catalogue order.
    catalogue = [
        ("CHILD_POP", child_pop, None, 1),
        ("CHILD_POP_0_17", child_pop_0_17, None, 1),
        ("REG_CHILDREN", count(reg), None, 1),
        ("CSC_CHILDREN", count(csc), None, 1),
        ("CSC_PCT", count(csc), child_pop, 100),
        ("CSC_ASSISTED_PCT", count(csc_assisted), count(csc), 100),
        ("AT_RISK_CHILDREN", count(reg[at_risk & ~special]), None, 1),
        ("CASES_NEW", cases_new, None, 1),
        ("ABUSE_CASES", count(abuse), None, 1),
        ("ABUSED_CHILDREN", abused_children, None, 1),
        ("ABUSE_RATE", abused_children, child_pop, 100000),
        ("SEXUAL_ABUSE_CHILDREN", distinct(new[new["sexual_abuse"]], "child"), None, 1),
        ("ABUSED_SUPPORTED_PCT", distinct(supported, "child"), abused_children, 100),
        ("HOTLINE_SHARE", count(new[new["hotline"]]), cases_new, 100),
        ("EMERGENCY_12H_PCT", count(new[new["within_12h"]]), count(new[new["emergency_known"]]),
         100),
        ("PLAN_7WD_PCT", count(planned[planned["within_7wd"]]), count(planned), 100),
        ("CASE_PLAN_PCT", count(new[new["plan"] <= end]), cases_new, 100),
        ("OPEN_CASES", count(open_at_end), None, 1),
        ("CASES_CLOSED", count(closed), None, 1),
        ("DAYS_TO_CLOSE_MEDIAN", median_days, None, 1),
        ("REFERRAL_PCT", count(new[referred]), cases_new, 100),
        ("SERVICES_PROVIDED", count(sv[sv["case_counts"] & sv["date"].between(start, end)]),
         None, 1),
        ("INJURY_RATE", count(injury), child_pop, 100000),
        ("INJURY_DEATH_RATE", count(injury[injury["died"]]), child_pop, 100000),
        ("DROWNING_DEATHS", drowning_deaths, None, 1),
        ("DROWNING_DEATH_RATE", drowning_deaths, child_pop, 100000),
        ("DIRECTIVES", total(ac[kind == "directive"], "quantity"), None, 1),
        ("TRAININGS", total(training, "sessions"), None, 1),
        ("TRAINING_PARTICIPANTS", total(training, "participants"), None, 1),
        ("COMM_SESSIONS", total(comm, "sessions"), None, 1),
        ("COMM_REACH", total(comm, "participants"), None, 1),
        ("CHILD_REACH", total(ac, "child_participants"), None, 1),
        ("MEDIA_ITEMS", total(ac[kind.isin(["media_item", "media_report"])], "quantity"), None, 1),
        ("UNITS_REACHED", units_reached, None, 1),
        ("SUPPORT_GIVEN", total(ac[kind == "support"], "quantity"), None, 1),
        ("FACILITIES_BUILT", total(ac[kind == "facility"], "quantity"), None, 1),
    ]

    pieces = []
    for code, numerator, denominator, factor in catalogue:
        numerator = numerator.astype("float64")
        numerator = numerator[numerator.notna() & (numerator != 0)]
        cell = pd.DataFrame({"indicator": code, "unit": numerator.index.to_numpy(),
                             "numerator": numerator.to_numpy()})
        if denominator is None:
            cell["denominator"] = np.nan
            cell["value"] = cell["numerator"]
        else:
            cell["denominator"] = (denominator.astype("float64")
                                   .reindex(numerator.index, fill_value=0.0).to_numpy())
            cell["value"] = (cell["numerator"] / cell["denominator"] * factor).where(
                cell["denominator"] != 0)
        pieces.append(cell)
    table = pd.concat(pieces, ignore_index=True)
    table.insert(1, "period", period)
    table.insert(2, "org_unit", p.unit_codes[table.pop("unit").to_numpy()])
    order = {code: i for i, (code, *_rest) in enumerate(catalogue)}
    table = (table.assign(_order=table["indicator"].map(order))
             .sort_values(["_order", "org_unit"], kind="stable")
             .drop(columns="_order").reset_index(drop=True))
    return table


def run(folder: str, periods: List[str], levels: List[int]) -> pd.DataFrame:
    """load, prepare and compute every (period, level) pair; one table."""
    prepared = prepare(load(folder))
    return pd.concat([compute(prepared, period, level) for period in periods for level in levels],
                     ignore_index=True)


# ----------------------------------------------------------------------------------------------
# Comparison with safeguard's table
# ----------------------------------------------------------------------------------------------

def compare(expected: pd.DataFrame, actual: pd.DataFrame, rel: float = 1e-9) -> List[str]:
    """The differences between two long tables (indicator, period, org_unit, numerator,
    denominator, value), cell by cell: a cell on one side only, or a number that differs by
    more than REL relative. Rows whose numerator is missing or 0 are left out on both sides
    (the spec lets a writer omit them; safeguard keeps them where a target applies)."""
    keys = ["indicator", "period", "org_unit"]
    numbers = ["numerator", "denominator", "value"]

    def cells(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[keys + numbers].copy()
        for key in keys:
            frame[key] = frame[key].astype(str)
        frame = frame[frame["numerator"].notna() & (frame["numerator"] != 0)]
        return frame.set_index(keys)

    left, right = cells(expected), cells(actual)
    problems: List[str] = []
    duplicated = left.index[left.index.duplicated()].union(right.index[right.index.duplicated()])
    for key in duplicated[:20]:
        problems.append(f"{'/'.join(key)}: cell listed twice")
    for key in left.index.difference(right.index)[:20]:
        problems.append(f"{'/'.join(key)}: only in the first table ({left.loc[key, 'numerator']})")
    for key in right.index.difference(left.index)[:20]:
        problems.append(f"{'/'.join(key)}: only in the second table "
                        f"({right.loc[key, 'numerator']})")
    both = left.join(right, how="inner", lsuffix="_1", rsuffix="_2")
    for column in numbers:
        a, b = both[column + "_1"], both[column + "_2"]
        same = (a.isna() & b.isna()) | (np.abs(a - b) <= rel * np.maximum(np.abs(a), np.abs(b)))
        for key in both.index[~same.to_numpy()][:20]:
            problems.append(f"{'/'.join(key)}: {column} {a.loc[key]!r} != {b.loc[key]!r}")
    return problems


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--period", default="2024",
                        help="comma-separated: yyyy, yyyySn, yyyyQn, yyyymm")
    parser.add_argument("--level", default="2", help="comma-separated org-unit levels")
    parser.add_argument("-o", dest="output", help="CSV file (default: stdout)")
    args = parser.parse_args(argv)
    table = run(args.data_dir, [p for p in args.period.split(",") if p],
                [int(level) for level in args.level.split(",") if level])
    for column in ("numerator", "denominator", "value"):
        # As the spec's output table: integral numbers without ".0", others as Python's repr.
        table[column] = [("" if np.isnan(x) else str(int(x)) if float(x).is_integer() else repr(x))
                         for x in table[column]]
    table.to_csv(args.output if args.output else sys.stdout, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
