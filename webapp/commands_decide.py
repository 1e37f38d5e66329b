"""The ``decide`` command (part of ``webapp.commands``): a placement decision from the shell.

As on the referral page, the choice is checked against a fresh shortlist with
``matching.decisions.decide``: the household's rank, whether it is beyond the distance
threshold and whether it is outside the council's area are worked out, not typed, and a
reason is required when it is not first, is beyond the threshold or is out of area. Then
``Store.record_decision`` places the children if the household still has room.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import click

from matching.domain import Decision, Referral, ReferralStatus
from sufficiency.errors import FieldError, InputDataError
from webapp.commands_common import _echo, _fail_input, _open, database_option, json_option
from webapp.store import Store, StoreError, UnknownRecordError


def web_settings() -> dict[str, object]:
    """The web app's settings (defaults, then ``instance/settings.toml``) without building it,
    so the shortlist uses the same distance line, shortlist length, council and date."""
    from flask import Flask

    from webapp import settings

    config = settings.defaults()
    path = Path(Flask("webapp", instance_relative_config=True).instance_path) / "settings.toml"
    if path.exists():
        with path.open("rb") as handle:
            config.update({k.upper(): v for k, v in tomllib.load(handle).items()})
    problems = settings.check(config)
    if problems:
        raise click.UsageError(f"{path}: " + "; ".join(problems))
    config["AS_OF"] = settings.parse_as_of(config["AS_OF"])
    return config


def _when(text: str | None) -> dt.datetime:
    """``--at`` (UTC, as the web app records), or now in UTC, to the second."""
    if not text:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    from matching.tabular_cells import parse_datetime

    try:
        return parse_datetime(text.strip())
    except ValueError:
        raise InputDataError(
            [FieldError("decision", None, "at", "is not a date and time",
                        expected="yyyy-mm-dd hh:mm", actual=text)]
        ) from None  # fmt: skip


def _not_yet_placed(store: Store, referral: Referral) -> list[str] | None:
    """The children earlier decisions have not placed (None: the whole group)."""
    decisions = store.list_decisions(referral_id=referral.referral_id)
    placed = {child for decision in decisions for child in decision.child_ids}
    if not placed:
        return None
    return [c.child_id for c in referral.children if c.child_id not in placed]


def check_decision(store: Store, referral_id: str, household_id: str, **values: Any) -> Decision:
    """The decision, checked against a fresh shortlist (``matching.decisions.decide``).

    Raises
    ------
    InputDataError
        Unknown referral, unknown or unsuitable household, children that are not the group
        or an allowed part, no officer, or no reason where one is required.
    StoreError
        The referral is no longer open.
    """
    from matching.decisions import decide as build_decision
    from webapp.sources import DataSource

    decided_at = _when(values.get("decided_at"))
    try:
        referral = store.get_referral(referral_id)
    except UnknownRecordError as error:
        raise InputDataError([FieldError("decision", None, "referral_id", str(error))]) from None
    if referral.status != ReferralStatus.OPEN:
        raise StoreError(f"referral {referral_id} is {referral.status.value}, not open")
    data = DataSource(store, web_settings())
    chosen = list(values.get("child_ids") or ()) or _not_yet_placed(store, referral)
    return build_decision(
        data.shortlist(referral),
        household_id,
        decided_by=str(values.get("decided_by") or ""),
        decided_at=decided_at,
        reason=str(values.get("reason") or ""),
        child_ids=chosen,
    )


@click.command("decide")
@click.argument("referral_id")
@click.argument("household_id")
@click.option("--by", "decided_by", required=True, help="The officer making the decision.")
@click.option(
    "--reason",
    default="",
    help="Why: required when the household is not first on the shortlist, is beyond the "
    "distance threshold or is outside the council's area.",
)
@click.option(
    "--child",
    "child_ids",
    multiple=True,
    help="Place only this child (repeat; an allowed part of a split). "
    "Default: every child not yet placed.",
)
@click.option("--at", "decided_at", help="When decided, UTC (yyyy-mm-dd hh:mm; default: now).")
@database_option
@json_option
def decide(
    referral_id: str, household_id: str, database: str | None, as_json: bool, **values: Any
) -> None:
    """Record a placement decision, checked against the referral's shortlist now."""
    from webapp import audit
    from webapp.commands import _decision_entry

    store = _open(database)
    try:
        decision = check_decision(store, referral_id, household_id, **values)
        recorded = store.record_decision(decision)
    except InputDataError as error:
        count = len(error.errors)
        summary = f"Not recorded: decision on referral {referral_id}: {count} problem(s)"
        _fail_input(InputDataError(error.errors, summary), as_json)
    except (UnknownRecordError, ValueError) as error:
        _fail_input(InputDataError([str(error)]), as_json)
    except StoreError as error:
        refused = Decision(
            referral_id=referral_id,
            household_id=household_id,
            decided_by=values["decided_by"].strip() or "unknown",
            decided_at=_when(values.get("decided_at")),
            reason=values["reason"] or "",
        )
        audit.record(store, _decision_entry(refused, "record-decision-refused", str(error)))
        click.echo(f"Not recorded: {error}", err=True)
        raise SystemExit(1) from None
    audit.record(store, _decision_entry(recorded, "record-decision", ""))
    _echo(as_json, _as_data(recorded), _sentence(recorded))


def _as_data(decision: Decision) -> dict[str, object]:
    return {
        "referral_id": decision.referral_id,
        "household_id": decision.household_id,
        "child_ids": list(decision.child_ids),
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat(" "),
        "shortlist_rank": decision.shortlist_rank,
        "beyond_threshold": decision.beyond_threshold,
        "out_of_area": decision.out_of_area,
        "reason": decision.reason,
    }


def _sentence(decision: Decision) -> str:
    notes = [f"rank {decision.shortlist_rank} on the shortlist"]
    notes += ["beyond the distance threshold"] if decision.beyond_threshold else []
    notes += ["outside the council's area"] if decision.out_of_area else []
    return (
        f"Recorded: {', '.join(decision.child_ids)} of referral {decision.referral_id} placed "
        f"with household {decision.household_id} by {decision.decided_by} ({'; '.join(notes)})."
    )
