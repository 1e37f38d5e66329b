"""The audit trail: who viewed a child's record, ran a shortlist, decided, imported, exported.

Entries are appended to the store's ``audit_log`` table (never changed: an ORM listener and
database triggers refuse it) and exported to CSV/xlsx. Free text (a decision's reason) is
redacted: full postcodes keep only their outward code and dates become ``[date]``, so the
trail never holds a child's date of birth or full postcode. Children are named by id only.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.tabular import write_table
from webapp.models import AuditRow
from webapp.store import Store

log = logging.getLogger(__name__)

AUDIT_COLUMNS = (
    "audit_id", "at", "username", "role", "channel", "action", "record_type", "record_id",
    "detail",
)  # fmt: skip
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)
_DATE = re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\b")
MAX_DETAIL = 2000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One thing someone did. ``channel`` is ``web``, ``api`` or ``cli``."""

    at: dt.datetime
    username: str
    role: str
    action: str
    record_type: str = ""
    record_id: str = ""
    detail: str = ""
    channel: str = "web"
    audit_id: int | None = None


def redact(text: str) -> str:
    """Mask full postcodes ("LS6 2AB" -> "LS6 ***") and dates ("[date]") in free text."""
    text = _POSTCODE.sub(lambda m: f"{m.group(1).upper()} ***", text)
    return _DATE.sub("[date]", text)


def now() -> dt.datetime:
    """The audit clock: UTC, whole seconds, stored without a time zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        at=entry.at,
        username=entry.username[:64] or "unknown",
        role=entry.role[:30],
        action=entry.action[:40],
        record_type=entry.record_type[:30],
        record_id=redact(entry.record_id)[:64],
        detail=redact(entry.detail)[:MAX_DETAIL],
        channel=entry.channel[:10],
    )


def record(store: Store, entry: AuditEntry, session: Session | None = None) -> None:
    """Append one entry (in ``session``'s transaction when given, else its own)."""
    if session is not None:
        session.add(_row(entry))
        return
    with store.session() as own:
        own.add(_row(entry))


def entry(
    username: str,
    role: str,
    action: str,
    record_type: str = "",
    record_id: str = "",
    detail: str = "",
    channel: str = "web",
) -> AuditEntry:
    """An entry stamped now."""
    return AuditEntry(now(), username, role, action, record_type, record_id, detail, channel)


def list_entries(
    store: Store,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    username: str | None = None,
    action: str | None = None,
    record_id: str | None = None,
) -> list[AuditEntry]:
    """Entries oldest first; ``since``/``until`` are inclusive days (UTC)."""
    query = select(AuditRow).order_by(AuditRow.audit_id)
    if since is not None:
        query = query.where(AuditRow.at >= dt.datetime.combine(since, dt.time()))
    if until is not None:
        query = query.where(
            AuditRow.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        )
    for column, value in (
        (AuditRow.username, username),
        (AuditRow.action, action),
        (AuditRow.record_id, record_id),
    ):
        if value is not None:
            query = query.where(column == value)
    with store.session() as session:
        return [
            AuditEntry(
                r.at, r.username, r.role, r.action, r.record_type, r.record_id, r.detail,
                r.channel, r.audit_id,
            )
            for r in session.scalars(query)
        ]  # fmt: skip


def export_entries(entries: Iterable[AuditEntry], path: Path | str) -> int:
    """Write entries to .csv or .xlsx (formula cells protected); returns the rows written."""
    rows = [{name: getattr(e, name) for name in AUDIT_COLUMNS} for e in entries]
    return write_table(path, AUDIT_COLUMNS, rows)


class RedactingFilter(logging.Filter):
    """Masks full postcodes and dates in log records (e.g. a postcode in a logged URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging's own report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction(*logger_names: str) -> None:
    """Add the redacting filter to the named loggers and to the root logger's handlers."""
    flt = RedactingFilter()
    targets = [logging.getLogger(name) for name in logger_names]
    targets += list(logging.getLogger().handlers)
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(flt)
