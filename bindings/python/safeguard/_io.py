"""Getting data in and checking it: :func:`load`, :func:`generate`, and the
:class:`ValidationReport` of :meth:`Dataset.validate`."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Union

import pandas as pd

from . import _pandas, _safeguard
from ._model import Dataset

__all__ = ["load", "generate", "ValidationReport", "validation_rules"]

PathLike = Union[str, "os.PathLike[str]"]


def load(path: PathLike, *, max_errors: int = 100, threads: int = 0) -> Dataset:
    """Loads a dataset: a folder of CSV files in the spec's layout, or a snapshot file
    written by :meth:`Dataset.save`.

    Args:
        path: the folder or the snapshot file.
        max_errors: errors collected before a folder's load stops (0 = no limit).
        threads: loader threads (0 = all cores).

    Raises:
        LoadError: the data breaks a rule of the dataset format; ``.diagnostics`` lists every
            problem with file, line and column.
        SafeguardError: ``path`` is neither a folder nor a snapshot, or a snapshot is damaged.

    Releases the GIL while it loads.
    """
    options = _safeguard.LoadOptions()
    options.max_errors = max_errors
    options.threads = threads
    return Dataset(_safeguard.load(os.fspath(path), options))


def generate(
    out_dir: PathLike,
    *,
    children: int = 100_000,
    provinces: int = 1,
    seed: int = 1,
    first_year: int = 2023,
    last_year: int = 2025,
) -> Any:
    """Writes a synthetic dataset folder (Quảng Ninh's real hierarchy, invented children and
    cases; deterministic for a seed) and returns a :class:`GenerateSummary` of the files.

    Args:
        out_dir: the folder to write (created when missing; files of the same names are
            overwritten).
        children: rows of children.csv; cases, services and population scale with it.
        provinces: 1 is Quảng Ninh; each further one is synthetic (at most 100).
        seed: seed of every random draw.
        first_year, last_year: the calendar years the events cover (2000..2030).

    Raises:
        SafeguardError: an option is out of range or a file cannot be written.

    Releases the GIL while it writes.
    """
    options = _safeguard.GenerateOptions()
    options.children = children
    options.provinces = provinces
    options.seed = seed
    options.first_year = first_year
    options.last_year = last_year
    return _safeguard.generate_dataset(os.fspath(out_dir), options)


def validation_rules() -> pd.DataFrame:
    """Every data-quality rule of :meth:`Dataset.validate`: id, level, table, summary."""
    return pd.DataFrame(
        [(r.id, r.level.name, r.table, r.summary) for r in _safeguard.validation_rules()],
        columns=["rule", "level", "table", "summary"],
    )


class ValidationReport(list):
    """What :meth:`Dataset.validate` found: a list of :class:`Finding` (the kept ones,
    ordered by table, line and rule), plus

    - ``counts``: findings per rule id, kept or not;
    - ``total``: every finding, kept or not; ``clean``: True when nothing was found;
    - ``as_of``: the day used for "still on the register at 18" (a ``datetime.date``);
    - :meth:`to_pandas` (one row per finding) and :meth:`summary` (one row per rule).

    A finding names the table, the line (row position + 2) and the row's id — never a
    child's name or birth date.
    """

    def __init__(self, core: Any) -> None:
        super().__init__(core.findings)
        self.counts: Dict[str, int] = {c.rule: c.count for c in core.counts}
        self.total: int = core.total()
        self.clean: bool = core.clean()
        self.as_of = core.as_of
        self._kept = {c.rule: c.kept for c in core.counts}

    def to_pandas(self) -> pd.DataFrame:
        """The kept findings: rule, level, table, line, record_id, message."""
        return _pandas.findings_to_pandas(self)

    def summary(self) -> pd.DataFrame:
        """One row per rule that found something: rule, level, table, summary, count, kept."""
        rules = {r.id: r for r in _safeguard.validation_rules()}
        rows: List[tuple] = []
        for rule, count in self.counts.items():
            r = rules.get(rule)
            rows.append((rule, r.level.name if r else "", r.table if r else "",
                         r.summary if r else "", count, self._kept.get(rule, 0)))
        return pd.DataFrame(rows, columns=["rule", "level", "table", "summary", "count", "kept"])

    def __repr__(self) -> str:
        if self.clean:
            return "<safeguard.ValidationReport: clean>"
        rules = ", ".join(f"{rule} ×{count:,}" for rule, count in self.counts.items())
        return f"<safeguard.ValidationReport: {self.total:,} findings ({rules})>"

    def _repr_html_(self) -> str:
        if self.clean:
            return "<p>safeguard.ValidationReport: no findings</p>"
        return (
            f"<p>safeguard.ValidationReport: {self.total:,} findings</p>"
            + self.summary().to_html(index=False, escape=True)
        )
