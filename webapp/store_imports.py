"""Imports of households, children, referrals and decisions files into the store.

Each file is read and checked in full (the adapter's row checks, then checks against the
stored data) before anything is written; then one transaction upserts by id and logs the
import. A failed or dry-run import leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from matching.tabular import Parsed, sort_errors
from sufficiency.errors import FieldError, InputDataError
from webapp.models import ChildRow, HouseholdRow, ImportLogRow, ReferralRow
from webapp.store import Store, StoreError
from webapp.store_decisions import save_children
from webapp.store_import_checks import children_problems, limit_problems, referrals_problems
from webapp.store_import_decisions import import_decisions
from webapp.store_rows import (
    child_values,
    household_values,
    referral_child_rows,
    referral_from_row,
    referral_values,
)

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]
#: PostgreSQL's "deadlock detected" and "could not serialize": the transaction was undone.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do) [rows]."""

    table: str
    file_name: str
    rows_read: int  # records in the file (a referral's rows count once)
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


class _DryRun(Exception):
    """Raised inside the import transaction to roll it back after counting."""


def _reader(table: str) -> Callable[..., Parsed]:
    if table == "households":
        from matching.carers_csv import read_households as reader
    elif table == "children":
        from matching.children_csv import read_children as reader
    elif table == "referrals":
        from matching.referrals_csv import read_referrals as reader
    elif table == "decisions":
        from matching.decisions_csv import read_decisions as reader
    else:
        raise ValueError(
            f"table: {table!r} is not one of households, children, referrals, decisions"
        )
    return reader


IMPORT_TABLES = ("households", "children", "referrals", "decisions")


def import_file(
    store: Store,
    table: str,
    path: Path | str,
    *,
    dry_run: bool = False,
    imported_by: str = "",
    progress: Progress | None = None,
    audit_channel: str | None = None,
) -> ImportSummary:
    """Validate a whole file, then upsert it in one transaction (or roll back for a dry run).

    With ``audit_channel`` (e.g. ``"cli"``) the import is also written to the audit trail
    in the same transaction (the web app audits its requests itself).

    Raises
    ------
    InputDataError
        Every problem in the file, each naming its row and field; nothing was written.
    """
    path = Path(path)
    report = progress or (lambda _message: None)
    report(f"reading {path.name}")
    parsed = _reader(table)(path)
    report(f"{len(parsed.items)} {table} read; checking against the store")
    _fail(parsed, limit_problems(table, parsed))
    apply = {"households": _households, "children": _children, "referrals": _referrals}.get(
        table, import_decisions
    )
    result: list[ImportSummary] = []
    try:
        with store.session() as session, _changed_meanwhile(parsed.source):
            inserted, updated, unchanged = apply(session, parsed)
            summary = ImportSummary(
                table, path.name, len(parsed.items), inserted, updated, unchanged, dry_run
            )
            result.append(summary)
            if dry_run:
                raise _DryRun
            session.add(_log_row(summary, path, imported_by))
            if audit_channel:
                _audit(store, session, summary, imported_by, audit_channel)
    except _DryRun:
        pass
    report(f"{'checked' if dry_run else 'imported'} {path.name}")
    logger.info("import %s from %s: %s", table, path.name, result[0])
    return result[0]


@contextlib.contextmanager
def _changed_meanwhile(source: str) -> Iterator[None]:
    """A write by someone else between our checks and our write (a decision taking a place,
    or a PostgreSQL deadlock/serialization failure) becomes a file-level input error."""
    retry = "nothing was imported, import it again to see what is still wrong"
    try:
        yield
    except StoreError as error:
        problem = f"{error} (another change was saved while this file was being imported; {retry})"
        raise InputDataError([FieldError(source, None, None, problem)]) from error
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) not in _RETRYABLE_SQLSTATES:
            raise
        problem = f"another change was being saved at the same moment; {retry}"
        raise InputDataError([FieldError(source, None, None, problem)]) from error


def _lock(session: Session, model: type, ids: list[str]) -> None:
    """Lock (``SELECT ... FOR UPDATE``) and re-read the stored rows with these ids, so a
    placement decision cannot change them between our checks and our write (PostgreSQL;
    SQLite lets one writer at a time in anyway)."""
    key = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    for start in range(0, len(ids), 5_000):
        chunk = sorted(ids)[start : start + 5_000]
        query = select(model).where(key.in_(chunk)).with_for_update()
        session.scalars(query.execution_options(populate_existing=True)).all()


def _log_row(summary: ImportSummary, path: Path, imported_by: str) -> ImportLogRow:
    return ImportLogRow(
        table_name=summary.table,
        file_name=summary.file_name,
        imported_by=imported_by or "unknown",
        imported_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        rows_read=summary.rows_read,
        rows_inserted=summary.inserted,
        rows_updated=summary.updated,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _audit(
    store: Store, session: Session, summary: ImportSummary, imported_by: str, channel: str
) -> None:
    from webapp import audit

    detail = (
        f"{summary.table}: {summary.rows_read} read, {summary.inserted} new, "
        f"{summary.updated} updated"
    )
    entry = audit.entry(imported_by or "unknown", "", "import", "file", summary.file_name, detail,
                        channel)  # fmt: skip
    audit.record(store, entry, session=session)


def _fail(parsed: Parsed, errors: list[FieldError]) -> None:
    if errors:
        raise InputDataError(sort_errors(errors), f"{parsed.source}: {len(errors)} problem(s)")


def _households(session: Session, parsed: Parsed) -> tuple[int, int, int]:
    _lock(session, HouseholdRow, [h.household_id for h in parsed.items])
    living = Counter(
        session.scalars(select(ChildRow.household_id).where(ChildRow.household_id.is_not(None)))
    )
    errors = [
        FieldError(
            parsed.source,
            number,
            "approved_places",
            f"is fewer than the {living[h.household_id]} children living in household "
            f"{h.household_id}",
            expected=f"at least {living[h.household_id]}",
            actual=str(h.approved_places),
        )
        for number, h in zip(parsed.row_numbers, parsed.items, strict=True)
        if h.approved_places < living[h.household_id]
    ]
    _fail(parsed, errors)
    counts = Counter()
    for household in parsed.items:
        values = household_values(household)
        row = session.get(HouseholdRow, household.household_id)
        if row is None:
            session.add(HouseholdRow(**values, version=0))
            counts["inserted"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts["inserted"], counts["updated"], counts["unchanged"]


def _children(session: Session, parsed: Parsed) -> tuple[int, int, int]:
    places = dict(
        session.execute(select(HouseholdRow.household_id, HouseholdRow.approved_places)).all()
    )
    where = dict(session.execute(select(ChildRow.child_id, ChildRow.household_id)).all())
    stored = dict(where)
    errors = []
    for number, child in zip(parsed.row_numbers, parsed.items, strict=True):
        if child.household_id and child.household_id not in places:
            errors.append(
                FieldError(
                    parsed.source,
                    number,
                    "household_id",
                    f'"{child.household_id}" is not a household in the store',
                    expected="a household_id imported from households.csv first",
                )
            )
        where[child.child_id] = child.household_id
    living = Counter(h for h in where.values() if h)
    errors += children_problems(session, parsed)
    for number, child in zip(parsed.row_numbers, parsed.items, strict=True):
        household_id = child.household_id
        moved_in = stored.get(child.child_id) != household_id
        if moved_in and household_id in places and living[household_id] > places[household_id]:
            errors.append(
                FieldError(
                    parsed.source,
                    number,
                    "household_id",
                    f"household {household_id} would have {living[household_id]} "
                    f"children "
                    f"but has {places[household_id]} approved places",
                )
            )
    _fail(parsed, errors)
    changed = [c for c in parsed.items if _child_changed(session, c)]
    inserted, updated = save_children(session, changed, allow_new=True, allow_update=True)
    return inserted, updated, len(parsed.items) - len(changed)


def _child_changed(session: Session, child: object) -> bool:
    row = session.get(ChildRow, child.child_id)  # type: ignore[attr-defined]
    return row is None or any(getattr(row, k) != v for k, v in child_values(child).items())  # type: ignore[arg-type]


def _referrals(session: Session, parsed: Parsed) -> tuple[int, int, int]:
    _lock(session, ReferralRow, [r.referral_id for r in parsed.items])
    _fail(parsed, referrals_problems(session, parsed))
    counts = Counter()
    for referral in parsed.items:
        row = session.get(ReferralRow, referral.referral_id)
        if row is None:
            row = ReferralRow(**referral_values(referral), version=0)
            row.children = referral_child_rows(referral)
            session.add(row)
            counts["inserted"] += 1
        elif referral_from_row(row) != referral:
            for key, value in referral_values(referral).items():
                setattr(row, key, value)
            row.children.clear()
            session.flush()
            row.children.extend(referral_child_rows(referral))
            row.version += 1
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts["inserted"], counts["updated"], counts["unchanged"]
