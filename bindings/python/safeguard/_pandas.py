"""Conversions between the library's columns and pandas DataFrames.

One place for every pandas detail, so that the C++ module stays a thin layer over the library:

- :func:`table_to_pandas`: one table of a dataset as a DataFrame with the spec's columns
  (data-format.md), in the spec's order.
- :func:`tables_to_csv`: DataFrames back to CSV texts in the spec's format, for
  ``try_load_tables``, so that :meth:`Dataset.from_pandas` applies exactly the loader's
  checks and reports the loader's diagnostics.
- :func:`result_to_pandas`: a computed result as the spec's long output table.

Types, both ways: codes are ``Categorical`` whose categories are the code list (open lists,
ethnicity and programme, the codes present); dates are ``datetime64[ns]`` with ``NaT`` for a
missing date; date-times too, at the minute, each followed by a boolean ``<column>_has_time``
column (False when the CSV gave no time of day, so that the value's midnight is not a real
00:00); ids, names and references are ``str`` (``None`` when missing); multi-valued codes are
``|``-joined strings in code-list order; booleans are pandas ``boolean`` (``<NA>`` when
missing); integers ``int64``; numbers ``float64``.
"""

from __future__ import annotations

import datetime as _datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _safeguard
from ._errors import SafeguardError

# The spec's tables, in the spec's order; per column: (column, kind, attribute of the C++
# table). Kinds: id, text, int, number, date, flag, ref:<table>, code:<code list>,
# codes:<code list> (multi-valued), dict:<dictionary attribute>, datetime:<minute attribute>.
SCHEMA: Dict[str, List[Tuple[str, str, str]]] = {
    "org_units": [
        ("code", "id", "code"),
        ("name", "text", "name"),
        ("parent", "ref:org_units", "parent"),
        ("kind", "code:org_unit_kind", "kind"),
    ],
    "population": [
        ("org_unit", "ref:org_units", "org_unit"),
        ("year", "int", "year"),
        ("sex", "code:sex", "sex"),
        ("age", "int", "age"),
        ("count", "int", "count"),
    ],
    "agencies": [
        ("code", "id", "code"),
        ("name", "text", "name"),
        ("kind", "code:agency_kind", "kind"),
        ("org_unit", "ref:org_units", "org_unit"),
    ],
    "children": [
        ("child_id", "id", "id"),
        ("birth_date", "date", "birth_date"),
        ("sex", "code:sex", "sex"),
        ("org_unit", "ref:org_units", "org_unit"),
        ("ethnicity", "dict:ethnicities", "ethnicity"),
        ("disability", "flag", "disability"),
        ("registered_date", "date", "registered_date"),
        ("exit_date", "date", "exit_date"),
        ("exit_reason", "code:exit_reason", "exit_reason"),
    ],
    "circumstances": [
        ("child_id", "ref:children", "child"),
        ("circumstance", "code:circumstance", "circumstance"),
        ("start_date", "date", "start_date"),
        ("end_date", "date", "end_date"),
    ],
    "cases": [
        ("case_id", "id", "id"),
        ("child_id", "ref:children", "child"),
        ("reported_date", "datetime:reported_minute", "reported_date"),
        ("concerns", "codes:concern", "concerns"),
        ("org_unit", "ref:org_units", "org_unit"),
        ("lead_agency", "ref:agencies", "lead_agency"),
        ("source", "code:source", "source"),
        ("setting", "code:setting", "setting"),
        ("perpetrator", "code:perpetrator", "perpetrator"),
        ("level", "code:protection_level", "level"),
        ("risk", "code:risk", "risk"),
        ("outcome", "code:outcome", "outcome"),
        ("incident_date", "date", "incident_date"),
        ("emergency_date", "datetime:emergency_minute", "emergency_date"),
        ("assessed_date", "date", "assessed_date"),
        ("plan_date", "date", "plan_date"),
        ("closed_date", "date", "closed_date"),
        ("closure_reason", "code:closure_reason", "closure_reason"),
        ("consent_reporting", "flag", "consent_reporting"),
    ],
    "services": [
        ("case_id", "ref:cases", "case_"),
        ("date", "date", "date"),
        ("service", "code:service", "service"),
        ("agency", "ref:agencies", "agency"),
        ("referred", "flag", "referred"),
    ],
    "activities": [
        ("activity_id", "id", "id"),
        ("agency", "ref:agencies", "agency"),
        ("kind", "code:activity_kind", "kind"),
        ("start_date", "date", "start_date"),
        ("end_date", "date", "end_date"),
        ("org_unit", "ref:org_units", "org_unit"),
        ("topics", "codes:topic", "topics"),
        ("audiences", "codes:audience", "audiences"),
        ("sessions", "int", "sessions"),
        ("participants", "int", "participants"),
        ("child_participants", "int", "child_participants"),
        ("quantity", "int", "quantity"),
        ("programme", "dict:programmes", "programme"),
    ],
    "plans": [
        ("plan_id", "id", "id"),
        ("agency", "ref:agencies", "agency"),
        ("title", "text", "title"),
        ("start_date", "date", "start_date"),
        ("end_date", "date", "end_date"),
        ("org_unit", "ref:org_units", "org_unit"),
        ("programme", "dict:programmes", "programme"),
    ],
    "targets": [
        ("plan_id", "ref:plans", "plan"),
        ("indicator", "text", "indicator"),
        ("value", "number", "value"),
        ("direction", "code:direction", "direction"),
        ("org_unit", "ref:org_units", "org_unit"),
        ("period", "text", "period"),
    ],
    "holidays": [
        ("date", "date", "date"),
        ("name", "text", "name"),
    ],
}

#: The table names, in the spec's order.
TABLES: Tuple[str, ...] = tuple(SCHEMA)

# The identifying column of a table that other tables refer to.
_KEY_ATTRIBUTE = {"org_units": "code", "agencies": "code", "children": "id", "cases": "id",
                  "plans": "id"}

# Dimensions of a result whose codes come from a code list (for labels).
DIMENSION_CODE_LISTS = {
    "sex": "sex",
    "circumstance": "circumstance",
    "concern": "concern",
    "concern_group": "concern_group",
    "source": "source",
    "setting": "setting",
    "perpetrator": "perpetrator",
    "level": "protection_level",
    "risk": "risk",
    "outcome": "outcome",
    "closure_reason": "closure_reason",
    "service": "service",
    "agency_kind": "agency_kind",
    "kind": "activity_kind",
    "topic": "topic",
    "audience": "audience",
}

_NO_CODE = 255
_NO_DAY = np.iinfo(np.int32).min
_NS_PER_DAY = 86_400 * 1_000_000_000
_NS_PER_MINUTE = 60 * 1_000_000_000
# The whole days datetime64[ns] can hold: 1677-09-22 .. 2262-04-10.
_FIRST_DAY, _LAST_DAY = -106_751, 106_750


def has_time_column(column: str) -> str:
    """The name of the companion column saying whether a date-time had a time of day."""
    return column + "_has_time"


def code_lists() -> Dict[str, Any]:
    """Every code list of the dataset format by name."""
    return {cl.name: cl for cl in _safeguard.all_code_lists()}


def _codes_of(list_name: str) -> List[str]:
    return [entry.code for entry in code_lists()[list_name]]


# ---------------------------------------------------------------------------------------------
# C++ columns → pandas


def _strings(column: Any) -> np.ndarray:
    values = np.array(column.to_list(), dtype=object)
    if values.size:
        values[values == ""] = None
    return values


def _dates(days: np.ndarray, where: str, minutes: Optional[np.ndarray] = None) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    missing = days == _NO_DAY
    present = days[~missing]
    if present.size and (present.min() < _FIRST_DAY or present.max() > _LAST_DAY):
        # The value is not shown: it may be a child's birth date.
        raise SafeguardError(
            f"{where} holds a date outside 1677-09-22..2262-04-10, which pandas datetime64[ns] "
            "cannot represent"
        )
    ns = days * _NS_PER_DAY
    if minutes is not None:
        ns += np.where(minutes >= 0, minutes, 0).astype(np.int64) * _NS_PER_MINUTE
    ns[missing] = np.iinfo(np.int64).min  # NaT
    return ns.view("M8[ns]")


def _code_sets(bits: np.ndarray, codes: Sequence[str]) -> np.ndarray:
    # Few distinct sets: join each once, then spread them over the rows.
    unique, inverse = np.unique(np.asarray(bits, dtype=np.uint32), return_inverse=True)
    joined = np.empty(len(unique), dtype=object)
    for i, mask in enumerate(unique.tolist()):
        joined[i] = "|".join(c for b, c in enumerate(codes) if mask >> b & 1) or None
    return joined[inverse] if len(bits) else np.empty(0, dtype=object)


def table_to_pandas(core: Any, name: str) -> pd.DataFrame:
    """One table of a ``_safeguard.Dataset`` as a DataFrame with the spec's columns."""
    if name not in SCHEMA:
        raise KeyError(f"unknown table '{name}'; expected one of {', '.join(TABLES)}")
    table = getattr(core, name)
    keys: Dict[str, np.ndarray] = {}
    columns: Dict[str, Any] = {}
    for column, kind, attribute in SCHEMA[name]:
        kind, _, argument = kind.partition(":")
        where = f"{name}.{column}"
        if kind in ("id", "text"):
            columns[column] = _strings(getattr(table, attribute))
        elif kind == "ref":
            if argument not in keys:
                referenced = getattr(core, argument)
                keys[argument] = _strings(getattr(referenced, _KEY_ATTRIBUTE[argument]))
            rows = np.asarray(getattr(table, attribute), dtype=np.intp)
            target = keys[argument]
            values = np.full(len(rows), None, dtype=object)
            present = rows >= 0
            if target.size:
                values[present] = target[rows[present]]
            columns[column] = values
        elif kind == "code":
            codes = np.asarray(getattr(table, attribute), dtype=np.int16)
            codes = np.where(codes == _NO_CODE, -1, codes)
            columns[column] = pd.Categorical.from_codes(codes, categories=_codes_of(argument))
        elif kind == "codes":
            columns[column] = _code_sets(getattr(table, attribute), _codes_of(argument))
        elif kind == "dict":
            positions = np.asarray(getattr(table, attribute), dtype=np.int64)
            columns[column] = pd.Categorical.from_codes(
                positions, categories=list(getattr(table, argument).values)
            )
        elif kind == "date":
            columns[column] = _dates(getattr(table, attribute), where)
        elif kind == "datetime":
            days = np.asarray(getattr(table, attribute))
            minutes = np.asarray(getattr(table, argument))
            columns[column] = _dates(days, where, minutes)
            columns[has_time_column(column)] = pd.arrays.BooleanArray(
                minutes >= 0, days == _NO_DAY
            )
        elif kind == "flag":
            flags = np.asarray(getattr(table, attribute))
            columns[column] = pd.arrays.BooleanArray(flags == 1, flags < 0)
        elif kind == "int":
            columns[column] = np.asarray(getattr(table, attribute)).astype(np.int64)
        else:  # number
            columns[column] = np.array(getattr(table, attribute), dtype=np.float64)
    return pd.DataFrame(columns)


# ---------------------------------------------------------------------------------------------
# pandas → CSV text in the spec's format


def _text(value: Any) -> str:
    """One cell of an object column as CSV text; '' for a missing value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return repr(value)
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, _datetime.datetime):
        if value.hour or value.minute:
            return value.strftime("%Y-%m-%dT%H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, _datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "|".join(str(v) for v in value)
    return str(value)


def _integer_text(values: np.ndarray) -> np.ndarray:
    # Whole floats (an int column that went through NaN) print as integers; others as they
    # are, so that the loader reports them.
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values.tolist()):
        if v != v:
            out[i] = ""
        elif float(v).is_integer():
            out[i] = str(int(v))
        else:
            out[i] = repr(v)
    return out


def _column_text(series: pd.Series, kind: str, has_time: Optional[pd.Series]) -> np.ndarray:
    """A DataFrame column as CSV cells of the spec's format for a column of `kind`."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(object)
        dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = series.to_numpy(dtype="M8[ns]")
        missing = np.isnat(values)
        days = np.datetime_as_string(values.astype("M8[D]"), unit="D")
        minutes = np.datetime_as_string(values.astype("M8[m]"), unit="m")
        if kind.startswith("datetime") and has_time is not None:
            timed = has_time.fillna(False).to_numpy(dtype=bool)
        else:
            # A value at exactly midnight is a date without a time of day (what pandas makes
            # of `2024-03-01`). In a date column a time of day is written out, so that the
            # loader reports it as not a date.
            timed = values.astype("M8[m]") != values.astype("M8[D]")
        return np.where(missing, "", np.where(timed, minutes, days)).astype(object)
    if pd.api.types.is_bool_dtype(dtype):
        if pd.api.types.is_extension_array_dtype(dtype):
            values = series.to_numpy(dtype=object, na_value=None)
            return np.array([_text(v) for v in values], dtype=object)
        return np.where(series.to_numpy(), "1", "0").astype(object)
    if pd.api.types.is_integer_dtype(dtype):
        if pd.api.types.is_extension_array_dtype(dtype):
            values = series.to_numpy(dtype=object, na_value=None)
            return np.array(["" if v is None else str(v) for v in values], dtype=object)
        return series.to_numpy().astype(str).astype(object)
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        if kind in ("int", "flag"):
            return _integer_text(values)
        return np.array(["" if v != v else repr(v) for v in values.tolist()], dtype=object)
    return np.array([_text(v) for v in series.to_numpy(dtype=object)], dtype=object)


def frame_to_csv(name: str, frame: pd.DataFrame) -> str:
    """A DataFrame of table `name` as CSV text in the spec's format (header + rows)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    kinds = {column: kind for column, kind, _ in SCHEMA[name]}
    companions = {has_time_column(c): c for c, k in kinds.items() if k.startswith("datetime")}
    cells: Dict[str, np.ndarray] = {}
    for column in frame.columns:
        column_name = str(column)
        if column_name in companions and companions[column_name] in frame.columns:
            continue  # consumed with its date-time column
        has_time = None
        if kinds.get(column_name, "").startswith("datetime"):
            companion = has_time_column(column_name)
            if companion in frame.columns:
                has_time = frame[companion]
        cells[column_name] = _column_text(frame[column], kinds.get(column_name, "text"), has_time)
    # CRLF line ends: Python's csv module then quotes every field holding a CR or an LF, so a
    # line break inside a value cannot split a record.
    return pd.DataFrame(cells, columns=list(cells)).to_csv(index=False, lineterminator="\r\n")


def at_frame_columns(diagnostics: Iterable[Any],
                     frames: Dict[str, Optional[pd.DataFrame]]) -> List[Any]:
    """The loader's diagnostics of ``tables_to_csv`` text, each column numbered as in its
    DataFrame (the CSV text leaves out the ``_has_time`` companions, so the loader's numbers
    run short after the first of them)."""
    positions: Dict[Tuple[str, str], int] = {}
    for name, frame in frames.items():
        if isinstance(frame, pd.DataFrame):
            for k, column in enumerate(frame.columns):
                positions.setdefault((name + ".csv", str(column)), k + 1)
    out = []
    for d in diagnostics:
        position = positions.get((d.file, d.column_name)) if d.column > 0 else None
        out.append(d if position in (None, d.column)
                   else _safeguard._diagnostic_at_column(d, position))
    return out


def tables_to_csv(frames: Dict[str, Optional[pd.DataFrame]]) -> List[Tuple[str, str]]:
    """(file name, CSV text) pairs for try_load_tables, one per DataFrame given."""
    return [(name + ".csv", frame_to_csv(name, frame)) for name, frame in frames.items()
            if frame is not None]


# ---------------------------------------------------------------------------------------------
# Results


def _unique_labels(codes: Sequence[str], labels: Sequence[str]) -> List[str]:
    # Categories must be unique: a label shared by two codes keeps its code beside it.
    seen: Dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [label if seen[label] == 1 else f"{label} ({code})"
            for code, label in zip(codes, labels)]


def result_to_pandas(core: Any, catalogue: Any, labels: Optional[str] = None) -> pd.DataFrame:
    """A ``_safeguard.Result`` as the spec's long output table.

    ``labels`` None keeps codes; "vi" or "en" shows indicator names from ``catalogue`` and,
    for dimensions with a code list, the code's label in that language.
    """
    if labels not in (None, "vi", "en"):
        raise ValueError(f"labels must be None, 'vi' or 'en', not {labels!r}")
    indicator_codes = list(core.indicator_codes)
    indicator_names = indicator_codes
    if labels:
        names = []
        for code in indicator_codes:
            definition = catalogue.find(code)
            names.append(definition.name.in_(labels) if definition is not None else code)
        indicator_names = _unique_labels(indicator_codes, names)
    columns: Dict[str, Any] = {
        "indicator": pd.Categorical.from_codes(
            np.asarray(core.indicator, dtype=np.int64), categories=indicator_names
        ),
        "period": pd.Categorical.from_codes(
            np.asarray(core.period_index, dtype=np.int64), categories=[p.id for p in core.periods]
        ),
        "org_unit": pd.Categorical.from_codes(
            np.asarray(core.org_unit, dtype=np.int64), categories=list(core.unit_codes)
        ).remove_unused_categories(),
    }
    lists = code_lists()
    for d, (dimension, positions) in enumerate(zip(core.dimensions, core.dimension)):
        values = list(core.dimension_values[d])
        if labels and dimension in DIMENSION_CODE_LISTS:
            by_code = {e.code: getattr(e, labels) for e in lists[DIMENSION_CODE_LISTS[dimension]]}
            values = _unique_labels(values, [by_code.get(v, v) or v for v in values])
        columns[dimension] = pd.Categorical.from_codes(
            np.asarray(positions, dtype=np.int64), categories=values
        )
    for name in ("numerator", "denominator", "value", "target"):
        columns[name] = np.where(getattr(core, "has_" + name), getattr(core, name), np.nan)
    columns["status"] = pd.Categorical.from_codes(
        np.full(len(core), -1, dtype=np.int64), categories=["suppressed"]
    )
    return pd.DataFrame(columns)


def findings_to_pandas(findings: Iterable[Any]) -> pd.DataFrame:
    """Validation findings as a DataFrame: rule, level, table, line, record_id, message."""
    rows = [(f.rule, f.level.name, f.table, f.line, f.record_id, f.message) for f in findings]
    frame = pd.DataFrame(rows, columns=["rule", "level", "table", "line", "record_id", "message"])
    frame["level"] = pd.Categorical(frame["level"], categories=["warning", "error"])
    frame["line"] = frame["line"].astype(np.int64)
    return frame


def diagnostics_to_pandas(diagnostics: Iterable[Any]) -> pd.DataFrame:
    """Diagnostics as a DataFrame with one column per field."""
    fields = ["code", "level", "file", "line", "column", "column_name", "value", "expected",
              "record_id"]
    rows = [
        tuple(getattr(d, f).name if f == "level" else getattr(d, f) for f in fields)
        for d in diagnostics
    ]
    frame = pd.DataFrame(rows, columns=fields)
    frame["level"] = pd.Categorical(frame["level"], categories=["warning", "error"])
    frame["line"] = frame["line"].astype(np.int64)
    frame["column"] = frame["column"].astype(np.int64)
    return frame
