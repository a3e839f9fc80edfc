"""The :class:`Dataset`: every table of one dataset, held by the C++ library as columns."""

from __future__ import annotations

import html
import threading
import warnings
from typing import Any, Dict, Iterable, Optional, Union

import pandas as pd

from . import _pandas, _safeguard
from ._errors import LoadError, LoadWarning

__all__ = ["Dataset"]


class Dataset:
    """Every table of one dataset (spec: data-format.md), held by the C++ library as columns.

    Get one with :func:`safeguard.load` (a folder of CSV files or a snapshot) or
    :meth:`Dataset.from_pandas`; ``Dataset()`` is an empty dataset. A dataset is immutable:
    :meth:`table` returns copies, and ``core`` exposes the columns as read-only numpy views.
    """

    __slots__ = ("_core", "_prepared", "_prepare_lock")

    def __init__(self, _core: Optional[Any] = None) -> None:
        self._core = _core if _core is not None else _safeguard.Dataset()
        self._prepared: Optional[Any] = None
        self._prepare_lock = threading.Lock()

    @property
    def core(self) -> Any:
        """The C++ dataset (``_safeguard.Dataset``): each table's columns as read-only numpy
        views (codes as positions in their code list, dates as day numbers since 1970-01-01,
        references as row indices), for work that needs no copy."""
        return self._core

    def _prepared_core(self) -> Any:
        """The C++ prepared dataset (the indexes every computation needs), built on the first
        compute and kept, so that later computes skip that work."""
        with self._prepare_lock:
            if self._prepared is None:
                self._prepared = _safeguard.PreparedDataset(self._core)
            return self._prepared

    # -- pandas ---------------------------------------------------------------------------------

    @classmethod
    def from_pandas(
        cls,
        *,
        org_units: Optional[pd.DataFrame] = None,
        population: Optional[pd.DataFrame] = None,
        agencies: Optional[pd.DataFrame] = None,
        children: Optional[pd.DataFrame] = None,
        circumstances: Optional[pd.DataFrame] = None,
        cases: Optional[pd.DataFrame] = None,
        services: Optional[pd.DataFrame] = None,
        activities: Optional[pd.DataFrame] = None,
        plans: Optional[pd.DataFrame] = None,
        targets: Optional[pd.DataFrame] = None,
        holidays: Optional[pd.DataFrame] = None,
        max_errors: int = 100,
        threads: int = 0,
    ) -> "Dataset":
        """A dataset from one DataFrame per table, checked exactly as a folder of CSV files.

        Each DataFrame has the columns of its table in the spec (any order); the types of
        :meth:`table` work, and so do plain strings in the spec's text format. Every frame is
        written as CSV text and loaded by the C++ loader, so the checks and the diagnostics
        are the loader's: ``org_units`` is required, a missing required column or a bad value
        raises :class:`LoadError` whose diagnostics name the table's file (``cases.csv``),
        the line (the row's position + 2: the header is line 1) and the column. Problems that
        do not stop the load (an unknown column, which is ignored) are issued as
        :class:`LoadWarning`. ``Dataset.from_pandas(**ds.tables())`` gives back ``ds``.

        Args:
            org_units ... holidays: the tables; None (the default) for an absent table.
            max_errors: errors collected before the load stops (0 = no limit).
            threads: loader threads (0 = all cores).

        Raises:
            LoadError: the data breaks a rule of the dataset format.
            TypeError: a table is not a DataFrame.
        """
        frames = {
            "org_units": org_units, "population": population, "agencies": agencies,
            "children": children, "circumstances": circumstances, "cases": cases,
            "services": services, "activities": activities, "plans": plans,
            "targets": targets, "holidays": holidays,
        }
        # An absent org_units is left to the loader, which says that it is required.
        files = _pandas.tables_to_csv(frames)
        options = _safeguard.LoadOptions()
        options.max_errors = max_errors
        options.threads = threads
        report, core = _safeguard.try_load_tables(files, options)
        diagnostics = _pandas.at_frame_columns(report.diagnostics, frames)
        if not report.ok():
            raise LoadError(diagnostics)
        for diagnostic in diagnostics:
            warnings.warn(str(diagnostic), LoadWarning, stacklevel=2)
        return cls(core)

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame with the spec's columns, in the spec's order.

        Codes are ``Categorical`` with the code list as categories (open lists, ethnicity and
        programme: the codes present); dates ``datetime64[ns]`` with ``NaT`` when missing;
        date-times (cases' ``reported_date`` and ``emergency_date``) at the minute, each
        followed by a boolean ``<column>_has_time`` (False when no time of day was given);
        ids and references ``str``; multi-valued codes ``|``-joined; booleans pandas
        ``boolean``; integers ``int64``. Defaults of the spec are applied (an activity's
        end_date, a target's org_unit...). The frame is a copy: changing it changes nothing
        here.

        Raises:
            KeyError: ``name`` is not a table of the format.
        """
        return _pandas.table_to_pandas(self._core, name)

    def tables(self) -> Dict[str, pd.DataFrame]:
        """Every table as a DataFrame (see :meth:`table`), by table name in the spec's order;
        ``Dataset.from_pandas(**ds.tables())`` gives back the same dataset."""
        return {name: self.table(name) for name in _pandas.TABLES}

    # -- the library ----------------------------------------------------------------------------

    def validate(self, *, as_of: Any = None, max_findings_per_rule: int = 1000) -> "Any":
        """Checks the data-quality rules (dates that go backwards, children still on the
        register after 18, ...) and returns a :class:`ValidationReport`: a list of
        :class:`Finding` with ``.to_pandas()``, ``.summary()`` and per-rule ``.counts``.

        Args:
            as_of: the day the data describes (a ``datetime.date`` or ``'YYYY-MM-DD'``);
                None takes the latest date of the children's records.
            max_findings_per_rule: findings kept per rule (the rest are only counted).

        Releases the GIL while it runs.
        """
        from ._io import ValidationReport

        options = _safeguard.ValidationOptions()
        options.as_of = as_of
        options.max_findings_per_rule = max_findings_per_rule
        return ValidationReport(_safeguard.validate(self._core, options))

    def save(self, path: str) -> None:
        """Writes the dataset as a binary snapshot file, which :func:`safeguard.load` reads
        back far faster than CSV. Releases the GIL while it runs.

        Raises:
            SafeguardError: the file cannot be written.
        """
        _safeguard.save_snapshot(self._core, str(path))

    def compute(
        self,
        periods: Union[str, Any, Iterable[Any]],
        *,
        levels: Union[int, Iterable[int]] = 2,
        by: Union[str, Iterable[str], None] = None,
        indicators: Union[str, Iterable[str], None] = None,
        age_bands: Union[str, Iterable[Any], None] = None,
        reference_date: Any = None,
        catalogue: Optional[Any] = None,
        honour_consent: bool = True,
        threads: int = 0,
    ) -> "Any":
        """Computes indicators and returns a :class:`Result` (the spec's output table).

        Args:
            periods: period ids, spans and relative periods: ``"2024"``,
                ``"2024Q1,2024Q2"``, ``["2024S1", "LAST_12_MONTHS"]``, :class:`Period`
                objects.
            levels: org-unit levels of the output cells (root = 1; districts usually 2).
            by: breakdown dimensions, e.g. ``"sex,age_band"`` or ``["sex"]``.
            indicators: indicator codes; None = every indicator of the catalogue.
            age_bands: ``"0-5,6-10,11-15,16-17"`` (the default), or ``(low, high)`` pairs.
            reference_date: the date relative periods are resolved against (default today).
            catalogue: a :class:`Catalogue`; None = the standard catalogue.
            honour_consent: leave out cases whose family refused statistical use.
            threads: 0 = all cores.

        Raises:
            PeriodError: a period is not valid.
            SafeguardError: an unknown indicator or dimension, a level out of range.

        The indexes every computation needs are built on the first call and kept with the
        dataset. Releases the GIL while it computes.
        """
        from ._engine import compute

        return compute(
            self, periods, levels=levels, by=by, indicators=indicators, age_bands=age_bands,
            reference_date=reference_date, catalogue=catalogue, honour_consent=honour_consent,
            threads=threads,
        )

    # -- display --------------------------------------------------------------------------------

    @property
    def rows(self) -> Dict[str, int]:
        """The number of rows of every table, by table name."""
        return {name: len(getattr(self._core, name)) for name in _pandas.TABLES}

    def __repr__(self) -> str:
        counts = ", ".join(f"{rows:,} {name}" for name, rows in self.rows.items() if rows)
        return f"<safeguard.Dataset: {counts or 'empty'}>"

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{rows:,}</td></tr>"
            for name, rows in self.rows.items()
        )
        return (
            "<table><caption>safeguard.Dataset</caption>"
            "<thead><tr><th>table</th><th>rows</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
