"""Column limits the database enforces: text lengths (``String(n)``), 32-bit integers, and
(PostgreSQL) no NUL characters in text.

PostgreSQL refuses a value longer than its ``VARCHAR(n)`` or beyond a 4-byte ``INTEGER``;
SQLite stores it silently. So the store checks before it writes, the same on both: file
imports turn each problem into a row error (``webapp.store_import_checks``), and an ORM
guard (registered by ``webapp.models``) refuses any other write with a ``ValueError``
naming the table and field, instead of a database error that depends on the backend.
On PostgreSQL a NUL in a value that is only looked up (an id in a URL) is replaced before the
query is sent (``replace_nul_in_parameters``), so it finds nothing instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Column, Integer, String

#: PostgreSQL ``INTEGER`` is 4 bytes: -2,147,483,648 to 2,147,483,647.
INTEGER_LIMIT = 2**31


@dataclass(frozen=True, slots=True)
class LimitProblem:
    """A value that does not fit its column (the value itself is not repeated)."""

    field: str
    problem: str
    expected: str


def value_problem(column: Column, value: object) -> LimitProblem | None:
    """Why ``value`` does not fit ``column``, or None when it fits."""
    kind = column.type
    if isinstance(value, str) and "\x00" in value:
        return LimitProblem(column.name, "contains a NUL character", "text without NUL (0x00)")
    if isinstance(value, str) and isinstance(kind, String) and kind.length:
        if len(value) > kind.length:
            return LimitProblem(
                column.name,
                f"is {len(value):,} characters long",
                f"at most {kind.length:,} characters",
            )
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and isinstance(kind, Integer)
        and not -INTEGER_LIMIT <= value < INTEGER_LIMIT
    ):
        return LimitProblem(
            column.name, "is too large to store", f"a whole number below {INTEGER_LIMIT:,}"
        )
    return None


def values_problems(table: object, values: Mapping[str, object]) -> list[LimitProblem]:
    """Every value of a row (column name -> value) that does not fit ``table``'s columns."""
    columns = table.columns  # type: ignore[attr-defined]
    found = [value_problem(columns[name], v) for name, v in values.items() if name in columns]
    return [problem for problem in found if problem is not None]


#: Tables whose text may quote what a hostile request sent (an id with NUL in a URL): NUL is
#: replaced by U+FFFD there, so the entry is still written, instead of refusing the write.
QUOTING_TABLES = frozenset({"audit_log"})


def refuse_values_that_do_not_fit(_mapper: object, _connection: object, target: object) -> None:
    """ORM ``before_insert``/``before_update`` guard: a ``ValueError`` naming the field."""
    table = target.__table__  # type: ignore[attr-defined]
    if table.name in QUOTING_TABLES:
        for column in table.columns:
            value = getattr(target, column.key, None)
            if isinstance(value, str) and "\x00" in value:
                setattr(target, column.key, _without_nul(value))
    values = {column.name: getattr(target, column.key, None) for column in table.columns}
    problems = values_problems(table, values)
    if problems:
        raise ValueError(
            "; ".join(f"{table.name}.{p.field}: {p.problem} ({p.expected})" for p in problems)
        )


def _without_nul(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(item) for item in value)
    return value


def replace_nul_in_parameters(
    _connection: object, _cursor: object, statement: str, parameters: object, *_args: object
) -> tuple[str, object]:
    """``before_cursor_execute`` hook (PostgreSQL, which refuses NUL in text): NUL becomes
    U+FFFD. Writes never get here with one (the guard above refuses them first)."""
    return statement, _without_nul(parameters)
