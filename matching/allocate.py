"""Joint allocation of competing referrals to household vacancies, with the greedy baseline.

``allocate`` scores candidates like the shortlist, prunes them with a proof (or a reported
gap), optimises the tiers in order with OR-Tools CP-SAT, checks the answer without the
solver and explains each referral. It reads no files and never the clock's date.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence

from matching.allocation_candidates import build_instance, generate_candidates
from matching.allocation_checks import check_allocation
from matching.allocation_explain import explain_allocation
from matching.allocation_result import AllocationResult
from matching.allocation_solve import solve_lexicographic
from matching.allocation_types import AllocationInstance, Pairing, TierCounts
from matching.context import MatchContext, build_context
from matching.domain import Household, Referral, ReferralStatus
from matching.greedy import allocate_greedy
from matching.model import default_workers
from matching.options import options_for
from matching.policy import Policy, load_policy
from matching.rules import explain_failures
from sufficiency.errors import FieldError, InputDataError

Progress = Callable[[str], None]


def _check_pairings(
    referrals: Sequence[Referral],
    households: Sequence[Household],
    pins: Sequence[Pairing],
    forbids: Sequence[Pairing],
) -> None:
    """Every pinned or forbidden pairing must name an open referral and a known household."""
    referral_ids = {r.referral_id for r in referrals}
    household_ids = {h.household_id for h in households}
    errors: list[FieldError] = []
    for option, pairs in (("--pin", pins), ("--forbid", forbids)):
        for referral_id, household_id in pairs:
            if referral_id not in referral_ids:
                errors.append(
                    FieldError(
                        option,
                        None,
                        "referral",
                        "not an open referral",
                        expected="the id of an open referral",
                        actual=referral_id,
                    )
                )
            if household_id not in household_ids:
                errors.append(
                    FieldError(
                        option,
                        None,
                        "household",
                        "unknown household",
                        expected="the id of an approved household",
                        actual=household_id,
                    )
                )
    clash = sorted(set(pins) & set(forbids))
    errors += [
        FieldError("--pin", None, None, f"{r}:{h} is both pinned and forbidden") for r, h in clash
    ]
    if errors:
        raise InputDataError(errors, summary=f"{len(errors)} problem(s) with the pins and forbids")


def _pin_messages(
    instance: AllocationInstance,
    referrals: Sequence[Referral],
    households: Sequence[Household],
    policy: Policy,
) -> list[str]:
    """A message for each pin no candidate allows, with the hard rules the household fails."""
    offered = {(c.referral_id, c.household_id) for c in instance.candidates}
    by_referral = {r.referral_id: r for r in referrals}
    by_household = {h.household_id: h for h in households}
    messages = []
    for referral_id, household_id in sorted(instance.pins - offered):
        option = options_for(by_referral[referral_id])[0]
        reasons = [f.reason for f in explain_failures(by_household[household_id], option, policy)]
        detail = "; ".join(reasons) or "no part of the referral passes the hard rules there"
        messages.append(
            f"Pin {referral_id}:{household_id} cannot be honoured: {household_id} {detail}."
        )
    return messages


def allocate(
    referrals: Iterable[Referral],
    households: Sequence[Household],
    context: MatchContext | None = None,
    policy: Policy | None = None,
    *,
    pins: Iterable[Pairing] = (),
    forbids: Iterable[Pairing] = (),
    time_limit_s: float = 10.0,
    explain: bool | Iterable[str] = True,
    explain_time_limit_s: float = 30.0,
    workers: int | None = None,
    keep: int = 20,
    progress: Progress | None = None,
    log_search_progress: bool = False,
) -> AllocationResult:
    """Assign open referrals to household vacancies at once, best tiers first.

    Parameters
    ----------
    referrals : the referrals; only open ones are allocated.
    households : approved households (vacancies are approved places minus children placed).
    context : located households, homes and schools (built with ``build_context`` if None).
    policy : weights and rule settings (the packaged ``matching/policy.toml`` if None).
    pins, forbids : (referral id, household id) pairings an officer requires or rules out.
    time_limit_s : budget for the optimisation, all tiers together [s].
    explain : True for every referral, False for none, or the referral ids to explain.
    explain_time_limit_s : budget shared by the explanations' re-solves [s].
    workers : CP-SAT search workers (default: the machine's cores, at most four; more than
        the cores slows the search down).
    keep : candidates first kept per referral part before pruning proofs add more.
    progress : called with one-line progress messages.

    Returns
    -------
    AllocationResult
        Rules, in priority order: most children placed; most sibling groups kept together;
        most children within the distance threshold; most children keeping their school;
        highest weighted score. Hard rules: the shortlist's, plus shared vacancies, the usual
        limit of fostered children, compatibility between referrals and split parts apart.

    Raises
    ------
    InputDataError
        When a pin or forbid names an unknown referral or household.
    """
    started = time.perf_counter()
    say = progress or (lambda message: None)
    policy = policy or load_policy()
    households = tuple(households)
    open_referrals = [r for r in referrals if r.status == ReferralStatus.OPEN]
    pins, forbids = tuple(pins), tuple(forbids)
    _check_pairings(open_referrals, households, pins, forbids)
    if context is None or not context.matches(households):
        context = build_context(households, open_referrals)
    say(f"scoring {len(open_referrals)} open referrals against {len(households)} households")
    candidates = generate_candidates(open_referrals, context, policy)
    instance = build_instance(
        open_referrals, households, candidates, policy, pins=pins, forbids=forbids
    )
    return allocate_instance(
        instance,
        time_limit_s=time_limit_s,
        explain=explain,
        explain_time_limit_s=explain_time_limit_s,
        workers=workers,
        keep=keep,
        progress=progress,
        log_search_progress=log_search_progress,
        notes=_pin_messages(instance, open_referrals, households, policy),
        started=started,
    )


def allocate_instance(
    instance: AllocationInstance,
    *,
    time_limit_s: float = 10.0,
    explain: bool | Iterable[str] = True,
    explain_time_limit_s: float = 30.0,
    workers: int | None = None,
    keep: int = 20,
    progress: Progress | None = None,
    log_search_progress: bool = False,
    notes: Sequence[str] = (),
    started: float | None = None,
) -> AllocationResult:
    """``allocate`` over an already-built instance (candidates scored); same result."""
    started = time.perf_counter() if started is None else started
    say = progress or (lambda message: None)
    workers = workers or default_workers()
    greedy = allocate_greedy(instance)
    # The baseline is judged on the rules only: officers' pins are the optimiser's input.
    greedy_check = check_allocation(dataclasses.replace(instance, pins=frozenset()), greedy)
    say(f"greedy baseline: {greedy_check.tiers.children_placed} children placed")
    outcome = solve_lexicographic(
        instance,
        greedy,
        time_limit_s=time_limit_s,
        workers=workers,
        keep=keep,
        progress=say,
        log_search_progress=log_search_progress,
    )
    check = check_allocation(instance, outcome.allocation)
    explanations = ()
    if explain and outcome.status in ("optimal", "feasible"):
        wanted = None if explain is True else list(explain)  # type: ignore[arg-type]
        say("explaining each referral (re-solving with its best alternative forced in)")
        explanations = explain_allocation(
            instance,
            outcome.allocation,
            referral_ids=wanted,
            time_limit_s=explain_time_limit_s,
            workers=workers,
            keep=keep,
        )
    placed = {c.referral_id for c in outcome.allocation}
    return AllocationResult(
        status=outcome.status,
        allocation=outcome.allocation,
        tiers=check.tiers if outcome.allocation else TierCounts(),
        tier_outcomes=outcome.tiers,
        greedy_allocation=greedy,
        greedy_tiers=greedy_check.tiers,
        violations=check.violations,
        greedy_violations=greedy_check.violations,
        explanations=explanations,
        unplaced=tuple(u.referral_id for u in instance.referrals if u.referral_id not in placed),
        pruning=outcome.pruning,
        messages=(*notes, *outcome.messages),
        seconds=time.perf_counter() - started,
    )
