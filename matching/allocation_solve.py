"""Lexicographic optimisation of the allocation: each tier proven optimal before the next.

Drives ``matching.model`` over the pruned candidates of ``matching.allocation_prune``. Tiers
are solved in blocks with exact lexicographic weights (``matching.allocation_options``):
children placed with sibling groups together; within the threshold with schools kept; then
the score. A block's relaxation optimum that uses virtual (pruned) options is repaired into a
real allocation if it can be (``matching.allocation_repair``), else those parts are expanded
and it is re-solved. Each proven tier is held as a constraint while the next block is
optimised over the same model, hinted with the last solution.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.allocation_options import Block, Option, option_key, tier_blocks
from matching.allocation_prune import Pruning, PruningSummary
from matching.allocation_repair import repair
from matching.allocation_types import TIER_LABELS, TIER_NAMES, AllocationInstance, candidate_tiers
from matching.domain import Candidate
from matching.model import AllocationModel, TierSolve

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

#: Share of the remaining time each block of tiers may use (children placed; sibling groups;
#: distance with schools; score): the last gets all that is left.
_SHARES = (0.5, 0.3, 0.5, 1.0)


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


class _State:
    """What carries from block to block: held values, the best real allocation, the model."""

    def __init__(self, instance, pruning: Pruning, start, workers: int, log: bool):
        self.instance, self.pruning, self.workers, self.log = instance, pruning, workers, log
        self.allocation: tuple[Candidate, ...] = tuple(start)
        self.hint_keys: set[tuple] = set()
        self.held: list[tuple[int, int]] = []
        self.failure: str | None = None
        self.model: AllocationModel | None = None
        self.options: list[Option] = []
        wanted = {(c.referral_id, c.household_id, tuple(sorted(c.child_ids))) for c in start}
        for option in pruning.options():
            if option.candidate is not None and option_key(option)[:3] in wanted:
                self.hint_keys.add(option_key(option))

    def current_model(self) -> AllocationModel:
        """The model over the pruning's current options (rebuilt after expansions or repairs)."""
        if self.model is None:
            self.options = self.pruning.options()
            self.model = AllocationModel(self.instance, self.options)
            for tier, value in self.held:
                self.model.require_at_least(tier, value)
        self.model.hint(self.hint_keys)
        return self.model

    def adopt(self, allocation: list[Candidate], keys: set[tuple]) -> None:
        self.allocation, self.hint_keys = tuple(allocation), keys

    def hold(self, tier: int, value: int) -> None:
        self.held.append((tier, value))
        if self.model is not None:
            self.model.require_at_least(tier, value)


def _outcomes(block: Block, state: _State, bound, seconds, solves, kind) -> list[TierOutcome]:
    """Per-tier outcomes of a block: ``kind`` is "proven", "gap" or "not solved"."""
    values = _values(state.allocation)
    bounds = block.split(bound, values) if bound is not None else [None] * len(block.tiers)
    outcomes = []
    for k, tier in enumerate(block.tiers):
        top = (
            values[tier] if kind == "proven" or bounds[k] is None else max(values[tier], bounds[k])
        )
        status = kind if kind != "gap" or top > values[tier] else "proven"
        # The block's time is reported on its first tier (its other tiers were solved with it).
        outcomes.append(
            TierOutcome(
                TIER_NAMES[tier],
                values[tier],
                top,
                status,
                seconds if k == 0 else 0.0,
                solves if k == 0 else 0,
            )
        )
    return outcomes


def _solve_block(state: _State, block: Block, deadline: float, share: float) -> list[TierOutcome]:
    """Optimise one block, expanding pruned parts until the relaxation needs none of them."""
    started, solves = time.perf_counter(), 0
    bound: int | None = None  # every relaxation's bound holds for the full problem: keep the least
    while True:
        solves += 1
        model = state.current_model()
        options = state.options
        virtual_values = state.pruning.virtual_values(block)
        result = model.solve_block(
            block,
            virtual_values=virtual_values,
            time_limit_s=max(0.05, (deadline - time.perf_counter()) * share),
            workers=state.workers,
            log_search_progress=state.log,
        )
        seconds = time.perf_counter() - started
        _log_solve(block, solves, options, result)
        if result.status == "unknown":
            logger.warning("tiers %s: no solution within the time limit", block.tiers)
            return _outcomes(block, state, bound, seconds, solves, "not solved")
        if result.status in ("infeasible", "model_invalid"):
            state.failure = result.status
            return _outcomes(block, state, None, seconds, solves, "not solved")
        bound = result.objective_bound if bound is None else min(bound, result.objective_bound)
        used = result.virtual_used(options)
        failed = _repair(state, block, result, virtual_values) if used else []
        if failed:
            _adopt_if_better(state, block, [options[i] for i in result.selected if i not in used])
        if not failed:
            if not used:
                real = [options[i] for i in result.selected]
                state.adopt([o.candidate for o in real], {option_key(o) for o in real})
            kind = "proven" if result.status == "optimal" else "gap"
            return _outcomes(block, state, bound, seconds, solves, kind)
        if time.perf_counter() < deadline and state.pruning.expand(failed):
            state.model = None
            continue
        return _outcomes(block, state, bound, seconds, solves, "gap")


def _adopt_if_better(state: _State, block: Block, real: list[Option]) -> None:
    """Keep the relaxation optimum's real options as the allocation if they do better."""
    allocation = [o.candidate for o in real]
    values = _values(allocation)
    if all(values[tier] >= value for tier, value in state.held) and block.value(
        values
    ) > block.value(_values(state.allocation)):
        state.adopt(allocation, {option_key(o) for o in real})


def _repair(state: _State, block: Block, result: TierSolve, virtual_values) -> list:
    """Swap the virtual options used for free pruned candidates worth as much, if all can be;
    otherwise return the parts that could not be swapped."""
    options = state.options
    rows = [i for i, o in enumerate(options) if o.is_virtual]
    coefficients = dict(zip(rows, virtual_values, strict=True))
    swaps, failed = repair(state.pruning, options, result.selected, coefficients, block, state.held)
    if failed:
        logger.debug("tiers %s: %d virtual options not swapped", block.tiers, len(failed))
        return failed
    real = [options[i] for i in result.selected if not options[i].is_virtual]
    candidates = [o.candidate for o in real]
    keys = {option_key(o) for o in real}
    for key, index in swaps:
        state.pruning.add_extra(key, index)
        candidate = state.instance.candidates[index]
        candidates.append(candidate)
        keys.add(option_key(Option(key, candidate_tiers(candidate), candidate)))
    state.adopt(candidates, keys)
    state.model = None  # the next block models the swapped-in candidates
    logger.debug(
        "tiers %s: %d virtual options swapped for free households", block.tiers, len(swaps)
    )
    return []


def _log_solve(block: Block, solves: int, options: Sequence[Option], result: TierSolve) -> None:
    logger.debug(
        "tiers %s solve %d: %d options (%d virtual), %s objective %s bound %s in %.2f s",
        block.tiers,
        solves,
        len(options),
        sum(o.is_virtual for o in options),
        result.status,
        result.objective,
        result.objective_bound,
        result.wall_s,
    )


def solve_lexicographic(
    instance: AllocationInstance,
    start: Sequence[Candidate] = (),
    *,
    time_limit_s: float = 10.0,
    workers: int = 4,
    keep: int = 20,
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
    keep_all_up_to : int
        Parts with at most this many candidates keep them all unless counting proves fewer do.
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
    pruning = Pruning(instance, keep=keep, keep_all_up_to=keep_all_up_to)
    state = _State(instance, pruning, start, workers, log_search_progress)
    outcomes: list[TierOutcome] = []
    for number, block in enumerate(tier_blocks(instance)):
        if number > 0 and time.perf_counter() >= deadline:
            break
        block_outcomes = _solve_block(state, block, deadline, share=_SHARES[number])
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
