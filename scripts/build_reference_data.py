"""Build the packaged reference data from ``../shared/data`` (developer-time only).

The product never reads ``../shared`` at run time: this script copies and compacts the
vetted open data into ``matching/data`` and ``sufficiency/data``. Run it again only when the
shared data changes:  ``python scripts/build_reference_data.py [--shared ../shared/data]``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def build_units(shared: Path, out: Path) -> int:
    """Compact every GB unit postcode into a sorted numpy archive (postcode, easting, northing, LAD)."""
    postcodes: list[str] = []
    eastings: list[int] = []
    northings: list[int] = []
    lad_codes: list[str] = []
    with gzip.open(shared / "postcodes" / "gb_postcode_units.csv.gz", "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            postcodes.append(row["postcode"].replace(" ", ""))
            eastings.append(int(row["easting"]))
            northings.append(int(row["northing"]))
            lad_codes.append(row["lad_code"])
    order = np.argsort(np.array(postcodes, dtype="S7"), kind="stable")
    lad_table, lad_index = np.unique(np.array(lad_codes, dtype="U9"), return_inverse=True)
    np.savez_compressed(
        out / "gb_postcode_units.npz",
        postcode=np.array(postcodes, dtype="S7")[order],
        easting=np.array(eastings, dtype=np.int32)[order],
        northing=np.array(northings, dtype=np.int32)[order],
        lad_index=lad_index.astype(np.int16)[order],
        lad_table=lad_table,
    )
    return len(postcodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    shared: Path = args.shared
    geo_out = ROOT / "matching" / "data"
    geo_out.mkdir(parents=True, exist_ok=True)
    count = build_units(shared, geo_out)
    for name in ("uk_postcode_districts.csv", "uk_postcode_sectors.csv",
                 "lad_to_childrens_services_la.csv", "README.md"):
        target = "POSTCODES_README.md" if name == "README.md" else name
        shutil.copy(shared / "postcodes" / name, geo_out / target)
    schools = (shared / "schools" / "england_state_schools_gias_2025-07.csv").read_bytes()
    with open(geo_out / "england_state_schools_gias_2025-07.csv.gz", "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as dst:
        dst.write(schools)
    shutil.copy(shared / "schools" / "README.md", geo_out / "SCHOOLS_README.md")
    cla_out = ROOT / "sufficiency" / "data" / "cla_dfe_2023"
    cla_out.mkdir(parents=True, exist_ok=True)
    for path in (shared / "cla_dfe_2023").iterdir():
        if path.suffix in {".csv", ".md"}:
            shutil.copy(path, cla_out / path.name)
    print(f"{count} unit postcodes packed into {geo_out}")


if __name__ == "__main__":
    main()
