"""Benchmark the joint allocation against the greedy baseline, in the same run, on three pools.

Pools: the demo council's open referrals; a synthetic regional pool of 300 referrals x 3,000
households; and 1,000 x 5,000. For each: time to the proven optimum (or the gap at the time
limit), and every tier against first-come-first-served, with ratios. Timings are indicative
on a shared machine: ``--repeat`` runs each pool several times and prints every run, with
the process's CPU time beside the wall time (with two workers on an idle two-core machine,
wall time is about half the CPU time; much more than half means other jobs took the cores).
Run: ``python bench/bench_allocate.py [--quick] [--repeat 3] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from allocation_pool import build_pool  # noqa: E402

from matching.allocate import allocate  # noqa: E402
from matching.allocation_types import TIER_LABELS  # noqa: E402
from matching.policy import load_policy  # noqa: E402


def _demo():
    from matching.allocate_cli import _inputs
    from matching.cli import _policy
    from matching.context import build_context

    inputs = _inputs(None, None, None)
    referrals = [r for r in inputs.referrals if r.status == "open"]
    return (
        referrals,
        inputs.households,
        build_context(inputs.households, referrals, schools=inputs.schools),
        _policy(None, inputs),
    )


def _report(
    name: str, result, setup_s: float, target_s: float, max_gap: float, cpu_s: float
) -> None:
    solving = sum(o.seconds for o in result.tier_outcomes)
    print(
        f"\n== {name}: {result.status} in {result.seconds:.1f} s, of which {solving:.1f} s "
        f"solving; {cpu_s:.1f} s of CPU (+{setup_s:.1f} s to build the pool)"
    )
    print(
        f"   candidates {result.pruning.candidates}, modelled {result.pruning.options_modelled}, "
        f"parts proven complete {result.pruning.parts_complete}/{result.pruning.parts}"
    )
    print(f"   {'tier':40} {'joint':>9} {'greedy':>9} {'ratio':>7}  proof")
    for label, outcome, joint, greedy in zip(
        TIER_LABELS,
        result.tier_outcomes,
        result.tiers.as_tuple(),
        result.greedy_tiers.as_tuple(),
        strict=True,
    ):
        ratio = f"{joint / greedy:.3f}" if greedy > 0 else "-"
        if outcome.status == "proven":
            proof = "proven"
        elif outcome.status == "not solved" and outcome.bound == outcome.value:
            proof = "not solved, no bound"
        else:
            proof = f"{outcome.status}, bound {outcome.bound}, gap {outcome.gap:.2%}"
        print(f"   {label:40} {joint:>9} {greedy:>9} {ratio:>7}  {proof} ({outcome.seconds:.1f} s)")
    worst_gap = max(o.gap for o in result.tier_outcomes)
    solved = all(o.status != "not solved" for o in result.tier_outcomes)
    met = solved and result.seconds <= target_s and worst_gap <= max_gap
    goal = "optimal" if max_gap == 0 else f"gap <= {max_gap:.0%}"
    print(
        f"   target ({goal} in {target_s:.0f} s): {'met' if met else 'NOT met'}; "
        f"worst gap {worst_gap:.2%}; checker violations: {len(result.violations)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="Only the demo and the 300 x 3,000 pool."
    )
    parser.add_argument("--time-limit-s", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (target: 2).")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per pool.")
    args = parser.parse_args()
    started = time.perf_counter()
    referrals, households, context, policy = _demo()
    setup = time.perf_counter() - started
    for _ in range(args.repeat):
        cpu = time.process_time()
        result = allocate(
            referrals,
            households,
            context,
            policy,
            time_limit_s=args.time_limit_s,
            workers=args.workers,
        )
        _report("demo council", result, setup, 5.0, 0.0, time.process_time() - cpu)
        explained = sum(e.outcome != "not evaluated" for e in result.explanations)
        print(f"   explanations: {explained}/{len(referrals)} referrals")
    pools = [(300, 3_000, 5.0, 0.0)] + ([] if args.quick else [(1_000, 5_000, 30.0, 0.01)])
    for count, homes, target, max_gap in pools:
        _pool(args, count, homes, target, max_gap)


def _pool(args, count: int, homes: int, target: float, max_gap: float) -> None:
    started = time.perf_counter()
    pool = build_pool(count, homes)
    setup = time.perf_counter() - started
    for _ in range(args.repeat):
        cpu = time.process_time()
        result = allocate(
            pool.referrals,
            pool.households,
            pool.context,
            load_policy(),
            time_limit_s=max(args.time_limit_s, target),
            explain=False,
            workers=args.workers,
        )
        cpu = time.process_time() - cpu
        _report(f"regional pool {count} x {homes:,}", result, setup, target, max_gap, cpu)


if __name__ == "__main__":
    main()
