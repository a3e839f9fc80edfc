"""Catalogues, compute and results (engine/)."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pandas as pd
import pytest

import safeguard

MY_CATALOGUE = """\
version: 1
indicators:
  - code: MY_ABUSE_GIRLS
    name: {en: "Abuse cases of girls", vi: "Vụ xâm hại trẻ em gái"}
    description:
      en: "Cases with an abuse concern whose child is a girl."
      vi: "Vụ việc xâm hại trẻ em gái."
    unit: count
    numerator:
      from: cases
      where: "contains(concern_groups, 'abuse') && child.sex == 'f'"
      value: "count(case_id)"
    dimensions: [age_band]
"""


# -- catalogues -----------------------------------------------------------------------------

def test_the_standard_catalogue():
    catalogue = safeguard.Catalogue.standard()
    assert len(catalogue) == len(catalogue.codes) >= 30
    assert catalogue.codes[0] == "CHILD_POP"
    assert {"ABUSE_RATE", "DROWNING_DEATHS", "CASES_NEW"} <= set(catalogue.codes)
    assert "ABUSE_RATE" in catalogue and "NOPE" not in catalogue and 3 not in catalogue
    rate = catalogue["ABUSE_RATE"]
    assert rate.name.in_("vi") == "Số trẻ em bị xâm hại trên 100.000 trẻ em"
    assert rate.name.en == "Abused children per 100,000 children"
    assert rate.factor == 100_000 and rate.unit == "per_100000"
    assert rate.numerator.indicator == "ABUSED_CHILDREN"
    assert rate.denominator.indicator == "CHILD_POP"
    assert catalogue["CASES_NEW"].denominator is None
    assert [d.code for d in catalogue] == catalogue.codes
    with pytest.raises(KeyError):
        catalogue["NOPE"]
    assert repr(catalogue).startswith(
        f"<safeguard.Catalogue: {len(catalogue)} indicators (CHILD_POP, ")
    frame = catalogue.to_pandas("vi")
    assert frame.loc[frame.code == "CHILD_POP", "name"].item() == "Dân số trẻ em (0–15 tuổi)"
    assert "<table" in catalogue._repr_html_()


def test_standard_returns_a_copy():
    mine = safeguard.Catalogue.standard()
    mine.merge(safeguard.Catalogue.from_string(MY_CATALOGUE))
    assert "MY_ABUSE_GIRLS" in mine and mine.codes[-1] == "MY_ABUSE_GIRLS"
    assert "MY_ABUSE_GIRLS" not in safeguard.Catalogue.standard()


def test_a_catalogue_of_ones_own(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(MY_CATALOGUE, encoding="utf-8")
    for catalogue in (safeguard.Catalogue.load(path),
                      safeguard.Catalogue.from_string(MY_CATALOGUE)):
        assert catalogue.codes == ["MY_ABUSE_GIRLS"]
        assert catalogue["MY_ABUSE_GIRLS"].numerator.table == "cases"
    assert safeguard.Catalogue.check(MY_CATALOGUE) == []


def test_a_bad_expression_is_an_indicator_error_with_a_caret():
    text = MY_CATALOGUE.replace("child.sex", "child.sexx")
    with pytest.raises(safeguard.IndicatorError) as caught:
        safeguard.Catalogue.from_string(text, "mine.yaml")
    error = caught.value
    assert error.indicator == "MY_ABUSE_GIRLS"
    where = next(i for i, line in enumerate(text.splitlines(), 1) if "where:" in line)
    assert error.line == where
    assert error.column == text.splitlines()[where - 1].index("sexx") + 1  # the unknown field
    assert error.expected.startswith("a column of children") and "\n" not in error.expected
    line = text.splitlines()[where - 1]
    assert error.caret.splitlines() == [line, " " * line.index("sexx") + "^"]
    assert str(error).startswith(f"the catalogue has 1 error\nmine.yaml:{where}:")
    assert "SG402" in str(error) and error.diagnostics[0].code == "SG402"
    (diagnostic,) = safeguard.Catalogue.check(text, "mine.yaml")
    assert (diagnostic.line, diagnostic.column) == (error.line, error.column)


def test_a_structural_error_gets_its_caret_from_the_text(tmp_path):
    text = MY_CATALOGUE.replace("    unit: count\n", "    unit: count\n    colour: red\n")
    with pytest.raises(safeguard.IndicatorError) as caught:
        safeguard.Catalogue.from_string(text)
    error = caught.value
    colour = text.splitlines().index("    colour: red") + 1
    assert (error.indicator, error.line, error.column) == ("MY_ABUSE_GIRLS", colour, 5)
    assert error.caret == "    colour: red\n    ^"
    assert error.expected.startswith("one of code, name")
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(safeguard.IndicatorError) as caught:
        safeguard.Catalogue.load(path)
    assert caught.value.caret == "    colour: red\n    ^"
    assert caught.value.diagnostics[0].file == "mine.yaml"


def test_a_catalogue_added_to_the_standard_one_may_refer_to_it(tmp_path, dataset):
    text = ("indicators:\n"
            "  - code: POP_AGAIN\n"
            "    name: {en: Child population again}\n"
            "    numerator: {indicator: CHILD_POP}\n")
    with pytest.raises(safeguard.IndicatorError):
        safeguard.Catalogue.from_string(text)  # alone, CHILD_POP is unknown
    standard = safeguard.Catalogue.standard()
    assert safeguard.Catalogue.check(text, added_to=standard) == []
    path = tmp_path / "added.yaml"
    path.write_text(text, encoding="utf-8")
    for added in (safeguard.Catalogue.load(path, added_to=standard),
                  safeguard.Catalogue.from_string(text, added_to=standard)):
        mine = safeguard.Catalogue.standard()
        mine.merge(added)
        frame = dataset.compute("2024", levels=1, catalogue=mine,
                                indicators=["CHILD_POP", "POP_AGAIN"]).to_pandas()
        values = dict(zip(frame["indicator"].astype(str), frame["numerator"]))
        assert values["POP_AGAIN"] == values["CHILD_POP"] > 0


def test_a_catalogue_that_is_not_yaml():
    with pytest.raises(safeguard.IndicatorError) as caught:
        safeguard.Catalogue.from_string("indicators: [")
    assert caught.value.diagnostics[0].code == "SG400"
    assert isinstance(caught.value, ValueError)


def test_a_missing_catalogue_file(tmp_path):
    with pytest.raises(safeguard.SafeguardError, match="cannot read catalogue file"):
        safeguard.Catalogue.load(tmp_path / "missing.yaml")


# -- compute and results --------------------------------------------------------------------

def test_compute_the_standard_catalogue(result):
    assert result.indicator_codes == safeguard.Catalogue.standard().codes
    assert [p.id for p in result.periods] == ["2024", "2024Q1"]
    assert result.dimensions == ["sex"]
    assert result.columns == ["indicator", "period", "org_unit", "sex", "numerator",
                              "denominator", "value", "target", "status"]
    assert result.shape == (len(result), 9) and len(result) > 100
    assert any("sex" in note and "TRAININGS" in note for note in result.notes)
    assert repr(result).startswith(f"<safeguard.Result: {len(result):,} rows × 9 columns, ")
    html = result._repr_html_()
    assert "first 10 shown" in html and html.count("<tr") == 11


def test_to_pandas_is_the_spec_table(result):
    frame = result.to_pandas()
    assert list(frame.columns) == result.columns and len(frame) == len(result)
    for column in ("indicator", "period", "org_unit", "sex", "status"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert list(frame["indicator"].cat.categories) == result.indicator_codes
    assert list(frame["sex"].cat.categories) == ["f", "m", "u"]
    assert frame["numerator"].dtype == np.float64
    assert frame["status"].isna().all()
    # Empty cells of the CSV are NaN, the others the same numbers.
    from_csv = pd.read_csv(io.StringIO(result.to_csv()), dtype={"org_unit": str, "period": str},
                           float_precision="round_trip")
    for column in ("numerator", "denominator", "value", "target"):
        np.testing.assert_array_equal(frame[column].to_numpy(), from_csv[column].to_numpy())
    assert (frame["org_unit"].astype(str).to_numpy() == from_csv["org_unit"].to_numpy()).all()
    # A breakdown the indicator ignores leaves the column empty: the missing-value cell.
    trainings = frame[frame["indicator"] == "TRAININGS"]
    assert len(trainings) and trainings["sex"].isna().all()


def test_to_pandas_with_labels(result):
    vi = result.to_pandas(labels="vi")
    en = result.to_pandas(labels="en")
    assert "Số trẻ em bị xâm hại" in set(vi["indicator"].cat.categories)
    assert "Abused children" in set(en["indicator"].cat.categories)
    sex = safeguard.code_lists()["sex"]
    assert list(vi["sex"].cat.categories) == [e.vi for e in sex]
    assert list(en["sex"].cat.categories) == [e.en for e in sex]
    np.testing.assert_array_equal(vi["value"].to_numpy(), result.to_pandas()["value"].to_numpy())
    codes = result.to_pandas()["org_unit"].cat.categories
    assert list(vi["org_unit"].cat.categories) == list(codes)
    with pytest.raises(ValueError, match="labels must be"):
        result.to_pandas(labels="fr")


def test_numeric_columns_are_numpy_views_with_masks(result):
    numerator = result.numerator
    assert numerator.dtype == np.float64 and len(numerator) == len(result)
    assert not numerator.flags.writeable and not numerator.flags.owndata
    assert np.shares_memory(numerator, result.numerator)
    assert result.has_numerator.dtype == np.bool_
    frame = result.to_pandas()
    for name in ("numerator", "denominator", "value", "target"):
        mask = getattr(result, "has_" + name)
        np.testing.assert_array_equal(frame[name].notna().to_numpy(), mask)
        np.testing.assert_array_equal(frame[name].to_numpy()[mask], getattr(result, name)[mask])
    assert result.has_value.any() and not result.has_denominator.all()
    with pytest.raises(ValueError):
        numerator[0] = 1.0


def test_achievement_is_direction_aware(dataset):
    result = dataset.compute("2024", levels=2, indicators="TRAININGS,COMM_SESSIONS,ABUSE_RATE")
    achievement = result.achievement()
    with_target = result.has_target & result.has_value
    assert with_target.any()
    assert np.isnan(achievement[~with_target]).all()
    at_least = with_target & ~result.target_at_most
    np.testing.assert_allclose(achievement[at_least],
                               result.value[at_least] / result.target[at_least])
    at_most = with_target & result.target_at_most
    np.testing.assert_array_equal(
        achievement[at_most], (result.value[at_most] <= result.target[at_most]).astype(float))


def test_compute_arguments(dataset):
    by_list = dataset.compute(["2024Q1", safeguard.Period.parse("2024Q2")], levels=(1,),
                              by=["age_band"], indicators=["CASES_NEW"],
                              age_bands=[(0, 9), (10, 17, "older")])
    assert [p.id for p in by_list.periods] == ["2024Q1", "2024Q2"]
    assert list(by_list.to_pandas()["age_band"].cat.categories) == ["0-9", "older"]
    by_text = dataset.compute("2024Q1,2024Q2", levels=1, by="age_band", indicators="CASES_NEW",
                              age_bands="0-9,10-17")
    np.testing.assert_array_equal(by_list.numerator, by_text.numerator)
    relative = dataset.compute("LAST_YEAR", levels=1, indicators="CASES_NEW",
                               reference_date=datetime.date(2025, 3, 1))
    assert [p.id for p in relative.periods] == ["2024"]
    whole = dataset.compute("2024", levels=1, indicators="CASES_NEW")
    assert relative.to_csv() == whole.to_csv()
    with_refusals = dataset.compute("2024", levels=1, indicators="CASES_NEW",
                                    honour_consent=False)
    assert with_refusals.numerator[0] >= whole.numerator[0]


def test_compute_with_a_catalogue_of_ones_own(dataset):
    catalogue = safeguard.Catalogue.from_string(MY_CATALOGUE)
    mine = dataset.compute("2024", levels=1, catalogue=catalogue)
    assert mine.indicator_codes == ["MY_ABUSE_GIRLS"]
    assert mine.catalogue is catalogue
    cases = dataset.table("cases")
    children = dataset.table("children").set_index("child_id")
    # The independent count: abuse cases of girls aged 0-15 reported in 2024, with consent.
    abuse = set(e.code for e in safeguard.code_lists()["concern"] if e.group == "abuse")
    reported = cases["reported_date"]
    birth = children.loc[cases["child_id"], "birth_date"].to_numpy()
    age = (reported.dt.year - pd.DatetimeIndex(birth).year
           - ((reported.dt.month * 100 + reported.dt.day)
              < (pd.DatetimeIndex(birth).month * 100 + pd.DatetimeIndex(birth).day)))
    selected = (
        cases["concerns"].map(lambda c: bool(abuse & set(c.split("|"))))
        & (children.loc[cases["child_id"], "sex"].to_numpy() == "f")
        & (reported.dt.year == 2024)
        & cases["consent_reporting"].astype(bool)
        & age.between(0, 15)
    )
    assert mine.numerator.tolist() == [float(selected.sum())]
    with pytest.raises(TypeError, match="safeguard.Catalogue"):
        dataset.compute("2024", catalogue="mine.yaml")


def test_compute_errors(dataset):
    with pytest.raises(safeguard.SafeguardError, match="unknown indicator 'NOPE'"):
        dataset.compute("2024", indicators="NOPE")
    with pytest.raises(safeguard.SafeguardError, match="unknown dimension 'colour'"):
        dataset.compute("2024", by="colour")
    with pytest.raises(safeguard.SafeguardError, match="level 0 is out of range"):
        dataset.compute("2024", levels=0)
    # A level deeper than the hierarchy has no units: an empty result, not an error.
    assert len(dataset.compute("2024", levels=7).to_pandas()) == 0
    with pytest.raises(safeguard.SafeguardError, match="bad age band"):
        dataset.compute("2024", by="age_band", age_bands="0-5,x")
    with pytest.raises(safeguard.PeriodError, match="2024Q9") as caught:
        dataset.compute("2024Q9")
    assert caught.value.id == "2024Q9"
    with pytest.raises(safeguard.SafeguardError, match="at least one period"):
        dataset.compute([])


def test_compute_on_an_empty_dataset(small):
    data = safeguard.Dataset.from_pandas(org_units=small["org_units"])
    result = data.compute("2024", levels=1)
    assert len(result) == 0
    frame = result.to_pandas(labels="en")
    assert list(frame.columns) == result.columns and frame.empty
