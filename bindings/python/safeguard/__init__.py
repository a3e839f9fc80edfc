"""safeguard: child-protection data and indicators, from Python.

The C++ library does the work (loading, validation, computing indicators, with the GIL
released); this package gives it to analysts with pandas::

    import safeguard
    safeguard.generate("/tmp/qn", children=20_000)
    ds = safeguard.load("/tmp/qn")                       # a folder or a snapshot
    ds.validate().summary()                               # data-quality findings per rule
    result = ds.compute("2024", levels=2)                 # the standard catalogue, by district
    df = result.to_pandas(labels="en")                    # the spec's long table
    cases = ds.table("cases")                             # a table as a DataFrame

Errors: :class:`LoadError` (bad data, with every diagnostic located by file, line and
column), :class:`IndicatorError` (a bad indicator definition, with line, column and caret),
:class:`PeriodError`, all subclasses of :class:`SafeguardError`. docs/python.md has the tour.
"""

from __future__ import annotations

from . import _safeguard
from ._engine import Catalogue, Result, parse_period_list
from ._errors import IndicatorError, LoadError, LoadWarning, PeriodError, SafeguardError
from ._io import ValidationReport, generate, load, validation_rules
from ._model import Dataset
from ._pandas import TABLES, code_lists

# Shown as safeguard.X (in tracebacks and reprs), not as the private module defining it.
for _cls in (Catalogue, Result, Dataset, ValidationReport, SafeguardError, LoadError,
             IndicatorError, PeriodError, LoadWarning):
    _cls.__module__ = __name__
del _cls

__version__: str = _safeguard.version_string
"""The version of the C++ library this package wraps (defined once, in version.hpp)."""

#: The dataset format version read and written (spec: data-format.md).
DATASET_FORMAT_VERSION: int = _safeguard.dataset_format_version

Diagnostic = _safeguard.Diagnostic
Severity = _safeguard.Severity
Finding = _safeguard.Finding
Period = _safeguard.Period
PeriodType = _safeguard.PeriodType
AgeBand = _safeguard.AgeBand
IndicatorDefinition = _safeguard.IndicatorDefinition
GenerateSummary = _safeguard.GenerateSummary
CodeList = _safeguard.CodeList


def known_dimensions() -> list:
    """The breakdown dimensions of the spec, in order (sex, age_band, ethnicity, ...)."""
    return list(_safeguard.known_dimensions())


__all__ = [
    "__version__",
    "DATASET_FORMAT_VERSION",
    "TABLES",
    # data
    "Dataset",
    "load",
    "generate",
    "GenerateSummary",
    "ValidationReport",
    "Finding",
    "validation_rules",
    "code_lists",
    "CodeList",
    # indicators
    "Catalogue",
    "IndicatorDefinition",
    "Result",
    "Period",
    "PeriodType",
    "parse_period_list",
    "AgeBand",
    "known_dimensions",
    # errors
    "SafeguardError",
    "LoadError",
    "IndicatorError",
    "PeriodError",
    "LoadWarning",
    "Diagnostic",
    "Severity",
]
