"""Indicators: the :class:`Catalogue` of definitions, :func:`compute` (behind
:meth:`Dataset.compute`) and its :class:`Result`, the spec's output table."""

from __future__ import annotations

import datetime as _datetime
import html
import os
from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _pandas, _safeguard
from ._errors import IndicatorError

__all__ = ["Catalogue", "Result", "compute", "parse_period_list"]


def _core_of(catalogue: Optional["Catalogue"]) -> Any:
    """The C++ catalogue of ``catalogue``, or None."""
    return catalogue._core if catalogue is not None else None


class Catalogue:
    """An ordered list of checked indicator definitions (spec: indicators.md).

    ``Catalogue.standard()`` is the catalogue embedded in the library; :meth:`load` and
    :meth:`from_string` read a YAML catalogue of your own. Iterating gives the
    :class:`IndicatorDefinition` objects (code, bilingual name and description, unit,
    numerator and denominator, dimensions, ages, metadata); ``catalogue["ABUSE_RATE"]`` one of
    them; ``codes`` the codes in order.
    """

    __slots__ = ("_core",)

    def __init__(self, _core: Optional[Any] = None) -> None:
        self._core = _core if _core is not None else _safeguard.Catalogue()

    @property
    def core(self) -> Any:
        """The C++ catalogue (``_safeguard.Catalogue``)."""
        return self._core

    @classmethod
    def standard(cls) -> "Catalogue":
        """A copy of the standard catalogue of the spec, embedded in the library."""
        return cls(_safeguard.Catalogue.standard())

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"],
             added_to: Optional["Catalogue"] = None) -> "Catalogue":
        """Reads and checks a catalogue file (YAML). A file meant to be merged into another
        catalogue (``added_to``, e.g. ``Catalogue.standard()``) may refer to its indicators
        (``denominator: {indicator: CHILD_POP}``).

        Raises:
            IndicatorError: the catalogue has errors (``indicator``, ``line``, ``column``,
                ``expected``, ``caret`` locate the first; ``diagnostics`` lists them all).
            SafeguardError: the file cannot be read.
        """
        path = os.fspath(path)
        try:
            return cls(_safeguard.Catalogue.load(
                path, _core_of(added_to)))
        except IndicatorError as e:
            try:
                with open(path, encoding="utf-8") as f:
                    e._with_source(f.read())
            except OSError:
                pass
            raise

    @classmethod
    def from_string(cls, text: str, name: str = "<string>",
                    added_to: Optional["Catalogue"] = None) -> "Catalogue":
        """Parses and checks a catalogue held in a string; ``name`` names it in diagnostics;
        ``added_to`` as for :meth:`load`.

        Raises:
            IndicatorError: the catalogue has errors, located in ``text``.
        """
        try:
            return cls(_safeguard.Catalogue.parse(
                text, name, _core_of(added_to)))
        except IndicatorError as e:
            e._with_source(text)
            raise

    @staticmethod
    def check(text: str, name: str = "<string>",
              added_to: Optional["Catalogue"] = None) -> List[Any]:
        """Every problem of a catalogue text as a list of :class:`Diagnostic`; empty when it
        is fine (``added_to`` as for :meth:`load`). Never raises for bad content."""
        return list(_safeguard.Catalogue.check(
            text, name, _core_of(added_to)))

    @property
    def codes(self) -> List[str]:
        """The indicator codes, in catalogue order."""
        return [d.code for d in self._core.indicators]

    def merge(self, other: "Catalogue") -> None:
        """Adds the indicators of ``other`` after these; a repeated code replaces the earlier
        definition in place (so a catalogue of yours can override a standard indicator)."""
        self._core.merge(other._core)

    def to_pandas(self, lang: str = "en") -> pd.DataFrame:
        """One row per indicator: code, name, unit, description, numerator, denominator,
        dimensions, ages and metadata; texts in ``lang`` ("en" or "vi")."""
        rows = []
        for d in self._core.indicators:
            denominator = d.denominator
            rows.append({
                "code": d.code,
                "name": d.name.in_(lang),
                "unit": d.unit,
                "description": d.description.in_(lang),
                "numerator": _side_text(d.numerator),
                "denominator": _side_text(denominator) if denominator is not None else None,
                "factor": d.factor,
                "dimensions": ",".join(d.dimensions),
                "min_age": d.min_age,
                "max_age": d.max_age,
                "legal_source": d.legal_source,
                "periodicity": d.periodicity,
                "lead_agency": d.lead_agency,
            })
        columns = ["code", "name", "unit", "description", "numerator", "denominator", "factor",
                   "dimensions", "min_age", "max_age", "legal_source", "periodicity",
                   "lead_agency"]
        return pd.DataFrame(rows, columns=columns)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._core.indicators)

    def __len__(self) -> int:
        return len(self._core)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._core.find(code) is not None

    def __getitem__(self, code: str) -> Any:
        definition = self._core.find(code)
        if definition is None:
            raise KeyError(code)
        return definition

    def __repr__(self) -> str:
        codes = self.codes
        shown = ", ".join(codes[:6]) + (", ..." if len(codes) > 6 else "")
        noun = "indicator" if len(codes) == 1 else "indicators"
        return f"<safeguard.Catalogue: {len(codes)} {noun} ({shown})>"

    def _repr_html_(self) -> str:
        return (f"<p>safeguard.Catalogue: {len(self)} indicators</p>"
                + self.to_pandas()[["code", "name", "unit"]].to_html(index=False, escape=True))


def _side_text(side: Any) -> str:
    if side.indicator:
        return side.indicator
    where = f" where {side.where}" if side.where else ""
    return f"{side.value} from {side.table}{where}"


def _today() -> _datetime.date:
    return _datetime.date.today()


def parse_period_list(text: str, reference_date: Any = None) -> List[Any]:
    """Parses ``"2024Q1,LAST_12_MONTHS,2024-01-01..2024-03-31"`` into :class:`Period`
    objects: period ids, spans and relative periods, expanded against ``reference_date`` (a
    ``datetime.date`` or ``'YYYY-MM-DD'``; default today). Keeps the order, drops exact
    duplicates.

    Raises:
        PeriodError: an item is not a period; ``id`` and ``expected`` say which and why.
    """
    reference = _today() if reference_date is None else reference_date
    return _safeguard.parse_period_list(text, reference)


def _names(value: Union[str, Iterable[str], None]) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item) for item in value]


def _periods(value: Any, reference_date: Any) -> List[Any]:
    items = [value] if isinstance(value, (str, _safeguard.Period)) else list(value)
    periods: List[Any] = []
    for item in items:
        if isinstance(item, _safeguard.Period):
            candidates = [item]
        else:
            candidates = parse_period_list(str(item), reference_date)
        periods.extend(p for p in candidates if p not in periods)
    return periods


def _age_bands(value: Union[str, Iterable[Any], None]) -> List[Any]:
    if value is None:
        return list(_safeguard.default_age_bands())
    if isinstance(value, str):
        return list(_safeguard.parse_age_bands(value))
    bands = []
    for item in value:
        if isinstance(item, _safeguard.AgeBand):
            bands.append(item)
        else:
            low, high, *label = item
            bands.append(_safeguard.AgeBand(int(low), int(high),
                                            str(label[0]) if label else f"{low}-{high}"))
    return bands


def compute(
    dataset: Any,
    periods: Any,
    *,
    levels: Union[int, Iterable[int]] = 2,
    by: Union[str, Iterable[str], None] = None,
    indicators: Union[str, Iterable[str], None] = None,
    age_bands: Union[str, Iterable[Any], None] = None,
    reference_date: Any = None,
    catalogue: Optional[Catalogue] = None,
    honour_consent: bool = True,
    threads: int = 0,
) -> "Result":
    """Computes indicators over ``dataset``; see :meth:`Dataset.compute`."""
    if catalogue is None:
        catalogue = Catalogue.standard()
    elif not isinstance(catalogue, Catalogue):
        raise TypeError(f"catalogue must be a safeguard.Catalogue, not {type(catalogue).__name__}")
    request = _safeguard.ComputeRequest()
    request.periods = _periods(periods, reference_date)
    if isinstance(levels, (int, np.integer)):
        levels = [levels]
    request.levels = [int(level) for level in levels]
    request.by = _names(by)
    request.indicators = _names(indicators)
    request.age_bands = _age_bands(age_bands)
    request.honour_consent = bool(honour_consent)
    request.threads = int(threads)
    return Result(_safeguard.compute(dataset._prepared_core(), catalogue.core, request), catalogue)


class Result:
    """A computed indicator table (spec: the output table), held by the C++ library as
    columns: one row per cell (indicator, period, org unit, dimension codes) with numerator,
    denominator, value and target.

    - :meth:`to_pandas` gives the spec's long table (with labels in Vietnamese or English on
      request); :meth:`to_csv` and :meth:`to_json` the library's own writers.
    - ``numerator``, ``denominator``, ``value``, ``target`` are read-only float64 numpy views
      of the columns (no copy); ``has_numerator`` ... ``has_target`` the masks saying which
      entries are valid; :meth:`achievement` the direction-aware achievement.
    """

    __slots__ = ("_core", "_catalogue")

    def __init__(self, core: Any, catalogue: Catalogue) -> None:
        self._core = core
        self._catalogue = catalogue

    @property
    def core(self) -> Any:
        """The C++ result (``_safeguard.Result``)."""
        return self._core

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue the result was computed with."""
        return self._catalogue

    # Columns as numpy views (read-only, no copy); entries where has_* is False are not
    # values (the cell had no numerator, no denominator, ...).
    @property
    def numerator(self) -> np.ndarray:
        """Numerators (read-only float64 view); valid where ``has_numerator``."""
        return self._core.numerator

    @property
    def denominator(self) -> np.ndarray:
        """Denominators (read-only float64 view); valid where ``has_denominator``."""
        return self._core.denominator

    @property
    def value(self) -> np.ndarray:
        """Values, numerator / denominator × factor (read-only float64 view); valid where
        ``has_value``."""
        return self._core.value

    @property
    def target(self) -> np.ndarray:
        """Plan targets (read-only float64 view); valid where ``has_target``."""
        return self._core.target

    @property
    def has_numerator(self) -> np.ndarray:
        """True where ``numerator`` holds a value (read-only bool view)."""
        return self._core.has_numerator

    @property
    def has_denominator(self) -> np.ndarray:
        """True where ``denominator`` holds a value (read-only bool view)."""
        return self._core.has_denominator

    @property
    def has_value(self) -> np.ndarray:
        """True where ``value`` holds a value (read-only bool view)."""
        return self._core.has_value

    @property
    def has_target(self) -> np.ndarray:
        """True where ``target`` holds a value (read-only bool view)."""
        return self._core.has_target

    @property
    def target_at_most(self) -> np.ndarray:
        """True where the target's direction is ``at_most`` (read-only bool view)."""
        return self._core.target_at_most

    def achievement(self) -> np.ndarray:
        """Direction-aware achievement per row, as a new float64 array: value / target for
        ``at_least`` targets, 1.0 (met) or 0.0 (not met) for ``at_most``; NaN for a row
        without value or target."""
        return self._core.achievements()

    @property
    def indicator_codes(self) -> List[str]:
        """The indicators computed, in catalogue order."""
        return list(self._core.indicator_codes)

    @property
    def periods(self) -> List[Any]:
        """The periods, in request order."""
        return list(self._core.periods)

    @property
    def dimensions(self) -> List[str]:
        """The breakdown dimensions requested, in order."""
        return list(self._core.dimensions)

    @property
    def notes(self) -> List[str]:
        """Remarks on the whole result, e.g. a breakdown that an indicator ignores."""
        return list(self._core.notes)

    @property
    def columns(self) -> List[str]:
        """The columns of the output table."""
        return (["indicator", "period", "org_unit"] + self.dimensions
                + ["numerator", "denominator", "value", "target", "status"])

    @property
    def shape(self) -> Tuple[int, int]:
        """(rows, columns) of the output table."""
        return (len(self._core), len(self.columns))

    def to_pandas(self, labels: Optional[str] = None) -> pd.DataFrame:
        """The spec's long table: indicator, period, org_unit, one column per dimension,
        numerator, denominator, value, target, status.

        Dimension columns, indicator, period and org_unit are ``Categorical`` (a missing
        dimension value is NaN: the missing-value cell); numbers are float64 with NaN where
        the table has an empty cell.

        Args:
            labels: None keeps codes; ``"vi"`` or ``"en"`` shows indicator names and the
                labels of dimension codes that come from a code list (sex, concern, source,
                ...) in Vietnamese or English.
        """
        return _pandas.result_to_pandas(self._core, self._catalogue.core, labels)

    def to_csv(self) -> str:
        """The spec's output table as CSV text (byte-identical across runs)."""
        return _safeguard.to_csv(self._core)

    def to_json(self) -> str:
        """The rows as JSON ({"columns", "rows", "notes"}), with the direction and
        achievement of rows that have a target."""
        return _safeguard.to_json(self._core)

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        rows, columns = self.shape
        periods = ",".join(p.id for p in self.periods)
        return (f"<safeguard.Result: {rows:,} rows × {columns} columns, "
                f"{len(self.indicator_codes)} indicators, periods {periods}>")

    def _repr_html_(self) -> str:
        rows, columns = self.shape
        head = self.to_pandas().head(10).to_html(index=False, escape=True, na_rep="")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (f"<p>safeguard.Result: {rows:,} rows × {columns} columns (first 10 shown)</p>"
                + head + (f"<ul>{notes}</ul>" if notes else ""))
