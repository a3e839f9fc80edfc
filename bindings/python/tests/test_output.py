"""The result as the spec's CSV table and as JSON (output/)."""

from __future__ import annotations

import json

import numpy as np
import pytest


def test_csv_is_the_spec_table(result):
    lines = result.to_csv().splitlines()
    assert lines[0] == "indicator,period,org_unit,sex,numerator,denominator,value,target,status"
    assert len(lines) == len(result) + 1
    assert lines[1].startswith("CHILD_POP,2024,")
    assert result.to_csv() == result.to_csv()  # byte-identical across calls


def test_json_has_the_same_rows(result):
    parsed = json.loads(result.to_json())
    assert parsed["columns"] == result.columns
    assert len(parsed["rows"]) == len(result)
    assert parsed["notes"] == result.notes
    first = parsed["rows"][0]
    assert first["indicator"] == "CHILD_POP" and first["period"] == "2024"
    assert first["numerator"] == result.numerator[0]
    with_target = [row for row in parsed["rows"] if row["target"] is not None]
    assert all("achievement" in row and "direction" in row for row in with_target)
    # The JSON's achievement is the result's, row for row (it once printed 0 for every row).
    achievement = result.achievement()
    with_target_index = [i for i, row in enumerate(parsed["rows"]) if row["target"] is not None]
    assert with_target_index
    for i in with_target_index:
        expected = achievement[i]
        got = parsed["rows"][i]["achievement"]
        assert (got is None and np.isnan(expected)) or got == pytest.approx(expected, rel=1e-12)
