"""Tiny hand-built allocation instances for the allocator's tests (synthetic ids only)."""

from __future__ import annotations

import datetime as dt

from matching.allocation_types import AllocationInstance, HouseholdRoom, ReferralUnit
from matching.domain import Candidate, ChildId, HouseholdId, ReferralId

START = dt.date(2026, 11, 23)


def unit(
    referral_id: str,
    *ages: int,
    received: int = 1,
    risky: tuple[int, ...] = (),
    splits: tuple[tuple[tuple[int, ...], ...], ...] = (),
) -> ReferralUnit:
    """A referral with children ``<id>c0``, ``<id>c1`` ... of the given ages on ``START``."""
    ids = [ChildId(f"{referral_id}c{i}") for i in range(len(ages))]
    births = tuple(
        (child, START.replace(year=START.year - age)) for child, age in zip(ids, ages, strict=True)
    )
    modes = (
        (frozenset(ids),),
        *(tuple(frozenset(ids[i] for i in part) for part in split) for split in splits),
    )
    return ReferralUnit(
        ReferralId(referral_id),
        START - dt.timedelta(days=30 - received),
        START,
        births,
        frozenset(ids[i] for i in risky),
        modes,
    )


def room(
    household_id: str,
    vacancies: int = 1,
    *,
    placed: int = 0,
    max_group: int = 3,
    exempt: bool = False,
    sibling_group: str = "",
) -> HouseholdRoom:
    return HouseholdRoom(
        HouseholdId(household_id), vacancies, placed, sibling_group, exempt, max_group
    )


def cand(
    referral: ReferralUnit,
    household_id: str,
    children: tuple[int, ...] | None = None,
    *,
    within: bool = True,
    school: int = 0,
    score: int = 0,
) -> Candidate:
    """A candidate placing the listed children (indices; default all) of ``referral``."""
    ids = [child for child, _ in referral.births]
    chosen = tuple(ids) if children is None else tuple(ids[i] for i in children)
    whole = len(chosen) == len(ids)
    return Candidate(
        referral.referral_id,
        HouseholdId(household_id),
        chosen,
        siblings_together=whole and len(ids) > 1,
        children_within_threshold=len(chosen) if within else 0,
        children_keeping_school=school,
        connected=False,
        score=score,
    )


def instance(referrals, households, candidates, **kwargs) -> AllocationInstance:
    return AllocationInstance(tuple(referrals), tuple(households), tuple(candidates), **kwargs)
