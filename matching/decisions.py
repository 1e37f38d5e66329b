"""Pure placement decisions: build and validate a ``Decision`` from a shortlist, apply it.

A reason is required when the chosen household is not the top of the shortlist, is beyond
the distance threshold, or is outside the council's area. Persisting the decision (who and
when, kept for ever) is the store's job (``webapp.store.Store.record_decision``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from matching.domain import Decision, Household, PlacedChild, Referral
from matching.shortlist import Shortlist, why_not
from sufficiency.domain import ChildId
from sufficiency.errors import FieldError, InputDataError

_SOURCE = "decision"


def decide(
    shortlist: Shortlist,
    household_id: str,
    *,
    decided_by: str,
    decided_at: dt.datetime,
    reason: str = "",
    child_ids: Sequence[str] | None = None,
) -> Decision:
    """The officer's decision to place (part of) the referral with a household.

    ``child_ids`` defaults to the whole group; give a part of an allowed split to place only
    those children. The rank, distance and area flags are taken from the shortlist.

    Raises
    ------
    InputDataError
        When the household is unknown, fails a hard rule for these children, the children
        are not the whole group or an allowed part, nobody is named as the decision maker,
        or a required reason is missing; every problem is listed.
    """
    referral = shortlist.referral
    chosen = tuple(child_ids) if child_ids else tuple(c.child_id for c in referral.children)
    verdict = _verdict_for(shortlist, household_id, chosen)
    errors = _decision_errors(verdict, chosen, decided_by)
    if errors:
        raise InputDataError(
            errors, summary=f"decision for referral {referral.referral_id} not valid"
        )
    item = verdict.breakdown
    try:
        return Decision(
            referral_id=referral.referral_id,
            household_id=item.household_id,
            decided_by=decided_by.strip(),
            decided_at=decided_at,
            reason=reason.strip(),
            child_ids=tuple(ChildId(c) for c in chosen),
            shortlist_rank=verdict.rank,
            beyond_threshold=item.beyond_threshold,
            out_of_area=not item.in_area,
        )
    except ValueError as exc:
        raise InputDataError(
            [
                FieldError(
                    _SOURCE,
                    None,
                    "reason",
                    str(exc).split(": ", 1)[-1],
                    expected=_why_reason_needed(verdict.rank, item),
                )
            ]
        ) from exc


def _verdict_for(shortlist: Shortlist, household_id: str, chosen: tuple[str, ...]):
    """The why-not verdict for the option placing exactly ``chosen`` (None: not an option)."""
    try:
        verdicts = why_not(shortlist, household_id).verdicts
    except KeyError as exc:
        raise InputDataError([FieldError(_SOURCE, None, "household_id", str(exc.args[0]))]) from exc
    for verdict, children in zip(verdicts, _option_children(shortlist), strict=True):
        if children == set(chosen):
            return verdict
    return None


def _option_children(shortlist: Shortlist) -> list[set[str]]:
    from matching.options import options_for

    return [set(option.child_ids) for option in options_for(shortlist.referral)]


def _decision_errors(verdict, chosen: tuple[str, ...], decided_by: str) -> list[FieldError]:
    errors = []
    if not decided_by.strip():
        errors.append(
            FieldError(_SOURCE, None, "decided_by", "who made the decision must be recorded")
        )
    if verdict is None:
        errors.append(
            FieldError(
                _SOURCE,
                None,
                "child_ids",
                f"{', '.join(chosen)} is neither the whole group nor a part of an allowed split",
                expected="the whole group or one allowed part",
            )
        )
    elif not verdict.suitable:
        errors += [
            FieldError(
                _SOURCE,
                None,
                "household_id",
                f"the household is not suitable: {f.reason}",
                rule=f.code,
            )
            for f in verdict.failures
        ]
    return errors


def _why_reason_needed(rank: int | None, item) -> str:
    why = []
    if rank != 1:
        why.append(f"it is ranked {rank}, not first")
    if item.beyond_threshold:
        why.append(f"it is {item.miles_from_home:.1f} miles from home, beyond the threshold")
    if not item.in_area:
        why.append("it is outside the council's area")
    return "a reason, because " + " and ".join(why)


def apply_decision(household: Household, referral: Referral, decision: Decision) -> Household:
    """The household with the decision's children added to its placed children.

    Raises
    ------
    InputDataError
        When the decision is for another household or referral, names a child not in the
        referral, or there are not enough vacancies.
    """
    ids = decision.child_ids or tuple(c.child_id for c in referral.children)
    errors = _apply_errors(household, referral, decision, ids)
    if errors:
        raise InputDataError(errors)
    placed = tuple(
        PlacedChild(
            child_id=child.child_id,
            date_of_birth=child.date_of_birth,
            sibling_group=str(referral.referral_id),
            poses_risk_to_younger=child.poses_risk_to_younger,
        )
        for child in referral.children
        if child.child_id in ids
    )
    return dataclasses.replace(household, placed_children=household.placed_children + placed)


def _apply_errors(
    household: Household, referral: Referral, decision: Decision, ids: tuple[str, ...]
) -> list[FieldError]:
    errors = []
    if decision.household_id != household.household_id:
        errors.append(
            FieldError(
                _SOURCE,
                None,
                "household_id",
                f"decision is for {decision.household_id}, not {household.household_id}",
            )
        )
    if decision.referral_id != referral.referral_id:
        errors.append(
            FieldError(
                _SOURCE,
                None,
                "referral_id",
                f"decision is for {decision.referral_id}, not {referral.referral_id}",
            )
        )
    known = {c.child_id for c in referral.children}
    errors += [
        FieldError(
            _SOURCE, None, "child_ids", f"child {c} is not in referral {referral.referral_id}"
        )
        for c in ids
        if c not in known
    ]
    if len(ids) > household.vacancies:
        errors.append(
            FieldError(
                _SOURCE,
                None,
                "child_ids",
                f"{len(ids)} children but household {household.household_id} has "
                f"{household.vacancies} vacant place(s)",
            )
        )
    return errors
