"""The CP-SAT model of the joint allocation: one 0/1 variable per option, one unit per rule.

Builds the model once and solves it one block of tiers at a time (``solve_block``); the
lexicographic driver (``matching.allocation_solve``) holds each proven tier before the next.
Options and the tier weights are in ``matching.allocation_options``; candidate generation,
pruning and explanations live elsewhere.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matching.allocation_checks import parts_conflict
from matching.allocation_options import (  # noqa: F401 (re-exported for callers of the model)
    Block,
    Option,
    PartKey,
    build_options,
    option_key,
    part_lookup,
)
from matching.allocation_types import AllocationInstance
from matching.domain import HouseholdId

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TierSolve:
    """The outcome of optimising one block of tiers (often a single tier)."""

    status: str
    """"optimal", "feasible" (time limit, gap open), "infeasible", "model_invalid" or "unknown"."""
    selected: tuple[int, ...]
    """Indices of the options set to 1 (empty without a solution)."""
    objective: int | None
    """The block's weighted objective in the solution, virtual options included."""
    objective_bound: int | None
    """Proven upper bound on the block's weighted objective for this model."""
    wall_s: float
    """Solver wall time [s]."""
    value: int | None = None
    """The first tier's value in the solution, virtual options included [tier units]."""

    def virtual_used(self, options: Sequence[Option]) -> list[int]:
        return [i for i in self.selected if options[i].is_virtual]


#: Full-problem search workers, in order of use (measured on the benchmark pools).
_PORTFOLIO = ("max_lp_sym", "default_lp", "core", "quick_restart")

_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


class AllocationModel:
    """CP-SAT model over a list of options, with the allocation's rules as constraints.

    Rules:
    - each referral is placed in at most one mode (together, or one allowed split);
    - each part of that mode goes to at most one household, and parts of one referral go to
      different households;
    - a household's vacancies are shared by every referral placed there;
    - the usual limit of fostered children holds unless they are all siblings or it is exempt;
    - children of different referrals who may not live together are not placed together;
    - pinned pairings are used (forbidden ones were never made options).
    """

    def __init__(self, instance: AllocationInstance, options: Sequence[Option]):
        self.instance = instance
        self.options = list(options)
        self.model = cp_model.CpModel()
        self.x = [self.model.NewBoolVar(f"x{i}") for i in range(len(self.options))]
        self._size = [option.size for option in self.options]
        self._by_household: dict[HouseholdId, list[int]] = defaultdict(list)
        for i, option in enumerate(self.options):
            if option.household_id is not None:
                self._by_household[option.household_id].append(i)
        self._add_one_mode_per_referral()
        self._add_split_parts_apart()
        self._add_vacancy_capacity()
        self._add_usual_limit()
        self._add_compatibility()
        self._add_pins()

    def _add_one_mode_per_referral(self) -> None:
        # A referral is placed one way only: together, or as one allowed split, and each part
        # of that way goes to at most one household.
        by_referral: dict[int, dict[int, dict[int, list[int]]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for i, option in enumerate(self.options):
            referral, mode, part = option.part_key
            by_referral[referral][mode].setdefault(part, []).append(i)
        for referral, modes in sorted(by_referral.items()):
            if len(modes) == 1:
                for indices in next(iter(modes.values())).values():
                    self.model.AddAtMostOne(self.x[i] for i in indices)
                continue
            chosen = {mode: self.model.NewBoolVar(f"mode_r{referral}_m{mode}") for mode in modes}
            self.model.AddAtMostOne(chosen.values())
            for mode, parts in modes.items():
                for indices in parts.values():
                    self.model.Add(sum(self.x[i] for i in indices) <= chosen[mode])

    def _add_split_parts_apart(self) -> None:
        # Parts of one referral go to different households (one household means "together").
        for indices in self._by_household.values():
            per_referral: dict[int, list[int]] = defaultdict(list)
            for i in indices:
                per_referral[self.options[i].part_key[0]].append(i)
            for same in per_referral.values():
                if len({self.options[i].part_key for i in same}) > 1:
                    self.model.AddAtMostOne(self.x[i] for i in same)

    def _add_vacancy_capacity(self) -> None:
        # A household's vacancies are shared by every referral placed there.
        for household_id, indices in self._by_household.items():
            room = self.instance.household(household_id)
            if sum(self._size[i] for i in indices) > room.vacancies:
                self.model.Add(
                    cp_model.LinearExpr.WeightedSum(
                        [self.x[i] for i in indices], [self._size[i] for i in indices]
                    )
                    <= room.vacancies
                )
                # Implied, to tighten the relaxation: two parts each over half the vacancies
                # cannot both fit.
                large = [i for i in indices if 2 * self._size[i] > room.vacancies]
                if len(large) > 1:
                    self.model.AddAtMostOne(self.x[i] for i in large)

    def _add_usual_limit(self) -> None:
        # At most the usual limit of fostered children (three), unless they are all siblings or
        # the household is exempt. A referral's children are siblings of each other and of
        # placed children whose sibling group is that referral; no one else's.
        limit = self.instance.usual_limit_children
        for household_id, indices in self._by_household.items():
            room = self.instance.household(household_id)
            new = cp_model.LinearExpr.WeightedSum(
                [self.x[i] for i in indices], [self._size[i] for i in indices]
            )
            if (
                room.usual_limit_exempt
                or sum(self._size[i] for i in indices) + room.placed_count <= limit
            ):
                continue
            room_left = max(0, limit - room.placed_count)
            if room.placed_count > 0:
                others = [i for i in indices if self._referral_id(i) != room.placed_sibling_group]
                if len(others) == len(indices):
                    self.model.Add(new <= room_left)
                    continue
                only_siblings = self.model.NewBoolVar(f"only_siblings_{household_id}")
                self.model.Add(sum(self.x[i] for i in others) == 0).OnlyEnforceIf(only_siblings)
            else:
                only_siblings = self.model.NewBoolVar(f"one_group_{household_id}")
                self.model.AddAtMostOne(self.x[i] for i in indices).OnlyEnforceIf(only_siblings)
            self.model.Add(new <= room_left).OnlyEnforceIf(only_siblings.Not())
            # Implied, to tighten the relaxation: one part alone (all siblings) counts at most
            # the room left, and parts of several referrals must fit within it together.
            self.model.Add(
                sum(min(self._size[i], room_left) * self.x[i] for i in indices) <= room_left
            )

    def _referral_id(self, i: int) -> str:
        return self.instance.referrals[self.options[i].part_key[0]].referral_id

    def _add_compatibility(self) -> None:
        # Children of different referrals sharing a household must be compatible: a child who
        # poses a risk to younger children is not placed with a much younger child.
        gap = self.instance.risk_age_gap_years
        conflict: dict[tuple, bool] = {}  # the same two parts meet in many households
        for indices in self._by_household.values():
            parts = [(i, self._part_of(i)) for i in indices]
            risky = [(i, part) for i, part in parts if part[1] & part[0].risky_child_ids]
            risky_rows = {i for i, _ in risky}
            for i, first in risky:
                for j, second in parts:
                    if first[0].referral_id == second[0].referral_id or (j < i and j in risky_rows):
                        continue  # same referral, or a pair of risky parts already done
                    pair = (first[0].referral_id, first[1], second[0].referral_id, second[1])
                    if pair not in conflict:
                        conflict[pair] = parts_conflict(first, second, gap)
                    if conflict[pair]:
                        self.model.AddAtMostOne([self.x[i], self.x[j]])

    def _add_pins(self) -> None:
        # An officer's pinned pairing is used (for some part of the referral).
        for referral_id, household_id in sorted(self.instance.pins):
            indices = [
                i
                for i in self._by_household.get(household_id, [])
                if self.options[i].candidate.referral_id == referral_id  # type: ignore[union-attr]
            ]
            self.model.AddBoolOr([self.x[i] for i in indices] or [self.model.NewConstant(0)])

    def _part_of(self, i: int):
        option = self.options[i]
        return (self.instance.referrals[option.part_key[0]], frozenset(option.candidate.child_ids))  # type: ignore[union-attr]

    def tier_expression(self, tier: int) -> cp_model.LinearExpr:
        """The tier's value as a linear expression over the option variables."""
        return cp_model.LinearExpr.WeightedSum(self.x, [o.tiers[tier] for o in self.options])

    def require_at_least(self, tier: int, value: int) -> None:
        """Hold a proven tier: later tiers may not give any of it back."""
        self.model.Add(self.tier_expression(tier) >= value)

    def hint(self, selected_keys: set[tuple]) -> None:
        """Start the search from a previous solution (keys from ``option_key``)."""
        self.model.ClearHints()
        for variable, option in zip(self.x, self.options, strict=True):
            self.model.AddHint(variable, option_key(option) in selected_keys)

    def solve(self, tier: int, **settings) -> TierSolve:
        """Maximise one tier (then use as few virtual options as possible at that value)."""
        return self.solve_block(Block((tier,), (1,)), **settings)

    def solve_block(
        self,
        block: Block,
        *,
        virtual_values: Sequence[int] | None = None,
        time_limit_s: float = 10.0,
        workers: int = 2,
        log_search_progress: bool = False,
    ) -> TierSolve:
        """Maximise the block's weighted tiers, then use as few virtual options as possible.

        ``virtual_values`` gives, for each virtual option in order, its objective coefficient
        (the best block value of a pruned candidate; default: the block value of its tiers).
        With four workers or fewer the search portfolio is chosen for this model: the
        strongest linear relaxation (``max_lp_sym``) proves the bounds that the default
        relaxation leaves open once earlier tiers are held (measured on the bench pools).
        """
        coefficients = [block.value(o.tiers) for o in self.options]
        virtual_rows = [i for i, o in enumerate(self.options) if o.is_virtual]
        for row, value in zip(virtual_rows, virtual_values or (), strict=False):
            coefficients[row] = value
        scale = len(virtual_rows) + 1
        self.model.Maximize(
            scale * cp_model.LinearExpr.WeightedSum(self.x, coefficients)
            - sum(self.x[i] for i in virtual_rows)
        )
        solver = _solver(time_limit_s, workers, log_search_progress)
        started = time.perf_counter()
        code = solver.Solve(self.model)
        wall_s = time.perf_counter() - started
        status = _STATUS.get(code, "unknown")
        if status not in ("optimal", "feasible"):
            # Without a solution the solver's bound is not reported reliably: none is kept.
            return TierSolve(status, (), None, None, wall_s)
        selected = tuple(i for i, variable in enumerate(self.x) if solver.BooleanValue(variable))
        objective = sum(coefficients[i] for i in selected)
        if status == "optimal":
            bound = objective
        else:
            bound = int((solver.BestObjectiveBound() + len(virtual_rows)) // scale)
        value = sum(self.options[i].tiers[block.tiers[0]] for i in selected)
        return TierSolve(status, selected, objective, max(bound, objective), wall_s, value)


def default_workers() -> int:
    """Search workers to use by default: the machine's cores, at most four (the portfolio)."""
    return max(1, min(len(_PORTFOLIO), os.cpu_count() or 1))


def _solver(time_limit_s: float, workers: int, log_search_progress: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    solver.parameters.num_workers = max(1, workers)
    if workers <= 1:
        solver.parameters.linearization_level = 2  # the single worker is max_lp
    elif workers <= len(_PORTFOLIO):
        solver.parameters.subsolvers.extend(_PORTFOLIO[:workers])
    solver.parameters.log_search_progress = log_search_progress
    return solver
