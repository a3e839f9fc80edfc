"""Loading, from_pandas, snapshots, validation and the generator (io/)."""

from __future__ import annotations

import datetime
import shutil

import pandas as pd
import pytest

import safeguard


# -- load -----------------------------------------------------------------------------------

def test_load_a_folder(dataset):
    assert dataset.rows["children"] == 20_000
    assert dataset.rows["org_units"] == 191
    assert dataset.rows["cases"] > 0 and dataset.rows["services"] > 0


def test_load_the_example_folder(repo):
    ds = safeguard.load(repo / "examples" / "quang_ninh_2024")
    assert ds.rows["org_units"] > 0 and ds.rows["activities"] > 0
    assert ds.rows["children"] == 0


def test_load_a_folder_without_org_units_is_a_load_error(tmp_path):
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.load(tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "SG107"
    assert diagnostic.file == "org_units.csv"


def test_load_reports_every_bad_cell_with_line_and_column(tmp_path, generated_dir):
    folder = tmp_path / "bad"
    shutil.copytree(generated_dir, folder)
    lines = (folder / "children.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    birth = header.index("birth_date")
    for row in (3, 10):
        fields = lines[row - 1].split(",")
        fields[birth] = "2019-02-30"
        lines[row - 1] = ",".join(fields)
    (folder / "children.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.load(folder)
    bad = [d for d in caught.value.diagnostics if d.column_name == "birth_date"]
    assert [(d.file, d.line, d.column) for d in bad] == [
        ("children.csv", 3, birth + 1), ("children.csv", 10, birth + 1)]
    assert all(d.value == "2019-02-30" and d.expected == "a date YYYY-MM-DD" for d in bad)
    assert all(d.code == "SG121" and d.record_id for d in bad)


def test_the_core_try_load_returns_the_report_with_its_warnings(tmp_path, small):
    from safeguard import _safeguard

    for name, frame in small.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "childern.csv").write_text("child_id\n", encoding="utf-8")
    report, core = _safeguard.try_load_dataset(str(tmp_path))
    assert report.ok() and report.error_count() == 0 and report.warning_count() == 1
    (warning,) = report.diagnostics
    assert (warning.code, warning.file, warning.level) == (
        "SG105", "childern.csv", safeguard.Severity.warning)
    assert len(core.children) == 3
    # safeguard.load, as io::load, keeps the data and drops the warning.
    assert safeguard.load(tmp_path).rows["children"] == 3
    report, core = _safeguard.try_load_dataset(str(tmp_path / "missing"))
    assert not report.ok() and report.diagnostics[0].code == "SG100"
    assert len(core.org_units) == 0


# -- snapshots ------------------------------------------------------------------------------

def test_save_and_load_a_snapshot(dataset, tmp_path, same_dataset):
    path = tmp_path / "qn.sgsnap"
    dataset.save(path)
    assert path.read_bytes()[:6] == b"SGSNAP"
    same_dataset(safeguard.load(path), dataset)


def test_save_into_a_missing_folder_is_an_error(dataset, tmp_path):
    with pytest.raises(safeguard.SafeguardError):
        dataset.save(tmp_path / "no" / "such" / "folder" / "x.sgsnap")


def test_a_damaged_snapshot_is_an_error(dataset, tmp_path):
    path = tmp_path / "qn.sgsnap"
    dataset.save(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data[: len(data) - 10]))
    with pytest.raises(safeguard.SafeguardError):
        safeguard.load(path)


# -- from_pandas ----------------------------------------------------------------------------

def test_from_pandas_round_trip_of_a_generated_dataset(dataset, same_dataset):
    same_dataset(safeguard.Dataset.from_pandas(**dataset.tables()), dataset)


def test_from_pandas_round_trip_of_the_example(repo, same_dataset):
    ds = safeguard.load(repo / "examples" / "quang_ninh_2024")
    again = safeguard.Dataset.from_pandas(**ds.tables())
    same_dataset(again, ds)
    for name in safeguard.TABLES:
        pd.testing.assert_frame_equal(again.table(name), ds.table(name))


def test_from_pandas_of_text_frames_equals_loading_the_csv_files(small, tmp_path, same_dataset):
    for name, frame in small.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    same_dataset(safeguard.Dataset.from_pandas(**small), safeguard.load(tmp_path))


def test_from_pandas_accepts_python_values(small, same_dataset):
    expected = safeguard.Dataset.from_pandas(**small)
    children = small["children"]
    children["birth_date"] = pd.to_datetime(children["birth_date"])
    children["registered_date"] = [datetime.date(2023, 1, 1), datetime.date(2023, 3, 1),
                                   datetime.date(2024, 1, 15)]
    children["disability"] = pd.array([True, None, False], dtype="boolean")
    children["sex"] = pd.Categorical(children["sex"], categories=["f", "m", "u"])
    cases = small["cases"]
    cases["concerns"] = [["physical_violence", "neglect"], ("drowning",)]
    cases["reported_date"] = pd.to_datetime(["2024-03-01 00:00", "2024-04-02"])
    cases["reported_date_has_time"] = [True, False]  # the first report was at 00:00 exactly
    same_dataset(safeguard.Dataset.from_pandas(**small), expected)


def test_from_pandas_midnight_without_has_time_means_no_time(small):
    small["cases"]["reported_date"] = pd.to_datetime(["2024-03-01 00:00", "2024-04-02 13:45"])
    cases = safeguard.Dataset.from_pandas(**small).table("cases")
    assert cases["reported_date_has_time"].tolist() == [False, True]
    assert cases["reported_date"][1] == pd.Timestamp("2024-04-02 13:45")


def test_from_pandas_missing_required_column(small):
    small["children"] = small["children"].drop(columns=["birth_date"])
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.Dataset.from_pandas(**small)
    (diagnostic,) = caught.value.errors
    assert diagnostic.file == "children.csv" and diagnostic.line == 1
    assert diagnostic.column_name == "birth_date"
    assert "birth_date" in str(caught.value)


def test_from_pandas_bad_value_is_located(small):
    small["cases"].loc[1, "concerns"] = "drowning|flying"
    small["services"].loc[0, "date"] = pd.Timestamp("2024-03-05 10:00")  # not a date
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.Dataset.from_pandas(**small)
    located = {(d.file, d.line, d.column_name): d for d in caught.value.diagnostics}
    concern = located["cases.csv", 3, "concerns"]
    assert concern.column == list(small["cases"].columns).index("concerns") + 1
    assert "flying" in concern.value
    service = located["services.csv", 2, "date"]
    assert service.value == "2024-03-05T10:00" and service.expected == "a date YYYY-MM-DD"


def test_from_pandas_columns_are_the_frames_with_has_time_companions(dataset):
    # table() gives each date-time column a `_has_time` companion; the diagnostics count it.
    tables = dataset.tables()
    cases = tables["cases"]
    assert "reported_date_has_time" in cases.columns
    cases["concerns"] = cases["concerns"].astype(object)
    cases.loc[1, "concerns"] = "bullying"
    cases["consent_reporting"] = cases["consent_reporting"].astype(object)
    cases.loc[2, "consent_reporting"] = "yes"
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.Dataset.from_pandas(**tables)
    located = {(d.line, d.column_name): d for d in caught.value.diagnostics}
    columns = list(cases.columns)
    assert located[3, "concerns"].column == columns.index("concerns") + 1
    assert located[4, "consent_reporting"].column == columns.index("consent_reporting") + 1
    assert f"cases.csv:3:{columns.index('concerns') + 1}:" in str(located[3, "concerns"])


def test_from_pandas_unknown_reference(small):
    small["children"].loc[2, "org_unit"] = "999"
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.Dataset.from_pandas(**small)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.column_name, diagnostic.value) == (
        "children.csv", 4, "org_unit", "999")
    assert diagnostic.record_id == "C3"


def test_from_pandas_unknown_column_is_a_warning(small):
    small["children"]["nickname"] = "x"
    with pytest.warns(safeguard.LoadWarning, match=r"children.csv:1:\d+: warning .*nickname"):
        ds = safeguard.Dataset.from_pandas(**small)
    assert "nickname" not in ds.table("children").columns


def test_from_pandas_requires_org_units(small):
    del small["org_units"]
    with pytest.raises(safeguard.LoadError, match="org_units.csv"):
        safeguard.Dataset.from_pandas(**small)


def test_from_pandas_refuses_what_is_not_a_dataframe(small):
    with pytest.raises(TypeError, match="children must be a pandas DataFrame"):
        safeguard.Dataset.from_pandas(org_units=small["org_units"], children=[1, 2])
    with pytest.raises(TypeError):
        safeguard.Dataset.from_pandas(org_units=small["org_units"], kids=small["children"])


def test_from_pandas_keeps_quotes_commas_and_line_breaks(small):
    small["org_units"].loc[1, "name"] = 'Hạ Long, "thành phố"\r\nbiển'
    ds = safeguard.Dataset.from_pandas(**small)
    assert ds.table("org_units")["name"][1] == 'Hạ Long, "thành phố"\r\nbiển'


# -- validation -----------------------------------------------------------------------------

def test_validate_returns_a_list_of_findings(dataset):
    report = dataset.validate()
    assert isinstance(report, list) and isinstance(report, safeguard.ValidationReport)
    assert not report.clean and report.total == sum(report.counts.values()) >= len(report)
    finding = report[0]
    assert isinstance(finding, safeguard.Finding)
    assert finding.rule in report.counts and finding.table.endswith(".csv") and finding.line >= 2
    assert str(finding).startswith(f"{finding.table}:{finding.line}: ")
    assert isinstance(report.as_of, datetime.date)
    frame = report.to_pandas()
    assert list(frame.columns) == ["rule", "level", "table", "line", "record_id", "message"]
    assert len(frame) == len(report)
    summary = report.summary()
    assert summary.set_index("rule")["count"].to_dict() == report.counts
    assert (summary["summary"] != "").all()
    assert repr(report).startswith(f"<safeguard.ValidationReport: {report.total:,} findings (")
    assert "<table" in report._repr_html_()


def test_validate_options(dataset):
    counted = dataset.validate(max_findings_per_rule=0)
    assert len(counted) == 0 and counted.total == dataset.validate().total
    early = dataset.validate(as_of="2000-01-01")
    assert early.as_of == datetime.date(2000, 1, 1)
    with pytest.raises(ValueError, match="not a date"):
        dataset.validate(as_of="2000-13-01")


def test_validate_a_clean_dataset(small):
    report = safeguard.Dataset.from_pandas(**small).validate()
    assert report.clean and len(report) == 0 and report.total == 0
    assert repr(report) == "<safeguard.ValidationReport: clean>"
    assert report.to_pandas().empty


def test_validation_rules():
    rules = safeguard.validation_rules()
    assert list(rules.columns) == ["rule", "level", "table", "summary"]
    assert rules["rule"].is_unique and rules["rule"].str.match(r"SG3\d\d").all()


# -- the generator --------------------------------------------------------------------------

def test_generate_writes_every_table(tmp_path):
    summary = safeguard.generate(tmp_path / "g", children=500, seed=3)
    assert [t.file for t in summary.tables][0] == "org_units.csv"
    assert summary.rows("children.csv") == 500
    assert summary.bytes() == sum(p.stat().st_size for p in (tmp_path / "g").iterdir())
    assert repr(summary).startswith("<safeguard.GenerateSummary: ")
    assert safeguard.load(tmp_path / "g").rows["children"] == 500


def test_generate_is_deterministic(tmp_path):
    safeguard.generate(tmp_path / "a", children=300, seed=11)
    safeguard.generate(tmp_path / "b", children=300, seed=11)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_generate_refuses_bad_options(tmp_path):
    with pytest.raises(safeguard.SafeguardError, match="first_year"):
        safeguard.generate(tmp_path / "g", children=10, first_year=2026, last_year=2025)
