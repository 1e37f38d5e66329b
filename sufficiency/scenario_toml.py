"""TOML helpers for scenario files: find each key's line, and read typed values collecting errors.

``tomllib`` parses but reports no positions, so ``locate_keys`` scans the source text for
table headers and ``key =`` lines. Nothing here knows what a scenario means.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping

from sufficiency.errors import FieldError

MISSING = object()

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_PART = re.compile(_BARE_OR_QUOTED)


def _dotted(text: str) -> str:
    return ".".join(part.strip("\"'") for part in _PART.findall(text))


def _opens_multiline_string(value: str) -> str | None:
    for quote in ('"""', "'''"):
        if value.startswith(quote) and value.count(quote) == 1:
            return quote
    return None


def locate_keys(text: str) -> dict[str, int]:
    """Map each key path to its 1-based line, e.g. ``"adjustment[2].lever"`` -> 31.

    Array-of-tables entries are numbered from 1 (``adjustment[1]`` is the first
    ``[[adjustment]]``); table headers map to their own line. Keys inside inline tables take
    the line of the key holding the table.
    """
    lines: dict[str, int] = {}
    table = ""
    counts: dict[str, int] = {}
    open_quote: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_quote is not None:
            if open_quote in line:
                open_quote = None
            continue
        if match := _ARRAY_HEADER.match(line):
            name = _dotted(match.group(1))
            counts[name] = counts.get(name, 0) + 1
            table = f"{name}[{counts[name]}]"
        elif match := _TABLE_HEADER.match(line):
            table = _dotted(match.group(1))
        elif match := _KEY_LINE.match(line):
            key = _dotted(match.group(1))
            lines.setdefault(f"{table}.{key}" if table else key, number)
            open_quote = _opens_multiline_string(match.group(2).strip())
            continue
        else:
            continue
        lines.setdefault(table, number)
    return lines


class Reader:
    """Reads typed values out of parsed TOML, recording every problem with its key and line."""

    def __init__(self, source: str, text: str):
        self.source = source
        self.lines = locate_keys(text)
        self.errors: list[FieldError] = []

    def line_of(self, path: str) -> int:
        """The key's line, else its nearest enclosing table's line, else line 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return 1

    def error(
        self,
        path: str | None,
        problem: str,
        expected: str | None = None,
        actual: object = MISSING,
        line: int | None = None,
    ) -> None:
        self.errors.append(
            FieldError(
                source=self.source,
                row=None,
                field=path,
                problem=problem,
                expected=expected,
                actual=None if actual is MISSING else _show(actual),
                line=line if line is not None else self.line_of(path or ""),
            )
        )

    def unknown_keys(self, table: Mapping, prefix: str, allowed: Iterable[str], what: str) -> None:
        """Report keys not in ``allowed``, suggesting the closest known key."""
        allowed = tuple(allowed)
        for key in table:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            self.error(
                _join(prefix, key),
                f"unknown key {what}{hint}",
                expected="one of: " + ", ".join(allowed),
            )

    def required(self, table: Mapping, prefix: str, key: str, expected: str) -> object:
        if key not in table:
            self.error(_join(prefix, key), "missing key", expected=expected)
            return MISSING
        return table[key]

    def number(
        self,
        table: Mapping,
        prefix: str,
        key: str,
        default: object = MISSING,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        example: str = "",
    ) -> object:
        """A number in [minimum, maximum]; ``default`` when absent; MISSING after an error."""
        path = _join(prefix, key)
        if key not in table:
            return default
        value = table[key]
        if value is MISSING:
            return MISSING
        kind = "a whole number" if integer else "a number"
        ok_type = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_type):
            self.error(path, f"must be {kind}", expected=f"{kind}{example}", actual=value)
            return MISSING
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(
                path, "is out of range", expected=_range_text(minimum, maximum), actual=value
            )
            return MISSING
        return value

    def text(self, table: Mapping, prefix: str, key: str, default: object = MISSING) -> object:
        path = _join(prefix, key)
        if key not in table:
            return default
        if not isinstance(table[key], str) or not table[key].strip():
            self.error(
                path,
                "must be non-empty text",
                expected='text in quotes, e.g. "Baseline"',
                actual=table[key],
            )
            return MISSING
        return table[key].strip()

    def boolean(self, table: Mapping, prefix: str, key: str, default: bool) -> object:
        if key not in table:
            return default
        if not isinstance(table[key], bool):
            self.error(
                _join(prefix, key),
                "must be true or false",
                expected="true or false",
                actual=table[key],
            )
            return MISSING
        return table[key]

    def choice(self, value: object, path: str, choices: Iterable[str], what: str) -> object:
        """One of ``choices`` (case and surrounding spaces ignored), else an error."""
        choices = tuple(choices)
        if value is MISSING:
            return MISSING
        if isinstance(value, str):
            lowered = {c.lower(): c for c in choices}
            if value.strip().lower() in lowered:
                return lowered[value.strip().lower()]
        self.error(
            path, f"is not a known {what}", expected="one of: " + ", ".join(choices), actual=value
        )
        return MISSING

    def choices(
        self,
        table: Mapping,
        prefix: str,
        key: str,
        choices: Iterable[str],
        what: str,
        default: object,
    ) -> object:
        path = _join(prefix, key)
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, list):
            self.error(
                path, f"must be a list of {what}s", expected='a list, e.g. ["a", "b"]', actual=value
            )
            return MISSING
        picked = [self.choice(item, path, choices, what) for item in value]
        return MISSING if MISSING in picked else tuple(picked)

    def date(self, table: Mapping, prefix: str, key: str) -> object:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.error(
                _join(prefix, key),
                "must be a date",
                expected="YYYY-MM-DD, e.g. 2026-11-23",
                actual=value,
            )
            return MISSING

    def table(self, parent: Mapping, prefix: str, key: str) -> dict:
        """A sub-table (empty when absent); an error when the key holds something else."""
        value = parent.get(key, {})
        if not isinstance(value, dict):
            self.error(
                _join(prefix, key),
                "must be a table",
                expected=f"a [{_join(prefix, key)}] section",
                actual=value,
            )
            return {}
        return value


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _show(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _range_text(minimum: float | None, maximum: float | None) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"

    if minimum is not None and maximum is not None:
        return f"{fmt(minimum)} to {fmt(maximum)}"
    if minimum is not None:
        return f"{fmt(minimum)} or more"
    return f"{fmt(maximum)} or less"  # type: ignore[arg-type]
