"""Where a postcode is (``Location``) and straight-line distances between places [miles].

Pure numeric code plus geopy's geodesic; the look-up from postcode to ``Location`` is
``matching.geo.Gazetteer``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from geopy.distance import geodesic

from matching.domain import GridPoint, Precision
from matching.postcodes import mask_postcode

METRES_PER_MILE = 1609.344  # international mile
MILES_PER_METRE = 1.0 / METRES_PER_MILE


@dataclass(frozen=True, slots=True)
class LocalAuthority:
    """A children's services local authority: DfE LA number, name and ONS GSS code."""

    la_code: str  # DfE LA number as text, e.g. "309" (Haringey)
    la_name: str
    gss_code: str  # e.g. "E09000014"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a postcode is, and which council's area it is in.

    ``point`` is on the British National Grid [m]. ``on_national_grid`` is False for Northern
    Ireland, the Isle of Man and the Channel Islands, whose ``point`` is projected from a
    coarse district latitude/longitude; distances to them use the geodesic instead.
    ``lad_share`` is the share of the area's unit postcodes in ``lad_code`` (1.0 for a unit;
    a sector or district straddling a boundary takes its majority district).
    """

    postcode: str
    point: GridPoint
    precision: Precision
    latitude: float  # WGS84 [degrees]
    longitude: float  # WGS84 [degrees]
    lad_code: str = ""  # ONS local authority district, e.g. "E09000014"
    la_code: str = ""  # DfE children's services LA number; "" outside England
    la_name: str = ""
    la_gss_code: str = ""  # ONS code of the children's services (upper-tier) LA
    country_code: str = ""  # ONS country code, e.g. "E92000001" England
    on_national_grid: bool = True
    lad_share: float = 1.0

    @property
    def easting_m(self) -> float:
        return self.point.easting_m

    @property
    def northing_m(self) -> float:
        return self.point.northing_m

    @property
    def masked_postcode(self) -> str:
        """The postcode with its inward code hidden, for logs ("N17 ***")."""
        return mask_postcode(self.postcode)

    def __repr__(self) -> str:
        # Masked, so that logging a Location never writes a full (possibly a child's) postcode.
        rest = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "postcode"
        )
        return f"Location(postcode={self.masked_postcode!r}, {rest})"


def in_la(location: Location, la_code: str | int) -> bool:
    """Whether a location is in a children's services LA, given its DfE number or GSS code."""
    wanted = str(la_code).strip().upper()
    return bool(wanted) and wanted in (location.la_code, location.la_gss_code)


def distance_miles(a: GridPoint | Location, b: GridPoint | Location) -> float:
    """Straight-line distance between two places [miles] (DfE placement-distance method).

    Grid points use Pythagoras on British National Grid eastings/northings [m] divided by
    1609.344. If either location is off the grid (Northern Ireland, Isle of Man, Channel
    Islands) the WGS84 geodesic between the latitudes/longitudes is used instead.
    """
    if isinstance(a, Location) and isinstance(b, Location):
        if not (a.on_national_grid and b.on_national_grid):
            return geodesic_miles(a.latitude, a.longitude, b.latitude, b.longitude)
    pa = a.point if isinstance(a, Location) else a
    pb = b.point if isinstance(b, Location) else b
    return math.hypot(pa.easting_m - pb.easting_m, pa.northing_m - pb.northing_m) * MILES_PER_METRE


def distances_miles(origin: GridPoint | Location, eastings_m, northings_m) -> np.ndarray:
    """Straight-line distances from one point to many grid points [miles]; NaN stays NaN."""
    point = origin.point if isinstance(origin, Location) else origin
    east = np.asarray(eastings_m, dtype=float)
    north = np.asarray(northings_m, dtype=float)
    return np.hypot(east - point.easting_m, north - point.northing_m) * MILES_PER_METRE


def geodesic_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """WGS84 ellipsoidal (geodesic, Karney) distance between two latitude/longitudes [miles]."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).miles)
