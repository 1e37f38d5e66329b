"""The greedy choice of one more household: the profile whose household gains most in the replay.

Every candidate profile's household is first tried alone on the referrals the replay so far
left unplaced (a small exact solve each: a floor on its gain, since the full replay can do at
least that); the few with the largest floors are then replayed in full with the households
already chosen, and the best replay wins. The optimiser (``matching.recruit_steps``) starts its
solve from this choice and keeps whichever of the two replays better. No files, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from matching.domain import Candidate, Household
from matching.gaps import PastReferral
from matching.policy import Policy
from matching.recruit_profiles import Profile
from matching.recruit_replay import ReplayEffect, replay

#: Profiles replayed in full at each budget (those with the largest gain alone).
FULL_REPLAYS = 3


@dataclass(frozen=True, slots=True)
class Trial:
    """One more household of profile ``profile`` and the replay with it."""

    profile: int
    household: Household
    candidates: tuple[Candidate, ...]
    """The household's better candidates (its profile's, under its own id)."""
    effect: ReplayEffect


def new_household(
    profiles: Sequence[Profile],
    profile_candidates: Sequence[Sequence[Candidate]],
    index: int,
    number: int,
    weekly_cost_gbp: float,
) -> tuple[Household, tuple[Candidate, ...]]:
    """Household ``NEW-<number>`` of profile ``index``, with its profile's candidates."""
    household = profiles[index].household(f"NEW-{number:02d}", weekly_cost_gbp)
    return household, tuple(
        replace(c, household_id=household.household_id) for c in profile_candidates[index]
    )


def replay_with(
    past: Sequence[PastReferral],
    chosen: Sequence[Household],
    candidates: Sequence[Candidate],
    previous: ReplayEffect | None,
    extra: tuple[Household, tuple[Candidate, ...]],
    policy: Policy,
    solver: tuple[float, int],
    alone: ReplayEffect | None = None,
) -> ReplayEffect:
    """The replay with one more household, starting from the previous replay plus what the
    new household could take alone (``alone``), a solution of this replay too."""
    household, own = extra
    ids = (*(h.household_id for h in chosen), household.household_id)
    start = previous
    if alone is not None or previous is not None:
        placements = (
            *(previous.placements if previous else ()),
            *(alone.placements if alone else ()),
        )
        start = ReplayEffect(ids, tuple(sorted(placements, key=lambda p: p.referral_id)))
    return replay(
        past,
        [*chosen, household],
        policy,
        start_from=start,
        candidates=[*candidates, *own],
        time_limit_s=solver[0],
        workers=solver[1],
    )


def greedy_choice(
    past: Sequence[PastReferral],
    profiles: Sequence[Profile],
    profile_candidates: Sequence[Sequence[Candidate]],
    chosen: Sequence[Household],
    candidates: Sequence[Candidate],
    previous: ReplayEffect | None,
    policy: Policy,
    *,
    weekly_cost_gbp: float,
    solver: tuple[float, int],
    full_replays: int = FULL_REPLAYS,
) -> Trial | None:
    """The profile whose household, added to ``chosen``, replays best (None if none gains).

    Ties go to the profile listed first (``candidate_profiles`` order).
    """
    number = len(chosen) + 1
    placed = {p.referral_id for p in previous.placements} if previous else set()
    floors: list[tuple[tuple[int, int], int, ReplayEffect]] = []
    for index in range(len(profiles)):
        household, own = new_household(profiles, profile_candidates, index, number, weekly_cost_gbp)
        free = [c for c in own if c.referral_id not in placed]
        if not free:
            continue
        alone = replay(
            past, [household], policy, candidates=free, time_limit_s=solver[0], workers=solver[1]
        )
        if alone.placements:
            floors.append((alone.objective, index, alone))
    floors.sort(key=lambda f: (-f[0][0], -f[0][1], f[1]))
    best: Trial | None = None
    for _, index, alone in floors[:full_replays]:
        extra = new_household(profiles, profile_candidates, index, number, weekly_cost_gbp)
        effect = replay_with(past, chosen, candidates, previous, extra, policy, solver, alone)
        if best is None or effect.objective > best.effect.objective:
            best = Trial(index, extra[0], extra[1], effect)
    return best
