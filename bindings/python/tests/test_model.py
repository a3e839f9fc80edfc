"""Dataset and its tables as DataFrames and numpy views (model/)."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

import safeguard

SPEC_CASE_COLUMNS = [
    "case_id", "child_id", "reported_date", "concerns", "org_unit", "lead_agency", "source",
    "setting", "perpetrator", "level", "risk", "outcome", "incident_date", "emergency_date",
    "assessed_date", "plan_date", "closed_date", "closure_reason", "consent_reporting",
]


def test_every_table_has_the_spec_columns_in_order(dataset):
    cases = dataset.table("cases")
    assert [c for c in cases.columns if not c.endswith("_has_time")] == SPEC_CASE_COLUMNS
    assert list(cases.columns[2:4]) == ["reported_date", "reported_date_has_time"]
    assert list(dataset.table("children").columns) == [
        "child_id", "birth_date", "sex", "org_unit", "ethnicity", "disability",
        "registered_date", "exit_date", "exit_reason"]
    assert list(dataset.table("holidays").columns) == ["date", "name"]
    assert list(dataset.tables()) == list(safeguard.TABLES)
    for name, frame in dataset.tables().items():
        assert len(frame) == dataset.rows[name]


def test_column_types(dataset):
    cases = dataset.table("cases")
    concern_codes = [e.code for e in safeguard.code_lists()["concern"]]
    source = cases["source"]
    assert isinstance(source.dtype, pd.CategoricalDtype)
    assert list(source.cat.categories) == [e.code for e in safeguard.code_lists()["source"]]
    assert cases["reported_date"].dtype == np.dtype("M8[ns]")
    assert cases["reported_date_has_time"].dtype == "boolean"
    assert cases["consent_reporting"].dtype == "boolean"
    assert cases["case_id"].map(type).eq(str).all()
    for joined in cases["concerns"].head(200):
        assert all(code in concern_codes for code in joined.split("|"))
    # The minutes are kept; a report without a time of day is at midnight, flagged.
    timed = cases[cases["reported_date_has_time"]]
    untimed = cases[~cases["reported_date_has_time"]]
    assert (timed["reported_date"].dt.hour * 60 + timed["reported_date"].dt.minute > 0).any()
    assert (untimed["reported_date"] == untimed["reported_date"].dt.normalize()).all()
    children = dataset.table("children")
    assert children["birth_date"].dtype == np.dtype("M8[ns]")
    assert children["exit_date"].isna().any() and children["exit_date"].notna().any()
    assert children["disability"].dtype == "boolean"
    assert isinstance(children["ethnicity"].dtype, pd.CategoricalDtype)
    assert "kinh" in children["ethnicity"].cat.categories
    population = dataset.table("population")
    assert population["count"].dtype == np.int64 and population["year"].dtype == np.int64


def test_references_become_the_referenced_ids(dataset):
    cases = dataset.table("cases")
    children = dataset.table("children")
    assert cases["child_id"].isin(children["child_id"]).all()
    org_units = dataset.table("org_units")
    assert org_units["parent"].isna().sum() == 1  # Quảng Ninh is the one root
    assert org_units["parent"].dropna().isin(org_units["code"]).all()
    services = dataset.table("services")
    assert services["case_id"].isin(cases["case_id"]).all()


def test_small_dataset_values(small):
    ds = safeguard.Dataset.from_pandas(**small)
    children = ds.table("children")
    assert children["birth_date"].tolist() == [
        pd.Timestamp("2015-02-28"), pd.Timestamp("2012-06-01"), pd.Timestamp("2020-02-29")]
    assert children["sex"].tolist() == ["f", "m", "u"]
    assert children["org_unit"].tolist() == ["193", "195", "193"]
    assert children["ethnicity"].tolist()[0] == "kinh" and pd.isna(children["ethnicity"][1])
    assert children["disability"].tolist() == [True, pd.NA, False]
    assert children["exit_date"].isna().all()
    cases = ds.table("cases")
    assert cases["concerns"].tolist() == ["physical_violence|neglect", "drowning"]
    assert cases["reported_date"].tolist() == [pd.Timestamp("2024-03-01"),
                                               pd.Timestamp("2024-04-02")]
    assert cases["reported_date_has_time"].tolist() == [True, False]
    assert cases["emergency_date"][0] == pd.Timestamp("2024-03-01 09:30")
    assert cases["emergency_date_has_time"].tolist() == [True, pd.NA]
    assert cases["lead_agency"].tolist() == ["A1", None]
    assert cases["consent_reporting"].tolist() == [True, True]  # the spec's default
    assert cases["outcome"].isna().tolist() == [True, False]
    assert ds.table("org_units")["name"][0] == "Tỉnh Quảng Ninh"


def test_empty_tables_keep_their_columns_and_types():
    ds = safeguard.Dataset()
    assert repr(ds) == "<safeguard.Dataset: empty>"
    cases = ds.table("cases")
    assert len(cases) == 0
    assert [c for c in cases.columns if not c.endswith("_has_time")] == SPEC_CASE_COLUMNS
    assert isinstance(cases["source"].dtype, pd.CategoricalDtype)
    assert cases["reported_date"].dtype == np.dtype("M8[ns]")


def test_unknown_table_is_a_key_error(dataset):
    with pytest.raises(KeyError, match="unknown table 'case'"):
        dataset.table("case")


def test_columns_are_read_only_views_without_copies(dataset):
    dates = dataset.core.cases.reported_date
    assert dates.dtype == np.int32 and len(dates) == dataset.rows["cases"]
    assert not dates.flags.writeable and not dates.flags.owndata
    with pytest.raises(ValueError):
        dates[0] = 0
    # Two views of one column share the library's memory.
    again = dataset.core.cases.reported_date
    assert np.shares_memory(dates, again)
    assert dataset.core.children.org_unit.dtype == np.int32
    assert dataset.core.cases.concerns.dtype == np.uint32
    # A frame from table() is a copy: changing it leaves the dataset alone.
    frame = dataset.table("cases")
    frame.loc[0, "reported_date"] = pd.Timestamp("1999-01-01")
    assert dataset.table("cases").loc[0, "reported_date"] != pd.Timestamp("1999-01-01")


def test_a_view_keeps_its_dataset_alive(generated_dir):
    births = safeguard.load(generated_dir).core.children.birth_date
    ids = safeguard.load(generated_dir).core.children.id
    gc.collect()
    assert births.min() > 0 and len(ids) == len(births)
    assert ids[0] == ids.to_list()[0]
    assert ids.offsets[-1] == len(ids.bytes)


def test_repr_and_html(dataset):
    text = repr(dataset)
    assert text.startswith("<safeguard.Dataset: 191 org_units,")
    assert "20,000 children" in text
    html = dataset._repr_html_()
    assert "<td>children</td><td style='text-align:right'>20,000</td>" in html


def test_a_date_pandas_cannot_hold_is_an_error_without_the_date(small):
    small["children"].loc[0, "birth_date"] = "1600-01-01"
    ds = safeguard.Dataset.from_pandas(**small)
    with pytest.raises(safeguard.SafeguardError,
                       match="children.birth_date holds a date outside") as caught:
        ds.table("children")
    assert "1600" not in str(caught.value)
    assert ds.table("cases")["reported_date"].notna().all()  # other tables still convert
