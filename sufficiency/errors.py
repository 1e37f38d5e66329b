"""The package's one error shape for bad input: every problem found, each with its location.

Shared by ``sufficiency`` and ``matching`` adapters; engines never raise these for
"no solution" outcomes (those are results, not errors).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem in one place of an input.

    ``source`` is the file (or form, or scenario) name; ``row`` is the 1-based data row
    (header excluded) or ``None`` for file-level problems; ``field`` is the column or key.
    ``line`` is the 1-based line of a text file (scenario TOML) holding the key, if known.
    """

    source: str
    row: int | None
    field: str | None
    problem: str
    expected: str | None = None
    actual: str | None = None
    rule: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" row {self.row}"
        if self.line is not None:
            where += f" line {self.line}"
        if self.field is not None:
            where += f', field "{self.field}"'
        text = f"{where}: {self.problem}"
        if self.actual is not None:
            text += f" (got {self.actual!r}"
            text += f"; expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        if self.rule:
            text += f" [{self.rule}]"
        return text

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form used by the API's error shape."""
        return {
            "source": self.source,
            "row": self.row,
            "field": self.field,
            "problem": self.problem,
            "expected": self.expected,
            "actual": self.actual,
            "rule": self.rule,
            "message": str(self),
        }


class InputDataError(ValueError):
    """Raised once per input with *every* problem found in it (``.errors``)."""

    def __init__(self, errors: list[FieldError] | list[str], summary: str | None = None):
        self.errors = list(errors)
        count = len(self.errors)
        head = summary or f"{count} problem{'s' if count != 1 else ''} in the input"
        lines = [head] + [f"  - {e}" for e in self.errors[:50]]
        if count > 50:
            lines.append(f"  ... and {count - 50} more")
        super().__init__("\n".join(lines))


class ScenarioError(InputDataError):
    """A scenario file that cannot be loaded; ``.errors`` names each key and line."""
