"""Everything matching needs to know about places, resolved once per run.

``MatchContext`` holds the ``HouseholdTable`` (households as numpy columns, built once) and
the located homes and schools. Postcodes are looked up through ``matching.geo`` here and
nowhere else in the engine; no scoring happens here.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matching.domain import (
    GridPoint,
    Household,
    HouseholdId,
    Referral,
    ReferralId,
    School,
    SchoolUrn,
)
from matching.household_table import HouseholdTable, build_household_table
from sufficiency.errors import FieldError, InputDataError


@dataclass(frozen=True, slots=True, eq=False)
class MatchContext:
    """Located households, referral homes and schools for one run.

    ``home_points``/``home_la`` are keyed by referral; ``school_points`` by URN. Schools that
    could not be located are in ``unlocated_schools`` (school continuity is then not judged).
    """

    households: tuple[Household, ...]
    table: HouseholdTable
    home_points: dict[ReferralId, GridPoint]
    school_points: dict[SchoolUrn, GridPoint]
    unlocated_schools: set[SchoolUrn] = field(default_factory=set)
    gazetteer: object | None = field(default=None, repr=False)
    schools: Mapping[SchoolUrn, School] | None = field(default=None, repr=False)

    def household(self, household_id: HouseholdId) -> Household:
        return self.households[self.table.index[household_id]]

    def home_point(self, referral: Referral) -> GridPoint:
        """The referral's home, located now (and remembered) if it was not resolved up front."""
        point = self.home_points.get(referral.referral_id)
        if point is None:
            if self.gazetteer is None:
                raise InputDataError(
                    [
                        FieldError(
                            f"referral {referral.referral_id}",
                            None,
                            "home_postcode",
                            "the home was not located when the matching context was built",
                            expected="build_context(..., referrals=[...]) including this referral",
                        )
                    ]
                )
            point = _locate_homes(self.gazetteer, [referral])[referral.referral_id]
            self.home_points[referral.referral_id] = point
        return point

    def school_point(self, urn: SchoolUrn | None) -> GridPoint | None:
        """Where a school is (located now if it was not resolved up front); None if unknown."""
        if urn is None or urn in self.unlocated_schools:
            return None
        if urn not in self.school_points and self.gazetteer is not None:
            points, unlocated = _locate_schools(self.gazetteer, [urn], self.schools)
            self.school_points.update(points)
            self.unlocated_schools.update(unlocated)
        return self.school_points.get(urn)

    def matches(self, households: Sequence[Household]) -> bool:
        """Whether ``households`` are the ones this context was built from, in the same order."""
        if households is self.households:
            return True
        if len(households) != len(self.households):
            return False
        if all(map(operator.is_, households, self.households)):  # the same objects: fast path
            return True
        return [h.household_id for h in households] == list(self.table.household_ids)


def context_from_points(
    households: Sequence[Household],
    household_points: Mapping[HouseholdId, tuple[GridPoint, str]],
    home_points: Mapping[ReferralId, GridPoint],
    school_points: Mapping[SchoolUrn, GridPoint] | None = None,
) -> MatchContext:
    """A context from already-known grid points (tests, benchmarks, stored coordinates).

    ``household_points`` maps each household to (point, LA code); the code is compared with
    the policy's ``council_la_code``.
    """
    points = [
        (household_points[h.household_id][0], household_points[h.household_id][1], "")
        for h in households
    ]
    households = tuple(households)
    return MatchContext(
        households,
        build_household_table(households, points),
        dict(home_points),
        dict(school_points or {}),
        set(),
    )


def build_context(
    households: Sequence[Household],
    referrals: Sequence[Referral] = (),
    *,
    schools: Mapping[SchoolUrn, School] | Iterable[School] | None = None,
    gazetteer: object | None = None,
) -> MatchContext:
    """Locate every household, referral home and child's school once, through ``matching.geo``.

    Raises
    ------
    InputDataError
        Naming each household or referral whose postcode is malformed or unknown.
    """
    from matching.geo import Gazetteer

    gazetteer = gazetteer or Gazetteer.default()
    households = tuple(households)
    errors: list[FieldError] = []
    points = _locate_households(gazetteer, households, errors)
    homes = _locate_homes(gazetteer, referrals, errors)
    if errors:
        raise InputDataError(errors, summary=f"{len(errors)} postcode(s) could not be located")
    if schools is None:
        from matching.schools import load_schools

        schools = load_schools()
    by_urn = schools if isinstance(schools, Mapping) else {s.urn: s for s in schools}
    urns = {c.school_urn for r in referrals for c in r.children if c.school_urn is not None}
    school_points, unlocated = _locate_schools(gazetteer, urns, by_urn)
    return MatchContext(
        households,
        build_household_table(households, points),
        homes,
        school_points,
        unlocated,
        gazetteer,
        by_urn,
    )


def _locate_households(gazetteer, households, errors) -> list[tuple[GridPoint, str, str]]:
    from matching.postcodes import PostcodeFormatError, UnknownPostcodeError

    found: dict[str, tuple[GridPoint, str, str]] = {}
    points = []
    for household in households:
        if household.postcode not in found:
            try:
                location = gazetteer.locate(household.postcode)
                found[household.postcode] = (location.point, location.la_code, location.la_gss_code)
            except (PostcodeFormatError, UnknownPostcodeError) as exc:
                errors.append(
                    FieldError(f"household {household.household_id}", None, "postcode", str(exc))
                )
                found[household.postcode] = (GridPoint(np.nan, np.nan), "", "")
        points.append(found[household.postcode])
    return points


def _locate_homes(gazetteer, referrals, errors: list[FieldError] | None = None) -> dict:
    from matching.postcodes import PostcodeFormatError, UnknownPostcodeError, mask_postcode

    homes: dict[ReferralId, GridPoint] = {}
    problems = [] if errors is None else errors
    for referral in referrals:
        try:
            homes[referral.referral_id] = gazetteer.locate(referral.home_postcode).point
        except (PostcodeFormatError, UnknownPostcodeError):
            problems.append(
                FieldError(
                    f"referral {referral.referral_id}",
                    None,
                    "home_postcode",
                    f"home postcode {mask_postcode(referral.home_postcode)} could not be located",
                    expected="a UK postcode, sector or district",
                )
            )
    if errors is None and problems:
        raise InputDataError(problems)
    return homes


def _locate_schools(gazetteer, urns: Iterable[SchoolUrn], by_urn) -> tuple[dict, set]:
    from matching.postcodes import PostcodeFormatError, UnknownPostcodeError

    points, unlocated = {}, set()
    for urn in sorted(urns):
        school = (by_urn or {}).get(urn)
        try:
            if school is None:
                raise UnknownPostcodeError(f"school {urn} is not in the schools list")
            points[urn] = gazetteer.locate(school.postcode).point
        except (PostcodeFormatError, UnknownPostcodeError):
            unlocated.add(urn)
    return points, unlocated
