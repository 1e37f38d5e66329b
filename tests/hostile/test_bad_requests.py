# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
# ruff: noqa: E501  (the table of bad requests keeps one request per entry)
"""Bad API requests: each gets a 4xx in the one JSON error shape and changes nothing."""

from __future__ import annotations

import io

import pytest

from tests.webapp.auth_support import signed_in
from tests.webapp.test_concurrency import snapshot
from tests.webapp.web_support import app  # noqa: F401
from webapp.sources import open_store

REFERRAL = {
    "placement_kind": "short-term", "start_date": "2026-12-01", "received_on": "2026-11-23",
    "home_postcode": "LS7 3AA",
    "children": [{"child_id": "C9", "date_of_birth": "2014-05-04", "sex": "male"}],
}  # fmt: skip

BAD = [
    ("POST", "/api/referrals", {"data": b"{not json", "content_type": "application/json"}, 400,
     "request: Send a JSON object as the request body"),
    ("POST", "/api/referrals", {"json": [1, 2]}, 400, "Send a JSON object as the request body"),
    ("POST", "/api/referrals", {"data": b"\xff\xfe\x00x", "content_type": "application/json"}, 400,
     "Send a JSON object"),
    ("POST", "/api/referrals", {"data": "placement_kind=respite"}, 400, "Send a JSON object"),
    ("POST", "/api/referrals", {"json": {**REFERRAL, "children": "C9"}}, 400,
     'field "children": Send children as a list of objects, one per child'),
    ("POST", "/api/referrals", {"json": {**REFERRAL, "allowed_splits": [None]}}, 400,
     'field "allowed_splits": Allowed split 1 must share out every child'),
    ("POST", "/api/referrals", {"json": {**REFERRAL, "referral_id": "R" * 5000}}, 400,
     "Referral ID must be letters, digits, dots, dashes or underscores"),
    ("POST", "/api/referrals", {"json": {**REFERRAL, "referral_id": "../../etc/passwd"}}, 400,
     "Referral ID must be letters, digits, dots, dashes or underscores"),
    ("POST", "/api/referrals", {"json": {**REFERRAL, "home_postcode": ["LS7 3AA"]}}, 400,
     "home_postcode"),
    ("POST", "/api/referrals",
     {"json": {**REFERRAL, "children": [{"child_id": "C9", "date_of_birth": "2014-13-45", "sex": "robot"}]}},
     400, "children[0]"),
    ("POST", "/api/referrals", {"data": b"x" * (21 * 1024 * 1024), "content_type": "application/json"},
     413, "The data value transmitted exceeds the capacity limit."),
    ("POST", "/api/referrals/R1/decision", {"json": {"household_id": ["H1"], "child_ids": "C1"}}, 400,
     "household_id"),
    ("POST", "/api/referrals/R1/decision", {"json": {"decided_by": "Someone Else"}}, 400,
     "household_id"),
    ("POST", "/api/referrals/NOPE/decision", {"json": {"household_id": "H1"}}, 404,
     "There is no referral with id 'NOPE'."),
    ("PUT", "/api/referrals/R1", {"json": {"children": [{}] * 300}}, 400, "children[299].child_id"),
    ("GET", "/api/referrals/..%2F..%2Fetc%2Fpasswd", {}, 404, "The requested URL was not found"),
    ("GET", "/api/households?age=abc", {}, 400, "household filters"),
    ("GET", "/api/households/%00", {}, 404, "There is no household"),
    ("GET", "/api/allocations/%3Cscript%3E", {}, 404, "There is no job"),
    ("DELETE", "/api/referrals/R1", {}, 405, "The method is not allowed"),
    ("POST", "/api/households/import",
     {"data": {"table": "households", "file": (io.BytesIO(b"\x00\x01\x02"), "../../evil.csv")},
      "content_type": "multipart/form-data"}, 400, "evil.csv: the file is not plain text"),
    ("POST", "/api/households/import",
     {"data": {"table": "users", "file": (io.BytesIO(b"a,b\n"), "users.csv")},
      "content_type": "multipart/form-data"}, 400, "Select what the file contains"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "message"), BAD,
                         ids=[f"{i}-{m} {u[:40]}" for i, (m, u, *_rest) in enumerate(BAD)])  # fmt: skip
def test_bad_request_gets_a_clear_error_and_changes_nothing(
    app, method, url, kwargs, status, message
):
    client = signed_in(app)
    store = open_store(app)
    before = snapshot(store)
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == status
    body = response.json
    assert (body["ok"], body["status"]) == (False, status)
    text = " ".join(e["message"] for e in body["errors"])
    assert message in text
    after = snapshot(store)
    after.pop("audit_log"), before.pop("audit_log")  # refusals are audited
    assert after == before


def test_error_messages_never_echo_a_date_of_birth_or_full_postcode(app) -> None:
    child = {"child_id": "C9", "date_of_birth": "2030-05-04", "sex": "male"}
    body = {**REFERRAL, "home_postcode": "ZZ99 9ZZ", "children": [child]}
    response = signed_in(app).post("/api/referrals", json=body)
    assert response.status_code == 400
    assert "ZZ99 9ZZ" not in response.get_data(as_text=True)
    assert "2030-05-04" not in response.get_data(as_text=True)
