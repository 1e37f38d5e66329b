"""Every open referral of the demo council: the shortlist re-checks clean, hard and feasible
cases come out as the demo says, and one top entry is worked through by hand."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from matching.checks import check_shortlist
from matching.context import build_context
from matching.geo import Gazetteer, distance_miles
from matching.policy import load_policy
from matching.shortlist import rank

demo_council = pytest.importorskip("sufficiency.demo_council")


@pytest.fixture(scope="module")
def demo():
    council = demo_council.build_demo_council()
    opens = [r for r in council.referrals if r.status == "open"]
    homes = [
        h
        for h in council.households
        if h.deregistered_on is None or h.deregistered_on > council.as_of
    ]
    context = build_context(homes, opens, schools=council.schools)
    policy = dataclasses.replace(load_policy(), council_la_code=council.la_code)
    shortlists = {r.referral_id: rank(r, homes, context, policy) for r in opens}
    return council, shortlists


def test_every_open_referral_rechecks_clean(demo) -> None:
    _, shortlists = demo
    assert {rid: check_shortlist(s) for rid, s in shortlists.items()} == {
        rid: [] for rid in shortlists
    }


def test_hard_and_feasible_cases(demo) -> None:
    council, shortlists = demo
    for rid in council.hard_case_referral_ids:
        assert not any(o.suitable_count for o in shortlists[rid].options), rid
        assert shortlists[rid].not_suitable()  # every household listed with its reasons
    for rid in council.feasible_case_referral_ids:
        assert shortlists[rid].whole_group_placeable, rid


def test_top_entry_by_hand(demo) -> None:
    council, shortlists = demo
    rid, shortlist = next(
        (rid, s) for rid, s in shortlists.items() if s.entries and s.referral.size == 1
    )
    item = shortlist.entries[0].breakdown
    household = next(h for h in council.households if h.household_id == item.household_id)
    kid = shortlist.referral.children[0]
    gazetteer = Gazetteer.default()
    tenths = round(
        distance_miles(
            gazetteer.locate(shortlist.referral.home_postcode), gazetteer.locate(household.postcode)
        )
        * 10
    )
    w = load_policy().weights
    expected = (
        -w.distance_per_tenth_mile * tenths
        - w.beyond_threshold * (tenths > 200)
        + w.desirable_need_met * len(kid.desirable_needs & household.skills)
        + w.language_match * (kid.languages <= household.languages)
        + w.religion_match
        * (bool(kid.religion) and kid.religion.lower() == household.religion.lower())
        + w.ethnicity_match
        * (bool(kid.ethnicity) and kid.ethnicity.lower() == household.ethnicity.lower())
        + w.in_house * (household.provider != "agency")
        - w.cost_per_10_gbp_week * int(household.weekly_cost_gbp // 10)
    )
    assert item.distance_tenths == tenths
    assert item.total - item.wishes_points == expected, rid


def test_cli_on_the_demo_hard_case(demo) -> None:
    council, _ = demo
    rid = council.hard_case_referral_ids[0]
    from webapp.cli import main

    result = CliRunner().invoke(main, ["rank", rid])
    assert result.exit_code == 0, result.output
    assert "No household can take" in result.stdout
    assert "Not suitable (whole group):" in result.stdout
