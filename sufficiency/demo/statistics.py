"""National children-looked-after statistics (DfE, year ending 31 March 2023) the demo follows.

Reads the packaged ``sufficiency/data/cla_dfe_2023`` files once and maps DfE's published
categories onto SSDA903 codes and ``PlacementType``. It does not read local-authority rows
other than the demo council's own counts, and does not model anything: the mixes are shares.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from sufficiency.demo.dfe_labels import (
    AGE_LABELS,
    DISTANCE_GROUPS,
    DURATION_LABELS,
    ETHNIC_LABELS,
    MOVE_REASON_LABELS,
    REASON_LABELS,
)
from sufficiency.domain import AgeBand, PlacementType

_FOLDER = "cla_dfe_2023"
_P = PlacementType


@dataclass(frozen=True, slots=True)
class NationalStatistics:
    """Shares from the DfE 2023 release; every mapping's values sum to 1 unless noted.

    ``over_20_miles_share`` and ``inside_boundary_share`` are per placement type: the share
    of all children (distance unknown counted as not over 20 miles), and of those within
    20 miles, the share placed inside the council's boundary.
    """

    stock_age: dict[AgeBand, float]
    start_age: dict[AgeBand, float]
    stock_placement: dict[PlacementType, float]
    over_20_miles_share: dict[PlacementType, float]
    inside_boundary_share: dict[PlacementType, float]
    start_ethnicity: dict[str, float]
    start_male_share: float  # of children starting to be looked after
    start_need: dict[str, float]  # SSDA903 CIN code (N1-N8) -> share of starts
    uasc_stock_share: float  # of children looked after on 31 March
    uasc_16_plus_share: float  # of UASC looked after
    uasc_male_share: float
    cease_reasons: dict[str, float]  # REC code -> share of all ceases
    ceased_at_18_share: float  # of all ceases: on or after the 18th birthday
    care_duration_days: tuple[tuple[int, int, float], ...]  # (low, high, share) of last periods
    move_reasons: dict[str, float]  # REASON_PLACE_CHANGE code -> share of placement changes
    stock_total: int  # England, 31 March 2023
    starts_total: int


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("sufficiency") / "data" / _FOLDER / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["time_period"] == "2023"]


def _number(text: str) -> float:
    """DfE suppression symbols (c, k, x, z) count as zero."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def _shares(pairs: dict[object, float]) -> dict:
    total = sum(pairs.values())
    return {key: value / total for key, value in pairs.items()}


def _group(rows: list[dict[str, str]], group: str, labels: dict) -> dict:
    """Shares of the rows of one ``cla_group`` whose characteristic is in ``labels``."""
    counts: dict[object, float] = {}
    for row in rows:
        if row["cla_group"] == group and row["characteristic"] in labels:
            key = labels[row["characteristic"]]
            counts[key] = counts.get(key, 0.0) + _number(row["number"])
    return _shares(counts)


def _placement_rows() -> dict[str, float]:
    return _counts(_rows("national_cla_on_31_march_by_characteristics.csv"), "Placement")


def _foster_locality() -> dict[PlacementType, tuple[float, float]]:
    """Foster children (inside, outside) the council boundary by provider type.

    Kinship: "with relative or friend"; agency: private and voluntary providers; in-house:
    the rest (own and other LA provision).
    """
    rows = _placement_rows()
    provider = {"2a": 0.0, "3a": 0.0}
    for r in _rows(
        "national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv"
    ):
        if r["placement_type"][:2] in provider and r["placement_provider"] in {
            "Private provision", "Voluntary/third sector provision"}:  # fmt: skip
            provider[r["placement_type"][:2]] += _number(r["number"])
    relative = "council boundary with relative or friend"
    kin = (rows[f"1a.1 Total foster placements inside {relative}"],
           rows[f"1b.1 Total foster placements outside {relative}"])  # fmt: skip
    inside = rows["1a Total foster placements inside council boundary"]
    outside = rows["1b Total foster placements outside council boundary"]
    return {
        _P.KINSHIP_FOSTERING: kin,
        _P.AGENCY_FOSTERING: (provider["2a"], provider["3a"]),
        _P.IN_HOUSE_FOSTERING: (
            inside - kin[0] - provider["2a"],
            outside - kin[1] - provider["3a"],
        ),
    }


def _placement_mix() -> dict[PlacementType, float]:
    """Stock by placement type (foster split by provider, see ``_foster_locality``)."""
    rows = _placement_rows()
    foster = {kind: sum(pair) for kind, pair in _foster_locality().items()}
    return _shares({
        **foster,
        _P.PLACED_FOR_ADOPTION: rows["2. Total placed for adoption"],
        _P.PLACED_WITH_PARENTS: rows[
            "3. Total placed with parents or other person with parental responsibility"],
        _P.SUPPORTED_ACCOMMODATION: rows["4a Living independently"] + rows[
            "5d Semi-independent living accommodation not subject to children's homes regulations"],
        _P.SECURE: rows["5a Secure unit placement inside the council boundary"]
        + rows["5b Secure unit placement outside the council boundary"]
        + rows["6d Young offenders institution or prison"],
        _P.CHILDRENS_HOME: rows["5c Total children's homes subject to children's homes regulations"]
        + rows["6a Residential care homes"],
        _P.PARENT_AND_CHILD: rows["6c Family centre or mother and baby unit"],
        _P.RESIDENTIAL_SCHOOL: rows["7. Total residential schools"],
        _P.OTHER: rows["6b NHS Trust providing medical or nursing care"]
        + rows["8. Total other placements"],
    })  # fmt: skip


def _distance_shares() -> tuple[dict[PlacementType, float], dict[PlacementType, float]]:
    """Per type: share over 20 miles, and share inside the boundary of those within 20 miles.

    The distance table has one foster group; it is split by provider in proportion to each
    provider's share of foster children placed outside the boundary (agency carers live
    further away), keeping the foster total.
    """
    counts: dict[tuple[str, str], float] = {}
    for r in _rows("national_cla_on_31_march_by_placement_distance_and_placement_locality.csv"):
        counts[(r["cla_group"], r["characteristic"].lower())] = _number(r["number"])
    over: dict[PlacementType, float] = {}
    inside: dict[PlacementType, float] = {}
    for group, types in DISTANCE_GROUPS.items():
        total = counts[(group, "total")]
        for placement_type in types:
            over[placement_type] = counts[(group, "2. over 20 miles")] / total
            inside[placement_type] = (
                counts[(group, "1.i 20 miles or less inside la boundary")] / total
            )
    locality = _foster_locality()
    all_in = sum(i for i, _ in locality.values()) / sum(i + o for i, o in locality.values())
    for kind, (kind_in, kind_out) in locality.items():
        over[kind] *= (kind_out / (kind_in + kind_out)) / (1 - all_in)
        inside[kind] *= (kind_in / (kind_in + kind_out)) / all_in
    return over, {kind: min(0.98, inside[kind] / (1 - over[kind])) for kind in inside}


def _cease_reasons(rows: list[dict[str, str]]) -> dict[str, float]:
    counts: dict[str, float] = {}
    for row in rows:
        if row["cla_group"] == "Reason episode ceased" and row["characteristic"] in REASON_LABELS:
            for code, part in REASON_LABELS[row["characteristic"]].items():
                counts[code] = counts.get(code, 0.0) + part * _number(row["number"])
    return _shares(counts)


def _counts(
    rows: list[dict[str, str]], group: str, column: str = "characteristic"
) -> dict[str, float]:
    """``{label: number}`` for the rows of one ``cla_group``."""
    return {r[column]: _number(r["number"]) for r in rows if r["cla_group"] == group}


def _move_reasons() -> dict[str, float]:
    rows = [r for r in _rows("national_reason_for_placement_change_during_year.csv")
            if r["characteristic"] == "Total"]  # fmt: skip
    counts = _counts(rows, "Age", column="reason_for_change")
    return _shares({code: counts[label] for label, code in MOVE_REASON_LABELS.items()})


@functools.cache
def load_national_statistics() -> NationalStatistics:
    """Read the packaged DfE 2023 national tables into the shares the demo samples from."""
    stock = _rows("national_cla_on_31_march_by_characteristics.csv")
    starts = _rows("national_cla_started_to_be_looked_after.csv")
    ceases = _rows("national_children_who_ceased_to_be_looked_after_during_the_year.csv")
    uasc = _rows("national_cla_on_31_march_who_were_unaccompanied_asylum_seeking_children.csv")
    uasc_ages, uasc_sexes = _counts(uasc, "Age group"), _counts(uasc, "Gender")
    durations = _group(ceases, "Duration of last period of care", DURATION_LABELS)
    ceasing = _counts(ceases, "Age on ceasing")
    needs = {k[:2]: v for k, v in _counts(starts, "Category of need").items() if k.startswith("N")}
    over, inside = _distance_shares()
    stock_total = _counts(stock, "Age group")["Total children"]
    return NationalStatistics(
        stock_age=_group(stock, "Age group", AGE_LABELS),
        start_age=_group(starts, "Age on starting", AGE_LABELS),
        stock_placement=_placement_mix(),
        over_20_miles_share=over,
        inside_boundary_share=inside,
        start_ethnicity=_group(starts, "Ethnicity", ETHNIC_LABELS),
        start_male_share=_group(starts, "Gender", {"Male": "male", "Female": "female"})["male"],
        start_need=_shares(needs),
        uasc_stock_share=uasc_ages["Total"] / stock_total,
        uasc_16_plus_share=uasc_ages["16 years and over"] / uasc_ages["Total"],
        uasc_male_share=uasc_sexes["Male"] / uasc_sexes["Total"],
        cease_reasons=_cease_reasons(ceases),
        ceased_at_18_share=(ceasing["Ceased on 18th birthday"]
                            + ceasing["Ceased when older than 18th birthday"]) / ceasing["Total"],
        care_duration_days=tuple((low, high, durations[(low, high)])
                                 for low, high in DURATION_LABELS.values()),
        move_reasons=_move_reasons(),
        stock_total=int(stock_total),
        starts_total=int(_counts(starts, "Age on starting")["Total children"]),
    )  # fmt: skip
