"""Periods and period lists (period/)."""

from __future__ import annotations

import datetime

import pytest

import safeguard


def test_parse_a_period():
    q = safeguard.Period.parse("2024Q2")
    assert q.id == "2024Q2" and str(q) == "2024Q2" and repr(q) == "Period('2024Q2')"
    assert q.type == safeguard.PeriodType.quarter
    assert (q.start, q.end, q.days) == (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30), 91)
    assert q.contains(datetime.date(2024, 5, 1)) and not q.contains("2024-07-01")
    assert q == safeguard.Period.quarter(2024, 2) and q != safeguard.Period.parse("2024Q3")
    assert q.shifted(1) == safeguard.Period.parse("2024Q3")
    assert hash(q) == hash(safeguard.Period.parse("2024Q2"))
    assert safeguard.Period.parse("2024July").start == datetime.date(2024, 7, 1)


def test_spans_and_days_take_dates():
    span = safeguard.Period.span(datetime.date(2024, 1, 1), "2024-06-30")
    assert span.id == "2024-01-01..2024-06-30" and span.type == safeguard.PeriodType.span
    assert safeguard.Period.day(datetime.datetime(2024, 6, 15, 13, 0)).id == "20240615"
    with pytest.raises(TypeError, match="datetime.date"):
        safeguard.Period.day(20240615)


def test_a_bad_period_is_a_period_error():
    with pytest.raises(safeguard.PeriodError) as caught:
        safeguard.Period.parse("2024Q5")
    assert caught.value.id == "2024Q5"
    assert caught.value.expected
    assert "2024Q5" in str(caught.value)
    with pytest.raises(ValueError):  # PeriodError is a ValueError too
        safeguard.Period.month(2024, 13)


def test_period_lists_with_relative_periods():
    periods = safeguard.parse_period_list("2024Q1, LAST_12_MONTHS,2024Q1",
                                          reference_date=datetime.date(2024, 7, 15))
    assert [p.id for p in periods][:3] == ["2024Q1", "202307", "202308"]
    assert len(periods) == 13
    this_year = safeguard.parse_period_list("THIS_YEAR")
    assert this_year[0].id == str(datetime.date.today().year)
    with pytest.raises(safeguard.PeriodError) as caught:
        safeguard.parse_period_list("2024,LAST_13_YEARS", "2024-07-15")
    assert caught.value.id == "LAST_13_YEARS"
