"""Offline UK postcode look-up and straight-line distances (the DfE "20 miles from home" method).

Reads the packaged OS Code-Point Open units and district/sector centroids in ``matching/data``
once, lazily. It does not geocode addresses, call web services or compute road distances.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
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
from matching.osgb import grid_to_wgs84, wgs84_to_grid
from matching.postcodes import (
    PostcodeFormatError,
    UnknownPostcodeError,
    mask_postcode,
    normalise_outcode,
    normalise_postcode,
    normalise_sector,
)
from sufficiency.errors import FieldError, InputDataError

_COUNTRY_BY_PREFIX = {"E": "E92000001", "W": "W92000004", "S": "S92000003"}
_CODEPOINT = "OS Code-Point Open 2025.2"


@dataclass(frozen=True, slots=True)
class _Area:
    """A sector or district centroid row from the packaged CSVs."""

    easting_m: float
    northing_m: float
    latitude: float
    longitude: float
    lad_code: str
    lad_share: float
    country_code: str
    on_national_grid: bool


def _data_dir() -> Path:
    return Path(str(resources.files("matching") / "data"))


def _read_areas(path: Path, key: str) -> dict[str, _Area]:
    """Read a district or sector centroid CSV; GeoNames rows get a projected grid point."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lats = np.array([float(r["latitude"]) for r in rows])
    lons = np.array([float(r["longitude"]) for r in rows])
    proj_e, proj_n = wgs84_to_grid(lats, lons)
    areas = {}
    for i, row in enumerate(rows):
        on_grid = row["easting"] != ""
        areas[row[key]] = _Area(
            easting_m=float(row["easting"]) if on_grid else float(proj_e[i]),
            northing_m=float(row["northing"]) if on_grid else float(proj_n[i]),
            latitude=float(lats[i]),
            longitude=float(lons[i]),
            lad_code=row["lad_code"],
            lad_share=float(row["lad_share"] or 0.0),
            country_code=row["country_code"],
            on_national_grid=on_grid,
        )
    return areas


def _read_local_authorities(path: Path) -> dict[str, LocalAuthority]:
    """LAD code -> children's services LA (DfE number; Welsh LAs have a name but no number)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["lad_code"]: LocalAuthority(
                la_code=row["dfe_la_number_2023"],
                la_name=row["dfe_la_name_2023"] or row["utla_name"],
                gss_code=row["dfe_la_gss_2023"] or row["utla_code"],
            )
            for row in csv.DictReader(handle)
        }


class Gazetteer:
    """Postcode -> ``Location`` from the packaged data, falling back unit -> sector -> district.

    Data is read on first use, once per instance; ``Gazetteer.default()`` shares one instance.
    """

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, data_dir: Path | str | None = None) -> None:
        self._dir = Path(data_dir) if data_dir is not None else _data_dir()
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
        with self._lock:
            if self._loaded:
                return
            with np.load(self._dir / "gb_postcode_units.npz", allow_pickle=False) as units:
                self._unit_keys = units["postcode"]
                self._unit_e = units["easting"]
                self._unit_n = units["northing"]
                self._unit_lad = units["lad_index"]
                self._lad_table = [str(code) for code in units["lad_table"]]
            self._sectors = _read_areas(self._dir / "uk_postcode_sectors.csv", "sector")
            self._districts = _read_areas(self._dir / "uk_postcode_districts.csv", "outcode")
            self._las = _read_local_authorities(self._dir / "lad_to_childrens_services_la.csv")
            self._loaded = True

    def _unit_index(self, keys: np.ndarray) -> np.ndarray:
        """Row of each space-free S7 key in the sorted unit table, or -1 (binary search)."""
        self._load()
        idx = np.searchsorted(self._unit_keys, keys)
        idx = np.minimum(idx, len(self._unit_keys) - 1)
        return np.where(self._unit_keys[idx] == keys, idx, -1)

    def _unit_location(self, postcode: str, row: int) -> Location:
        east, north = float(self._unit_e[row]), float(self._unit_n[row])
        lat, lon = grid_to_wgs84(east, north)
        lad_code = self._lad_table[int(self._unit_lad[row])]
        return self._location(
            postcode,
            GridPoint(east, north, Precision.UNIT),
            float(lat),
            float(lon),
            lad_code,
            1.0,
            _COUNTRY_BY_PREFIX.get(lad_code[:1], ""),
            True,
        )

    def _area_location(self, name: str, area: _Area, precision: Precision) -> Location:
        point = GridPoint(area.easting_m, area.northing_m, precision)
        return self._location(
            name,
            point,
            area.latitude,
            area.longitude,
            area.lad_code,
            area.lad_share,
            area.country_code,
            area.on_national_grid,
        )

    def _location(self, postcode, point, lat, lon, lad_code, share, country, on_grid) -> Location:
        la = self._las.get(lad_code, LocalAuthority("", "", ""))
        return Location(
            postcode=postcode,
            point=point,
            precision=point.precision,
            latitude=lat,
            longitude=lon,
            lad_code=lad_code,
            la_code=la.la_code,
            la_name=la.la_name,
            la_gss_code=la.gss_code,
            country_code=country,
            on_national_grid=on_grid,
            lad_share=share,
        )

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
        row = int(self._unit_index(np.array([normal.replace(" ", "")], dtype="S7"))[0])
        if row >= 0:
            return self._unit_location(normal, row)
        if not allow_fallback:
            raise UnknownPostcodeError(
                f'"{mask_postcode(normal)}" is not a live unit postcode in {_CODEPOINT} '
                "(it may be new, terminated or mistyped); check it against the address"
            )
        outcode, sector = normal.split(" ")[0], normal[:-2]
        if sector in self._sectors:
            return self._area_location(normal, self._sectors[sector], Precision.SECTOR)
        if outcode in self._districts:
            return self._area_location(normal, self._districts[outcode], Precision.DISTRICT)
        raise UnknownPostcodeError(_unknown_message(mask_postcode(normal), outcode))

    def locate_sector(self, sector: str) -> Location:
        """Locate a postcode sector ("N17 6") by its centroid, else its district's."""
        normal = normalise_sector(sector)
        self._load()
        if normal in self._sectors:
            return self._area_location(normal, self._sectors[normal], Precision.SECTOR)
        outcode = normal.split(" ")[0]
        if outcode in self._districts:
            return self._area_location(normal, self._districts[outcode], Precision.DISTRICT)
        raise UnknownPostcodeError(_unknown_message(normal, outcode))

    def locate_district(self, outcode: str) -> Location:
        """Locate a postcode district (outward code, "N17") by its centroid."""
        normal = normalise_outcode(outcode)
        self._load()
        if normal in self._districts:
            return self._area_location(normal, self._districts[normal], Precision.DISTRICT)
        raise UnknownPostcodeError(_unknown_message(normal, normal))

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
        normals, errors = _normalise_all(postcodes, source, field, first_row)
        count = len(normals)
        east, north = np.full(count, np.nan), np.full(count, np.nan)
        precisions = np.full(count, None, dtype=object)
        keys = np.array([(n or "").replace(" ", "") for n in normals], dtype="S7")
        rows = self._unit_index(keys) if count else np.empty(0, dtype=int)
        found = rows >= 0
        east[found], north[found] = self._unit_e[rows[found]], self._unit_n[rows[found]]
        precisions[found] = Precision.UNIT
        for i in np.flatnonzero(~found):
            if normals[i] is None:
                continue
            area, precision = self._fallback_area(normals[i])
            if area is None:
                message = _unknown_message(mask_postcode(normals[i]), normals[i].split(" ")[0])
                errors.append(FieldError(source, first_row + int(i), field, message))
                continue
            east[i], north[i], precisions[i] = area.easting_m, area.northing_m, precision
        if errors and on_error == "raise":
            errors.sort(key=lambda error: error.row or 0)
            summary = f"{len(errors)} postcode(s) in {source} could not be located"
            raise InputDataError(errors, summary)
        return east, north, precisions

    def _fallback_area(self, normal: str) -> tuple[_Area | None, Precision | None]:
        sector, outcode = normal[:-2], normal.split(" ")[0]
        if sector in self._sectors:
            return self._sectors[sector], Precision.SECTOR
        if outcode in self._districts:
            return self._districts[outcode], Precision.DISTRICT
        return None, None

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


def _unknown_message(shown: str, outcode: str) -> str:
    return (
        f'"{shown}" was not found: its postcode district "{outcode}" is not in the packaged '
        f"postcode data ({_CODEPOINT}; GeoNames for Northern Ireland, the Isle of Man and the "
        "Channel Islands); check it for typing errors"
    )


def _normalise_all(
    postcodes: Iterable[str], source: str, field: str, first_row: int
) -> tuple[list[str | None], list[FieldError]]:
    """Normalise each postcode; malformed ones become None plus a FieldError naming the row."""
    normals: list[str | None] = []
    errors: list[FieldError] = []
    for i, text in enumerate(postcodes):
        try:
            normals.append(normalise_postcode(text))
        except PostcodeFormatError as exc:
            normals.append(None)
            errors.append(FieldError(source, first_row + i, field, str(exc)))
    return normals, errors


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
