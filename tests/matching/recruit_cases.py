"""Synthetic SSDA903 histories for the gap and recruitment tests (no real children).

Postcodes are real Haringey (DfE LA 309) and nearby units so distances are hand-checkable:
N17 0AB to HA1 2JG (Harrow) is about 11 miles; to CB2 1TN (Cambridge) about 43 miles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from matching.gaps import PastReferral
from matching.gaps_history import rebuild_referrals
from matching.policy import load_policy
from sufficiency.domain import ChildId, ChildRecord, Episode, PlacementType, Sex

AS_OF = dt.date(2026, 11, 23)
LA = "309"
P = PlacementType
#: Test unit costs [GBP/week]: round numbers so savings are easy to check by hand.
COSTS = {
    P.IN_HOUSE_FOSTERING: 500.0,
    P.AGENCY_FOSTERING: 800.0,
    P.CHILDRENS_HOME: 4000.0,
    P.KINSHIP_FOSTERING: 300.0,
}
NEAR_AGENCY = "HA1 2JG"
FAR = "CB2 1TN"
IN_HOUSE = "N15 3AA"
ANCHORS = {"N17": "N17 6RX", "N8": "N8 8NH", "N22": "N22 5NL", "N15": "N15 5HG"}
POLICY = dataclasses.replace(load_policy(), council_la_code=LA)


def episode(
    child_id: str,
    started: dt.date,
    placement_type: PlacementType,
    home: str,
    placement: str,
    ceased: dt.date | None = None,
    reason: str = "S",
    legal_status: str = "C2",
    code: str = "U6",
) -> Episode:
    return Episode(
        ChildId(child_id),
        started,
        ceased,
        code,
        placement_type,
        legal_status,
        reason_new_episode=reason,
        home_postcode=home,
        placement_postcode=placement,
    )


def child(
    child_id: str, born: dt.date, *episodes: Episode, uasc: bool = False, disabled: bool = False
) -> ChildRecord:
    return ChildRecord(
        ChildId(child_id),
        Sex.MALE,
        born,
        unaccompanied_asylum_seeking=uasc,
        disabled=disabled,
        episodes=tuple(episodes),
    )


_MILES: list = []


def rebuild(children: list[ChildRecord], years: float = 2.0) -> tuple[PastReferral, ...]:
    """Past referrals from the children's episodes, measured with the packaged postcodes."""
    if not _MILES:
        from matching.recruit_data import postcode_miles

        _MILES.append(postcode_miles())
    return rebuild_referrals(children, AS_OF, years=years, miles=_MILES[0], weekly_cost_gbp=COSTS)


def teenager_in_agency(
    number: int, home: str, started: dt.date, weeks: int, age: int = 14
) -> ChildRecord:
    """A teenager who entered care into agency foster care ``weeks`` weeks long, then went home."""
    born = dt.date(started.year - age, 1, 15)
    ceased = started + dt.timedelta(weeks=weeks)
    return child(
        f"T{number:03d}",
        born,
        episode(f"T{number:03d}", started, P.AGENCY_FOSTERING, home, NEAR_AGENCY, ceased=ceased),
    )


def planted_gap() -> list[ChildRecord]:
    """Six teenagers from N17 who went to agency carers one after another (the planted gap),
    two 6-year-olds from N22 in agency care at the same time (a smaller gap), and two toddlers
    from N8 placed with in-house carers nearby (met: no gap)."""
    start = dt.date(2025, 2, 3)
    homes = ("N17 0AB", "N17 0AE", "N17 0AG", "N17 0AP", "N17 0AR", "N17 0AS")
    teens = [
        teenager_in_agency(i, home, start + dt.timedelta(weeks=12 * i), 10)
        for i, home in enumerate(homes)
    ]
    toddlers = [
        child(
            f"Y{i}",
            dt.date(2023, 5, 1),
            episode(f"Y{i}", dt.date(2025, 6, 2 + i), P.IN_HOUSE_FOSTERING, "N8 0AA", IN_HOUSE),
        )
        for i in range(2)
    ]
    younger = [
        child(
            f"Z{i}",
            dt.date(2019, 3, 1),
            episode(
                f"Z{i}",
                dt.date(2025, 9, 1),
                P.AGENCY_FOSTERING,
                "N22 5AA" if i else "N22 5AB",
                NEAR_AGENCY,
                ceased=dt.date(2026, 1, 19),
            ),
        )
        for i in range(2)
    ]
    return teens + younger + toddlers
