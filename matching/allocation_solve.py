"""Lexicographic optimisation of the allocation: each tier proven optimal before the next.

Drives ``matching.model`` over the pruned candidates of ``matching.allocation_prune``, one
block of tiers at a time (``matching.allocation_blocks``), with exact lexicographic weights
inside a block (``matching.allocation_options``). Each proven tier is held as a constraint
while the next block is optimised over the same model, hinted with the last solution.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.allocation_blocks import State, TierOutcome, solve_block, values_of
from matching.allocation_options import tier_blocks
from matching.allocation_prune import Pruning, PruningSummary
from matching.allocation_types import TIER_LABELS, TIER_NAMES, AllocationInstance
from matching.domain import Candidate

__all__ = ["LexOutcome", "TierOutcome", "solve_lexicographic"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

#: Share of the remaining time each block of tiers may use (children placed; sibling groups
#: with distance and schools; score): the last gets all that is left.
_SHARES = (0.4, 0.5, 1.0)


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


def solve_lexicographic(
    instance: AllocationInstance,
    start: Sequence[Candidate] = (),
    *,
    time_limit_s: float = 10.0,
    workers: int = 4,
    keep: int = 20,
    max_keep: int = 80,
    keep_all_up_to: int = 150,
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
    max_keep : int
        Most candidates the counting argument may keep per part before it gives up.
    keep_all_up_to : int
        Parts with at most this many candidates, and sibling groups, keep them all unless
        counting proves fewer suffice (0: neither; speed only, never the optimum).
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
    pruning = Pruning(instance, keep=keep, max_keep=max_keep, keep_all_up_to=keep_all_up_to)
    state = State(instance, pruning, start, workers, log_search_progress)
    outcomes: list[TierOutcome] = []
    for number, block in enumerate(tier_blocks(instance)):
        if number > 0 and time.perf_counter() >= deadline:
            break
        block_outcomes = solve_block(
            state, block, deadline, share=_SHARES[number], first=number == 0
        )
        outcomes += block_outcomes
        for tier, outcome in zip(block.tiers, block_outcomes, strict=True):
            if progress is not None:
                progress(
                    f"tier {tier + 1}/5 ({TIER_LABELS[tier]}): {outcome.value} "
                    f"[{outcome.status}, bound {outcome.bound}] in {outcome.seconds:.1f} s"
                )
        if state.failure is not None:
            break
        for tier, outcome in zip(block.tiers, block_outcomes, strict=True):
            state.hold(tier, outcome.value)
    return _finish(state, outcomes, time.perf_counter() - started)


def _finish(state: State, outcomes: list[TierOutcome], seconds: float) -> LexOutcome:
    messages: list[str] = []
    summary = state.pruning.summary()
    if state.failure == "infeasible" and not state.held:
        messages.append("No allocation honours every pin: remove or change a pin and re-run.")
        return LexOutcome("infeasible", (), tuple(outcomes), summary, tuple(messages), seconds)
    values = values_of(state.allocation)
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
