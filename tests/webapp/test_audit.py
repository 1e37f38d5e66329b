# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""The audit trail: who viewed, shortlisted, decided and imported; append-only; CSV export."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.webapp.auth_support import signed_in
from tests.webapp.web_support import app, client  # noqa: F401
from webapp import audit
from webapp.models import AuditRow
from webapp.sources import open_store
from webapp.users import Role


def _trail(app) -> list[tuple[str, str, str, str]]:
    return [
        (e.username, e.action, e.record_id, e.detail)
        for e in audit.list_entries(open_store(app))
        if e.action != "sign-in"
    ]


def test_viewing_a_referral_runs_and_records_its_shortlist(app) -> None:
    officer = signed_in(app, Role.PLACEMENTS_OFFICER)
    assert officer.get("/referrals/R1").status_code == 200
    assert officer.get("/api/referrals/R2/shortlist").status_code == 200
    assert officer.get("/households/H1").status_code == 200
    assert _trail(app) == [
        ("placements-officer", "view-referral", "R1", ""),
        ("placements-officer", "run-shortlist", "R1", "on the referral page"),
        ("placements-officer", "run-shortlist", "R2", ""),
        ("placements-officer", "view-household", "H1", ""),
    ]
    entry = audit.list_entries(open_store(app))[0]
    assert (entry.role, entry.channel) == ("placements-officer", "web")


def test_decision_and_its_reason_are_recorded(app) -> None:
    officer = signed_in(app, Role.PLACEMENTS_OFFICER)
    form = {"household_id": "H2", "decided_by": "Officer A", "reason": "near school LS8 1AA"}
    response = officer.post("/referrals/R1/decision", data=form)
    assert response.status_code in (302, 400)
    action = "record-decision" if response.status_code == 302 else "record-decision-refused"
    username, recorded, record_id, detail = _trail(app)[0]
    assert (username, recorded, record_id) == ("placements-officer", action, "R1")
    assert "household H2" in detail and "reason: near school LS8 ***" in detail  # postcode masked


def test_refused_access_is_recorded(app) -> None:
    signed_in(app, Role.COMMISSIONER).get("/referrals/R1")
    assert _trail(app) == [("commissioner", "access-denied", "", "GET referrals.show")]


def test_sign_in_failures_are_recorded_without_the_password(app) -> None:
    from tests.webapp.test_auth import _sign_in

    _sign_in(app.test_client(), "j.smith", "my secret password")
    entries = audit.list_entries(open_store(app))
    assert [(e.username, e.action) for e in entries] == [("j.smith", "sign-in-failed")]
    assert "secret" not in repr(entries)


def test_web_import_is_recorded(app) -> None:
    admin = signed_in(app)
    data = {"table": "households", "file": (io.BytesIO(b"household_id\n"), "households.csv")}
    admin.post("/households/import", data=data, content_type="multipart/form-data")
    assert _trail(app) == [
        ("administrator", "import-refused", "", "HTTP 400; households from households.csv")
    ]


def test_entries_cannot_be_changed_or_deleted(app) -> None:
    store = open_store(app)
    audit.record(store, audit.entry("a", "administrator", "test"))
    with pytest.raises(PermissionError, match="append-only"), store.session() as session:
        session.get(AuditRow, 1).detail = "rewritten"
    for statement in ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="audit_log is append-only"):
            with store.session() as session:
                session.execute(text(statement))
    assert [e.detail for e in audit.list_entries(store)] == [""]


def test_redaction() -> None:
    assert audit.redact("moved from ls6 2ab on 03/04/2015 (2015-04-03)") == (
        "moved from LS6 *** on [date] ([date])"
    )
    assert audit.redact("household H12, rank 2") == "household H12, rank 2"


def test_log_records_are_redacted(caplog) -> None:
    record = logging.LogRecord(
        "webapp", logging.INFO, "", 0, "GET /api?home=%s", ("SW1A 1AA",), None
    )
    assert audit.RedactingFilter().filter(record)
    assert record.getMessage() == "GET /api?home=SW1A ***"


def test_export_csv_escapes_formulas(app, tmp_path) -> None:
    store = open_store(app)
    audit.record(store, audit.entry("x", "administrator", "record-decision", "referral", "R1",
                                    "reason: =HYPERLINK(\"http://evil\")"))  # fmt: skip
    count = audit.export_entries(audit.list_entries(store), tmp_path / "audit.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "audit.csv").read_text("utf-8"))))
    assert count == 1 and rows[0]["detail"] == 'reason: =HYPERLINK("http://evil")'
    audit.record(store, audit.entry("=cmd|' /C calc'!A0", "", "x"))
    audit.export_entries(audit.list_entries(store), tmp_path / "audit.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "audit.csv").read_text("utf-8"))))
    assert rows[1]["username"] == "'=cmd|' /C calc'!A0"


def test_admin_downloads_the_trail(app) -> None:
    admin = signed_in(app)
    admin.get("/referrals/R1")
    response = admin.get("/admin/audit.csv?since=2000-01-01")
    lines = response.data.decode().splitlines()
    assert lines[0] == "audit_id,at,username,role,channel,action,record_type,record_id,detail"
    assert ",administrator,administrator,web,view-referral,referral,R1," in lines[1]
    bad = admin.get("/admin/audit.csv?since=yesterday")
    assert bad.status_code == 400
