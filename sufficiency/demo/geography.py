"""Real geography for the demo: Haringey unit postcodes, English postcodes by distance, schools.

Reads the packaged OS Code-Point Open units (``matching/data/gb_postcode_units.npz``) and
GIAS schools once. Distances are straight lines on the British National Grid, the DfE
"20 miles from home" method. Sampling takes an ``rng``; nothing here invents a postcode.
"""

from __future__ import annotations

import csv
import functools
import gzip
from dataclasses import dataclass
from importlib import resources

import numpy as np

from matching.domain import School, SchoolUrn

METRES_PER_MILE = 1609.344
DEMO_LAD_CODE = "E09000014"  # London Borough of Haringey
DEMO_LA_CODE = "309"  # DfE LA number
SCHOOLS_FILE = "england_state_schools_gias_2025-07.csv.gz"

#: Rings (miles from the borough centre; its edge is 3 miles out) far placements come from:
#: most children placed over 20 miles away live in the home counties, fewer further away.
FAR_RINGS_MILES = (
    (24.0, 45.0, 0.45),
    (45.0, 90.0, 0.30),
    (90.0, 200.0, 0.20),
    (200.0, 320.0, 0.05),
)
NEAR_OUTSIDE_MAX_MILES = 14.0  # + the borough radius (3 miles) keeps these within 20 miles


@dataclass(frozen=True, slots=True)
class SchoolSite:
    """A state-funded school, its phase guessed from its name, and its grid position [m]."""

    school: School
    phase: str  # "nursery", "primary", "secondary", "post-16" or "all-through"
    easting_m: float
    northing_m: float


def format_postcode(compact: bytes | str) -> str:
    """``b"N170AA"`` -> ``"N17 0AA"`` (the inward code is always the last three characters)."""
    text = compact.decode() if isinstance(compact, bytes) else compact
    text = text.replace(" ", "").upper()
    return f"{text[:-3]} {text[-3:]}"


def _phase(name: str) -> str:
    lowered = name.lower()
    if "primary" in lowered or "infant" in lowered or "junior" in lowered:
        return "primary"
    if "nursery" in lowered:
        return "nursery"
    if "sixth form" in lowered or "college" in lowered:
        return "post-16"
    if "special" in lowered or "learning" in lowered or "pupil referral" in lowered:
        return "all-through"
    return "secondary"


class Geography:
    """Postcode units and schools around the demo council, loaded once (``Geography.default()``)."""

    def __init__(self) -> None:
        data = resources.files("matching") / "data"
        with (data / "gb_postcode_units.npz").open("rb") as handle, np.load(handle) as arrays:
            postcode, easting = arrays["postcode"], arrays["easting"].astype(np.float64)
            northing, lad_index = arrays["northing"].astype(np.float64), arrays["lad_index"]
            lad_table = arrays["lad_table"]
        home_lad = int(np.flatnonzero(lad_table == DEMO_LAD_CODE)[0])
        english = np.array([str(code).startswith("E") for code in lad_table])[lad_index]
        self.home_mask = lad_index == home_lad
        self.centre = (
            float(easting[self.home_mask].mean()),
            float(northing[self.home_mask].mean()),
        )
        miles = np.hypot(easting - self.centre[0], northing - self.centre[1]) / METRES_PER_MILE
        keep = english & ~self.home_mask
        order = np.argsort(miles[keep], kind="stable")
        self.home_postcodes = postcode[self.home_mask]
        self.home_points = np.column_stack([easting[self.home_mask], northing[self.home_mask]])
        self._away_postcodes = postcode[keep][order]
        self._away_points = np.column_stack([easting[keep][order], northing[keep][order]])
        self._away_miles = miles[keep][order]
        self._points = dict(
            zip(postcode[self.home_mask].tolist(), self.home_points.tolist(), strict=True)
        )
        self.schools = _load_schools(data / SCHOOLS_FILE)
        self._school_xy = np.array([[s.easting_m, s.northing_m] for s in self.schools])
        self._school_phase = np.array([s.phase for s in self.schools])
        self._phase_rows: dict[str, np.ndarray] = {}

    @classmethod
    @functools.cache
    def default(cls) -> Geography:
        return cls()

    def point(self, postcode: str) -> tuple[float, float]:
        """Grid position [m] of a postcode this object handed out."""
        return self._points[postcode.replace(" ", "").encode()]

    def _remember(self, compact: bytes, point: np.ndarray) -> str:
        self._points[compact] = (float(point[0]), float(point[1]))
        return format_postcode(compact)

    def home_postcode(self, rng: np.random.Generator) -> str:
        """A random live unit postcode in the borough."""
        row = int(rng.integers(len(self.home_postcodes)))
        return format_postcode(self.home_postcodes[row])

    def near_home_postcode(
        self, postcode: str, rng: np.random.Generator, max_miles: float = 1.5
    ) -> str:
        """A random borough unit within ``max_miles`` of a borough postcode (relatives nearby)."""
        origin = np.asarray(self.point(postcode))
        miles = np.hypot(*(self.home_points - origin).T) / METRES_PER_MILE
        rows = np.flatnonzero(miles <= max_miles)
        return format_postcode(self.home_postcodes[int(rng.choice(rows))])

    def away_postcode(self, low_miles: float, high_miles: float, rng: np.random.Generator) -> str:
        """A random English unit outside the borough, ``low``-``high`` miles from its centre."""
        start, stop = np.searchsorted(self._away_miles, [low_miles, high_miles])
        row = int(rng.integers(start, stop))
        return self._remember(self._away_postcodes[row], self._away_points[row])

    def far_postcode(self, rng: np.random.Generator) -> str:
        """A unit over 20 miles from every borough postcode, drawn from ``FAR_RINGS_MILES``."""
        weights = np.array([ring[2] for ring in FAR_RINGS_MILES])
        low, high, _ = FAR_RINGS_MILES[int(rng.choice(len(weights), p=weights / weights.sum()))]
        return self.away_postcode(low, high, rng)

    def near_outside_postcode(self, rng: np.random.Generator) -> str:
        """A unit outside the borough but within 20 miles of every borough postcode."""
        return self.away_postcode(0.0, NEAR_OUTSIDE_MAX_MILES, rng)

    def is_home(self, postcode: str) -> bool:
        compact = postcode.replace(" ", "").encode()
        row = int(np.searchsorted(self.home_postcodes, compact))
        return row < len(self.home_postcodes) and self.home_postcodes[row] == compact

    def distance_miles(self, a: str, b: str) -> float:
        """Straight-line distance [miles] between two postcodes handed out by this object."""
        (ax, ay), (bx, by) = self.point(a), self.point(b)
        return float(np.hypot(ax - bx, ay - by) / METRES_PER_MILE)

    def school(self, urn: int) -> School:
        """The school with a URN (``KeyError`` if it is not a state-funded school in England)."""
        for site in self.schools:
            if site.school.urn == urn:
                return site.school
        raise KeyError(urn)

    def nearest_school(
        self, postcode: str, phase: str, rng: np.random.Generator, choices: int = 3
    ) -> School:
        """One of the ``choices`` nearest schools of a phase to a postcode (families choose)."""
        if phase not in self._phase_rows:
            self._phase_rows[phase] = np.flatnonzero(
                np.isin(self._school_phase, [phase, "all-through"])
            )
        rows = self._phase_rows[phase]
        x, y = self.point(postcode)
        metres = np.hypot(self._school_xy[rows, 0] - x, self._school_xy[rows, 1] - y)
        cutoff = np.partition(metres, choices - 1)[choices - 1]
        close = np.flatnonzero(metres <= cutoff)  # the nearest, ties kept in file order
        nearest = rows[close[np.argsort(metres[close], kind="stable")][:choices]]
        return self.schools[int(rng.choice(nearest))].school


def _load_schools(path) -> list[SchoolSite]:
    sites: list[SchoolSite] = []
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["easting"] or not row["northing"] or not row["postcode"]:
                continue
            school = School(
                SchoolUrn(int(row["urn"])), row["name"], row["postcode"], row["dfe_la_number_2023"]
            )
            sites.append(
                SchoolSite(
                    school, _phase(row["name"]), float(row["easting"]), float(row["northing"])
                )
            )
    return sites


def school_phase_for_age(age_years: int) -> str | None:
    """The phase a child of this age attends, or ``None`` below school age (4 on 1 September)."""
    if age_years < 4:
        return None
    if age_years <= 10:
        return "primary"
    if age_years <= 15:
        return "secondary"
    return "post-16"
