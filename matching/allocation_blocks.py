"""One block of tiers optimised over the pruned model: solve, repair or expand, and report.

A block's relaxation optimum that uses virtual (pruned) options is repaired into a real
allocation if it can be (``matching.allocation_repair``); otherwise those parts are expanded
and the block re-solved. On large models a restricted solve (``matching.allocation_primal``)
first finds a good real allocation to hint the full model. Used by
``matching.allocation_solve``, which holds each block's values before the next.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from matching.allocation_options import Block, Option, option_key
from matching.allocation_primal import LARGE_MODEL_OPTIONS, restricted_solve
from matching.allocation_prune import Pruning
from matching.allocation_repair import repair
from matching.allocation_types import TIER_NAMES, candidate_tiers
from matching.domain import Candidate
from matching.model import AllocationModel, TierSolve

logger = logging.getLogger(__name__)


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


def values_of(allocation: Sequence[Candidate]) -> list[int]:
    totals = [0] * 5
    for candidate in allocation:
        for t, value in enumerate(candidate_tiers(candidate)):
            totals[t] += value
    return totals


class State:
    """What carries from block to block: held values, the best real allocation, the model."""

    def __init__(self, instance, pruning: Pruning, start, workers: int, log: bool):
        self.instance, self.pruning, self.workers, self.log = instance, pruning, workers, log
        # The start is a fallback only if it honours the pins (else it is just a hint).
        self.allocation: tuple[Candidate, ...] = tuple(start) if self.honours_pins(start) else ()
        self.hint_keys: set[tuple] = set()
        self.held: list[tuple[int, int]] = []
        self.failure: str | None = None
        self.model: AllocationModel | None = None
        self.options: list[Option] = []
        wanted = {(c.referral_id, c.household_id, tuple(sorted(c.child_ids))) for c in start}
        for option in pruning.options():
            if option.candidate is not None and option_key(option)[:3] in wanted:
                self.hint_keys.add(option_key(option))

    def honours_pins(self, allocation: Sequence[Candidate]) -> bool:
        return self.instance.pins <= {(c.referral_id, c.household_id) for c in allocation}

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


def _outcomes(block: Block, state: State, bound, seconds, solves, kind) -> list[TierOutcome]:
    """Per-tier outcomes of a block: ``kind`` is "proven", "gap" or "not solved"."""
    values = values_of(state.allocation)
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


def solve_block(
    state: State, block: Block, deadline: float, share: float, *, first: bool = False
) -> list[TierOutcome]:
    """Optimise one block, expanding pruned parts until the relaxation needs none of them."""
    started, solves = time.perf_counter(), 0
    bound: int | None = None  # every relaxation's bound holds for the full problem: keep the least
    state.current_model()
    improved = not first and _restricted_first(state, block, deadline, share)
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
            kind = "gap" if improved and bound is not None else "not solved"
            return _outcomes(block, state, bound, seconds, solves, kind)
        if result.status in ("infeasible", "model_invalid"):
            state.failure = result.status
            return _outcomes(block, state, None, seconds, solves, "not solved")
        bound = result.objective_bound if bound is None else min(bound, result.objective_bound)
        used = result.virtual_used(options)
        failed = _repair(state, block, result, virtual_values) if used else []
        if failed:
            _adopt_if_better(state, block, [options[i] for i in result.selected if i not in used])
        elif not used:
            real = [options[i] for i in result.selected]
            _adopt_if_better(state, block, real, always=result.status == "optimal")
        if not failed:
            kind = "proven" if result.status == "optimal" else "gap"
            return _outcomes(block, state, bound, seconds, solves, kind)
        if time.perf_counter() < deadline and state.pruning.expand(failed):
            state.model = None
            continue
        return _outcomes(block, state, bound, seconds, solves, "gap")


def _restricted_first(state: State, block: Block, deadline: float, share: float) -> bool:
    """On a large model, find a good real allocation with a restricted model first."""
    if len(state.options) <= LARGE_MODEL_OPTIONS:
        return False
    found = restricted_solve(
        state.instance,
        state.pruning,
        state.allocation,
        state.hint_keys,
        state.held,
        block,
        time_limit_s=max(0.05, (deadline - time.perf_counter()) * share * 0.4),
        workers=state.workers,
    )
    if found is None:
        return False
    allocation, keys = found
    if block.value(values_of(allocation)) <= block.value(values_of(state.allocation)):
        return False
    state.adopt(allocation, keys)
    return True


def _adopt_if_better(state: State, block: Block, real: list[Option], always=False) -> None:
    """Keep these real options as the allocation if they hold the tiers and do better."""
    allocation = [o.candidate for o in real]
    values = values_of(allocation)
    better = not state.honours_pins(state.allocation) or block.value(values) > block.value(
        values_of(state.allocation)
    )
    if always or (all(values[tier] >= value for tier, value in state.held) and better):
        state.adopt(allocation, {option_key(o) for o in real})


def _repair(state: State, block: Block, result: TierSolve, virtual_values) -> list:
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
