"""The data cache: the store's data version, the cache itself, and pages that never go stale.

A decision, an edit, an import or a write by another process must give the next page fresh
figures; audit entries and sign-ins must not throw the cache away.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.webapp.auth_support import signed_in
from tests.webapp.store_samples import household
from tests.webapp.web_support import app, make_app  # noqa: F401 - fixtures
from webapp import audit
from webapp.cache import DataCache
from webapp.store import Store
from webapp.users import add_user

# -- the store's data version -------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    from tests.webapp.web_support import fill

    store = Store(str(tmp_path / "planner.sqlite3"))
    store.upgrade()
    fill(store)
    yield store
    store.close()


def test_every_write_to_the_data_raises_the_version(store: Store) -> None:
    epoch, first = store.data_version()
    store.add_household(household("H9"))
    store.set_setting("council_name", "Renamed Council")
    with store.engine.begin() as connection:  # hand-written SQL counts too (a trigger)
        connection.execute(text("UPDATE households SET on_hold = 1 WHERE household_id = 'H2'"))
    versions = [store.data_version()]
    assert versions[0][0] == epoch and versions[0][1] == first + 3


def test_the_ssda903_version_moves_only_with_the_returns(store: Store) -> None:
    returns, data = store.data_version("ssda903"), store.data_version()
    store.add_household(household("H9"))
    assert store.data_version("ssda903") == returns
    with store.engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO ssda903_rows (collection_year, table_name, row_number, "values") '
                "VALUES (2026, 'header', 1, '{}')"
            )
        )
    assert store.data_version("ssda903") == (returns[0], returns[1] + 1)
    assert store.data_version() == (data[0], data[1] + 2)


def test_audit_entries_and_users_leave_the_version_alone(store: Store) -> None:
    before = store.data_version()
    audit.record(store, audit.entry("a.khan", "administrator", "view-referral", "referral", "R1"))
    add_user(store, "a.khan", "administrator", "correct horse battery staple")
    assert store.data_version() == before


def test_a_failed_write_leaves_the_version_alone(store: Store) -> None:
    before = store.data_version()
    with pytest.raises(RuntimeError), store.session() as session:
        session.execute(text("UPDATE households SET on_hold = 1"))
        raise RuntimeError("crash mid-transaction")
    assert store.data_version() == before


# -- the cache ---------------------------------------------------------------------------


def test_one_computation_per_version_and_key() -> None:
    cache, calls = DataCache(8), []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get(("e", 1), "k", compute) == 1
    assert cache.get(("e", 1), "k", compute) == 1
    assert cache.get(("e", 2), "k", compute) == 2  # a write: worked out again
    assert len(cache) == 1  # the older version's entry is gone
    assert (cache.hits, cache.misses) == (1, 2)


def test_no_version_or_no_room_computes_every_time() -> None:
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert DataCache(8).get(None, "k", compute) == 1
    assert DataCache(0).get(("e", 1), "k", compute) == 2


def test_least_recently_used_goes_first() -> None:
    cache = DataCache(2)
    for key in "abc":
        cache.get(("e", 1), key, lambda k=key: k)
    assert len(cache) == 2
    assert cache.get(("e", 1), "a", lambda: "again") == "again"


def test_a_value_read_before_a_newer_write_is_not_kept() -> None:
    cache = DataCache(8)
    cache.get(("e", 5), "k", lambda: "new")
    assert cache.get(("e", 4), "k", lambda: "old") == "old"
    assert cache.get(("e", 5), "k", lambda: "recomputed") == "new"


def test_errors_are_not_cached() -> None:
    cache = DataCache(8)

    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get(("e", 1), "k", fail)
    assert cache.get(("e", 1), "k", lambda: 3) == 3


def test_requests_at_once_wait_for_one_computation() -> None:
    cache, calls = DataCache(8), []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return "value"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(("e", 1), "k", slow)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["value"] * 8 and len(calls) == 1


# -- pages never show stale vacancies ------------------------------------------------------


def _ranked(client, referral_id: str) -> list[str]:
    body = client.get(f"/api/referrals/{referral_id}/shortlist").get_json()
    return [e["household_id"] for o in body["shortlist"]["options"] for e in o["entries"]]


def _new_referral(client) -> None:
    body = {
        "referral_id": "R3",
        "placement_kind": "short-term",
        "start_date": "2026-12-01",
        "received_on": "2026-11-22",
        "home_postcode": "LS7 3AA",
        "children": [{"child_id": "C9", "date_of_birth": "2015-04-02", "sex": "male"}],
    }
    assert client.post("/api/referrals", json=body).status_code == 201


def test_a_decision_takes_the_vacancy_off_other_shortlists_and_the_dashboard(app) -> None:  # noqa: F811
    client = signed_in(app, "placements-officer")
    _new_referral(client)
    assert "H1" in _ranked(client, "R3")  # H1 has one free place (3 approved, 2 placed)
    for _ in range(2):  # the second from the cache
        assert client.get("/api/dashboard").get_json()["indicators"]["total_vacancies"] == 4
    cache = app.extensions["planner.cache"]
    assert cache.hits >= 1
    before = client.get("/referrals/R3").data.decode()  # its 'not suitable' list is cached
    assert 'href="/households/H1"' not in before.split('id="not-suitable"')[1]
    decided = client.post("/api/referrals/R1/decision", json={"household_id": "H1"})
    assert decided.status_code == 201
    assert "H1" not in _ranked(client, "R3")
    assert client.get("/api/dashboard").get_json()["indicators"]["total_vacancies"] == 3
    page = client.get("/referrals/R3").data.decode()
    assert 'href="/households/H1"' not in page.split('id="not-suitable"')[0]
    assert 'href="/households/H1"' in page.split('id="not-suitable"')[1]  # H1 is full now


def test_a_write_by_another_process_shows_at_once(app) -> None:  # noqa: F811
    client = signed_in(app, "placements-officer")
    assert "H1" in _ranked(client, "R1")
    other = Store(app.config["DATABASE_URL"])  # e.g. `placement-planner import` meanwhile
    with other.engine.begin() as connection:
        connection.execute(text("UPDATE households SET on_hold = 1 WHERE household_id = 'H1'"))
    other.close()
    assert "H1" not in _ranked(client, "R1")


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    application = make_app(tmp_path, DATA_CACHE_ENTRIES=0)
    client = signed_in(application, "placements-officer")
    client.get("/api/dashboard")
    client.get("/api/dashboard")
    cache = application.extensions["planner.cache"]
    assert (len(cache), cache.hits) == (0, 0)
    application.extensions["planner.jobs"].shutdown()
    application.extensions["planner.store"].close()


def test_nested_computations_in_opposite_orders_do_not_deadlock() -> None:
    # Thread A computes "a" which needs "b"; thread B computes "b" which needs "a". With a
    # wait-for-one-computation lock held while nested gets wait, this deadlocks.
    cache = DataCache(8)
    started = threading.Barrier(2)

    def outer(first: str, second: str):
        def compute_first():
            started.wait(timeout=5)
            return cache.get(("e", 1), second, lambda: second) + first

        return cache.get(("e", 1), first, compute_first)

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(outer("a", "b")), daemon=True),
        threading.Thread(target=lambda: results.append(outer("b", "a")), daemon=True),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    assert len(results) == 2  # each value is "a"/"b" joined with whatever the other had cached
