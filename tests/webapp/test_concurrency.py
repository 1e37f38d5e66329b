# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""No lost or double-booked places: two officers at the same moment, and crashes mid-write.

Each crash is injected inside the transaction, after some rows were already written; the
database must then be exactly as it was before (every table compared row by row).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from matching.domain import Child, PlacementKind, Referral, ReferralId
from sufficiency.domain import ChildId, Sex
from tests.webapp.auth_support import signed_in
from tests.webapp.store_samples import child, decision, household, referral
from tests.webapp.web_support import app, client  # noqa: F401
from webapp import store_decisions, store_imports
from webapp.models import Base
from webapp.sources import open_store
from webapp.store import Store
from webapp.users import Role


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, for before/after comparisons."""
    with store.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def _one_child_referral(referral_id: str, child_id: str) -> Referral:
    kid = Child(ChildId(child_id), dt.date(2015, 6, 1), Sex.MALE)
    return Referral(
        ReferralId(referral_id), (kid,), PlacementKind.SHORT_TERM, dt.date(2026, 12, 1),
        "LS7 3AA", dt.date(2026, 11, 22),
    )  # fmt: skip


def test_two_officers_take_the_last_vacancy_at_the_same_moment(app, monkeypatch) -> None:
    """H1 has one vacancy; officers A and B both read it, then both decide. One wins."""
    store = open_store(app)
    store.add_referral(_one_child_referral("R3", "C7"))
    both_read = threading.Barrier(2, timeout=10)
    original = store_decisions.read_claim_state

    def read_and_wait(session, decision_):  # both officers see the vacancy before either writes
        state = original(session, decision_)
        both_read.wait()
        return state

    monkeypatch.setattr(store_decisions, "read_claim_state", read_and_wait)
    results: dict[str, object] = {}

    def officer(referral_id: str, role: Role) -> None:
        body = {"household_id": "H1", "decided_by": f"officer {referral_id}",
                "reason": "same moment test"}  # fmt: skip
        response = signed_in(app, role).post(f"/api/referrals/{referral_id}/decision", json=body)
        results[referral_id] = (response.status_code, response.json)

    threads = [
        threading.Thread(target=officer, args=("R1", Role.PLACEMENTS_OFFICER)),
        threading.Thread(target=officer, args=("R3", Role.ADMINISTRATOR)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [201, 409]
    loser = next(body for status, body in results.values() if status == 409)
    assert loser["errors"][0]["message"] == (
        "household H1 changed while this decision was being recorded (another placement was "
        "made there); reload the shortlist and decide again"
    )
    assert len(store.list_decisions()) == 1
    assert len(store.list_children(household_id="H1")) == 3  # its 3 approved places, no more


def test_crash_in_the_middle_of_an_import_changes_nothing(app, tmp_path, monkeypatch) -> None:
    store = open_store(app)
    path = tmp_path / "households.csv"
    from matching.carers_csv import HOUSEHOLD_COLUMNS, household_cells
    from matching.tabular import write_table

    rows = [household_cells(household(f"H{n}")) for n in range(5, 10)]
    rows.append(household_cells(household("H1", name="Renamed", approved_places=3)))
    write_table(path, HOUSEHOLD_COLUMNS, rows)
    before = snapshot(store)
    calls = []
    original = store_imports.household_values

    def crash_on_the_fourth_row(value):
        calls.append(value.household_id)
        if len(calls) == 4:  # three households already added in this transaction
            raise OSError("disk full (injected)")
        return original(value)

    monkeypatch.setattr(store_imports, "household_values", crash_on_the_fourth_row)
    with pytest.raises(OSError, match="injected"):
        store_imports.import_file(store, "households", path, audit_channel="cli")
    assert snapshot(store) == before


def test_crash_while_recording_an_allocation_changes_nothing(app, monkeypatch) -> None:
    """Accepting a joint allocation records its decisions all or nothing."""
    store = open_store(app)
    store.add_household(household("H8", approved_places=2))
    store.add_referral(referral("R8", (child("C8"),)))
    store.add_referral(referral("R9", (child("C9"),)))
    before = snapshot(store)
    original = store_decisions._place_child
    placed = []

    def crash_on_the_second_child(*args):
        placed.append(args[2])
        if len(placed) == 2:
            raise RuntimeError("worker killed (injected)")
        return original(*args)

    monkeypatch.setattr(store_decisions, "_place_child", crash_on_the_second_child)
    with pytest.raises(RuntimeError, match="injected"):
        store.record_decisions([decision("R8", "H8"), decision("R9", "H8")])
    assert snapshot(store) == before
    monkeypatch.setattr(store_decisions, "_place_child", original)
    recorded = store.record_decisions([decision("R8", "H8"), decision("R9", "H8")])
    assert [d.referral_id for d in recorded] == ["R8", "R9"]


def test_a_failed_allocation_job_leaves_the_store_as_it_was(app, monkeypatch) -> None:
    import matching.allocate

    store = open_store(app)
    client = signed_in(app, Role.PLACEMENTS_OFFICER)
    before = snapshot(store)

    def crash(*_args, **_kwargs):
        raise MemoryError("solver ran out of memory (injected)")

    monkeypatch.setattr(matching.allocate, "allocate", crash)
    response = client.post("/api/allocations")
    job = client.get(f"/api/jobs/{response.json['job']['job_id']}").json["job"]
    assert job["status"] == "failed"
    after = snapshot(store)
    after.pop("audit_log"), before.pop("audit_log")  # the run itself is audited
    assert after == before
