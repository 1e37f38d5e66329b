"""The synthetic demo council: realistic shares, consistency, and files the readers accept."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import numpy as np
import pytest

from matching.carers_csv import read_households
from matching.children_csv import read_children
from matching.decisions_csv import read_decisions
from matching.domain import Need, PlacementKind, ProviderType
from matching.geo import Gazetteer, distance_miles
from matching.referrals_csv import read_referrals
from sufficiency.demo.referrals import could_take, takers
from sufficiency.demo.statistics import load_national_statistics
from sufficiency.demo_council import (
    DEMO_AS_OF,
    DEMO_NAME,
    DEMO_SEED,
    build_demo_council,
    write_demo_files,
)
from sufficiency.domain import PlacementType, age_band_on, age_on, eighteenth_birthday
from sufficiency.placement_codes import (
    COLLECTION_2025_26_START,
    PLACEMENT_CODES,
    placement_type_for,
)
from sufficiency.ssda903 import read_ssda903

AGE_MIX_TOLERANCE = 0.07  # absolute share, per age band (400 children: sampling sd ~0.024)
DDMMYYYY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
REC_CODES = {
    "X1",
    "E11",
    "E12",
    "E13",
    "E4A",
    "E41",
    "E45",
    "E46",
    "E47",
    "E48",
    "E5",
    "E6",
    "E7",
    "E9",
    "E15",
    "E16",
    "E17",
    "E8",
}


@pytest.fixture(scope="module")
def council():
    return build_demo_council()


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.default()


def _day(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def test_identity_and_date(council):
    assert DEMO_AS_OF == dt.date(2026, 11, 23) and DEMO_AS_OF.weekday() == 0  # a Monday
    assert council.name == DEMO_NAME and "synthetic" in council.name
    assert (council.la_code, council.lad_code, council.as_of) == ("309", "E09000014", DEMO_AS_OF)


def test_cached_and_deterministic_for_a_seed(council):
    assert build_demo_council() is council
    again = build_demo_council.__wrapped__(DEMO_SEED)
    assert again.children == council.children
    assert again.households == council.households
    assert again.referrals == council.referrals
    assert again.ssda903 == council.ssda903


def test_a_different_seed_gives_a_different_council(council):
    other = build_demo_council(DEMO_SEED + 1)
    assert {c.child_id for c in other.children} != {c.child_id for c in council.children}
    assert 330 <= len(other.children) <= 470


def test_about_400_looked_after_with_the_national_age_mix(council):
    total = len(council.children)
    assert 370 <= total <= 430
    national = load_national_statistics().stock_age
    bands = Counter(age_band_on(c.date_of_birth, council.as_of) for c in council.children)
    for band, share in national.items():
        assert bands[band] / total == pytest.approx(share, abs=AGE_MIX_TOLERANCE), band


def test_placement_mix_is_the_national_mix_in_whole_children(council):
    total = len(council.children)
    national = load_national_statistics().stock_placement
    counts = Counter(c.placement_type for c in council.children)
    for placement_type, share in national.items():
        assert abs(counts[placement_type] - share * total) <= 2, placement_type  # rounding + groups


def test_uasc_share_and_ages(council):
    uasc = [c for c in council.children if c.unaccompanied_asylum_seeking]
    assert 0.03 <= len(uasc) / len(council.children) <= 0.09
    assert all(age_on(c.date_of_birth, council.as_of) >= 14 for c in uasc)


def test_a_fifth_placed_over_20_miles_measured_with_the_gazetteer(council, gazetteer):
    over = 0
    for child in council.children:
        miles = distance_miles(
            gazetteer.locate(child.home_postcode), gazetteer.locate(child.placement_postcode)
        )
        assert miles == pytest.approx(council.placements[child.child_id].distance_miles, abs=0.05)
        over += miles > 20
    assert 0.15 <= over / len(council.children) <= 0.25


def test_home_postcodes_are_real_haringey_units(council, gazetteer):
    homes = {c.home_postcode for c in council.children}
    homes |= {r.home_postcode for r in council.referrals}
    for postcode in homes:
        location = gazetteer.locate(postcode, allow_fallback=False)
        assert (location.lad_code, location.la_code) == ("E09000014", "309")


def test_every_fostered_child_lives_in_a_household_with_room(council):
    households = {h.household_id: h for h in council.households}
    placed = defaultdict(set)
    for child in council.children:
        if child.placement_type.is_fostering:
            household = households[child.household_id]
            expected = {
                PlacementType.IN_HOUSE_FOSTERING: ProviderType.IN_HOUSE,
                PlacementType.AGENCY_FOSTERING: ProviderType.AGENCY,
                PlacementType.KINSHIP_FOSTERING: ProviderType.CONNECTED,
            }[child.placement_type]
            assert household.provider == expected
            assert household.deregistered_on is None
            assert household.postcode == child.placement_postcode
            age = age_on(child.date_of_birth, council.as_of)
            assert household.approved_age_min <= age <= household.approved_age_max
            placed[child.household_id].add(child.child_id)
        else:
            assert child.household_id is None
    for household in council.households:
        ids = {p.child_id for p in household.placed_children}
        assert ids == placed.get(household.household_id, set())
        assert len(ids) <= household.approved_places
        if not household.usual_limit_exemption:
            assert len(ids) <= 3
        if household.provider == ProviderType.CONNECTED and ids:
            assert ids <= household.connected_child_ids


def test_vacancies_some_on_hold_some_later_and_history_of_leavers(council):
    active = [h for h in council.households if h.deregistered_on is None]
    assert 140 <= len(active) <= 200
    assert 25 <= sum(h.vacancies for h in active) <= 45
    assert sum(1 for h in active if h.on_hold and h.vacancies) >= 3
    assert sum(1 for h in active if h.available_from and h.available_from > council.as_of) >= 2
    gone = [h for h in council.households if h.deregistered_on is not None]
    assert len(gone) >= 20 and all(h.approved_on < h.deregistered_on <= council.as_of for h in gone)
    assert all(
        h.approved_on is not None and h.approved_on <= council.as_of for h in council.households
    )


def test_weekly_costs_follow_the_stated_ranges(council):
    for household in council.households:
        low, high = {
            ProviderType.IN_HOUSE: (450, 650),
            ProviderType.AGENCY: (850, 1265),
            ProviderType.CONNECTED: (300, 450),
        }[household.provider]
        assert low <= household.weekly_cost_gbp <= high, household.household_id


def _episodes(council):
    rows = {}
    for table in council.ssda903.values():
        for row in table["episodes"]:
            rows[(row["CHILD"], row["DECOM"], row["PLACE"])] = row  # later years close episodes
    return rows


def test_history_episodes_are_consistent(council):
    born = {h.header.child_id: h.header.date_of_birth for h in council.histories}
    for history in council.histories:
        episodes = history.episodes
        assert episodes[0].reason_new_episode == "S"
        for episode, following in zip(episodes, [*episodes[1:], None], strict=True):
            assert episode.ceased is None or episode.ceased >= episode.started
            assert episode.started < eighteenth_birthday(born[episode.child_id])
            assert PLACEMENT_CODES[episode.place].in_use_on(episode.started), episode
            assert episode.reason_ceased in REC_CODES | {""}
            if following is not None:
                assert (
                    episode.ceased is not None and episode.ceased <= following.started
                )  # no overlap
                assert (episode.reason_ceased == "X1") == (episode.ceased == following.started)
                assert (following.reason_new_episode == "S") == (episode.ceased < following.started)
        assert episodes[-1].ceased is None or episodes[-1].ceased <= eighteenth_birthday(
            born[history.header.child_id]
        )


def test_code_changes_of_april_2025(council):
    episodes = [e for h in council.histories for e in h.episodes]
    assert not [
        e
        for e in episodes
        if e.place in {"H5", "P2", "Z1"} and e.started >= COLLECTION_2025_26_START
    ]
    assert not [
        e
        for e in episodes
        if e.place in {"K3", "Z11", "Z12", "Z13", "Z14"} and e.started < COLLECTION_2025_26_START
    ]
    assert {"H5", "P2", "K3"} <= {e.place for e in episodes}


def test_episode_mix_has_the_quirks_a_real_return_has(council):
    episodes = [e for h in council.histories for e in h.episodes]
    reasons = Counter(e.reason_new_episode for e in episodes)
    assert 0.06 <= reasons["L"] / len(episodes) <= 0.14  # legal status changes only
    assert reasons["P"] and reasons["T"] and reasons["B"]
    assert {e.place for e in episodes} & {"T0", "T1", "T2", "T3", "T4"}  # temporary moves
    assert {e.legal_status for e in episodes} >= {"V3", "V4"}  # short breaks
    ceased = Counter(
        e.reason_ceased for e in episodes if e.reason_ceased and e.reason_ceased != "X1"
    )
    assert {"E11", "E12", "E4A", "E17", "E5", "E45"} <= set(ceased)
    moves_in_a_year = Counter(
        (e.child_id, e.started.year) for e in episodes if e.reason_new_episode in {"P", "B"}
    )
    assert max(moves_in_a_year.values()) >= 3
    at_18 = [
        e
        for h in council.histories
        for e in h.episodes[-1:]
        if e.ceased == eighteenth_birthday(h.header.date_of_birth)
    ]
    assert len(at_18) >= 100


def test_children_in_care_today_are_exactly_the_open_episodes(council):
    open_now = {
        h.header.child_id: h.episodes[-1]
        for h in council.histories
        if h.episodes[-1].ceased is None
    }
    assert set(open_now) == {c.child_id for c in council.children}
    for child in council.children:
        episode = open_now[child.child_id]
        assert placement_type_for(episode.place, episode.provider) == child.placement_type
        assert episode.placement_postcode == child.placement_postcode
        assert episode.home_postcode == child.home_postcode
        assert child.placed_since <= council.as_of
    records = {r.child_id for r in council.child_records}
    assert records == set(open_now)
    disabled = {r.child_id for r in council.child_records if r.disabled}
    assert disabled == {c.child_id for c in council.children if c.disabled} != set()


def test_ssda903_tables_have_the_dfe_layout(council):
    assert sorted(council.ssda903) == list(range(2021, 2028))  # 2020/21 .. 2026/27 (to as_of)
    assert council.ssda903_tables(first_year=2026) == {
        2026: council.ssda903[2026],
        2027: council.ssda903[2027],
    }
    for year, tables in council.ssda903.items():
        assert list(tables["episodes"][0]) == [
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        ]
        assert list(tables["header"][0]) == [
            "CHILD",
            "SEX",
            "DOB",
            "ETHNIC",
            "UPN",
            "MOTHER",
            "MC_DOB",
        ]
        assert list(tables["uasc"][0]) == ["CHILD", "SEX", "DOB", "DUC"]
        year_end = min(dt.date(year, 3, 31), council.as_of)
        for row in tables["episodes"]:
            assert DDMMYYYY.match(row["DECOM"]) and (row["DEC"] == "" or DDMMYYYY.match(row["DEC"]))
            assert _day(row["DECOM"]) <= year_end
            assert (row["DEC"] == "") == (row["REC"] == "")
        in_care = {
            r["CHILD"] for r in tables["episodes"] if r["DEC"] == "" and r["LS"] not in {"V3", "V4"}
        }
        assert 300 <= len(in_care) <= 480, year  # a stable stock with a mild trend


def test_files_round_trip_through_the_importers(council, tmp_path):
    paths = write_demo_files(tmp_path, council)
    assert {p.name for p in paths} >= {
        "households.csv",
        "children.csv",
        "referrals.csv",
        "decisions.csv",
    }
    assert len(read_households(tmp_path / "households.csv").items) == len(council.households)
    assert len(read_children(tmp_path / "children.csv").items) == len(council.children)
    assert len(read_referrals(tmp_path / "referrals.csv").items) == len(council.referrals)
    assert len(read_decisions(tmp_path / "decisions.csv").items) == len(council.decisions)
    history = read_ssda903(tmp_path / "ssda903", extract_date=council.as_of)
    stitched_open = {
        c.child_id for c in history.children if c.episodes and c.episodes[-1].ceased is None
    }
    assert stitched_open == {c.child_id for c in council.children}
    assert (
        (tmp_path / "ssda903" / "2021" / "episodes.csv").read_text().startswith("CHILD,DECOM,RNE,")
    )


def test_referral_mix_includes_the_listed_cases(council):
    open_referrals = council.open_referrals
    assert 24 <= len(open_referrals) <= 26
    sizes = Counter(r.size for r in open_referrals)
    assert sizes[2] and sizes[3] and sizes[4]
    assert any(r.allowed_splits for r in open_referrals) and any(
        r.size > 1 and not r.allowed_splits for r in open_referrals
    )
    assert sum(r.placement_kind == PlacementKind.EMERGENCY for r in open_referrals) >= 3
    assert any(r.placement_kind == PlacementKind.PARENT_AND_CHILD for r in open_referrals)
    assert any(
        Need.UNACCOMPANIED_ASYLUM_SEEKING in c.essential_needs and c.age_on(r.start_date) == 16
        for r in open_referrals
        for c in r.children
    )
    assert any(Need.STEP_FREE_HOME in c.essential_needs for r in open_referrals for c in r.children)
    assert any(
        len(c.essential_needs) >= 2 and c.age_on(r.start_date) >= 13
        for r in open_referrals
        for c in r.children
    )
    assert all(r.received_on <= council.as_of <= r.start_date for r in open_referrals)


def test_connected_carer_is_offered_for_one_referral(council):
    offered = [r for r in council.open_referrals if r.connected_household_ids]
    assert len(offered) == 1
    (household_id,) = offered[0].connected_household_ids
    household = council.household(household_id)
    assert household.provider == ProviderType.CONNECTED
    assert {c.child_id for c in offered[0].children} <= household.connected_child_ids
    assert household_id in takers(offered[0], list(council.households))


def test_hard_cases_have_no_household_and_feasible_cases_do(council):
    households = list(council.households)
    assert len(council.hard_case_referral_ids) >= 2
    by_id = {r.referral_id: r for r in council.referrals}
    for referral_id in council.hard_case_referral_ids:
        assert takers(by_id[referral_id], households) == [], referral_id
    for referral_id in council.feasible_case_referral_ids:
        assert takers(by_id[referral_id], households), referral_id


def test_could_take_screens_each_plain_rule(council):
    referral = next(
        r
        for r in council.open_referrals
        if r.referral_id in council.feasible_case_referral_ids
        and r.size == 1
        and r.placement_kind == PlacementKind.LONG_TERM
    )
    household = council.household(takers(referral, list(council.households))[0])
    ids = tuple(c.child_id for c in referral.children)
    from dataclasses import replace

    assert could_take(household, referral, ids)
    assert not could_take(replace(household, on_hold=True), referral, ids)
    assert not could_take(replace(household, skills=frozenset()), referral, ids)
    assert not could_take(
        replace(household, approved_kinds=frozenset({PlacementKind.RESPITE})), referral, ids
    )
    assert not could_take(replace(household, deregistered_on=council.as_of), referral, ids)


def test_decisions_record_officers_and_reasons(council):
    assert 3 <= len(council.decisions) <= 5
    placed = {r.referral_id: r for r in council.referrals if r.status == "placed"}
    for decision in council.decisions:
        assert re.fullmatch(r"officer-\d{3}", decision.decided_by)
        referral = placed[decision.referral_id]
        assert {c.child_id for c in referral.children} == set(decision.child_ids)
        for child_id in decision.child_ids:
            assert council.placements[child_id].household_id == decision.household_id


def test_schools_named_by_children_and_referrals_are_known(council):
    urns = {c.school_urn for c in council.children if c.school_urn is not None}
    urns |= {
        c.school_urn for r in council.referrals for c in r.children if c.school_urn is not None
    }
    assert urns <= set(council.schools)
    school_age = [
        c
        for c in council.children
        if 5 <= age_on(c.date_of_birth, council.as_of) <= 15 and c.placement_type.is_fostering
    ]
    assert sum(c.school_urn is not None for c in school_age) == len(school_age)
    haringey = sum(council.schools[c.school_urn].la_code == "309" for c in school_age)
    assert haringey / len(school_age) >= 0.3


def test_sibling_groups_share_home_and_mostly_household(council):
    groups = defaultdict(list)
    for child in council.children:
        if child.sibling_group:
            groups[child.sibling_group].append(child)
    assert len(groups) >= 20
    assert all(
        len(members) >= 2 and len({c.home_postcode for c in members}) == 1
        for members in groups.values()
    )
    together = sum(len({c.household_id for c in members}) == 1 for members in groups.values())
    assert together / len(groups) >= 0.5


def test_build_uses_numpy_rng_only_and_no_clock(council):
    source = "".join(
        p.read_text()
        for p in __import__("pathlib")
        .Path(__import__("sufficiency.demo", fromlist=["x"]).__file__)
        .parent.glob("*.py")
    )
    assert "date.today" not in source and "np.random.seed" not in source and "print(" not in source
    assert isinstance(np.random.default_rng(DEMO_SEED), np.random.Generator)


def test_national_statistics_are_read_from_the_dfe_tables():
    stats = load_national_statistics()
    # DfE 2023 stock: under 1 = 3,840 of 83,840; 16+ = 22,080.
    assert stats.stock_age[age_band_on(dt.date(2023, 1, 1), dt.date(2023, 6, 1))] == pytest.approx(
        3840 / 83840
    )
    assert stats.stock_age[age_band_on(dt.date(2006, 1, 1), dt.date(2023, 6, 1))] == pytest.approx(
        22080 / 83840
    )
    # Fostering 57,020 = kinship (8,900 + 4,030) + agency (private/voluntary 5,890 + 1,980 +
    # 12,450 + 1,890 = 22,210) + in-house (the rest, 21,880). The placement rows used sum to
    # 83,860 (DfE rounds each to 10), which is the denominator.
    assert stats.stock_placement[PlacementType.KINSHIP_FOSTERING] == pytest.approx(12930 / 83860)
    assert stats.stock_placement[PlacementType.AGENCY_FOSTERING] == pytest.approx(22210 / 83860)
    assert stats.stock_placement[PlacementType.IN_HOUSE_FOSTERING] == pytest.approx(21880 / 83860)
    assert sum(stats.stock_placement.values()) == pytest.approx(1.0)
    # Foster placements over 20 miles: 10,460 of 57,020, shared out by the share of each
    # provider's foster children placed outside the boundary: agency 14,340 of 22,210 against
    # 23,680 of 57,020 for all foster children.
    foster_over = 10460 / 57020
    agency_over = foster_over * (14340 / 22210) / (23680 / 57020)
    assert stats.over_20_miles_share[PlacementType.AGENCY_FOSTERING] == pytest.approx(agency_over)
    weighted = sum(
        stats.over_20_miles_share[t] * stats.stock_placement[t]
        for t in (
            PlacementType.IN_HOUSE_FOSTERING,
            PlacementType.AGENCY_FOSTERING,
            PlacementType.KINSHIP_FOSTERING,
        )
    ) / (57020 / 83860)
    assert weighted == pytest.approx(foster_over)
    # Children's homes etc.: 4,610 of 14,580 over 20 miles; 3,880 inside and within 20 miles.
    assert stats.over_20_miles_share[PlacementType.CHILDRENS_HOME] == pytest.approx(4610 / 14580)
    assert stats.inside_boundary_share[PlacementType.CHILDRENS_HOME] == pytest.approx(
        (3880 / 14580) / (1 - 4610 / 14580)
    )
    # UASC 7,290 of 83,840; 6,300 aged 16+; 6,990 male.
    assert stats.uasc_stock_share == pytest.approx(7290 / 83840)
    assert stats.uasc_16_plus_share == pytest.approx(6300 / 7290)
    assert stats.uasc_male_share == pytest.approx(6990 / 7290)
    # Ceased on (12,200) or after (30) the 18th birthday, of 31,680.
    assert stats.ceased_at_18_share == pytest.approx(12230 / 31680)
    assert sum(stats.cease_reasons.values()) == pytest.approx(1.0)
    assert stats.care_duration_days[0] == (0, 14, pytest.approx(2060 / 31690))
    assert (stats.stock_total, stats.starts_total) == (83840, 33000)


def test_demo_files_command_writes_the_files(council, tmp_path):
    import json

    from click.testing import CliRunner

    from sufficiency.demo.cli import demo_files

    runner = CliRunner()
    result = runner.invoke(demo_files, [str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["children"], summary["seed"]) == (len(council.children), DEMO_SEED)
    assert summary["collection_years"] == list(range(2021, 2028))
    assert (tmp_path / "out" / "ssda903" / "2027" / "uasc.csv").exists()
    again = runner.invoke(demo_files, [str(tmp_path / "out")])
    assert again.exit_code == 2
    assert f"{tmp_path / 'out'} is not empty; choose a new or empty folder." in again.stderr
