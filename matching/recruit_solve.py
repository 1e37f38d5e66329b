"""Solving the recruitment models: two priorities in order, in one CP-SAT solve when exact.

Both the coverage model and the replay maximise children first, then value. With a weight on
the first priority larger than any difference the second can make, one solve gives the same
optimum as two (half the solver calls); when the weighted objective would not stay exact in
floating point, it falls back to two solves. All three solve outcomes are handled and logged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

logger = logging.getLogger(__name__)
#: Largest objective CP-SAT's linear relaxation still holds exactly (a double's mantissa).
EXACT_OBJECTIVE_LIMIT = 2**52


def first_priority_weight(values_by_unit: Iterable[tuple[object, int]]) -> int:
    """A weight that makes one more unit of the first priority worth more than any change in
    the second: 2 x (sum over units of their largest |value|) + 1, where each unit (a referral)
    contributes the value of at most one of its choices."""
    largest: dict[object, int] = {}
    for unit, value in values_by_unit:
        largest[unit] = max(largest.get(unit, 0), abs(int(value)))
    return 2 * sum(largest.values()) + 1


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a two-priority solve ended: its status and the proven ceiling on the first priority."""

    status: str
    """"optimal", "feasible" (time limit: best found), "unknown" or "model_invalid"."""
    first_bound: int | None = None
    """No solution has more of the first priority than this (None: nothing proven)."""


def solve_once(
    model: cp_model.CpModel, time_limit_s: float, workers: int, what: str, gap: float = 0.0
) -> tuple[cp_model.CpSolver, str]:
    """One solve: the solver and "optimal", "feasible", "unknown" or "model_invalid".

    ``gap``: stop as "optimal" once the objective is within this fraction of the bound.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = gap
    # Presolve spends longer on these models' many small overlap rows than the search does.
    solver.parameters.cp_model_presolve = False
    status = solver.Solve(model)
    if status == cp_model.OPTIMAL:
        return solver, "optimal"
    if status == cp_model.FEASIBLE:
        return solver, "feasible"
    if status == cp_model.MODEL_INVALID:
        logger.error("%s model invalid: %s", what, model.Validate())  # a bug, not bad input
        return solver, "model_invalid"
    logger.warning("%s: %s within %.1f s", what, solver.StatusName(status), time_limit_s)
    return solver, "unknown"


def run(
    model: cp_model.CpModel, time_limit_s: float, workers: int, what: str
) -> tuple[cp_model.CpSolver | None, str]:
    """One solve: the solver and "optimal"/"feasible", or None and "unknown"/"model_invalid"."""
    solver, status = solve_once(model, time_limit_s, workers, what)
    return (solver if status in ("optimal", "feasible") else None), status


def _ceiling(solver: cp_model.CpSolver, status: str, weight: int, floor: int) -> int | None:
    """The proven most of the first priority, from the solver's bound B on ``first * weight +
    second`` with ``second >= floor``: any solution has first <= (B - floor) / weight."""
    if status == "model_invalid":
        return None
    bound = solver.BestObjectiveBound()
    if not math.isfinite(bound):
        return None
    return math.floor((bound - floor) / weight + 1e-9)


def maximise_in_order(
    model: cp_model.CpModel,
    first: cp_model.LinearExpr,
    second: cp_model.LinearExpr,
    *,
    weight: int,
    first_bound: int,
    variables: Sequence[cp_model.IntVar],
    time_limit_s: float,
    workers: int,
    what: str,
    one_solve: bool = True,
    second_floor: int | None = None,
    gap: float = 0.0,
) -> tuple[cp_model.CpSolver | None, Outcome]:
    """Most ``first``, then (holding it) most ``second``.

    ``weight`` comes from ``first_priority_weight``; ``first_bound`` is the most ``first``
    can be. One weighted solve when ``weight * first_bound`` plus the second priority stays
    below ``EXACT_OBJECTIVE_LIMIT``; otherwise two solves, the second hinted with the first's
    answer (if the second finds nothing in time, the first's answer stands, as "feasible").
    ``one_solve=False`` always takes two solves (faster when the first priority alone is an
    easy packing problem and the weighted one is not, as in the replay). The outcome carries
    the solver's proven ceiling on ``first``, using ``second_floor`` (the least ``second``
    can be; ``-(weight - 1) / 2`` if None). ``gap``: a one-solve answer within this fraction
    of the solver's bound counts as optimal (the ceiling stays what the bound proves).
    """
    if one_solve and weight * (first_bound + 1) < EXACT_OBJECTIVE_LIMIT:
        model.Maximize(first * weight + second)
        solver, status = solve_once(model, time_limit_s, workers, what, gap)
        floor = -((weight - 1) // 2) if second_floor is None else second_floor
        outcome = Outcome(status, _ceiling(solver, status, weight, floor))
        return (solver if status in ("optimal", "feasible") else None), outcome
    model.Maximize(first)
    solver, status = solve_once(model, time_limit_s, workers, what)
    ceiling = _ceiling(solver, status, 1, 0)
    if status not in ("optimal", "feasible"):
        return None, Outcome(status, ceiling)
    best = round(solver.ObjectiveValue())
    model.ClearHints()
    for var in variables:
        model.AddHint(var, solver.Value(var))
    # Holding the best first priority while the second is optimised.
    model.Add(first >= best)
    model.Maximize(second)
    again, again_status = run(model, time_limit_s, workers, what)
    if again is None:
        return solver, Outcome("feasible", ceiling)
    both = "optimal" if status == again_status == "optimal" else "feasible"
    return again, Outcome(both, ceiling)
