"""Offline UK postcode look-up and straight-line distances (the DfE "20 miles from home" method).

Reads the packaged OS Code-Point Open units and district/sector centroids in ``matching/data``
once, lazily. It does not geocode addresses, call web services or compute road distances.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from matching.domain import GridPoint, Precision
from matching.location import (
    METRES_PER_MILE,
    MILES_PER_METRE,
    LocalAuthority,
    Location,
    distance_miles,
    distances_miles,
    geodesic_miles,
    in_la,
)
from matching.postcode_data import (
    DISTRICTS_FILE,
    LA_LOOKUP_FILE,
    SECTORS_FILE,
    UNITS_FILE,
    AreaCentroid,
    packaged_data_dir,
    read_areas,
    read_local_authorities,
    read_units,
)
from matching.postcodes import (
    PostcodeFormatError,
    UnknownPostcodeError,
    mask_postcode,
    normalise_outcode,
    normalise_postcode,
    normalise_postcodes,
    normalise_sector,
)
from sufficiency.errors import FieldError, InputDataError

_CODEPOINT = "OS Code-Point Open 2025.2"
_NO_LA = LocalAuthority("", "", "")


class Gazetteer:
    """Postcode -> ``Location`` from the packaged data, falling back unit -> sector -> district.

    Data is read on first use, once per instance; ``Gazetteer.default()`` shares one instance.
    """

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, data_dir: Path | str | None = None) -> None:
        self._dir = Path(data_dir) if data_dir is not None else packaged_data_dir()
        self._lock = threading.Lock()
        self._loaded = False

    @classmethod
    def default(cls) -> Gazetteer:
        """The shared gazetteer over the packaged data (created once, loaded on first use)."""
        with cls._default_lock:
            if cls._default is None:
                cls._default = cls()
            return cls._default

    def _load(self) -> None:
        if self._loaded:  # fast path once loaded; the lock guards the first load only
            return
        with self._lock:
            if self._loaded:
                return
            self._units = read_units(self._dir / UNITS_FILE)
            self._sectors = read_areas(self._dir / SECTORS_FILE, "sector")
            self._districts = read_areas(self._dir / DISTRICTS_FILE, "outcode")
            self._las = read_local_authorities(self._dir / LA_LOOKUP_FILE)
            self._loaded = True

    def _unit_rows(self, normals: list[str | None]) -> np.ndarray:
        """Row of each normalised postcode in the unit table, or -1 (None counts as absent)."""
        self._load()
        keys = np.array([(n or "").replace(" ", "") for n in normals], dtype="S7")
        return self._units.find(keys) if len(keys) else np.empty(0, dtype=np.intp)

    def _location(self, name: str, area: AreaCentroid, precision: Precision) -> Location:
        la = self._las.get(area.lad_code, _NO_LA)
        return Location(
            postcode=name,
            point=GridPoint(area.easting_m, area.northing_m, precision),
            precision=precision,
            latitude=area.latitude,
            longitude=area.longitude,
            lad_code=area.lad_code,
            la_code=la.la_code,
            la_name=la.la_name,
            la_gss_code=la.gss_code,
            country_code=area.country_code,
            on_national_grid=area.on_national_grid,
            lad_share=area.lad_share,
        )

    def _area(self, normal: str) -> tuple[AreaCentroid, Precision] | None:
        """A postcode's sector centroid, else its district's (for a unit not in the table)."""
        outcode, inward = normal.split(" ")
        sector = f"{outcode} {inward[0]}"
        if sector in self._sectors:
            return self._sectors[sector], Precision.SECTOR
        if outcode in self._districts:
            return self._districts[outcode], Precision.DISTRICT
        return None

    def locate(self, postcode: str, *, allow_fallback: bool = True) -> Location:
        """Locate a full postcode: its unit, else its sector's centroid, else its district's.

        Parameters
        ----------
        postcode : str
            Any case and spacing ("ha12jg").
        allow_fallback : bool
            If False, a postcode that is not a live unit raises instead of using its sector.

        Returns
        -------
        Location
            ``.precision`` says which level was used.

        Raises
        ------
        PostcodeFormatError
            The text is not shaped like a postcode.
        UnknownPostcodeError
            Well-formed, but not found (its district is unknown, or a unit was required).
        """
        normal = normalise_postcode(postcode)
        row = int(self._unit_rows([normal])[0])
        if row >= 0:
            return self._location(normal, self._units.centroid(row), Precision.UNIT)
        if not allow_fallback:
            raise UnknownPostcodeError(
                f'"{mask_postcode(normal)}" is not a live unit postcode in {_CODEPOINT} '
                "(it may be new, terminated or mistyped); check it against the address"
            )
        found = self._area(normal)
        if found is None:
            raise UnknownPostcodeError(_unknown_message(mask_postcode(normal), normal))
        return self._location(normal, *found)

    def locate_sector(self, sector: str) -> Location:
        """Locate a postcode sector ("N17 6") by its centroid, else its district's."""
        normal = normalise_sector(sector)
        self._load()
        found = self._area(normal + "AA")  # any inward letters: only the sector is used
        if found is None:
            raise UnknownPostcodeError(_unknown_message(normal, normal))
        return self._location(normal, *found)

    def locate_district(self, outcode: str) -> Location:
        """Locate a postcode district (outward code, "N17") by its centroid."""
        normal = normalise_outcode(outcode)
        self._load()
        if normal not in self._districts:
            raise UnknownPostcodeError(_unknown_message(normal, normal))
        return self._location(normal, self._districts[normal], Precision.DISTRICT)

    def locate_many(
        self,
        postcodes: Iterable[str],
        *,
        source: str = "postcodes",
        field: str = "postcode",
        first_row: int = 1,
        on_error: str = "raise",
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Locate many full postcodes at once (vectorised unit search, then fallbacks).

        Parameters
        ----------
        postcodes : iterable of str
        source, field, first_row : str, str, int
            Name the input in errors: ``source`` row ``first_row + i``, field ``field``.
        on_error : {"raise", "nan"}
            "raise": one ``InputDataError`` listing every bad postcode. "nan": bad ones get
            NaN coordinates and precision ``None``.

        Returns
        -------
        eastings_m, northings_m : np.ndarray of float [m]
        precisions : np.ndarray of object (``Precision`` or None)
        """
        if on_error not in ("raise", "nan"):
            raise ValueError(f'on_error: {on_error!r} must be "raise" or "nan"')
        normals, errors = normalise_postcodes(postcodes, source, field, first_row)
        east, north = np.full(len(normals), np.nan), np.full(len(normals), np.nan)
        precisions = np.full(len(normals), None, dtype=object)
        rows = self._unit_rows(normals)
        found = rows >= 0
        east[found] = self._units.eastings_m[rows[found]]
        north[found] = self._units.northings_m[rows[found]]
        precisions[found] = Precision.UNIT
        for i in np.flatnonzero(~found):
            area = None if normals[i] is None else self._area(normals[i])
            if area is not None:
                east[i], north[i], precisions[i] = area[0].easting_m, area[0].northing_m, area[1]
            elif normals[i] is not None:
                message = _unknown_message(mask_postcode(normals[i]), normals[i])
                errors.append(FieldError(source, first_row + int(i), field, message))
        if errors and on_error == "raise":
            errors.sort(key=lambda error: error.row or 0)
            summary = f"{len(errors)} postcode(s) in {source} could not be located"
            raise InputDataError(errors, summary)
        return east, north, precisions

    def unit_postcodes(self, la_code: str | int | None = None) -> list[str]:
        """Every live unit postcode (standard form, sorted), or those in one LA (DfE/GSS code).

        Useful for synthetic data (demo households) and checks; 1.7 million without a filter.
        """
        self._load()
        if la_code is None:
            return self._units.postcodes()
        wanted = str(la_code).strip().upper()
        las = [self._las.get(lad, _NO_LA) for lad in self._units.lad_codes]
        lad_rows = [i for i, la in enumerate(las) if wanted and wanted in (la.la_code, la.gss_code)]
        return self._units.postcodes(np.flatnonzero(np.isin(self._units.lad_index, lad_rows)))

    def in_la(self, postcode_or_location: str | Location, la_code: str | int) -> bool:
        """Whether a postcode (or located place) is in a children's services LA."""
        location = postcode_or_location
        if not isinstance(location, Location):
            location = self.locate(location)
        return in_la(location, la_code)

    def local_authorities(self) -> list[LocalAuthority]:
        """Every English children's services LA in the data (with a DfE number), by number."""
        self._load()
        unique = {la.la_code: la for la in self._las.values() if la.la_code}
        return sorted(unique.values(), key=lambda la: int(la.la_code))

    def local_authority(self, la_code: str | int) -> LocalAuthority:
        """The LA with this DfE number or GSS code; ``KeyError`` naming the code if none."""
        wanted = str(la_code).strip().upper()
        for la in self.local_authorities():
            if wanted in (la.la_code, la.gss_code):
                return la
        raise KeyError(f"la_code: {wanted!r} is not a DfE LA number or GSS code in the data")


def _unknown_message(shown: str, normal: str) -> str:
    """Message for a well-formed postcode, sector or district whose district is unknown."""
    outcode = normal.split(" ")[0]
    return (
        f'"{shown}" was not found: its postcode district "{outcode}" is not in the packaged '
        f"postcode data ({_CODEPOINT}; GeoNames for Northern Ireland, the Isle of Man and the "
        "Channel Islands); check it for typing errors"
    )


__all__ = [
    "METRES_PER_MILE",
    "MILES_PER_METRE",
    "Gazetteer",
    "LocalAuthority",
    "Location",
    "PostcodeFormatError",
    "UnknownPostcodeError",
    "distance_miles",
    "distances_miles",
    "geodesic_miles",
    "in_la",
    "mask_postcode",
    "normalise_outcode",
    "normalise_postcode",
    "normalise_sector",
]
