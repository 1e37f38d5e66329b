"""Lexicographic optimisation of the allocation: each tier proven optimal before the next.

Drives ``matching.model`` over the pruned candidates of ``matching.allocation_prune``: solves
a tier, expands parts whose virtual (pruned) option the relaxation used, and holds each
proven tier as a constraint while the next is optimised (hinted with the last solution).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.allocation_prune import Pruning, PruningSummary
from matching.allocation_types import TIER_LABELS, TIER_NAMES, AllocationInstance, candidate_tiers
from matching.domain import Candidate
from matching.model import AllocationModel, option_key

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

#: Share of the remaining time each tier may use: the first tier (with most pruning
#: expansions) gets half; the last gets all that is left.
_SHARES = (0.5, 0.3, 0.4, 0.5, 1.0)


@dataclass(frozen=True, slots=True)
class TierOutcome:
    """How one tier was optimised."""

    name: str
    """The tier (``TIER_NAMES``)."""
    value: int
    """The allocation's value on this tier [children, groups or points]."""
    bound: int
    """Proven upper bound for this tier, given the tiers before it [same units]."""
    status: str
    """"proven" (value equals the bound), "gap" (stopped at the time limit or expansion
    limit) or "not solved" (no time left, or the solver failed; value from the last solution)."""
    seconds: float
    """Wall time spent on this tier, all re-solves included [s]."""
    solves: int
    """Models solved for this tier (more than one when pruned parts were expanded)."""

    @property
    def gap(self) -> float:
        """Relative gap (bound - value) / |bound|, 0 when proven [fraction]."""
        return (
            0.0 if self.bound == self.value else (self.bound - self.value) / max(1, abs(self.bound))
        )


@dataclass(frozen=True, slots=True)
class LexOutcome:
    """The optimiser's answer before explanations are added."""

    status: str
    """"optimal", "feasible", "infeasible", "model_invalid" or "unknown"."""
    allocation: tuple[Candidate, ...]
    tiers: tuple[TierOutcome, ...]
    pruning: PruningSummary
    messages: tuple[str, ...]
    seconds: float


def _values(allocation: Sequence[Candidate]) -> list[int]:
    totals = [0] * 5
    for candidate in allocation:
        for t, value in enumerate(candidate_tiers(candidate)):
            totals[t] += value
    return totals


def _solve_tier(state: _State, tier: int, deadline: float, share: float) -> TierOutcome:
    """Optimise one tier, expanding pruned parts until the relaxation needs none of them."""
    started, solves = time.perf_counter(), 0
    bound: int | None = None  # every relaxation's bound holds for the full problem: keep the least
    while True:
        solves += 1
        options = state.pruning.options()
        model = AllocationModel(state.instance, options)
        for held, value in enumerate(state.held):
            model.require_at_least(held, value)
        model.hint({option_key(o) for o in state.last_options})
        remaining = deadline - time.perf_counter()
        result = model.solve(
            tier,
            time_limit_s=max(0.05, remaining * share),
            workers=state.workers,
            log_search_progress=state.log,
        )
        seconds = time.perf_counter() - started
        logger.debug(
            "tier %d solve %d: %d options (%d virtual), %s value %s bound %s in %.2f s",
            tier,
            solves,
            len(options),
            sum(o.is_virtual for o in options),
            result.status,
            result.value,
            result.bound,
            result.wall_s,
        )
        if result.status == "unknown":
            # Time limit without a solution: keep the last allocation and hold its value.
            logger.warning("tier %d: no solution within the time limit", tier)
            value = _values(state.allocation)[tier]
            return TierOutcome(
                TIER_NAMES[tier],
                value,
                max(value, bound if bound is not None else value),
                "not solved",
                seconds,
                solves,
            )
        if result.status in ("infeasible", "model_invalid"):
            state.failure = result.status
            value = _values(state.allocation)[tier]
            return TierOutcome(TIER_NAMES[tier], value, value, "not solved", seconds, solves)
        bound = result.bound if bound is None else min(bound, result.bound)
        used = result.virtual_used(options)
        real = [options[i] for i in result.selected if not options[i].is_virtual]
        if not used:
            state.adopt(real)
        if result.status == "optimal" and not used:
            return TierOutcome(
                TIER_NAMES[tier], result.value, result.value, "proven", seconds, solves
            )
        parts = [options[i].part_key for i in used]
        if used and time.perf_counter() < deadline and state.pruning.expand(parts):
            continue
        value = _values(state.allocation)[tier]
        return TierOutcome(TIER_NAMES[tier], value, max(value, bound), "gap", seconds, solves)


class _State:
    """What carries from tier to tier: held values, the best real allocation, the options."""

    def __init__(
        self,
        instance: AllocationInstance,
        pruning: Pruning,
        start: Sequence[Candidate],
        workers: int,
        log: bool,
    ):
        self.instance, self.pruning, self.workers, self.log = instance, pruning, workers, log
        self.allocation: tuple[Candidate, ...] = tuple(start)
        self.last_options: list = []
        self.held: list[int] = []
        self.failure: str | None = None

    def adopt(self, options: list) -> None:
        self.last_options = options
        self.allocation = tuple(o.candidate for o in options)


def solve_lexicographic(
    instance: AllocationInstance,
    start: Sequence[Candidate] = (),
    *,
    time_limit_s: float = 10.0,
    workers: int = 4,
    keep: int = 20,
    progress: Progress | None = None,
    log_search_progress: bool = False,
) -> LexOutcome:
    """Maximise the tiers in order, proving each (or reporting its gap) before the next.

    Parameters
    ----------
    instance : AllocationInstance
        Referrals, households, candidates, pins and forbids.
    start : sequence of Candidate
        A valid allocation to fall back on and hint from (the greedy baseline).
    time_limit_s : float
        Wall-clock budget for all tiers together [s].
    workers : int
        CP-SAT search workers.
    keep : int
        Candidates first kept per referral part (more are added where a proof needs them).
    progress : callable, optional
        Called with a one-line message after each tier.

    Returns
    -------
    LexOutcome
        Status "optimal" when every tier is proven, "feasible" with each tier's gap,
        "infeasible" when the pins cannot all be honoured, or the solver's failure.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s
    pruning = Pruning(instance, keep=keep)
    state = _State(instance, pruning, start, workers, log_search_progress)
    start_keys = {(c.referral_id, c.household_id, tuple(sorted(c.child_ids))) for c in start}
    state.last_options = [
        o
        for o in pruning.options()
        if o.candidate is not None
        and (
            o.candidate.referral_id,
            o.candidate.household_id,
            tuple(sorted(o.candidate.child_ids)),
        )
        in start_keys
    ]
    outcomes: list[TierOutcome] = []
    for tier in range(5):
        if tier > 0 and time.perf_counter() >= deadline:
            break
        outcome = _solve_tier(state, tier, deadline, share=_SHARES[tier])
        outcomes.append(outcome)
        if progress is not None:
            progress(
                f"tier {tier + 1}/5 ({TIER_LABELS[tier]}): {outcome.value} "
                f"[{outcome.status}, bound {outcome.bound}] in {outcome.seconds:.1f} s"
            )
        if state.failure is not None:
            break
        state.held.append(outcome.value)
    return _finish(state, outcomes, time.perf_counter() - started)


def _finish(state: _State, outcomes: list[TierOutcome], seconds: float) -> LexOutcome:
    messages: list[str] = []
    summary = state.pruning.summary()
    if state.failure == "infeasible" and not state.held:
        messages.append("No allocation honours every pin: remove or change a pin and re-run.")
        return LexOutcome("infeasible", (), tuple(outcomes), summary, tuple(messages), seconds)
    values = _values(state.allocation)
    for tier in range(len(outcomes), 5):
        outcomes.append(
            TierOutcome(TIER_NAMES[tier], values[tier], values[tier], "not solved", 0.0, 0)
        )
    if state.failure in ("model_invalid", "infeasible"):
        # Holding values already reached cannot be infeasible, so either is a bug.
        logger.error("allocation model %s at a later tier: a bug, please report it", state.failure)
        messages.append(
            "The optimiser's model was invalid (a bug, reported in the log); "
            "the best allocation found before it is shown."
        )
        status = "model_invalid"
    elif not state.allocation and outcomes and outcomes[0].status == "not solved":
        messages.append("No allocation was found within the time limit: give more time.")
        status = "unknown"
    else:
        status = "optimal" if all(o.status == "proven" for o in outcomes) else "feasible"
    for outcome, label in zip(outcomes, TIER_LABELS, strict=True):
        if outcome.status == "gap":
            messages.append(
                f"{label}: {outcome.value}, at most {outcome.bound} possible "
                f"(gap {outcome.gap:.1%}); give more time to close it."
            )
        elif outcome.status == "not solved":
            messages.append(
                f"{label}: {outcome.value}, not optimised (time limit reached); give more time."
            )
    return LexOutcome(status, state.allocation, tuple(outcomes), summary, tuple(messages), seconds)
