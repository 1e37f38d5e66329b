"""Dropping household profiles the optimiser never needs: those another profile dominates.

Profile A is dominated by profile B when B could take every unmet referral A could, each worth
at least as much, and B's households share their places over time the same way (the same
places and sibling rules, or both holding one sibling group at a time). Any plan with an A
household does as well with a B household instead, so A only slows the search down.
No solver and no files here.
"""

from __future__ import annotations

from collections.abc import Sequence

from matching.domain import Candidate
from matching.recruit_profiles import Profile


def groups_at_once(profile: Profile, usual_limit: int) -> int | None:
    """How many sibling groups one household of a sibling profile holds at a time (groups of
    two or more; one when its places are above the usual limit); None for a general one."""
    if not profile.for_sibling_groups:
        return None
    return 1 if profile.places > usual_limit else profile.places // 2


def _capacity(profile: Profile, usual_limit: int) -> tuple:
    """What decides how a household's places are shared over time."""
    groups = groups_at_once(profile, usual_limit)
    if groups == 1:
        return ("one group at a time",)  # the group fits (the rules checked it); nothing else
    return ("places", profile.places, groups)


def _asks_less(profile: Profile, index: int) -> tuple:
    """Which of two equally useful profiles to keep: the one asking least of a recruit."""
    width = profile.age_max_years - profile.age_min_years
    return (profile.max_sibling_group, len(profile.skills), width, index)


def dominated_profiles(
    profiles: Sequence[Profile], values: Sequence[dict[int, int]], usual_limit: int
) -> set[int]:
    """Indices of profiles another one dominates.

    ``values[i]`` maps each unmet referral profile ``i`` could take to its value there. Of two
    profiles that dominate each other (the same referrals, the same values), the one asking
    less of a recruit (smaller sibling room, fewer skills, narrower ages) is kept.
    """
    capacity = [_capacity(p, usual_limit) for p in profiles]
    dominated: set[int] = set()
    for a, taken_a in enumerate(values):
        for b, taken_b in enumerate(values):
            if a == b or b in dominated or capacity[a] != capacity[b]:
                continue
            if len(taken_a) > len(taken_b) or not taken_a.keys() <= taken_b.keys():
                continue
            if any(taken_b[r] < v for r, v in taken_a.items()):
                continue
            same = len(taken_a) == len(taken_b) and all(taken_b[r] == v for r, v in taken_a.items())
            if same and _asks_less(profiles[a], a) < _asks_less(profiles[b], b):
                continue  # mutual: keep a, drop b when its turn comes
            dominated.add(a)
            break
    return dominated


def prune_dominated(profiles, covers, profile_candidates, usual_limit: int):
    """The profiles no other dominates, with their covers and candidates renumbered.

    ``covers`` are ``matching.recruit_model.Cover``s over ``profiles``; returns
    ``(profiles, covers, profile_candidates, dropped)`` with ``dropped`` the number left out.
    """
    from dataclasses import replace

    values: list[dict[int, int]] = [{} for _ in profiles]
    for cover in covers:
        values[cover.profile][cover.referral] = cover.value
    dropped = dominated_profiles(profiles, values, usual_limit)
    kept = [i for i in range(len(profiles)) if i not in dropped]
    new_index = {old: new for new, old in enumerate(kept)}
    new_covers = [
        replace(c, profile=new_index[c.profile]) for c in covers if c.profile in new_index
    ]
    candidates: list[Sequence[Candidate]] = [profile_candidates[i] for i in kept]
    return [profiles[i] for i in kept], new_covers, candidates, len(dropped)
