"""Column limits the database enforces: text lengths (``String(n)``) and 32-bit integers.

PostgreSQL refuses a value longer than its ``VARCHAR(n)`` or beyond a 4-byte ``INTEGER``;
SQLite stores it silently. So the store checks before it writes, the same on both: file
imports turn each problem into a row error (``webapp.store_import_checks``), and an ORM
guard (registered by ``webapp.models``) refuses any other write with a ``ValueError``
naming the table and field, instead of a database error that depends on the backend.
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


def refuse_values_that_do_not_fit(_mapper: object, _connection: object, target: object) -> None:
    """ORM ``before_insert``/``before_update`` guard: a ``ValueError`` naming the field."""
    table = target.__table__  # type: ignore[attr-defined]
    values = {column.name: getattr(target, column.key, None) for column in table.columns}
    problems = values_problems(table, values)
    if problems:
        raise ValueError(
            "; ".join(f"{table.name}.{p.field}: {p.problem} ({p.expected})" for p in problems)
        )
