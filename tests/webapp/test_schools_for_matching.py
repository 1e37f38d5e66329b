"""Matching sees the packaged state schools and the council's own schools together."""

from __future__ import annotations

from pathlib import Path

from matching.domain import School, SchoolUrn
from webapp.store import Store
from webapp.store_schools import schools_for_matching


def test_a_council_school_adds_to_the_state_schools_instead_of_replacing_them(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'planner.sqlite3'}")
    store.upgrade()
    own = School(SchoolUrn(900001), "Synthetic Independent Special School", "N17 6AA", "309")
    store.save_schools([own])
    schools = schools_for_matching(store)
    assert schools[SchoolUrn(900001)] == own
    assert schools[SchoolUrn(137177)].name == "Harrow High School"  # packaged GIAS school kept
