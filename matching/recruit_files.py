"""Adapter: a council's own files for recruitment targeting: SSDA903 returns, households,
children placed, referrals and decisions, read with the importers' readers.

Every file's problems are collected and raised together (one ``InputDataError`` naming file,
row and field). The demo council's inputs are in ``matching.recruit_data``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from matching.domain import Household, PlacedChild
from matching.recruit_data import RecruitInputs, inputs_from
from sufficiency.errors import FieldError, InputDataError
from sufficiency.history import History

Report = Callable[[str], None]


def file_inputs(
    ssda903: Sequence[Path],
    households: Path,
    as_of: dt.date | None = None,
    la_code: str = "",
    policy_path: Path | None = None,
    progress: Report | None = None,
    referrals: Path | None = None,
    decisions: Path | None = None,
    children: Path | None = None,
) -> RecruitInputs:
    """A council's own SSDA903 files (with HOME_POST and PL_POST) and households CSV/xlsx,
    with its referrals, decisions and children (who lives where now: the households'
    vacancies) files when given. Every file's problems are raised together."""
    from matching.carers_csv import read_households
    from matching.decisions_csv import read_decisions
    from matching.referrals_csv import read_referrals
    from sufficiency.ssda903 import read_ssda903

    say = progress or (lambda message: None)
    say("reading the SSDA903 files")
    errors: list = []
    history = _collect(errors, read_ssda903, list(ssda903))
    homes = _collect(errors, read_households, households)
    cases = _collect(errors, read_referrals, referrals) if referrals else None
    decided = _collect(errors, read_decisions, decisions) if decisions else None
    placed = _collect(errors, _placed_children, children) if children else {}
    if errors:
        raise InputDataError(errors)
    homes = _with_placed(homes.items, placed, children)
    as_of = as_of or history.extract_date
    la_code = la_code or _commonest_la(history)
    name = _la_name(la_code)
    inputs = inputs_from(history, homes, as_of, la_code, name, policy_path, "files")
    return dataclasses.replace(
        inputs,
        referrals=tuple(cases.items) if cases else (),
        decisions=tuple(decided.items) if decided else (),
    )


def _collect(errors: list, read: Callable, *args):
    """``read(*args)``, or None with its problems added to ``errors``."""
    try:
        return read(*args)
    except InputDataError as error:
        errors.extend(error.errors)
        return None


def _la_name(la_code: str) -> str:
    """The LA's name for the words ("anywhere in Haringey"); a neutral phrase if unknown."""
    from matching.geo import Gazetteer

    try:
        return (
            Gazetteer.default().local_authority(la_code).la_name
            if la_code
            else "the council's area"
        )
    except KeyError:
        return f"LA {la_code}"


def _commonest_la(history: History) -> str:
    """The LA most children's homes are in: the council's own area when none is given."""
    from matching.geo import Gazetteer

    gazetteer = Gazetteer.default()
    found: Counter[str] = Counter()
    for child in history.children:
        for episode in child.episodes[:1]:
            try:
                found[gazetteer.locate(episode.home_postcode).la_code] += 1
            except ValueError:
                continue
    found.pop("", None)
    return found.most_common(1)[0][0] if found else ""


def _placed_children(path: Path) -> dict[str, list[PlacedChild]]:
    """children.csv: the children placed in each household (``household_id``)."""
    from matching.children_csv import read_children

    placed: dict[str, list[PlacedChild]] = {}
    for child in read_children(path).items:
        if child.household_id:
            placed.setdefault(child.household_id, []).append(child.as_placed_child())
    return placed


def _with_placed(
    households: Sequence[Household], placed: dict[str, list[PlacedChild]], path: Path | None
) -> tuple[Household, ...]:
    """The households with their children placed now (their vacancies for open referrals)."""
    errors, result = [], []
    for household in households:
        children = tuple(placed.get(household.household_id, ()))
        if len(children) > household.approved_places:
            errors.append(
                FieldError(
                    path.name if path else "children",
                    None,
                    "household_id",
                    f"household {household.household_id} has {len(children)} children placed "
                    f"but {household.approved_places} approved places",
                )
            )
            continue
        result.append(dataclasses.replace(household, placed_children=children))
    if errors:
        raise InputDataError(errors)
    return tuple(result)
