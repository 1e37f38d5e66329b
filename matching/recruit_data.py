"""Adapter: the data recruitment targeting runs on, from the demo council or a council's files.

Reads the SSDA903 history (``sufficiency.ssda903``), the households, referrals and decisions,
the unit costs (``sufficiency.costs``) and the packaged postcodes (``matching.geo``), and hands
the engines plain domain objects: past referrals from every gap source, district anchor
postcodes, a policy with the council's area.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matching.domain import Decision, Household, ProviderType, Referral
from matching.gaps import GapSource, PastReferral
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
    referrals: tuple[Referral, ...] = ()
    """Open and decided referrals (the demo's, or --referrals)."""
    decisions: tuple[Decision, ...] = ()
    """Recorded placement decisions (the demo's, or --decisions)."""


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
    inputs = inputs_from(
        history,
        council.households,
        as_of,
        council.la_code,
        f"{council.la_name}",
        policy_path,
        "demo council",
    )
    return dataclasses.replace(inputs, referrals=council.referrals, decisions=council.decisions)


def inputs_from(
    history, households, as_of, la_code, area_name, policy_path, source
) -> RecruitInputs:
    """The inputs from a history and households: the policy set to the council, unit costs."""
    from sufficiency.costs import load_unit_costs

    policy = load_policy(policy_path)
    if la_code and not policy.council_la_code:
        policy = dataclasses.replace(policy, council_la_code=str(la_code))
    costs = load_unit_costs()
    unit_costs = {p: costs.weekly_cost_gbp(p) for p in costs.costs}
    return RecruitInputs(
        history, tuple(households), as_of, str(la_code), area_name, policy, unit_costs, source
    )


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


def gap_referrals(
    inputs: RecruitInputs,
    years: float,
    sources: Sequence[GapSource] = tuple(GapSource),
    progress: Report | None = None,
) -> tuple[tuple[PastReferral, ...], tuple[str, ...]]:
    """Past referrals from the chosen sources, the casework de-duplicated against the history.

    History: placements in the last ``years`` (``past_referrals``). Decisions: recorded
    decisions for referrals starting in those years (``gaps_casework.decision_gaps``). Open:
    today's open referrals as the allocator would place them (``open_referral_gaps``).
    Returns the referrals and notes on what the de-duplication left out.
    """
    from matching.context import build_context
    from matching.gaps_casework import decision_gaps, merge_sources, open_referral_gaps

    say = progress or (lambda message: None)
    history = past_referrals(inputs, years) if GapSource.HISTORY in sources else ()
    window_start = inputs.as_of - dt.timedelta(days=round(365 * years))
    wanted_decisions = GapSource.DECISION in sources and bool(inputs.decisions)
    wanted_open = GapSource.OPEN in sources and any(r.status == "open" for r in inputs.referrals)
    if not (wanted_decisions or wanted_open):
        return merge_sources(history, ())
    say(f"locating {len(inputs.households)} households and {len(inputs.referrals)} referrals")
    context = build_context(inputs.households, inputs.referrals, schools={})
    casework: list[PastReferral] = []
    common = {"as_of": inputs.as_of, "unit_costs_gbp": inputs.unit_costs_gbp, "context": context}
    if wanted_decisions:
        say(f"reading {len(inputs.decisions)} recorded decisions")
        casework += decision_gaps(
            inputs.referrals,
            inputs.decisions,
            inputs.households,
            inputs.policy,
            since=window_start,
            **common,
        )
    if wanted_open:
        say("allocating today's open referrals to see which no household can take well")
        active = [h for h in inputs.households if registered_on(h, inputs.as_of)]
        casework += open_referral_gaps(
            inputs.referrals, active, inputs.policy, progress=say, **common
        )
    return merge_sources(history, casework)


def registered_on(household: Household, day: dt.date) -> bool:
    """Whether the household is still registered on ``day`` (it can take a referral today)."""
    return household.deregistered_on is None or household.deregistered_on > day


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
