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
from dataclasses import dataclass

from matching.domain import Household
from matching.gaps import PastReferral
from matching.policy import Policy, load_policy
from matching.recruit_model import BudgetStep, build_covers
from matching.recruit_profiles import AGE_RANGES, Profile, candidate_profiles
from matching.recruit_prune import prune_dominated
from matching.recruit_replay import ReplayEffect
from matching.recruit_steps import ChosenStep, Search, choose_households

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
    chosen_by: str = "optimiser"
    """Whose household was kept: "optimiser and greedy" (the same), "optimiser" or "greedy"
    (the better replay of the two; ``matching.recruit_steps``)."""
    solver_status: str = "optimal"
    """The coverage model's status at this budget: "optimal" (proven), "feasible" (time
    limit), "unknown" (none found in time) or "model_invalid"."""
    bound_children: int | None = None
    """Proven ceiling on the children the coverage model could cover at this budget with the
    earlier households kept (None: nothing proven) [children]."""
    greedy_children: int | None = None
    """Children better placed in the replay with the greedy choice instead [children]."""
    optimiser_children: int | None = None
    """Children better placed in the replay with the optimiser's choice [children]."""

    @property
    def proven(self) -> bool:
        """Whether the coverage model proved no choice at this budget covers more children."""
        return self.bound_children is not None and self.bound_children <= self.estimated_children


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
    profiles_dominated: int = 0
    """Candidate profiles left out because another could do all they could [profiles]."""

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
    profiles, covers, profile_candidates, dropped = prune_dominated(
        profiles, covers, profile_candidates, policy.usual_limit_children
    )
    say(f"{len(profiles)} profiles to choose from ({dropped} dominated by another left out)")
    search = Search(
        past, unmet, profiles, profile_candidates, covers, policy, weekly_cost_gbp,
        (time_limit_s, workers),
    )  # fmt: skip
    chosen, stopped = choose_households(search, budget, say)
    steps = tuple(_step(c, profiles) for c in chosen)
    messages = _messages(steps, budget, stopped, time_limit_s)
    targets = describe_targets(steps, past, area_name)
    return RecruitmentPlan(
        as_of, budget, tuple(past), len(profiles), steps, targets, messages, dropped
    )


def _step(chosen: ChosenStep, profiles: Sequence[Profile]) -> RecruitmentStep:
    trial, solver = chosen.trial, chosen.solver
    return RecruitmentStep(
        chosen.budget,
        trial.household,
        profiles[trial.profile],
        trial.effect,
        solver.children,
        chosen.chosen_by,
        solver.status,
        solver.bound_children,
        chosen.greedy_children,
        chosen.optimiser_children,
    )


def _messages(steps, budget: int, stopped: BudgetStep | None, time_limit_s: float):
    """The time limit's effect in words, and why the list stops early."""
    messages = []
    unproven = [s for s in steps if not s.proven]
    if unproven:
        last = unproven[-1]
        ceiling = (
            f"; at {last.budget} household(s) at most {last.bound_children} children could be "
            f"covered (the optimiser's proven bound), the plan places "
            f"{last.effect.children_better_placed}"
            if last.bound_children is not None
            else ""
        )
        messages.append(
            f"Time limit: the optimiser stopped at its {time_limit_s:g} s limit without proving "
            f"its choice best for {_budgets(unproven)} household(s); each of those is the better "
            f"of its choice and the greedy choice in the replay{ceiling}. A longer --time-limit "
            "may go further."
        )
    if stopped is not None and len(steps) < budget:
        if stopped.status == "optimal":
            messages.append(
                f"After {len(steps)} household(s), one more would not have placed any "
                "further child better in the replayed years."
            )
        else:
            messages.append(
                f"The optimiser found no better plan for {stopped.budget} household(s) within "
                f"{time_limit_s:g} s, nor did the greedy choice: the list stops at {len(steps)}. "
                "A longer --time-limit may go further."
            )
    return tuple(messages)


def _budgets(steps) -> str:
    numbers = [str(s.budget) for s in steps]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


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
