"""``placement-planner rank``: the explained shortlist for one referral, as a table or JSON.

A thin adapter: reads the inputs (the demo council by default, or CSV/xlsx files), builds
the matching context once, calls ``matching.shortlist.rank`` and prints. Contributes
``COMMANDS``; recording a decision is the store's command, not this one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import click

from matching.context import build_context
from matching.domain import Household, Referral
from matching.policy import Policy, load_policy
from matching.shortlist import Shortlist, rank, why_not
from matching.shortlist_report import shortlist_dict, shortlist_lines, why_not_dict
from sufficiency.errors import InputDataError

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class _Inputs:
    """Households, referrals, schools and defaults, from the demo council or from files."""

    def __init__(self, households, referrals, schools, la_code: str, as_of: dt.date | None):
        self.households: tuple[Household, ...] = tuple(households)
        self.referrals: tuple[Referral, ...] = tuple(referrals)
        self.schools = schools
        self.la_code = la_code
        self.as_of = as_of


def _demo_inputs() -> _Inputs:
    try:
        from sufficiency.demo_council import DEMO_AS_OF, build_demo_council
    except ImportError as exc:  # the demo council is a separate module; say what to do
        raise InputDataError(
            [
                "the demo council is not available in this installation: "
                "pass --households and --referrals files"
            ]
        ) from exc
    council = build_demo_council()
    la_code = str(getattr(council, "la_code", "") or "")
    return _Inputs(
        council.households,
        council.referrals,
        getattr(council, "schools", None),
        la_code,
        DEMO_AS_OF,
    )


def _file_inputs(households: Path, referrals: Path, children: Path | None) -> _Inputs:
    from matching.carers_csv import read_households
    from matching.referrals_csv import read_referrals

    homes = list(read_households(households).items)
    if children is not None:
        homes = _with_placed_children(homes, children)
    return _Inputs(homes, read_referrals(referrals).items, None, "", None)


def _with_placed_children(households: list[Household], path: Path) -> list[Household]:
    """Attach the children placed in each household (children.csv ``household_id``)."""
    from matching.children_csv import read_children
    from matching.domain import PlacedChild

    placed: dict[str, list[PlacedChild]] = {}
    for child in read_children(path).items:
        if child.household_id:
            placed.setdefault(child.household_id, []).append(
                PlacedChild(
                    child.child_id,
                    child.date_of_birth,
                    child.sibling_group,
                    child.poses_risk_to_younger,
                )
            )
    errors = []
    result = []
    for household in households:
        children = tuple(placed.get(household.household_id, ()))
        if len(children) > household.approved_places:
            errors.append(
                f"{path.name}: household {household.household_id} has {len(children)} "
                f"children placed but {household.approved_places} approved places"
            )
            continue
        result.append(dataclasses.replace(household, placed_children=children))
    if errors:
        raise InputDataError(errors)
    return result


def _find_referral(inputs: _Inputs, referral_id: str, as_of: dt.date | None) -> Referral:
    for referral in inputs.referrals:
        if referral.referral_id == referral_id:
            if as_of is not None and referral.start_date < as_of:
                return dataclasses.replace(referral, start_date=as_of)  # already due: rank for now
            return referral
    open_ids = ", ".join(r.referral_id for r in inputs.referrals if r.status == "open") or "none"
    raise InputDataError(
        [f'referral "{referral_id}" is not in the referrals (open referrals: {open_ids})']
    )


def _policy(path: Path | None, inputs: _Inputs) -> Policy:
    policy = load_policy(path)
    if not policy.council_la_code and inputs.la_code:
        policy = dataclasses.replace(policy, council_la_code=inputs.la_code)
    return policy


def build_shortlist(
    referral_id: str,
    *,
    households: Path | None = None,
    referrals: Path | None = None,
    children: Path | None = None,
    policy_path: Path | None = None,
    as_of: dt.date | None = None,
    length: int | None = None,
    progress=None,
) -> Shortlist:
    """Load the inputs, build the context once and rank one referral (the command's core)."""
    if (households is None) != (referrals is None):
        raise InputDataError(
            ["--households and --referrals go together: give both, or neither for the demo council"]
        )
    inputs = _demo_inputs() if households is None else _file_inputs(households, referrals, children)
    policy = _policy(policy_path, inputs)
    referral = _find_referral(inputs, referral_id, as_of or inputs.as_of)
    inputs.households = tuple(  # households deregistered by the start are not considered
        h
        for h in inputs.households
        if h.deregistered_on is None or h.deregistered_on > referral.start_date
    )
    if progress:
        progress(
            f"Locating {len(inputs.households)} households and the referral's home and schools"
        )
    context = build_context(inputs.households, [referral], schools=inputs.schools)
    if progress:
        progress(f"Ranking {len(inputs.households)} households for referral {referral.referral_id}")
    return rank(referral, inputs.households, context, policy, length=length)


@click.command("rank")
@click.argument("referral_id")
@click.option("--households", type=_FILE, help="households.csv/.xlsx (default: the demo council).")
@click.option("--referrals", type=_FILE, help="referrals.csv/.xlsx (with --households).")
@click.option("--children", type=_FILE, help="children.csv/.xlsx: children already placed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--why-not",
    "why_not_ids",
    multiple=True,
    metavar="HOUSEHOLD_ID",
    help="Also explain where this household stands (repeatable).",
)
@click.option(
    "--policy",
    "policy_path",
    type=_FILE,
    help="A policy TOML file (default: matching/policy.toml).",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Rank as on this date when the referral's start date has passed (YYYY-MM-DD).",
)
@click.option("--length", type=click.IntRange(min=1), help="Households shown per option.")
@click.option(
    "--all-unsuitable", is_flag=True, help="List every unsuitable household, not the first 20."
)
def rank_command(
    referral_id,
    households,
    referrals,
    children,
    as_json,
    why_not_ids,
    policy_path,
    as_of,
    length,
    all_unsuitable,
) -> None:
    """Rank the foster households for REFERRAL_ID: tiers, scores, reasons, and "not suitable".

    Hard rules first (age range, placement kind, vacancies, usual limit, essential needs,
    availability, sibling-group size, compatibility, connected carers); then tiers (siblings
    together; within the distance threshold and inside the council's area; school continuity;
    connected carers first); then the weighted score from the policy file.
    """
    try:
        shortlist = build_shortlist(
            referral_id,
            households=households,
            referrals=referrals,
            children=children,
            policy_path=policy_path,
            as_of=as_of.date() if as_of else None,
            length=length,
            progress=None if as_json else lambda text: click.echo(text, err=True),
        )
        explained = [why_not(shortlist, h) for h in why_not_ids]
    except (InputDataError, KeyError) as exc:
        _fail(exc, as_json)
    limit = None if all_unsuitable else 20
    if as_json:
        body = shortlist_dict(shortlist, unsuitable_limit=None)
        body["why_not"] = [why_not_dict(w) for w in explained]
        click.echo(json.dumps(body, indent=2))
        return
    for line in shortlist_lines(shortlist, unsuitable_limit=limit):
        click.echo(line)
    for item in explained:
        click.echo(f"\nWhy not {item.household_id}? {item.sentence}")


def _fail(exc: Exception, as_json: bool) -> None:
    errors = [str(e) for e in getattr(exc, "errors", [])] or [str(exc.args[0] if exc.args else exc)]
    if as_json:
        click.echo(json.dumps({"ok": False, "errors": errors, "status": 400}, indent=2))
    for error in errors:
        click.echo(f"Error: {error}", err=True)
    raise SystemExit(2)


COMMANDS: list[click.Command] = [rank_command]
