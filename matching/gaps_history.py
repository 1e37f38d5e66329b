"""Rebuild past referrals from the SSDA903 history: who needed a home, and where they went.

Each new placement (903 reason for new episode S, P or B) started in the window becomes a
past referral; brothers and sisters starting a placement on the same day from the same home
form one sibling group. Pure: distances arrive through a ``miles`` function (``matching.geo``
in the adapters); no files, no solver, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from matching.domain import Child, Need, PlacementKind, Referral, ReferralId
from matching.gaps import REPLAYED_TYPES, PastPlacement, PastReferral, Shortfall, district_of
from sufficiency.domain import ChildRecord, Episode, PlacementType, age_on

Miles = Callable[[str, str], "float | None"]

#: 903 reasons for a new episode that start a new placement with new carers.
NEW_PLACEMENT_REASONS = frozenset({"S", "P", "B"})
#: 903 legal statuses that mean an emergency placement (police protection, EPO, remand).
EMERGENCY_LEGAL_STATUSES = frozenset({"L1", "L2", "J1", "J2", "J3"})
#: 903 PLACE codes of long-term fostering.
LONG_TERM_CODES = frozenset({"U1", "U4"})
#: Age from which a child's referral needs a carer experienced with teenagers [years].
TEENAGER_FROM_AGE_YEARS = 13
THRESHOLD_MILES = 20.0


@dataclass(frozen=True, slots=True)
class _Start:
    """One child's new placement: its first episode and the day it ended (None: still open)."""

    child: ChildRecord
    episode: Episode
    ended: dt.date | None


def essential_needs_for(child: ChildRecord, episode: Episode, age_years: int) -> frozenset[Need]:
    """The needs a household must meet, as far as the 903 record tells them.

    Rules: unaccompanied asylum-seeking children need a carer for them; disabled children a
    carer with disability skills; children aged 13+ a carer experienced with teenagers;
    children a council placed in a children's home a carer for challenging behaviour (the
    903 records no needs, so this is the documented assumption for those children).
    """
    needs: set[Need] = set()
    if child.unaccompanied_asylum_seeking:
        needs.add(Need.UNACCOMPANIED_ASYLUM_SEEKING)
    if child.disabled:
        needs.add(Need.DISABILITY)
    if age_years >= TEENAGER_FROM_AGE_YEARS:
        needs.add(Need.TEENAGERS)
    if episode.placement_type == PlacementType.CHILDRENS_HOME:
        needs.add(Need.CHALLENGING_BEHAVIOUR)
    return frozenset(needs)


def _kind(episode: Episode) -> PlacementKind:
    if episode.legal_status in EMERGENCY_LEGAL_STATUSES:
        return PlacementKind.EMERGENCY
    if episode.placement_code in LONG_TERM_CODES:
        return PlacementKind.LONG_TERM
    return PlacementKind.SHORT_TERM


def _placement_starts(
    child: ChildRecord, window_start: dt.date, as_of: dt.date
) -> Iterable[_Start]:
    """Each placement of the child that started in [window_start, as_of], with its end."""
    episodes = sorted(child.episodes, key=lambda e: e.started)
    for index, episode in enumerate(episodes):
        if episode.reason_new_episode not in NEW_PLACEMENT_REASONS:
            continue
        if not window_start <= episode.started <= as_of:
            continue
        if age_on(child.date_of_birth, episode.started) >= 18:
            continue
        yield _Start(child, episode, _placement_end(episodes, index))


def _placement_end(episodes: list[Episode], index: int) -> dt.date | None:
    """The placement lasts through later episodes until a new placement starts or care ends."""
    current = episodes[index]
    for following in episodes[index + 1 :]:
        if following.started != current.ceased:
            return current.ceased  # a gap: care ended in between
        if following.reason_new_episode in NEW_PLACEMENT_REASONS:
            return following.started
        current = following
    return current.ceased


def _group(starts: list[_Start]) -> list[list[_Start]]:
    """Siblings: children starting a placement on the same day from the same home postcode."""
    groups: dict[tuple, list[_Start]] = {}
    for start in starts:
        home = start.episode.home_postcode.strip().upper()
        key = (
            (start.episode.started, home) if home else (start.episode.started, start.child.child_id)
        )
        groups.setdefault(key, []).append(start)
    return [sorted(g, key=lambda s: s.child.child_id) for g in groups.values()]


def _placement(
    start: _Start, miles: Miles, as_of: dt.date, costs: Mapping[PlacementType, float]
) -> PastPlacement:
    episode = start.episode
    distance = None
    if episode.home_postcode and episode.placement_postcode:
        distance = miles(episode.home_postcode, episode.placement_postcode)
    return PastPlacement(
        child_id=start.child.child_id,
        placement_type=episode.placement_type,
        distance_miles=distance,
        started=episode.started,
        ended=start.ended if start.ended is not None and start.ended <= as_of else None,
        weekly_cost_gbp=float(costs.get(episode.placement_type, 0.0)),
    )


def _shortfalls(group: list[_Start], placements: list[PastPlacement]) -> frozenset[Shortfall]:
    found: set[Shortfall] = set()
    for placement in placements:
        if placement.placement_type == PlacementType.AGENCY_FOSTERING:
            found.add(Shortfall.AGENCY)
        if placement.placement_type == PlacementType.CHILDRENS_HOME:
            found.add(Shortfall.RESIDENTIAL)
        if placement.distance_miles is not None and placement.distance_miles > THRESHOLD_MILES:
            found.add(Shortfall.OVER_20_MILES)
    where = {s.episode.placement_postcode.strip().upper() or s.child.child_id for s in group}
    if len(group) > 1 and len(where) > 1:
        found.add(Shortfall.SPLIT)
    return frozenset(found)


def _referral(group: list[_Start]) -> Referral:
    first = group[0].episode
    children = []
    for start in group:
        age = age_on(start.child.date_of_birth, first.started)
        children.append(
            Child(
                child_id=start.child.child_id,
                date_of_birth=start.child.date_of_birth,
                sex=start.child.sex,
                essential_needs=essential_needs_for(start.child, start.episode, age),
                ethnicity=start.child.ethnicity,
            )
        )
    return Referral(
        referral_id=ReferralId(f"P{first.started:%Y%m%d}-{group[0].child.child_id}"),
        children=tuple(children),
        placement_kind=_kind(first),
        start_date=first.started,
        home_postcode=first.home_postcode,
        received_on=first.started,
    )


def rebuild_referrals(
    children: Iterable[ChildRecord],
    as_of: dt.date,
    *,
    years: float = 2.0,
    miles: Miles,
    weekly_cost_gbp: Mapping[PlacementType, float],
) -> tuple[PastReferral, ...]:
    """Every placement started in the last ``years`` before ``as_of``, as a past referral.

    Parameters
    ----------
    children : the SSDA903 history, one record per child (``History.children``).
    as_of : the last day of the window; later episodes are ignored.
    years : length of the window [years] (365 days each).
    miles : straight-line distance between two postcodes [miles], ``None`` when unknown.
    weekly_cost_gbp : cost of a week in each placement type [GBP/week].

    Returns
    -------
    tuple of PastReferral
        In start-date order. Only placements in foster care or a children's home are kept:
        the types a foster household could have offered instead. A child without a home
        postcode is kept as a group of one; its distance is unknown (never "over 20 miles").
    """
    window_start = as_of - dt.timedelta(days=round(365 * years))
    starts = [
        s
        for c in children
        for s in _placement_starts(c, window_start, as_of)
        if s.episode.placement_type in REPLAYED_TYPES
    ]
    past = []
    for group in _group(starts):
        placements = [_placement(s, miles, as_of, weekly_cost_gbp) for s in group]
        past.append(
            PastReferral(
                referral=_referral(group),
                district=district_of(group[0].episode.home_postcode),
                placements=tuple(placements),
                shortfalls=_shortfalls(group, placements),
                as_of=as_of,
            )
        )
    return tuple(sorted(past, key=lambda p: (p.referral.start_date, p.referral.referral_id)))
