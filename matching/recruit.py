"""Recruitment targeting: which households to recruit, and where, to meet the unmet need.

``recommend_recruitment`` generates candidate profiles from the unmet past referrals, picks
them budget by budget with the CP-SAT coverage model (``matching.recruit_model``), replays the
past with the chosen households (``matching.recruit_replay``) and words the targets.
No files, no clock: the past referrals and the district anchor postcodes come in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from matching.domain import Candidate, Household
from matching.gaps import PastReferral
from matching.policy import Policy, load_policy
from matching.recruit_model import BudgetStep, build_covers, choose_profiles
from matching.recruit_profiles import AGE_RANGES, Profile, candidate_profiles
from matching.recruit_replay import (
    ReplayEffect,
    replay,
)

Progress = Callable[[str], None]
#: A target is "anywhere in the area" when its busiest home district holds less than this
#: share of the children it would have taken.
ANYWHERE_BELOW_SHARE = 0.4


@dataclass(frozen=True, slots=True)
class RecruitmentStep:
    """One more household: which, and the replayed effect of all households chosen so far."""

    budget: int
    household: Household
    profile: Profile
    effect: ReplayEffect
    """The replay with the first ``budget`` households."""
    estimated_children: int
    """Children the coverage model expected at this budget (the replay is the measure)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A recruitment target in words, with what its households would have done in the replay."""

    rank: int
    households: int
    profile: Profile
    where: str
    """E.g. "near N17/N15", or "anywhere in the borough"."""
    text: str
    household_ids: tuple[str, ...]
    children_better_placed: int
    """Children these households take in the full replay [children]."""
    saved_gbp: int
    """Money these households save in the full replay [GBP]."""


@dataclass(frozen=True, slots=True)
class RecruitmentPlan:
    """Ranked recruitment targets and the diminishing returns of recruiting more."""

    as_of: dt.date
    budget: int
    past: tuple[PastReferral, ...]
    profiles_considered: int
    steps: tuple[RecruitmentStep, ...]
    targets: tuple[Target, ...]
    messages: tuple[str, ...] = ()

    @property
    def effect(self) -> ReplayEffect:
        """The replay with every recommended household (empty if none)."""
        return self.steps[-1].effect if self.steps else ReplayEffect(())

    @property
    def households(self) -> tuple[Household, ...]:
        return tuple(step.household for step in self.steps)


def recommend_recruitment(
    past: Sequence[PastReferral],
    anchors: Mapping[str, str],
    policy: Policy | None = None,
    *,
    budget: int = 10,
    weekly_cost_gbp: float = 550.0,
    area_name: str = "the borough",
    age_ranges: Sequence[tuple[int, int]] = AGE_RANGES,
    max_districts: int = 6,
    max_skill_sets: int = 5,
    time_limit_s: float = 10.0,
    workers: int = 1,
    progress: Progress | None = None,
) -> RecruitmentPlan:
    """Choose up to ``budget`` new households and replay the past with them.

    Parameters
    ----------
    past : past referrals rebuilt from history (``matching.gaps_history.rebuild_referrals``).
    anchors : postcode district -> a unit postcode near its centre, inside the council's area;
        only these districts can hold a new household.
    policy : the shortlist policy (the packaged one if None); set ``council_la_code``.
    budget : most households to recruit [households].
    weekly_cost_gbp : what a new in-house household costs a week per child [GBP/week].
    area_name : how the words name the whole area ("the borough", "the county").
    age_ranges : approval ranges profiles may have [years, inclusive].
    max_districts, max_skill_sets : how many home districts and need sets profiles use.
    time_limit_s : per solver stage, for the coverage model and each replay [s].
    workers : CP-SAT workers per solve (one is fastest for these many small models).

    Returns
    -------
    RecruitmentPlan
        Steps for budgets 1, 2, ... (stopping once one more household gains nothing), each with
        the replayed effect of the households so far, and the targets in words. The replay of
        each budget starts from the previous one's, so it never gets worse as households are added.
    """
    say = progress or (lambda message: None)
    policy = policy or load_policy()
    unmet = [p for p in past if p.unmet]
    as_of = max((p.as_of for p in past), default=dt.date.min)
    if not unmet or budget < 1:
        message = (
            "no unmet need in the history: nothing to recruit for" if not unmet else "budget is 0"
        )
        return RecruitmentPlan(as_of, budget, tuple(past), 0, (), (), (message,))
    profiles = candidate_profiles(
        unmet,
        anchors,
        age_ranges=age_ranges,
        max_districts=max_districts,
        max_skill_sets=max_skill_sets,
    )
    profiles, covers, profile_candidates = build_covers(
        unmet, profiles, policy, weekly_cost_gbp, say
    )
    if not covers:
        message = "no household profile in the council's area could take any unmet referral"
        return RecruitmentPlan(as_of, budget, tuple(past), len(profiles), (), (), (message,))
    budget_steps = choose_profiles(
        unmet,
        [p.places for p in profiles],
        covers,
        budget,
        usual_limit=policy.usual_limit_children,
        time_limit_s=time_limit_s,
        workers=workers,
        progress=say,
    )
    failed = [s for s in budget_steps if s.status in ("unknown", "model_invalid")]
    budget_steps = [s for s in budget_steps if s not in failed]
    steps = _replay_steps(
        past,
        profiles,
        profile_candidates,
        budget_steps,
        policy,
        weekly_cost_gbp,
        (time_limit_s, workers),
        say,
    )
    return _plan(as_of, budget, past, len(profiles), steps, area_name, failed, time_limit_s)


def _plan(
    as_of, budget, past, profiles_considered, steps, area_name, failed, time_limit_s
) -> RecruitmentPlan:
    messages = []
    if failed:
        messages.append(
            f"The optimiser found no better plan for {failed[0].budget} household(s) within "
            f"{time_limit_s:g} s: the list stops at {len(steps)}. A longer --time-limit "
            "may go further."
        )
    elif len(steps) < budget:
        messages.append(
            f"After {len(steps)} household(s), one more would not have placed any "
            "further child better in the replayed years."
        )
    targets = describe_targets(steps, past, area_name)
    return RecruitmentPlan(
        as_of, budget, tuple(past), profiles_considered, tuple(steps), targets, tuple(messages)
    )


def _replay_steps(
    past,
    profiles,
    profile_candidates: Sequence[Sequence[Candidate]],
    budget_steps: Sequence[BudgetStep],
    policy,
    weekly_cost_gbp,
    solver: tuple[float, int],
    say,
) -> list[RecruitmentStep]:
    """Replay budgets 1..N with the households in the order the optimiser added them.

    A household built from a profile can take exactly what the profile's prototype could,
    so its candidates are the prototype's under the household's own id (no re-scoring).
    """
    time_limit_s, workers = solver
    steps: list[RecruitmentStep] = []
    previous = [0] * len(profiles)
    households: list[Household] = []
    candidates: list[Candidate] = []
    effect: ReplayEffect | None = None
    for step in budget_steps:
        added = [i for i, (a, b) in enumerate(zip(step.counts, previous, strict=True)) if a > b]
        previous = list(step.counts)
        for index in added:
            profile = profiles[index]
            household = profile.household(f"NEW-{len(households) + 1:02d}", weekly_cost_gbp)
            households.append(household)
            candidates += [
                replace(c, household_id=household.household_id) for c in profile_candidates[index]
            ]
            say(f"replaying with {len(households)} new household(s)")
            effect = replay(
                past,
                households,
                policy,
                start_from=effect,
                candidates=candidates,
                time_limit_s=time_limit_s,
                workers=workers,
            )
            steps.append(
                RecruitmentStep(len(households), household, profile, effect, step.children)
            )
    return steps


def describe_targets(
    steps: Sequence[RecruitmentStep], past: Sequence[PastReferral], area_name: str
) -> tuple[Target, ...]:
    """Group the chosen households by kind (in the order first chosen) and word each group."""
    if not steps:
        return ()
    final = steps[-1].effect
    district = {p.referral.referral_id: p.district for p in past}
    groups: dict[tuple, list[RecruitmentStep]] = {}
    for step in steps:
        groups.setdefault(step.profile.kind, []).append(step)
    targets = []
    for rank, members in enumerate(groups.values(), start=1):
        ids = {s.household.household_id for s in members}
        taken = [p for p in final.placements if p.household_id in ids]
        homes: Counter[str] = Counter()
        for placement in taken:
            homes[district.get(placement.referral_id, "") or "unknown"] += placement.children
        if not homes:
            homes.update(s.profile.district for s in members)
        where = _where(homes, area_name)
        count = len(members)
        text = (
            f"{count} household{'s' if count != 1 else ''} {members[0].profile.describe()} {where}"
        )
        targets.append(
            Target(
                rank,
                count,
                members[0].profile,
                where,
                text,
                tuple(sorted(ids)),
                sum(p.children for p in taken),
                sum(p.saved_gbp for p in taken),
            )
        )
    return tuple(targets)


def _where(homes: Counter[str], area_name: str) -> str:
    total = sum(homes.values())
    ranked = [d for d, _ in sorted(homes.items(), key=lambda kv: (-kv[1], kv[0]))]
    top_share = homes[ranked[0]] / total if total else 0
    if top_share < ANYWHERE_BELOW_SHARE:
        return f"anywhere in {area_name}"
    return "near " + "/".join(ranked[:2])
