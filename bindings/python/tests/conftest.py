"""Shared fixtures of the Python suites.

The package under test is the one on PYTHONPATH: the build tree's (<build>/bindings/python,
as scripts/run-tests.sh sets it) or an installed one. Datasets are generated once per session
into pytest's temporary folder; none of them holds a real child's data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import safeguard

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The source tree (for the examples, the spec's version header)."""
    return REPO


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dataset folder of 20,000 children (seed 7), generated once."""
    folder = tmp_path_factory.mktemp("generated") / "qn"
    safeguard.generate(folder, children=20_000, seed=7)
    return folder


@pytest.fixture(scope="session")
def dataset(generated_dir: Path) -> safeguard.Dataset:
    """The generated dataset, loaded once (a Dataset is immutable, so tests may share it)."""
    return safeguard.load(generated_dir)


@pytest.fixture(scope="session")
def result(dataset: safeguard.Dataset) -> safeguard.Result:
    """The standard catalogue for 2024 and its first quarter at levels 1 and 2, by sex."""
    return dataset.compute("2024,2024Q1", levels=[1, 2], by="sex")


def small_tables() -> dict:
    """A hand-made dataset as plain-text DataFrames: one province, two districts, three
    children, two cases and a service."""
    return {
        "org_units": pd.DataFrame({
            "code": ["22", "193", "195"],
            "name": ["Tỉnh Quảng Ninh", "Thành phố Hạ Long", "Thành phố Cẩm Phả"],
            "parent": [None, "22", "22"],
            "kind": ["province", "city", "city"],
        }),
        "agencies": pd.DataFrame({
            "code": ["A1"], "name": ["Sở Y tế"], "kind": ["health"], "org_unit": ["22"],
        }),
        "children": pd.DataFrame({
            "child_id": ["C1", "C2", "C3"],
            "birth_date": ["2015-02-28", "2012-06-01", "2020-02-29"],
            "sex": ["f", "m", "u"],
            "org_unit": ["193", "195", "193"],
            "ethnicity": ["kinh", None, "tay"],
            "disability": ["1", "", "0"],
            "registered_date": ["2023-01-01", "2023-03-01", "2024-01-15"],
        }),
        "cases": pd.DataFrame({
            "case_id": ["K1", "K2"],
            "child_id": ["C1", "C2"],
            "reported_date": ["2024-03-01T00:00", "2024-04-02"],
            "concerns": ["physical_violence|neglect", "drowning"],
            "org_unit": ["193", "195"],
            "lead_agency": ["A1", None],
            "outcome": [None, "died"],
            "emergency_date": ["2024-03-01T09:30", None],
        }),
        "services": pd.DataFrame({
            "case_id": ["K1"], "date": ["2024-03-05"], "service": ["psychosocial"],
            "agency": ["A1"], "referred": ["1"],
        }),
    }


@pytest.fixture()
def small() -> dict:
    """small_tables(), fresh for each test (tests may change the frames)."""
    return small_tables()


def columns_of(data: safeguard.Dataset) -> dict:
    """Every column of every table of the C++ dataset, as numpy arrays or lists."""
    import numpy as np

    out = {}
    for name in safeguard.TABLES:
        table = getattr(data.core, name)
        for attribute in dir(table):
            if attribute.startswith("_"):
                continue
            value = getattr(table, attribute)
            if isinstance(value, np.ndarray):
                out[f"{name}.{attribute}"] = value
            elif hasattr(value, "to_list"):
                out[f"{name}.{attribute}"] = value.to_list()
            elif hasattr(value, "values"):
                out[f"{name}.{attribute}"] = list(value.values)
    return out


@pytest.fixture(scope="session")
def same_dataset():
    """assert_same(a, b): every column of every table is equal (the same dataset)."""
    import numpy as np

    def assert_same(a: safeguard.Dataset, b: safeguard.Dataset) -> None:
        left, right = columns_of(a), columns_of(b)
        assert left.keys() == right.keys()
        different = [
            key for key in left
            if not (np.array_equal(left[key], right[key]) if isinstance(left[key], np.ndarray)
                    else left[key] == right[key])
        ]
        assert different == []
        assert len(left) > 80  # every table's columns were compared

    return assert_same
