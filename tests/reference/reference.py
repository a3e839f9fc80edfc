#!/usr/bin/env python3
"""An independent, row-by-row reference implementation of safeguard's standard catalogue.

It reads a dataset folder (shared/spec/data-format.md) with the csv module and writes the
indicator table of the spec (indicators.md) for the requested periods, org-unit levels and
breakdowns. It shares no code with the C++ engine and is written to be read, not to be fast:
each indicator of the standard catalogue is one plain function below, walking the rows one by
one. The tests compare the engine with it cell by cell (compare.py); the interpretations it
applies where the spec leaves room are listed in README.md next to this file.

usage: reference.py DATA_DIR --period P[,P...] [--level N[,N...]] [--by DIM[,DIM...]]
                    [--indicators CODE,...] [--age-bands 0-5,6-10,...] [--no-consent] [-o FILE]

Standard library only (run with /usr/bin/python3).
"""

import argparse
import csv
import datetime
import itertools
import os
import re
import sys

ONE_DAY = datetime.timedelta(days=1)

CONCERN_GROUP = {
    "physical_violence": "abuse", "emotional_violence": "abuse", "sexual_abuse": "abuse",
    "exploitation": "abuse", "child_labour": "abuse", "trafficking": "abuse",
    "abduction": "abuse", "abandonment": "abuse", "neglect": "abuse",
    "child_marriage": "abuse", "online_abuse": "abuse",
    "drowning": "injury", "road_traffic": "injury", "fall": "injury", "burn": "injury",
    "poisoning": "injury", "other_injury": "injury",
    "drug_use": "risk", "in_conflict_with_law": "risk", "school_dropout": "risk",
    "mental_health": "risk",
    "other": "other",
}

# Every dimension a request may name with --by.
KNOWN_DIMENSIONS = [
    "sex", "age_band", "ethnicity", "disability", "circumstance", "concern", "concern_group",
    "source", "setting", "perpetrator", "level", "risk", "outcome", "closure_reason", "service",
    "referred", "agency", "agency_kind", "kind", "topic", "audience", "programme",
]

# The breakdowns each family of indicators allows (end of indicators.md). closure_reason is a
# case column but the spec's list of case breakdowns does not name it, so no indicator allows it.
POPULATION_DIMS = frozenset({"sex", "age_band"})
CHILD_DIMS = frozenset({"sex", "age_band", "ethnicity", "disability", "circumstance"})
CASE_DIMS = frozenset({"sex", "age_band", "ethnicity", "disability", "concern", "concern_group",
                       "source", "setting", "perpetrator", "level", "risk", "outcome", "agency",
                       "agency_kind"})
SERVICE_DIMS = frozenset({"sex", "age_band", "service", "referred", "agency", "agency_kind"})
ACTIVITY_DIMS = frozenset({"agency", "agency_kind", "kind", "topic", "audience", "programme"})
ALL_DIMS = frozenset(KNOWN_DIMENSIONS)

DEFAULT_AGE_BANDS = "0-5,6-10,11-15,16-17"


class UsageError(Exception):
    """A bad command line or period id: reported on stderr, exit code 2."""


# ----------------------------------------------------------------------------------------------
# Reading the CSV files
# ----------------------------------------------------------------------------------------------

def read_table(folder, name):
    """The rows of NAME.csv as dicts column -> text ('' = missing); [] when the file is absent."""
    path = os.path.join(folder, name + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return []
        rows = []
        for fields in reader:
            if not fields:
                continue  # a blank line
            rows.append({column: (fields[i] if i < len(fields) else "")
                         for i, column in enumerate(header)})
        return rows


def parse_date(text):
    """A date from 'YYYY-MM-DD' (or the date part of 'YYYY-MM-DDTHH:MM'); None when empty."""
    if not text:
        return None
    return datetime.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))


def parse_date_time(text):
    """(date, minute of the day or None when no time is given); (None, None) when empty."""
    if not text:
        return None, None
    day = parse_date(text)
    if "T" in text:
        hours, minutes = text.split("T", 1)[1].split(":")[0:2]
        return day, int(hours) * 60 + int(minutes)
    return day, None


def codes_of(text):
    """The distinct codes of a multi-valued cell, sorted; () when the cell is empty."""
    return tuple(sorted({code for code in text.split("|") if code})) if text else ()


def int_or(text, default):
    return int(text) if text != "" else default


def age_on(birth, day):
    """Completed years on DAY. Born on 29 February: the birthday is 1 March in a common year,
    which is what comparing (month, day) pairs gives: (2, 28) < (2, 29)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def working_days_between(a, b, holidays):
    """Days d with a < d <= b that are neither Saturday, Sunday nor a holiday; the negative of
    the reverse count when b < a."""
    if b < a:
        return -working_days_between(b, a, holidays)
    count = 0
    day = a + ONE_DAY
    while day <= b:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += ONE_DAY
    return count


# ----------------------------------------------------------------------------------------------
# Periods (DHIS2 ids)
# ----------------------------------------------------------------------------------------------

FINANCIAL_START_MONTH = {"April": 4, "July": 7, "Oct": 10, "Nov": 11}


class Period:
    def __init__(self, pid, first, last):
        self.id = pid
        self.first = first
        self.last = last  # E

    def contains(self, day):
        return day is not None and self.first <= day <= self.last


def month_end(year, month):
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - ONE_DAY


def period_days(pid):
    """(first day, last day) of a period id; raises UsageError for an id it does not know."""
    try:
        if ".." in pid:
            a, b = pid.split("..", 1)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", a) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", b):
                raise ValueError
            first, last = parse_date(a), parse_date(b)
            if last < first:
                raise ValueError
            return first, last
        m = re.fullmatch(r"(\d{4})", pid)
        if m:
            y = int(m.group(1))
            return datetime.date(y, 1, 1), datetime.date(y, 12, 31)
        m = re.fullmatch(r"(\d{4})S([12])", pid)
        if m:
            y, s = int(m.group(1)), int(m.group(2))
            return datetime.date(y, 6 * s - 5, 1), month_end(y, 6 * s)
        m = re.fullmatch(r"(\d{4})Q([1-4])", pid)
        if m:
            y, q = int(m.group(1)), int(m.group(2))
            return datetime.date(y, 3 * q - 2, 1), month_end(y, 3 * q)
        m = re.fullmatch(r"(\d{4})W(\d{1,2})", pid)
        if m:
            monday = datetime.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return monday, monday + 6 * ONE_DAY
        m = re.fullmatch(r"(\d{4})(\d{2})", pid)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            return datetime.date(y, mo, 1), month_end(y, mo)
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", pid)
        if m:
            day = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return day, day
        m = re.fullmatch(r"(\d{4})(April|July|Oct|Nov)", pid)
        if m:
            y, mo = int(m.group(1)), FINANCIAL_START_MONTH[m.group(2)]
            return datetime.date(y, mo, 1), datetime.date(y + 1, mo, 1) - ONE_DAY
    except ValueError:
        pass
    raise UsageError(f"unknown period '{pid}'")


# ----------------------------------------------------------------------------------------------
# The dataset
# ----------------------------------------------------------------------------------------------

class Record:
    """A plain bag of named fields (one row of a table, with its links resolved)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class Dataset:
    def __init__(self, folder):
        # Org units: parent links, then depth (root = level 1) and the chain unit, parent, ...
        self.units = {}
        for row in read_table(folder, "org_units"):
            self.units[row["code"]] = Record(code=row["code"], parent=row.get("parent", ""))
        for unit in self.units.values():
            chain = [unit.code]
            parent = unit.parent
            while parent:
                chain.append(parent)
                parent = self.units[parent].parent
            unit.chain = chain  # self first, root last
            unit.level = len(chain)

        self.population = []
        for row in read_table(folder, "population"):
            self.population.append(Record(unit=row["org_unit"], year=int(row["year"]),
                                          sex=row["sex"], age=int(row["age"]),
                                          count=int(row["count"])))

        self.agency_kind = {}
        for row in read_table(folder, "agencies"):
            self.agency_kind[row["code"]] = row["kind"]

        self.children = []
        children_by_id = {}
        for row in read_table(folder, "children"):
            child = Record(birth=parse_date(row["birth_date"]), sex=row["sex"],
                           unit=row["org_unit"], ethnicity=row.get("ethnicity", ""),
                           disability=row.get("disability", ""),
                           registered=parse_date(row["registered_date"]),
                           exit=parse_date(row.get("exit_date", "")),
                           episodes=[], cases=[])
            self.children.append(child)
            children_by_id[row["child_id"]] = child

        for row in read_table(folder, "circumstances"):
            children_by_id[row["child_id"]].episodes.append(Record(
                circumstance=row["circumstance"], start=parse_date(row["start_date"]),
                end=parse_date(row.get("end_date", ""))))

        self.cases = []
        cases_by_id = {}
        for row in read_table(folder, "cases"):
            reported, reported_minute = parse_date_time(row["reported_date"])
            emergency, emergency_minute = parse_date_time(row.get("emergency_date", ""))
            concerns = codes_of(row["concerns"])
            case = Record(child=children_by_id[row["child_id"]], unit=row["org_unit"],
                          reported=reported, reported_minute=reported_minute,
                          concerns=concerns,
                          groups=tuple(sorted({CONCERN_GROUP[c] for c in concerns})),
                          lead_agency=row.get("lead_agency", ""),
                          source=row.get("source", ""), setting=row.get("setting", ""),
                          perpetrator=row.get("perpetrator", ""), level=row.get("level", ""),
                          risk=row.get("risk", ""), outcome=row.get("outcome", ""),
                          emergency=emergency, emergency_minute=emergency_minute,
                          plan_date=parse_date(row.get("plan_date", "")),
                          closed=parse_date(row.get("closed_date", "")),
                          closure_reason=row.get("closure_reason", ""),
                          consent=row.get("consent_reporting", "") != "0",
                          services=[])
            self.cases.append(case)
            cases_by_id[row["case_id"]] = case
            case.child.cases.append(case)

        self.services = []
        for row in read_table(folder, "services"):
            case = cases_by_id[row["case_id"]]
            service = Record(case=case, date=parse_date(row["date"]), service=row["service"],
                             agency=row.get("agency", ""), referred=row.get("referred", ""))
            self.services.append(service)
            case.services.append(service)

        self.activities = []
        for row in read_table(folder, "activities"):
            self.activities.append(Record(
                agency=row["agency"], kind=row["kind"], start=parse_date(row["start_date"]),
                unit=row["org_unit"], topics=codes_of(row.get("topics", "")),
                audiences=codes_of(row.get("audiences", "")),
                sessions=int_or(row.get("sessions", ""), 1),
                participants=int_or(row.get("participants", ""), 0),
                child_participants=int_or(row.get("child_participants", ""), 0),
                quantity=int_or(row.get("quantity", ""), 1),
                programme=row.get("programme", "")))

        plans = {}
        for row in read_table(folder, "plans"):
            plans[row["plan_id"]] = Record(agency=row["agency"], unit=row["org_unit"],
                                           first=parse_date(row["start_date"]),
                                           last=parse_date(row["end_date"]))
        self.targets = []
        for row in read_table(folder, "targets"):
            plan = plans[row["plan_id"]]
            if row.get("period", ""):
                first, last = period_days(row["period"])
            else:
                first, last = plan.first, plan.last
            self.targets.append(Record(indicator=row["indicator"],
                                       unit=row.get("org_unit", "") or plan.unit,
                                       first=first, last=last, agency=plan.agency,
                                       value=float(row["value"])))

        self.holidays = {parse_date(row["date"]) for row in read_table(folder, "holidays")}


# ----------------------------------------------------------------------------------------------
# The request and the cells of the output
# ----------------------------------------------------------------------------------------------

def parse_age_bands(text):
    bands = []
    for item in text.split(","):
        m = re.fullmatch(r"(\d+)-(\d+)", item.strip())
        if not m or int(m.group(1)) > int(m.group(2)):
            raise UsageError(f"bad age band '{item}'; expected LOW-HIGH such as 0-5")
        bands.append((item.strip(), int(m.group(1)), int(m.group(2))))
    return bands


class Context:
    """The dataset together with the request: the output levels, the breakdowns, the age bands
    and the consent rule, plus the per-record facts that do not depend on the period."""

    def __init__(self, data, levels, by, bands, honour_consent):
        self.data = data
        self.levels = levels
        self.by = by
        self.bands = bands
        self.honour_consent = honour_consent
        # For each unit, the units of the output it counts for: itself and its ancestors, at
        # the requested levels.
        self.out_units = {code: [u for u in unit.chain if data.units[u].level in levels]
                          for code, unit in data.units.items()}
        # Case rules: the child is 0-15 at the date of reported_date, and consent.
        for case in data.cases:
            case.age = age_on(case.child.birth, case.reported)
            case.counts = 0 <= case.age <= 15 and (case.consent or not honour_consent)
        self.cases = [case for case in data.cases if case.counts]

    def band(self, age):
        for code, low, high in self.bands:
            if low <= age <= high:
                return code
        return ""

    def case_allowed(self, case):
        """Consent alone (no age condition): used for services 'on any of a child's cases'."""
        return case.consent or not self.honour_consent

    def kind_of(self, agency):
        return self.data.agency_kind.get(agency, "")

    # The facets of a record: for each dimension, the codes the record has ('' = missing).
    def child_facets(self, child, age, active):
        return {"sex": (child.sex,), "age_band": (self.band(age),),
                "ethnicity": (child.ethnicity,), "disability": (child.disability,),
                "circumstance": active or ("",)}

    def case_facets(self, case):
        child = case.child
        return {"sex": (child.sex,), "age_band": (self.band(case.age),),
                "ethnicity": (child.ethnicity,), "disability": (child.disability,),
                "concern": case.concerns, "concern_group": case.groups,
                "source": (case.source,), "setting": (case.setting,),
                "perpetrator": (case.perpetrator,), "level": (case.level,),
                "risk": (case.risk,), "outcome": (case.outcome,),
                "closure_reason": (case.closure_reason,),
                "agency": (case.lead_agency,), "agency_kind": (self.kind_of(case.lead_agency),)}

    def service_facets(self, service):
        case = service.case
        return {"sex": (case.child.sex,), "age_band": (self.band(case.age),),
                "service": (service.service,), "referred": (service.referred,),
                "agency": (service.agency,), "agency_kind": (self.kind_of(service.agency),)}

    def activity_facets(self, activity):
        return {"agency": (activity.agency,), "agency_kind": (self.kind_of(activity.agency),),
                "kind": (activity.kind,), "topic": activity.topics or ("",),
                "audience": activity.audiences or ("",), "programme": (activity.programme,)}


class Cells:
    """Accumulates one aggregate per output cell. A cell key is (org unit code, tuple of
    dimension codes in --by order); a dimension outside ALLOWED holds '' (not broken down).
    A record adds to every unit it counts for and to every combination of its codes."""

    def __init__(self, ctx, allowed):
        self.ctx = ctx
        self.allowed = allowed
        self.cells = {}

    def keys(self, unit, facets):
        choices = [facets[d] if d in self.allowed else ("",) for d in self.ctx.by]
        combos = list(itertools.product(*choices))
        for out_unit in self.ctx.out_units[unit]:
            for combo in combos:
                yield (out_unit, combo)

    def add(self, unit, facets, amount=1):
        for key in self.keys(unit, facets):
            self.cells[key] = self.cells.get(key, 0) + amount

    def add_member(self, unit, facets, member):
        for key in self.keys(unit, facets):
            self.cells.setdefault(key, set()).add(member)

    def add_value(self, unit, facets, value):
        for key in self.keys(unit, facets):
            self.cells.setdefault(key, []).append(value)

    def sums(self):
        return dict(self.cells)

    def distinct_counts(self):
        return {key: len(members) for key, members in self.cells.items()}

    def medians(self):
        return {key: median(values) for key, values in self.cells.items()}


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    if n % 2 == 1:
        return ordered[n // 2]
    return (ordered[n // 2 - 1] + ordered[n // 2]) / 2


# ----------------------------------------------------------------------------------------------
# The standard catalogue: one function per indicator side. Each takes the context, the period
# and the allowed breakdowns, and returns {cell key: number}.
# ----------------------------------------------------------------------------------------------

# --- population ---

def population_sum(ctx, period, allowed, low, high):
    cells = Cells(ctx, allowed)
    year = period.last.year
    for row in ctx.data.population:
        if row.year == year and low <= row.age <= high:
            cells.add(row.unit, {"sex": (row.sex,), "age_band": (ctx.band(row.age),)}, row.count)
    return cells.sums()


def child_pop(ctx, period, allowed):
    return population_sum(ctx, period, allowed, 0, 15)


def child_pop_0_17(ctx, period, allowed):
    return population_sum(ctx, period, allowed, 0, 17)


# --- children on the register (stock at E) ---

def registered_children(ctx, period):
    """(child, age at E, distinct circumstances active at E) for every child on the register
    at E and aged 0-15 then."""
    end = period.last
    for child in ctx.data.children:
        if child.registered <= end and (child.exit is None or child.exit > end):
            age = age_on(child.birth, end)
            if 0 <= age <= 15:
                active = tuple(sorted({e.circumstance for e in child.episodes
                                       if e.start <= end and (e.end is None or e.end > end)}))
                yield child, age, active


def is_csc(active):
    return any(c != "at_risk" for c in active)


def reg_children(ctx, period, allowed):
    cells = Cells(ctx, allowed)
    for child, age, active in registered_children(ctx, period):
        cells.add(child.unit, ctx.child_facets(child, age, active))
    return cells.sums()


def csc_children(ctx, period, allowed):
    cells = Cells(ctx, allowed)
    for child, age, active in registered_children(ctx, period):
        if is_csc(active):
            cells.add(child.unit, ctx.child_facets(child, age, active))
    return cells.sums()


def csc_assisted(ctx, period, allowed):
    cells = Cells(ctx, allowed)
    for child, age, active in registered_children(ctx, period):
        if not is_csc(active):
            continue
        assisted = any(period.contains(service.date)
                       for case in child.cases if ctx.case_allowed(case)
                       for service in case.services)
        if assisted:
            cells.add(child.unit, ctx.child_facets(child, age, active))
    return cells.sums()


def at_risk_children(ctx, period, allowed):
    cells = Cells(ctx, allowed)
    for child, age, active in registered_children(ctx, period):
        if set(active) == {"at_risk"}:
            cells.add(child.unit, ctx.child_facets(child, age, active))
    return cells.sums()


# --- cases (case rules: child 0-15 at reported_date, consent) ---

def count_cases(ctx, allowed, cases):
    cells = Cells(ctx, allowed)
    for case in cases:
        cells.add(case.unit, ctx.case_facets(case))
    return cells.sums()


def distinct_children(ctx, allowed, cases):
    cells = Cells(ctx, allowed)
    for case in cases:
        cells.add_member(case.unit, ctx.case_facets(case), id(case.child))
    return cells.distinct_counts()


def new_cases(ctx, period):
    """The counted cases placed in the period by the date of reported_date."""
    return [case for case in ctx.cases if period.contains(case.reported)]


def is_abuse(case):
    return "abuse" in case.groups


def is_injury(case):
    return "injury" in case.groups


def cases_new(ctx, period, allowed):
    return count_cases(ctx, allowed, new_cases(ctx, period))


def abuse_cases(ctx, period, allowed):
    return count_cases(ctx, allowed, [c for c in new_cases(ctx, period) if is_abuse(c)])


def abused_children(ctx, period, allowed):
    return distinct_children(ctx, allowed, [c for c in new_cases(ctx, period) if is_abuse(c)])


def sexual_abuse_children(ctx, period, allowed):
    return distinct_children(ctx, allowed,
                             [c for c in new_cases(ctx, period) if "sexual_abuse" in c.concerns])


def abused_supported(ctx, period, allowed):
    end = period.last
    supported = [case for case in new_cases(ctx, period) if is_abuse(case) and (
        (case.plan_date is not None and case.plan_date <= end)
        or any(service.date <= end for service in case.services))]
    return distinct_children(ctx, allowed, supported)


def hotline_cases(ctx, period, allowed):
    return count_cases(ctx, allowed,
                       [c for c in new_cases(ctx, period) if c.source == "hotline_111"])


def emergency_minutes(case):
    """Minutes from the report to the emergency measure; None when either has no time."""
    if case.emergency is None or case.reported_minute is None or case.emergency_minute is None:
        return None
    return ((case.emergency - case.reported).days * 1440
            + case.emergency_minute - case.reported_minute)


def emergency_within_12h(ctx, period, allowed):
    cases = [c for c in new_cases(ctx, period)
             if emergency_minutes(c) is not None and emergency_minutes(c) <= 12 * 60]
    return count_cases(ctx, allowed, cases)


def emergency_known_hours(ctx, period, allowed):
    cases = [c for c in new_cases(ctx, period) if emergency_minutes(c) is not None]
    return count_cases(ctx, allowed, cases)


def planned_cases(ctx, period):
    """The counted cases placed in the period by plan_date."""
    return [case for case in ctx.cases if period.contains(case.plan_date)]


def plans_within_7wd(ctx, period, allowed):
    holidays = ctx.data.holidays
    cases = [c for c in planned_cases(ctx, period)
             if working_days_between(c.reported, c.plan_date, holidays) <= 7]
    return count_cases(ctx, allowed, cases)


def plans_approved(ctx, period, allowed):
    return count_cases(ctx, allowed, planned_cases(ctx, period))


def new_cases_with_plan(ctx, period, allowed):
    end = period.last
    return count_cases(ctx, allowed, [c for c in new_cases(ctx, period)
                                      if c.plan_date is not None and c.plan_date <= end])


def open_cases(ctx, period, allowed):
    end = period.last
    return count_cases(ctx, allowed, [c for c in ctx.cases
                                      if c.reported <= end and (c.closed is None or c.closed > end)])


def closed_cases(ctx, period):
    """The counted cases placed in the period by closed_date."""
    return [case for case in ctx.cases if period.contains(case.closed)]


def cases_closed(ctx, period, allowed):
    return count_cases(ctx, allowed, closed_cases(ctx, period))


def days_to_close_median(ctx, period, allowed):
    cells = Cells(ctx, allowed)
    for case in closed_cases(ctx, period):
        cells.add_value(case.unit, ctx.case_facets(case), (case.closed - case.reported).days)
    return cells.medians()


def referred_cases(ctx, period, allowed):
    end = period.last
    return count_cases(ctx, allowed, [
        c for c in new_cases(ctx, period)
        if any(s.referred == "1" and s.date <= end for s in c.services)])


def services_provided(ctx, period, allowed):
    cells = Cells(ctx, allowed)
    for service in ctx.data.services:
        if service.case.counts and period.contains(service.date):
            cells.add(service.case.unit, ctx.service_facets(service))
    return cells.sums()


def injury_cases(ctx, period, allowed):
    return count_cases(ctx, allowed, [c for c in new_cases(ctx, period) if is_injury(c)])


def injury_deaths(ctx, period, allowed):
    return count_cases(ctx, allowed, [c for c in new_cases(ctx, period)
                                      if is_injury(c) and c.outcome == "died"])


def drowning_deaths(ctx, period, allowed):
    return count_cases(ctx, allowed, [c for c in new_cases(ctx, period)
                                      if "drowning" in c.concerns and c.outcome == "died"])


# --- activities (placed by start_date, at their own unit) ---

def activity_sum(ctx, period, allowed, kinds, field):
    """Sum of FIELD over the activities of the period whose kind is in KINDS (None = all)."""
    cells = Cells(ctx, allowed)
    for activity in ctx.data.activities:
        if period.contains(activity.start) and (kinds is None or activity.kind in kinds):
            cells.add(activity.unit, ctx.activity_facets(activity), getattr(activity, field))
    return cells.sums()


COMM_KINDS = ("communication", "performance", "conference")


def directives(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, ("directive",), "quantity")


def trainings(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, ("training",), "sessions")


def training_participants(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, ("training",), "participants")


def comm_sessions(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, COMM_KINDS, "sessions")


def comm_reach(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, COMM_KINDS, "participants")


def child_reach(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, None, "child_participants")


def media_items(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, ("media_item", "media_report"), "quantity")


def support_given(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, ("support",), "quantity")


def facilities_built(ctx, period, allowed):
    return activity_sum(ctx, period, allowed, ("facility",), "quantity")


def units_reached(ctx, period, allowed):
    """For a cell unit U: the distinct level-2 units D with at least one matching activity of
    U's subtree in D's subtree, i.e. the level-2 units (ancestors or self) of the cell's
    activities. An activity counts for its own unit and its ancestors like any row, so a
    level-3 cell is 0 or 1 (its district), a level-2 cell 0 or 1, a province its districts
    reached; an activity at a root is in no level-2 unit's subtree."""
    cells = Cells(ctx, allowed)
    kinds = ("training",) + COMM_KINDS
    for activity in ctx.data.activities:
        if period.contains(activity.start) and activity.kind in kinds:
            chain = ctx.data.units[activity.unit].chain
            if len(chain) < 2:
                continue  # an activity at a root is in no level-2 unit's subtree
            district = chain[-2]
            cells.add_member(activity.unit, ctx.activity_facets(activity), district)
    return cells.distinct_counts()


# (code, numerator, denominator, dimensions the denominator has (None: the numerator's own),
#  factor, dimensions allowed); in the order of the spec's table.
CATALOGUE = [
    ("CHILD_POP", child_pop, None, None, 1, POPULATION_DIMS),
    ("CHILD_POP_0_17", child_pop_0_17, None, None, 1, POPULATION_DIMS),
    ("REG_CHILDREN", reg_children, None, None, 1, CHILD_DIMS),
    ("CSC_CHILDREN", csc_children, None, None, 1, CHILD_DIMS),
    ("CSC_PCT", csc_children, child_pop, POPULATION_DIMS, 100, CHILD_DIMS),
    ("CSC_ASSISTED_PCT", csc_assisted, csc_children, None, 100, CHILD_DIMS),
    ("AT_RISK_CHILDREN", at_risk_children, None, None, 1, CHILD_DIMS),
    ("CASES_NEW", cases_new, None, None, 1, CASE_DIMS),
    ("ABUSE_CASES", abuse_cases, None, None, 1, CASE_DIMS),
    ("ABUSED_CHILDREN", abused_children, None, None, 1, CASE_DIMS),
    ("ABUSE_RATE", abused_children, child_pop, POPULATION_DIMS, 100000, CASE_DIMS),
    ("SEXUAL_ABUSE_CHILDREN", sexual_abuse_children, None, None, 1, CASE_DIMS),
    ("ABUSED_SUPPORTED_PCT", abused_supported, abused_children, None, 100, CASE_DIMS),
    ("HOTLINE_SHARE", hotline_cases, cases_new, None, 100, CASE_DIMS),
    ("EMERGENCY_12H_PCT", emergency_within_12h, emergency_known_hours, None, 100, CASE_DIMS),
    ("PLAN_7WD_PCT", plans_within_7wd, plans_approved, None, 100, CASE_DIMS),
    ("CASE_PLAN_PCT", new_cases_with_plan, cases_new, None, 100, CASE_DIMS),
    ("OPEN_CASES", open_cases, None, None, 1, CASE_DIMS),
    ("CASES_CLOSED", cases_closed, None, None, 1, CASE_DIMS),
    ("DAYS_TO_CLOSE_MEDIAN", days_to_close_median, None, None, 1, CASE_DIMS),
    ("REFERRAL_PCT", referred_cases, cases_new, None, 100, CASE_DIMS),
    ("SERVICES_PROVIDED", services_provided, None, None, 1, SERVICE_DIMS),
    ("INJURY_RATE", injury_cases, child_pop, POPULATION_DIMS, 100000, CASE_DIMS),
    ("INJURY_DEATH_RATE", injury_deaths, child_pop, POPULATION_DIMS, 100000, CASE_DIMS),
    ("DROWNING_DEATHS", drowning_deaths, None, None, 1, CASE_DIMS),
    ("DROWNING_DEATH_RATE", drowning_deaths, child_pop, POPULATION_DIMS, 100000, CASE_DIMS),
    ("DIRECTIVES", directives, None, None, 1, ACTIVITY_DIMS),
    ("TRAININGS", trainings, None, None, 1, ACTIVITY_DIMS),
    ("TRAINING_PARTICIPANTS", training_participants, None, None, 1, ACTIVITY_DIMS),
    ("COMM_SESSIONS", comm_sessions, None, None, 1, ACTIVITY_DIMS),
    ("COMM_REACH", comm_reach, None, None, 1, ACTIVITY_DIMS),
    ("CHILD_REACH", child_reach, None, None, 1, ACTIVITY_DIMS),
    ("MEDIA_ITEMS", media_items, None, None, 1, ACTIVITY_DIMS),
    ("UNITS_REACHED", units_reached, None, None, 1, ACTIVITY_DIMS),
    ("SUPPORT_GIVEN", support_given, None, None, 1, ACTIVITY_DIMS),
    ("FACILITIES_BUILT", facilities_built, None, None, 1, ACTIVITY_DIMS),
]
CATALOGUE_CODES = [entry[0] for entry in CATALOGUE]


# ----------------------------------------------------------------------------------------------
# Targets, the output table
# ----------------------------------------------------------------------------------------------

def target_cells(ctx, code, period, allowed):
    """{cell key: target} for one indicator and period. Targets apply to cells broken down by
    nothing, or by agency alone (matching the plan's agency); the breakdowns that count are
    the requested ones the indicator allows."""
    effective = [d for d in ctx.by if d in allowed]
    if effective not in ([], ["agency"]):
        return {}
    cells = {}
    for target in ctx.data.targets:
        unit = ctx.data.units.get(target.unit)
        if (target.indicator != code or unit is None or unit.level not in ctx.levels
                or (target.first, target.last) != (period.first, period.last)):
            continue
        combo = tuple(target.agency if d == "agency" and d in allowed else "" for d in ctx.by)
        key = (target.unit, combo)
        cells[key] = cells.get(key, 0.0) + target.value
    return cells


def format_number(x):
    """Integral values without '.0'; others in Python's shortest round-trip repr."""
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    if x == int(x) and abs(x) < 2 ** 53:
        return str(int(x))
    return repr(x)


# Numerators that are no count or sum: over no rows they are empty, not 0 (spec: "A median
# over no rows is empty"), which shows in a cell that exists for its target alone.
EMPTY_OVER_NO_ROWS = {"DAYS_TO_CLOSE_MEDIAN"}


def compute(ctx, periods, codes):
    """The rows of the output table (lists of strings, sorted as the spec says)."""
    rows = []
    for code, numerator, denominator, denominator_dims, factor, allowed in CATALOGUE:
        if code not in codes:
            continue
        for period in periods:
            num = numerator(ctx, period, allowed)
            den = None
            if denominator is not None:
                den_allowed = allowed if denominator_dims is None else allowed & denominator_dims
                den = denominator(ctx, period, den_allowed)
            targets = target_cells(ctx, code, period, allowed)
            keys = {key for key, n in num.items() if n is not None and n != 0}
            keys |= set(targets)
            for key in sorted(keys):
                unit, combo = key
                n = num.get(key, None if code in EMPTY_OVER_NO_ROWS else 0)
                d = None
                if den is not None:
                    den_key = (unit, tuple(c if dim in den_allowed else ""
                                           for dim, c in zip(ctx.by, combo)))
                    d = den.get(den_key, 0)
                if n is None:
                    value = None
                elif den is None:
                    value = n
                elif d == 0:
                    value = None
                else:
                    value = n / d * factor
                rows.append([code, period.id, unit, *combo, format_number(n), format_number(d),
                             format_number(value), format_number(targets.get(key)), ""])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--period", required=True)
    parser.add_argument("--level", default="2")
    parser.add_argument("--by", default="")
    parser.add_argument("--indicators", default="")
    parser.add_argument("--age-bands", default=DEFAULT_AGE_BANDS)
    parser.add_argument("--no-consent", action="store_true")
    parser.add_argument("--quiet", "-q", action="store_true")
    parser.add_argument("-o", dest="output")
    args = parser.parse_args(argv)
    try:
        periods = []
        for pid in args.period.split(","):
            if pid and pid not in [p.id for p in periods]:
                periods.append(Period(pid, *period_days(pid)))
        if not periods:
            raise UsageError("--period needs at least one period")
        levels = set()
        for item in args.level.split(","):
            if not item.isdigit() or int(item) < 1:
                raise UsageError(f"bad level '{item}'")
            levels.add(int(item))
        by = [d for d in args.by.split(",") if d]
        for d in by:
            if d not in ALL_DIMS:
                raise UsageError(f"unknown dimension '{d}'")
        if len(set(by)) != len(by):
            raise UsageError("a dimension is named twice in --by")
        codes = set(CATALOGUE_CODES)
        if args.indicators:
            codes = {c for c in args.indicators.split(",") if c}
            unknown = codes - set(CATALOGUE_CODES)
            if unknown:
                raise UsageError(f"unknown indicator '{sorted(unknown)[0]}'")
        bands = parse_age_bands(args.age_bands)
    except UsageError as e:
        print(f"reference.py: {e}", file=sys.stderr)
        return 2

    ctx = Context(Dataset(args.data_dir), levels, by, bands, not args.no_consent)
    rows = compute(ctx, periods, codes)
    header = ["indicator", "period", "org_unit", *by, "numerator", "denominator", "value",
              "target", "status"]
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
