"""Readers for the packaged postcode files in ``matching/data`` (see POSTCODES_README.md).

Maps the source columns to our own names; no look-up logic (that is ``matching.geo``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from matching.location import LocalAuthority
from matching.osgb import grid_to_wgs84, wgs84_to_grid

UNITS_FILE = "gb_postcode_units.npz"
SECTORS_FILE = "uk_postcode_sectors.csv"
DISTRICTS_FILE = "uk_postcode_districts.csv"
LA_LOOKUP_FILE = "lad_to_childrens_services_la.csv"
_COUNTRY_BY_PREFIX = {"E": "E92000001", "W": "W92000004", "S": "S92000003"}


def packaged_data_dir() -> Path:
    """The folder holding the packaged reference data."""
    return Path(str(resources.files("matching") / "data"))


@dataclass(frozen=True, slots=True)
class AreaCentroid:
    """Where a unit, sector or district is, and its (majority) local authority district."""

    easting_m: float
    northing_m: float
    latitude: float  # WGS84 [degrees]
    longitude: float
    lad_code: str
    lad_share: float  # share of the area's units in lad_code (1.0 for a unit)
    country_code: str
    on_national_grid: bool  # False: grid point projected from a GeoNames latitude/longitude


@dataclass(frozen=True, slots=True)
class UnitTable:
    """Every live GB unit postcode (OS Code-Point Open), sorted by its space-free S7 key."""

    keys: np.ndarray  # S7, e.g. b"HA12JG", sorted
    eastings_m: np.ndarray
    northings_m: np.ndarray
    lad_index: np.ndarray  # row of lad_codes
    lad_codes: tuple[str, ...]

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Row of each S7 key, or -1 where absent (binary search with np.searchsorted)."""
        rows = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[rows] == keys, rows, -1)

    def centroid(self, row: int) -> AreaCentroid:
        east, north = float(self.eastings_m[row]), float(self.northings_m[row])
        lat, lon = grid_to_wgs84(east, north)
        lad_code = self.lad_codes[int(self.lad_index[row])]
        country = _COUNTRY_BY_PREFIX.get(lad_code[:1], "")
        return AreaCentroid(east, north, float(lat), float(lon), lad_code, 1.0, country, True)

    def postcodes(self, rows: np.ndarray | None = None) -> list[str]:
        """Standard-form postcodes ("HA1 2JG") of the given rows (all rows if None)."""
        keys = self.keys if rows is None else self.keys[rows]
        return [f"{key[:-3].decode()} {key[-3:].decode()}" for key in keys]


def read_units(path: Path) -> UnitTable:
    with np.load(path, allow_pickle=False) as units:
        return UnitTable(
            keys=units["postcode"],
            eastings_m=units["easting"],
            northings_m=units["northing"],
            lad_index=units["lad_index"],
            lad_codes=tuple(str(code) for code in units["lad_table"]),
        )


def read_areas(path: Path, key: str) -> dict[str, AreaCentroid]:
    """Read a district or sector centroid CSV; GeoNames rows get a projected grid point."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lats = np.array([float(r["latitude"]) for r in rows])
    lons = np.array([float(r["longitude"]) for r in rows])
    projected_e, projected_n = wgs84_to_grid(lats, lons)
    areas = {}
    for i, row in enumerate(rows):
        on_grid = row["easting"] != ""
        areas[row[key]] = AreaCentroid(
            easting_m=float(row["easting"]) if on_grid else float(projected_e[i]),
            northing_m=float(row["northing"]) if on_grid else float(projected_n[i]),
            latitude=float(lats[i]),
            longitude=float(lons[i]),
            lad_code=row["lad_code"],
            lad_share=float(row["lad_share"] or 0.0),
            country_code=row["country_code"],
            on_national_grid=on_grid,
        )
    return areas


def read_local_authorities(path: Path) -> dict[str, LocalAuthority]:
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
