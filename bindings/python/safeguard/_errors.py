"""The exceptions and warnings of the safeguard package.

Two kinds of problem, as in the C++ library: bad *data* (a CSV cell or a DataFrame value, a
catalogue line, a period id) raises a ``ValueError`` subclass that carries every located
diagnostic; misuse of the API raises :class:`SafeguardError`. Every exception of the library
derives from :class:`SafeguardError`, so ``except safeguard.SafeguardError`` catches them all.

The C++ module raises these classes itself (its exception translator imports this module), so
the same types come out of ``safeguard.load`` and ``Dataset.from_pandas``.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

__all__ = ["SafeguardError", "LoadError", "IndicatorError", "PeriodError", "LoadWarning"]


class SafeguardError(Exception):
    """Base of every exception the safeguard library raises (C++ ``safeguard::error``).

    Raised as such for misuse of the API: an unknown indicator code or dimension in a
    request, a level out of range, a file that cannot be written, generator options out of
    range.
    """


def _is_error(diagnostic: Any) -> bool:
    return str(getattr(diagnostic.level, "name", diagnostic.level)) == "error"


def _listing(headline: str, diagnostics: Sequence[Any]) -> str:
    # Errors first (they are why the call failed), then warnings, each in compiler style.
    errors = [d for d in diagnostics if _is_error(d)]
    ordered = errors + [d for d in diagnostics if not _is_error(d)]
    return "\n".join([headline] + [str(d) for d in ordered])


class LoadError(SafeguardError, ValueError):
    """A dataset could not be loaded: its data breaks the rules of the dataset format.

    Raised by :func:`safeguard.load` (a folder of CSV files or a snapshot) and by
    :meth:`Dataset.from_pandas`, which apply the same checks. ``diagnostics`` holds every
    problem found (up to the loader's limit, 100 errors), each a :class:`Diagnostic` with
    ``file``, ``line`` (1-based, the header is line 1; for a DataFrame, row position + 2),
    ``column`` (1-based field number), ``column_name``, ``value``, ``expected`` and ``code``
    (``SG1xx``, see docs/errors.md). ``str()`` lists them all, compiler style.
    """

    def __init__(self, diagnostics: Sequence[Any], message: Optional[str] = None) -> None:
        self.diagnostics = list(diagnostics)
        errors = sum(1 for d in self.diagnostics if _is_error(d))
        if message is None:
            message = _listing(
                f"load failed with {errors} error{'s' if errors != 1 else ''}", self.diagnostics
            )
        super().__init__(message)

    @property
    def errors(self) -> list:
        """The diagnostics of level error (the warnings left out)."""
        return [d for d in self.diagnostics if _is_error(d)]


class IndicatorError(SafeguardError, ValueError):
    """An indicator definition is wrong: it does not parse, names an unknown table, column,
    code or function, or mixes incompatible things.

    Raised when a catalogue is read (:meth:`Catalogue.load`, :meth:`Catalogue.from_string`).
    The attributes locate the first error: ``indicator`` (its code), ``line`` and ``column``
    (1-based, in the catalogue text), ``expected`` (what would have been right) and ``caret``
    (the offending line of the catalogue with a ``^`` under the spot; empty when the text is
    not at hand). ``diagnostics`` holds every problem found; ``str()`` lists them all.
    """

    def __init__(
        self,
        message: str,
        diagnostics: Sequence[Any] = (),
        *,
        indicator: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        expected: Optional[str] = None,
        caret: Optional[str] = None,
    ) -> None:
        self.diagnostics = list(diagnostics)
        first = next((d for d in self.diagnostics if _is_error(d)), None)
        if first is None and self.diagnostics:
            first = self.diagnostics[0]
        if first is not None:
            errors = sum(1 for d in self.diagnostics if _is_error(d))
            message = _listing(
                f"the catalogue has {errors} error{'s' if errors != 1 else ''}", self.diagnostics
            )
            indicator = first.record_id if indicator is None else indicator
            line = first.line if line is None else line
            column = first.column if column is None else column
            if expected is None:
                # The first line says what was expected; an expression error adds the
                # expression's own message and caret below it, which str() shows.
                expected = first.expected.split("\n", 1)[0]
        self.indicator = indicator or ""
        self.line = line or 0
        self.column = column or 0
        self.expected = expected or ""
        self.caret = caret or ""
        super().__init__(message)

    def _with_source(self, text: str) -> "IndicatorError":
        """Fills ``caret`` from the catalogue text when the error did not carry one."""
        if not self.caret and self.line > 0:
            lines = text.splitlines()
            if self.line <= len(lines):
                source_line = lines[self.line - 1]
                self.caret = source_line + "\n" + " " * max(self.column - 1, 0) + "^"
        return self


class PeriodError(SafeguardError, ValueError):
    """A text is not a period id, a span or a relative period name.

    ``id`` is the offending text and ``expected`` what a valid one looks like, e.g.
    ``bad period '2024Q5'; expected a quarter Q1..Q4``.
    """

    def __init__(self, message: str, id: str = "", expected: str = "") -> None:
        self.id = id
        self.expected = expected
        super().__init__(message)


class LoadWarning(UserWarning):
    """A problem that does not stop a load, e.g. an unknown column that is ignored (SG1xx
    warnings of :meth:`Dataset.from_pandas`)."""
