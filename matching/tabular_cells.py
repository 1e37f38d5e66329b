"""Typed reading of one table row's text cells; each bad value becomes a ``FieldError``.

The agreed cell formats: dates ISO yyyy-mm-dd or dd/mm/yyyy, booleans yes/no/true/false/1/0
(blank = no), lists separated by ";", enum values as in the domain (case-insensitive).
Postcodes are checked with ``matching.geo``. Values that identify a child (dates of birth,
full postcodes) are never repeated in messages.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from typing import Any, TypeVar

from sufficiency.errors import FieldError

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

DATE_FORMATS = "yyyy-mm-dd or dd/mm/yyyy"
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}
_FIELD_PREFIX = re.compile(r"^([a-z_/]+): (.*)$", re.DOTALL)


def parse_date(text: str) -> dt.date:
    """A date in ISO (2026-11-23) or UK (23/11/2026) form; ``ValueError`` otherwise."""
    text = text.strip()
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text)


def parse_datetime(text: str) -> dt.datetime:
    """An ISO date-time ("2026-11-23 10:30" or with "T"), or a date (midnight)."""
    text = text.strip()
    if len(text) <= 10:
        return dt.datetime.combine(parse_date(text), dt.time())
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y %H:%M")
    return dt.datetime.fromisoformat(text)


def split_list(text: str) -> list[str]:
    """A ";"-separated list cell as its trimmed, non-empty items."""
    return [item.strip() for item in text.split(";") if item.strip()]


class RowReader:
    """Typed access to the cells of one data row, appending a ``FieldError`` per bad value.

    Each method returns a usable default when the value is bad, so one pass finds every
    problem in the row.
    """

    def __init__(self, source: str, row: int, cells: dict[str, str], errors: list[FieldError]):
        self.source, self.row, self.cells, self.errors = source, row, cells, errors

    def error(
        self,
        field: str | None,
        problem: str,
        expected: str | None = None,
        actual: str | None = None,
    ) -> None:
        self.errors.append(FieldError(self.source, self.row, field, problem, expected, actual))

    def text(self, field: str, *, required: bool = False) -> str:
        value = " ".join(self.cells.get(field, "").split())
        if required and not value:
            self.error(field, "is blank but must be filled in")
        return value

    def integer(
        self,
        field: str,
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A whole number; blank gives ``default`` (an error when the default is None)."""
        value = self.text(field)
        if not value:
            if default is None:
                self.error(field, "is blank but must be a whole number")
            return default
        expected = _range_text(minimum, maximum)
        try:
            number = int(value)
        except ValueError:
            self.error(field, "is not a whole number", expected=expected, actual=value)
            return default
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.error(field, "is out of range", expected=expected, actual=value)
            return default
        return number

    def optional_integer(
        self, field: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if not self.text(field):
            return None
        return self.integer(field, minimum=minimum, maximum=maximum, default=None)

    def number(self, field: str, *, minimum: float = 0.0) -> float:
        value = self.text(field).replace(",", "").lstrip("£")
        if not value:
            return 0.0
        try:
            number = float(value)
        except ValueError:
            self.error(
                field, "is not a number", expected=f"a number, at least {minimum:g}", actual=value
            )
            return 0.0
        if number < minimum or number != number:
            self.error(field, "is out of range", expected=f"at least {minimum:g}", actual=value)
            return 0.0
        return number

    def date(
        self, field: str, *, required: bool = False, sensitive: bool = False
    ) -> dt.date | None:
        """A date; ``sensitive`` (a child's date of birth) keeps the value out of messages."""
        value = self.text(field)
        if not value:
            if required:
                self.error(field, "is blank but must be a date", expected=DATE_FORMATS)
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.error(
                field, "is not a date", expected=DATE_FORMATS, actual=None if sensitive else value
            )
            return None

    def datetime(self, field: str) -> dt.datetime | None:
        value = self.text(field)
        try:
            return parse_datetime(value)
        except ValueError:
            problem = (
                "is blank but must be a date and time" if not value else "is not a date and time"
            )
            self.error(field, problem, expected="yyyy-mm-dd hh:mm", actual=value or None)
            return None

    def boolean(self, field: str) -> bool:
        value = self.text(field).lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.error(
                field,
                "is not yes or no",
                expected="yes/no, true/false or 1/0 (blank = no)",
                actual=value,
            )
        return False

    def choice(self, field: str, kind: type[E], *, required: bool = True) -> E | None:
        value = self.text(field)
        if not value:
            if required:
                self.error(field, "is blank", expected=_allowed(kind))
            return None
        return _member(self, field, kind, value)

    def choices(self, field: str, kind: type[E]) -> frozenset[E]:
        members = (_member(self, field, kind, item) for item in split_list(self.text(field)))
        return frozenset(m for m in members if m is not None)

    def texts(self, field: str) -> frozenset[str]:
        return frozenset(split_list(self.text(field)))

    def postcode(self, field: str, *, required: bool = True) -> str:
        """A full UK postcode in standard form, found in the packaged data (masked in messages)."""
        value = self.text(field)
        if not value:
            if required:
                self.error(
                    field, "is blank but must be a full UK postcode", expected='e.g. "AB1 2CD"'
                )
            return ""
        from matching.geo import Gazetteer, PostcodeFormatError, UnknownPostcodeError

        try:
            normal = Gazetteer.default().locate(value).postcode
        except (PostcodeFormatError, UnknownPostcodeError) as problem:
            self.error(field, str(problem))
            return ""
        return normal

    def build(self, factory: Callable[..., T], **values: Any) -> T | None:
        """Construct a domain object; its ``ValueError`` ("field: problem") becomes a FieldError."""
        try:
            return factory(**values)
        except ValueError as problem:
            match = _FIELD_PREFIX.match(str(problem))
            field, text = (match.group(1), match.group(2)) if match else (None, str(problem))
            self.error(field, text)
            return None


def _member(reader: RowReader, field: str, kind: type[E], value: str) -> E | None:
    wanted = " ".join(value.split()).casefold()
    for member in kind:
        if wanted in (str(member.value).casefold(), member.name.casefold()):
            return member
    reader.error(field, f'"{value}" is not one of the allowed values', expected=_allowed(kind))
    return None


def _allowed(kind: type[enum.Enum]) -> str:
    return "one of: " + ", ".join(str(m.value) for m in kind)


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"a whole number from {minimum} to {maximum}"
    if minimum is not None:
        return f"a whole number, at least {minimum}"
    return "a whole number"
