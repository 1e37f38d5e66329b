"""Benchmark recruitment targeting: the CP-SAT optimiser + replay against a greedy baseline.

Two gaps: the demo council's last two years (its SSDA903 history; ``--sources`` adds its
recorded decisions and open referrals) and a synthetic gap of ``--referrals`` past referrals
(default 2,000) from real Haringey unit postcodes. For each, in the same run and on the same
candidate profiles, the optimiser (``recommend_recruitment``: nested CP-SAT coverage model,
then the replay at every budget) and the greedy baseline (at each step, add the profile whose
household gives the largest replayed gain, trying every profile) choose ``--budget``
households; the script prints both replayed effects, their ratio, both times and theirs.
Timings are indicative on a shared machine. No real child or carer is represented.

    python bench/bench_recruit.py [--budget 10] [--referrals 2000] [--seed 7] [--quick]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.domain import Child, PlacementKind, Referral, ReferralId  # noqa: E402
from matching.gaps import (  # noqa: E402
    GapSource,
    PastPlacement,
    PastReferral,
    Shortfall,
    district_of,  # noqa: E402
)
from matching.gaps_history import essential_needs_for  # noqa: E402
from matching.recruit import recommend_recruitment  # noqa: E402
from matching.recruit_checks import check_replay  # noqa: E402
from matching.recruit_data import (  # noqa: E402
    demo_inputs,
    district_anchors,
    gap_referrals,
    in_house_weekly_cost_gbp,  # noqa: E402
)
from matching.recruit_model import build_covers  # noqa: E402
from matching.recruit_profiles import candidate_profiles  # noqa: E402
from matching.recruit_replay import ReplayEffect, replay  # noqa: E402
from sufficiency.domain import ChildId, ChildRecord, Episode, PlacementType, Sex  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
LA = "309"  # Haringey
P = PlacementType
#: Synthetic placements: (type, share, miles from home low-high); in-house near is "met".
MIX = ((P.IN_HOUSE_FOSTERING, 0.40, 0.3, 9), (P.AGENCY_FOSTERING, 0.40, 1, 45),
       (P.CHILDRENS_HOME, 0.10, 3, 90), (P.IN_HOUSE_FOSTERING, 0.10, 21, 40))  # fmt: skip
GROUP_SIZES = ((1, 0.80), (2, 0.12), (3, 0.06), (4, 0.02))


def _child(rng, number: int, age: int, start: dt.date, episode_type: PlacementType) -> Child:
    born = start - dt.timedelta(days=int(365.25 * age + rng.integers(1, 360)))
    record = ChildRecord(
        ChildId(f"S{number:05d}"),
        Sex.FEMALE if rng.random() < 0.5 else Sex.MALE,
        born,
        unaccompanied_asylum_seeking=age >= 14 and rng.random() < 0.08,
        disabled=rng.random() < 0.04,
    )
    episode = Episode(record.child_id, start, None, "U6", episode_type, "C2")
    needs = essential_needs_for(record, episode, age)
    return Child(record.child_id, born, record.sex, essential_needs=needs)


def _past(rng, number: int, homes: list[str], costs, window_days: int) -> PastReferral:
    """One synthetic past referral: a sibling group, its home, where it went and for how long."""
    size = int(rng.choice([s for s, _ in GROUP_SIZES], p=[w for _, w in GROUP_SIZES]))
    start = AS_OF - dt.timedelta(days=int(rng.integers(0, window_days)))
    kind, _, low, high = MIX[rng.choice(len(MIX), p=[m[1] for m in MIX])]
    eldest = int(rng.integers(10 if kind == P.CHILDRENS_HOME else 0, 18))
    ages = [max(0, eldest - 2 * i) for i in range(size)]
    children = tuple(_child(rng, number * 10 + i, a, start, kind) for i, a in enumerate(ages))
    weeks = int(rng.exponential(26)) + 1
    ended = start + dt.timedelta(weeks=weeks)
    split = size > 1 and rng.random() < 0.15
    placements = tuple(
        PastPlacement(c.child_id, kind, float(rng.uniform(low, high)) + (25 * split * i),
                      start, ended if ended <= AS_OF else None, float(costs[kind]))
        for i, c in enumerate(children)
    )  # fmt: skip
    shortfalls = {Shortfall.SPLIT} if split else set()
    shortfalls |= {Shortfall.AGENCY} if kind == P.AGENCY_FOSTERING else set()
    shortfalls |= {Shortfall.RESIDENTIAL} if kind == P.CHILDRENS_HOME else set()
    if any(p.distance_miles > 20 for p in placements):
        shortfalls.add(Shortfall.OVER_20_MILES)
    home = homes[int(rng.integers(len(homes)))]
    referral = Referral(ReferralId(f"S{number:05d}"), children, PlacementKind.SHORT_TERM,
                        start, home, start)  # fmt: skip
    return PastReferral(referral, district_of(home), placements, frozenset(shortfalls), AS_OF)


def synthetic_gap(count: int, seed: int) -> tuple[list[PastReferral], dict[str, str]]:
    """``count`` synthetic past referrals over two years, homes at real Haringey postcodes."""
    from matching.geo import Gazetteer
    from sufficiency.costs import load_unit_costs

    rng = np.random.default_rng(seed)
    table = load_unit_costs()
    costs = {p: table.weekly_cost_gbp(p) for p in PlacementType if p in table.costs}
    homes = Gazetteer.default().unit_postcodes(LA)
    past = sorted(
        (_past(rng, i, homes, costs, 730) for i in range(count)),
        key=lambda p: (p.referral.start_date, p.referral.referral_id),
    )
    anchors = district_anchors({p.district for p in past if p.unmet}, LA)
    return past, anchors


def greedy(past, anchors, policy, budget, weekly_cost_gbp, time_limit_s) -> list[ReplayEffect]:
    """Add, one at a time, the profile whose household gains most in the replay (every profile
    tried at every step; the same candidate profiles as the optimiser's)."""
    unmet = [p for p in past if p.unmet]
    profiles = candidate_profiles(unmet, anchors)
    profiles, _, by_profile = build_covers(unmet, profiles, policy, weekly_cost_gbp, lambda m: None)
    households, candidates, effects = [], [], []
    effect = None
    for step in range(budget):
        best = None
        for index, profile in enumerate(profiles):
            trial = profile.household(f"NEW-{step + 1:02d}", weekly_cost_gbp)
            extra = [dataclasses.replace(c, household_id=trial.household_id)
                     for c in by_profile[index]]  # fmt: skip
            tried = replay(past, [*households, trial], policy, start_from=effect,
                           candidates=[*candidates, *extra], time_limit_s=time_limit_s)  # fmt: skip
            if best is None or tried.objective > best[0].objective:
                best = (tried, trial, extra)
        if effect is not None and best[0].children_better_placed <= effect.children_better_placed:
            break  # as the plan: a household must place a further child better
        effect, household, extra = best
        households.append(household)
        candidates += extra
        effects.append(effect)
    return effects


def _line(name: str, children: int, saved: int, seconds: float) -> str:
    return (
        f"  {name:<22} {children:>9,} children better placed  GBP {saved:>12,}  {seconds:>8.1f} s"
    )


def compare(name: str, past, anchors, policy, budget, weekly_cost_gbp, time_limit_s) -> None:
    """Run the optimiser and the greedy baseline on one gap and print effects, times, ratios."""
    unmet = sum(1 for p in past if p.unmet)
    print(f"\n{name}: {len(past):,} past referrals, {unmet:,} fell short; budget {budget}")
    started = time.perf_counter()
    plan = recommend_recruitment(
        past, anchors, policy, budget=budget, weekly_cost_gbp=weekly_cost_gbp,
        time_limit_s=time_limit_s,
    )  # fmt: skip
    optimiser_s = time.perf_counter() - started
    problems = check_replay(past, plan.households, plan.effect, policy)
    started = time.perf_counter()
    effects = greedy(past, anchors, policy, budget, weekly_cost_gbp, time_limit_s)
    greedy_s = time.perf_counter() - started
    ours, theirs = plan.effect, effects[-1] if effects else ReplayEffect(())
    print(f"  {'':<22} {'per N:':>9} " + " ".join(
        f"{s.effect.children_better_placed}" for s in plan.steps) + " (optimiser)")  # fmt: skip
    print(f"  {'':<22} {'':>9} " + " ".join(
        f"{e.children_better_placed}" for e in effects) + " (greedy)")  # fmt: skip
    for s in plan.steps:
        print(f"  {'':<22} N={s.budget}: kept the {s.chosen_by} choice "
              f"(optimiser {s.optimiser_children}, greedy {s.greedy_children} children); "
              f"solver {s.solver_status}, bound {s.bound_children}")  # fmt: skip
    print(f"  {'':<22} {plan.profiles_considered} profiles "
          f"({plan.profiles_dominated} dominated left out)")  # fmt: skip
    print(_line(f"optimiser ({len(plan.steps)} hh)", ours.children_better_placed,
                ours.saved_gbp, optimiser_s))  # fmt: skip
    print(_line(f"greedy ({len(effects)} hh)", theirs.children_better_placed,
                theirs.saved_gbp, greedy_s))  # fmt: skip
    ratio = ours.children_better_placed / max(1, theirs.children_better_placed)
    print(f"  effect ratio (optimiser / greedy, children): {ratio:.3f}; "
          f"saved GBP ratio: {ours.saved_gbp / max(1, theirs.saved_gbp):.3f}")  # fmt: skip
    print(f"  time ratio (greedy / optimiser): {greedy_s / max(optimiser_s, 1e-9):.1f}x; "
          f"checker: {'sound' if not problems else problems[:3]}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=10)
    parser.add_argument("--referrals", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--sources", default="history", help="demo gap sources, e.g. history,open")
    parser.add_argument("--quick", action="store_true", help="budget 4, 500 synthetic referrals")
    parser.add_argument("--skip-demo", action="store_true", help="the synthetic gap only")
    args = parser.parse_args()
    budget, count = (4, 500) if args.quick else (args.budget, args.referrals)
    inputs = demo_inputs()
    cost = in_house_weekly_cost_gbp(inputs)
    if not args.skip_demo:
        sources = tuple(GapSource(s.strip()) for s in args.sources.split(","))
        past, _ = gap_referrals(inputs, 2.0, sources)
        anchors = district_anchors({p.district for p in past if p.unmet}, inputs.la_code)
        compare("Demo council (" + args.sources + ")", past, anchors, inputs.policy, budget,
                cost, args.time_limit)  # fmt: skip
    started = time.perf_counter()
    synthetic, synthetic_anchors = synthetic_gap(count, args.seed)
    print(f"\n(synthetic gap built in {time.perf_counter() - started:.1f} s, seed {args.seed})")
    policy = dataclasses.replace(inputs.policy, council_la_code=LA)
    compare(f"Synthetic gap ({count:,} referrals)", synthetic, synthetic_anchors, policy,
            budget, cost, args.time_limit)  # fmt: skip


if __name__ == "__main__":
    main()
