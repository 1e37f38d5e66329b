"""Adapter: the data recruitment targeting runs on, from the demo council or a council's files.

Reads the SSDA903 history (``sufficiency.ssda903``), the households, the unit costs
(``sufficiency.costs``) and the packaged postcodes (``matching.geo``), and hands the engines
plain domain objects: past referrals, district anchor postcodes, a policy with the council's area.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matching.domain import Household, ProviderType
from matching.gaps import PastReferral
from matching.gaps_history import rebuild_referrals
from matching.policy import Policy, load_policy
from sufficiency.domain import PlacementType
from sufficiency.errors import InputDataError
from sufficiency.history import History

Report = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RecruitInputs:
    """Everything ``recommend_recruitment`` needs, with where it came from."""

    history: History
    households: tuple[Household, ...]
    as_of: dt.date
    la_code: str
    area_name: str
    policy: Policy
    unit_costs_gbp: dict[PlacementType, float]
    source: str


def demo_inputs(
    as_of: dt.date | None = None, policy_path: Path | None = None, progress: Report | None = None
) -> RecruitInputs:
    """The built-in synthetic demo council (``sufficiency.demo_council``)."""
    try:
        from sufficiency.demo_council import build_demo_council, write_demo_files
    except ImportError as exc:
        raise InputDataError(
            [
                "the demo council is not available in this installation: pass --ssda903 "
                "and --households"
            ]
        ) from exc
    from sufficiency.ssda903 import read_ssda903

    say = progress or (lambda message: None)
    say("building the demo council")
    council = build_demo_council()
    as_of = as_of or council.as_of
    with tempfile.TemporaryDirectory() as folder:
        write_demo_files(folder, council)
        say("reading its SSDA903 history")
        history = read_ssda903(Path(folder) / "ssda903", extract_date=council.as_of)
    return _inputs(
        history,
        council.households,
        as_of,
        council.la_code,
        f"{council.la_name}",
        policy_path,
        "demo council",
    )


def file_inputs(
    ssda903: Sequence[Path],
    households: Path,
    as_of: dt.date | None = None,
    la_code: str = "",
    policy_path: Path | None = None,
    progress: Report | None = None,
) -> RecruitInputs:
    """A council's own SSDA903 files (with HOME_POST and PL_POST) and households CSV/xlsx."""
    from matching.carers_csv import read_households
    from sufficiency.ssda903 import read_ssda903

    say = progress or (lambda message: None)
    say("reading the SSDA903 files")
    history = read_ssda903(list(ssda903))
    homes = tuple(read_households(households).items)
    as_of = as_of or history.extract_date
    la_code = la_code or _commonest_la(history)
    name = _la_name(la_code)
    return _inputs(history, homes, as_of, la_code, name, policy_path, "files")


def _inputs(history, households, as_of, la_code, area_name, policy_path, source) -> RecruitInputs:
    from sufficiency.costs import load_unit_costs

    policy = load_policy(policy_path)
    if la_code and not policy.council_la_code:
        policy = dataclasses.replace(policy, council_la_code=str(la_code))
    costs = load_unit_costs()
    unit_costs = {p: costs.weekly_cost_gbp(p) for p in costs.costs}
    return RecruitInputs(
        history, tuple(households), as_of, str(la_code), area_name, policy, unit_costs, source
    )


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


def postcode_miles() -> Callable[[str, str], float | None]:
    """Straight-line miles between two postcodes (``None`` when either cannot be located)."""
    from matching.geo import Gazetteer
    from matching.location import distance_miles

    gazetteer = Gazetteer.default()

    def miles(a: str, b: str) -> float | None:
        try:
            return distance_miles(gazetteer.locate(a), gazetteer.locate(b))
        except ValueError:
            return None

    return miles


def past_referrals(inputs: RecruitInputs, years: float) -> tuple[PastReferral, ...]:
    """The history's placements in the last ``years``, as past referrals with costs."""
    return rebuild_referrals(
        inputs.history.children,
        inputs.as_of,
        years=years,
        miles=postcode_miles(),
        weekly_cost_gbp=inputs.unit_costs_gbp,
    )


def in_house_weekly_cost_gbp(inputs: RecruitInputs) -> float:
    """Median weekly cost of the council's in-house households (the unit cost table if none)."""
    costs = [
        h.weekly_cost_gbp
        for h in inputs.households
        if h.provider == ProviderType.IN_HOUSE and h.weekly_cost_gbp > 0
    ]
    if costs:
        return float(statistics.median(costs))
    return inputs.unit_costs_gbp.get(PlacementType.IN_HOUSE_FOSTERING, 0.0)


def district_anchors(districts: Iterable[str], la_code: str) -> dict[str, str]:
    """For each district, the unit postcode nearest its centre that is inside the council's area.

    Districts with no postcode in the area are left out (a new in-house household is local).
    Without an LA code, every locatable district is used, anchored at its nearest unit.
    """
    import numpy as np

    from matching.geo import Gazetteer

    gazetteer = Gazetteer.default()
    wanted = set(districts) - {""}
    by_district: dict[str, list[str]] = {}
    for postcode in gazetteer.unit_postcodes(la_code or None):
        district = postcode.split(" ")[0]
        if district in wanted:
            by_district.setdefault(district, []).append(postcode)
    anchors: dict[str, str] = {}
    for district in sorted(wanted):
        try:
            centre = gazetteer.locate_district(district)
        except ValueError:
            continue
        choices = by_district.get(district)
        if not choices:
            continue
        east, north, _ = gazetteer.locate_many(choices, on_error="nan")
        gaps = np.hypot(east - centre.point.easting_m, north - centre.point.northing_m)
        anchors[district] = choices[int(np.nanargmin(gaps))]
    return anchors
