"""``placement-planner allocate``: the joint allocation of open referrals, against the greedy baseline.

A thin adapter: loads the demo council (default) or CSV/xlsx files through the shortlist
command's loaders, calls ``matching.allocate.allocate`` and prints a table or JSON. Progress
goes to stderr. It records no decision.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from matching.allocate import allocate
from matching.allocation_result import AllocationResult
from matching.allocation_types import TIER_LABELS
from matching.cli import _demo_inputs, _fail, _file_inputs, _policy
from sufficiency.errors import FieldError, InputDataError

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def parse_pairing(text: str, option: str) -> tuple[str, str]:
    """``R:H`` -> (referral id, household id); ``InputDataError`` naming the option otherwise."""
    referral_id, sep, household_id = text.partition(":")
    if not sep or not referral_id.strip() or not household_id.strip():
        raise InputDataError(
            [
                FieldError(
                    option,
                    None,
                    None,
                    "not a pairing",
                    expected="REFERRAL_ID:HOUSEHOLD_ID, e.g. R2026-004:IH061",
                    actual=text,
                )
            ]
        )
    return referral_id.strip(), household_id.strip()


def _inputs(households: Path | None, referrals: Path | None, children: Path | None):
    if (households is None) != (referrals is None):
        raise InputDataError(
            ["--households and --referrals go together: give both, or neither for the demo council"]
        )
    return _demo_inputs() if households is None else _file_inputs(households, referrals, children)


def run_allocation(
    *,
    households=None,
    referrals=None,
    children=None,
    policy_path=None,
    as_of=None,
    pins=(),
    forbids=(),
    time_limit_s=10.0,
    explain=True,
    progress=None,
) -> AllocationResult:
    """Load the inputs and allocate the referrals open on ``as_of`` (the command's core)."""
    pin_pairs = [parse_pairing(p, "--pin") for p in pins]
    forbid_pairs = [parse_pairing(f, "--forbid") for f in forbids]
    inputs = _inputs(households, referrals, children)
    policy = _policy(policy_path, inputs)
    day = as_of or inputs.as_of
    open_referrals = [
        # A referral whose start date has passed is allocated as starting now.
        dataclasses.replace(r, start_date=day) if day is not None and r.start_date < day else r
        for r in inputs.referrals
        if r.status == "open" and (day is None or r.received_on <= day)
    ]
    homes = [
        h
        for h in inputs.households
        if day is None or h.deregistered_on is None or h.deregistered_on > day
    ]
    from matching.context import build_context

    if progress:
        progress(
            f"Locating {len(homes)} households and {len(open_referrals)} referrals' homes and schools"
        )
    context = build_context(homes, open_referrals, schools=inputs.schools)
    return allocate(
        open_referrals,
        homes,
        context,
        policy,
        pins=pin_pairs,
        forbids=forbid_pairs,
        time_limit_s=time_limit_s,
        explain=explain,
        progress=progress,
    )


def _score_note(result: AllocationResult) -> list[str]:
    """Why a lower weighted score can sit under better tiers (it is only compared last)."""
    joint, greedy = result.tiers.as_tuple(), result.greedy_tiers.as_tuple()
    if joint[-1] >= greedy[-1] or joint[0] <= greedy[0]:
        return []
    extra = joint[0] - greedy[0]
    return [
        f"The weighted score is lower than greedy's because the joint allocation places {extra} "
        "more child(ren): every placement adds its own score (often negative for distance and "
        "cost), and the tiers above come first."
    ]


def result_lines(result: AllocationResult) -> list[str]:
    """The result as text: status, tiers against greedy, the allocation and explanations."""
    lines = [f"Joint allocation: {result.status} ({result.seconds:.1f} s)", ""]
    lines.append(f"{'tier':42} {'joint':>8} {'greedy':>8} {'gain':>7}  proof")
    for label, outcome, joint, greedy in zip(
        TIER_LABELS,
        result.tier_outcomes,
        result.tiers.as_tuple(),
        result.greedy_tiers.as_tuple(),
        strict=True,
    ):
        proof = (
            "proven optimal"
            if outcome.status == "proven"
            else f"{outcome.status}, bound {outcome.bound}"
        )
        lines.append(f"{label:42} {joint:>8} {greedy:>8} {joint - greedy:>+7}  {proof}")
    lines += _score_note(result)
    lines += ["", "Allocation (referral -> household, children, score):"]
    for c in sorted(result.allocation, key=lambda c: (c.referral_id, c.household_id)):
        lines.append(
            f"  {c.referral_id:14} -> {c.household_id:10} {len(c.child_ids)} child(ren)  {c.score:>6}"
        )
    if result.unplaced:
        lines.append(f"Not placed: {', '.join(result.unplaced)}")
    if result.explanations:
        lines += ["", "Explanations:"] + [f"  {e.text}" for e in result.explanations]
    if result.messages or result.violations:
        lines += ["", *result.messages, *(f"CHECKER: {v}" for v in result.violations)]
    return lines


@click.command("allocate")
@click.option("--households", type=_FILE, help="households.csv/.xlsx (default: the demo council).")
@click.option("--referrals", type=_FILE, help="referrals.csv/.xlsx (with --households).")
@click.option("--children", type=_FILE, help="children.csv/.xlsx: children already placed.")
@click.option(
    "--policy",
    "policy_path",
    type=_FILE,
    help="A policy TOML file (default: matching/policy.toml).",
)
@click.option(
    "--pin",
    "pins",
    multiple=True,
    metavar="R:H",
    help="Require referral R in household H (repeatable).",
)
@click.option(
    "--forbid",
    "forbids",
    multiple=True,
    metavar="R:H",
    help="Rule out referral R in household H (repeatable).",
)
@click.option(
    "--time-limit-s",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds for the optimisation, all tiers together.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Allocate referrals open on this date (YYYY-MM-DD).",
)
@click.option("--no-explain", is_flag=True, help="Skip the explanations (faster on large pools).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def allocate_command(
    households,
    referrals,
    children,
    policy_path,
    pins,
    forbids,
    time_limit_s,
    as_of,
    no_explain,
    as_json,
) -> None:
    """Allocate every open referral to household vacancies at once, with OR-Tools CP-SAT.

    Tiers, each proven optimal before the next: most children placed; most sibling groups
    kept together; most children within the distance threshold; most children keeping their
    school; then the weighted score. Shown against first-come-first-served (greedy) placing.
    """
    say = None if as_json else (lambda text: click.echo(text, err=True))
    try:
        result = run_allocation(
            households=households,
            referrals=referrals,
            children=children,
            policy_path=policy_path,
            as_of=as_of.date() if as_of else None,
            pins=pins,
            forbids=forbids,
            time_limit_s=time_limit_s,
            explain=not no_explain,
            progress=say,
        )
    except InputDataError as exc:
        _fail(exc, as_json)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        for line in result_lines(result):
            click.echo(line)
    if result.status not in ("optimal", "feasible"):
        raise SystemExit(1)


COMMANDS: list[click.Command] = [allocate_command]
