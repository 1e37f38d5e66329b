"""The synthetic demo council: children, households, referrals and six years of SSDA903 history.

Every record is invented, drawn from national DfE statistics and placed in the real geography
of the London Borough of Haringey (real unit postcodes and state schools). No real child's
data is used. ``build_demo_council()`` is deterministic for a seed and cached.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

from matching.domain import (
    Decision,
    Household,
    LookedAfterChild,
    Referral,
    ReferralId,
    School,
    SchoolUrn,
)
from sufficiency.demo.builder import HISTORY_FROM, Built, CurrentPlacement, build
from sufficiency.demo.casework import build_casework
from sufficiency.demo.geography import DEMO_LA_CODE, DEMO_LAD_CODE
from sufficiency.demo.history import ChildHistory
from sufficiency.demo.ssda903_tables import Tables, collection_year, tables_for
from sufficiency.domain import ChildId, ChildRecord, Episode, Sex
from sufficiency.placement_codes import placement_type_for

DEMO_AS_OF = dt.date(2026, 11, 23)  # a Monday
DEMO_SEED = 309
DEMO_NAME = "Demo council (synthetic data on Haringey geography)"
FIRST_COLLECTION_YEAR = collection_year(HISTORY_FROM)  # 2021, i.e. 2020/21

__all__ = [
    "DEMO_AS_OF",
    "DEMO_NAME",
    "DEMO_SEED",
    "CurrentPlacement",
    "DemoCouncil",
    "build_demo_council",
    "write_demo_files",
]


@dataclass(frozen=True, slots=True)
class DemoCouncil:
    """A whole synthetic council on ``as_of``; see docs/demo-council.md for how it is made."""

    name: str
    la_code: str  # DfE LA number ("309")
    la_name: str
    lad_code: str  # ONS local authority district code
    as_of: dt.date
    seed: int
    children: tuple[LookedAfterChild, ...]  # looked after on as_of, where they live now
    child_records: tuple[ChildRecord, ...]  # the same children with every SSDA903 episode
    placements: Mapping[ChildId, CurrentPlacement]  # child id -> current placement
    households: tuple[Household, ...]  # fostering households, deregistered ones included
    referrals: tuple[Referral, ...]  # open referrals, then placed ones answered by ``decisions``
    decisions: tuple[Decision, ...]
    schools: Mapping[SchoolUrn, School]  # every school a child or referral names
    histories: tuple[ChildHistory, ...]  # every child in the SSDA903 history (leavers included)
    ssda903: Mapping[int, Mapping[str, list[dict[str, str]]]]  # collection year -> table -> rows
    hard_case_referral_ids: tuple[ReferralId, ...]  # open referrals no household can take
    feasible_case_referral_ids: tuple[
        ReferralId, ...
    ]  # open referrals at least one household can take

    def ssda903_tables(
        self, first_year: int = FIRST_COLLECTION_YEAR, last_year: int | None = None
    ) -> Tables:
        """SSDA903 ``{year: {"header"|"episodes"|"uasc": rows}}``; 2021 is 2020/21 (to 31 March)."""
        return tables_for(self.histories, self.as_of, first_year, last_year)

    @property
    def open_referrals(self) -> tuple[Referral, ...]:
        return tuple(r for r in self.referrals if r.status == "open")

    def household(self, household_id: str) -> Household:
        for household in self.households:
            if household.household_id == household_id:
                return household
        raise KeyError(household_id)


def _looked_after(built: Built) -> tuple[LookedAfterChild, ...]:
    return tuple(
        LookedAfterChild(
            child_id=p.child_id,
            date_of_birth=built.persons[p.child_id].date_of_birth,
            sex=built.persons[p.child_id].sex,
            placement_type=p.placement_type,
            ethnicity=built.persons[p.child_id].ethnicity,
            unaccompanied_asylum_seeking=p.uasc,
            disabled=p.disabled,
            household_id=p.household_id,
            placement_postcode=p.placement_postcode,
            home_postcode=p.home_postcode,
            school_urn=p.school_urn,
            sibling_group=p.sibling_group,
            poses_risk_to_younger=p.poses_risk_to_younger,
            placed_since=p.placed_since,
        )
        for p in sorted(built.current.values(), key=lambda p: p.child_id)
    )


def _child_record(history: ChildHistory) -> ChildRecord:
    child = history.header
    episodes = tuple(
        Episode(
            ChildId(r.child_id),
            r.started,
            r.ceased,
            r.place,
            placement_type_for(r.place, r.provider),
            r.legal_status,
            r.provider,
            r.reason_new_episode,
            r.reason_ceased,
            r.category_of_need,
            r.home_postcode,
            r.placement_postcode,
        )
        for r in history.episodes
    )
    return ChildRecord(
        ChildId(child.child_id),
        child.sex if isinstance(child.sex, Sex) else Sex(child.sex),
        child.date_of_birth,
        child.ethnicity,
        child.uasc,
        child.disabled,
        episodes,
    )


@functools.lru_cache(maxsize=4)
def build_demo_council(seed: int = DEMO_SEED, as_of: dt.date = DEMO_AS_OF) -> DemoCouncil:
    """Build (once per seed and date) the synthetic demo council.

    Parameters
    ----------
    seed : seed of the one ``numpy.random.Generator`` every draw comes from
    as_of : the council's "today"; history runs from 1 April 2020 to this day

    Returns
    -------
    DemoCouncil
        About 400 children looked after, 180 active fostering households, 25 open referrals,
        SSDA903 tables for collection years 2020/21 to the one holding ``as_of``.
    """
    built = build(seed, as_of)
    rng = np.random.default_rng([seed, 1])
    used = {h.header.child_id for h in built.histories}
    new_ids = [str(i) for i in range(800000, 801000) if str(i) not in used]
    casework = build_casework(built, as_of, new_ids, rng)
    in_care = {p for p in built.current}
    records = tuple(_child_record(h) for h in built.histories if h.header.child_id in in_care)
    schools = dict(built.schools)
    for referral in casework.referrals:
        for child in referral.children:
            if child.school_urn is not None and child.school_urn not in schools:
                schools[child.school_urn] = built.geography.school(child.school_urn)
    return DemoCouncil(
        name=DEMO_NAME,
        la_code=DEMO_LA_CODE,
        la_name="Haringey",
        lad_code=DEMO_LAD_CODE,
        as_of=as_of,
        seed=seed,
        children=_looked_after(built),
        child_records=records,
        placements=MappingProxyType(dict(built.current)),
        households=casework.households,
        referrals=casework.referrals,
        decisions=casework.decisions,
        schools=MappingProxyType(dict(sorted(schools.items()))),
        histories=built.histories,
        ssda903=MappingProxyType(tables_for(built.histories, as_of, FIRST_COLLECTION_YEAR)),
        hard_case_referral_ids=casework.hard_case_referral_ids,
        feasible_case_referral_ids=casework.feasible_case_referral_ids,
    )


def write_demo_files(folder: Path | str, council: DemoCouncil | None = None) -> list[Path]:
    """Write households.csv, children.csv, referrals.csv, decisions.csv and ssda903/<year>/*.csv.

    The columns are the ones the importers read (``matching.carers_csv`` and friends,
    ``sufficiency.ssda903``). Returns the paths written.
    """
    from sufficiency.demo.files import write_files

    return write_files(Path(folder), council or build_demo_council())
