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

from sufficiency.domain import AgeBand, PlacementType

_FOLDER = "cla_dfe_2023"
_P = PlacementType

_AGE_LABELS = {
    "Under 1 year": AgeBand.UNDER_1,
    "1 to 4 years": AgeBand.AGE_1_TO_4,
    "5 to 9 years": AgeBand.AGE_5_TO_9,
    "10 to 15 years": AgeBand.AGE_10_TO_15,
    "16 years and over": AgeBand.AGE_16_TO_17,
}

#: DfE ethnicity rows -> SSDA903 ETHNIC codes.
_ETHNIC_LABELS = {
    "1a. White British": "WBRI",
    "1b. White Irish": "WIRI",
    "1c. Traveller of Irish Heritage": "WIRT",
    "1d. Gypsy Roma": "WROM",
    "1e. Any other White background": "WOTH",
    "2a. White and Black Caribbean": "MWBC",
    "2b. White and Black African": "MWBA",
    "2c. White and Asian": "MWAS",
    "2d. Any other Mixed background": "MOTH",
    "3a. Indian": "AIND",
    "3b. Pakistani": "APKN",
    "3c. Bangladeshi": "ABAN",
    "3d. Chinese": "CHNE",
    "3e. Any other Asian background": "AOTH",
    "4a. Caribbean": "BCRB",
    "4b. African": "BAFR",
    "4c. Any other Black background": "BOTH",
    "5a. Any other ethnic group": "OOTH",
    "6a. Refused": "REFU",
    "6b. Information not yet obtained": "NOBT",
}

#: DfE "reason episode ceased" rows -> SSDA903 REC codes with the share of the row each takes.
#: Rare reasons outside the demo's code list (died, care taken by another LA, remand ended)
#: are folded into E8; "returned home, not part of care planning" into E4A (see docs).
_REASON_LABELS: dict[str, dict[str, float]] = {
    "Adopted": {"E11": 0.3, "E12": 0.7},
    "Age assessment determined child aged 18 or over": {"E15": 1.0},
    "Aged 18 (or over) and remained with current carers": {"E17": 1.0},
    "Care ceased for any other reason": {"E8": 1.0},
    "Care taken by another local authority": {"E8": 1.0},
    "Child moved abroad": {"E16": 1.0},
    "Died": {"E8": 1.0},
    "Accommodation on remand ended": {"E8": 1.0},
    "Left care to live with parents, relatives or other person with no parental responsibility": {
        "E13": 1.0
    },
    "Moved into independent living (with no formalised support)": {"E6": 1.0},
    "Moved into independent living (with supportive accommodation)": {"E5": 1.0},
    "Residence order or child arrangement order granted": {"E41": 1.0},
    "Returned home to live with parents or other person with parental responsibility which was "
    "not part of the care planning process": {"E4A": 1.0},
    "Returned home to live with parents or other person with parental responsibility which was "
    "part of the care planning process": {"E4A": 1.0},
    "Sentenced to custody": {"E9": 1.0},
    "Special guardianship order": {"E45": 0.4, "E46": 0.08, "E47": 0.45, "E48": 0.07},
    "Transferred to residential care funded by adult social services": {"E7": 1.0},
}

#: DfE "duration of last period of care" rows -> [low, high) days.
_DURATION_LABELS = {
    "1. Under 2 weeks": (0, 14),
    "2. From 2 weeks to under 8 weeks": (14, 56),
    "3. From 8 weeks to under 6 months": (56, 182),
    "4. From 6 months to under 1 year": (182, 365),
    "5. From 1 year to under 2 years": (365, 730),
    "6. From 2 years to under 3 years": (730, 1095),
    "7. From 3 years to under 5 years": (1095, 1826),
    "8. From 5 years to under 10 years": (1826, 3652),
    "9. 10 years and over": (3652, 6574),
}

#: DfE "reason for placement change" rows -> SSDA903 REASON_PLACE_CHANGE codes.
_MOVE_REASON_LABELS = {
    "Allegation (s47)": "ALLEG",
    "Approval removed": "APPRR",
    "Carer requests placement end other than due to child's behaviour": "CREQO",
    "Carer requests placement ends due to child's behaviour": "CREQB",
    "Change in the status of a placement only": "PLACE",
    "Change to/Implementation of care plan": "CARPL",
    "Child requests placement to end": "CHILD",
    "Custody": "CUSTOD",
    "Other": "OTHER",
    "Resignation or closure of provision": "CLOSE",
    "Responsible/Area authority requests placement to end": "LAREQ",
    "Standards of care concern": "STAND",
}

#: Distance-table placement groups -> the placement types they cover.
_DISTANCE_GROUPS = {
    "Foster placements": (_P.IN_HOUSE_FOSTERING, _P.AGENCY_FOSTERING, _P.KINSHIP_FOSTERING),
    "Placed for adoption": (_P.PLACED_FOR_ADOPTION,),
    "Placed with parents": (_P.PLACED_WITH_PARENTS,),
    "Secure units, children's homes and semi-independent living accommodation": (
        _P.CHILDRENS_HOME,
        _P.SECURE,
        _P.SUPPORTED_ACCOMMODATION,
    ),
    "Other": (_P.PARENT_AND_CHILD, _P.RESIDENTIAL_SCHOOL, _P.OTHER),
}


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


def _placement_mix() -> dict[PlacementType, float]:
    """Stock by placement type: foster split by provider (own/other LA vs private/voluntary)."""
    rows = {
        r["characteristic"]: _number(r["number"])
        for r in _rows("national_cla_on_31_march_by_characteristics.csv")
        if r["cla_group"] == "Placement"
    }
    providers: dict[str, float] = {}
    for r in _rows(
        "national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv"
    ):
        if r["placement_type"][:2] in {"2a", "3a"}:  # foster placements inside / outside boundary
            providers[r["placement_provider"]] = providers.get(
                r["placement_provider"], 0
            ) + _number(r["number"])
    kinship = (
        rows["1a.1 Total foster placements inside council boundary with relative or friend"]
        + rows["1b.1 Total foster placements outside council boundary with relative or friend"]
    )
    agency = providers["Private provision"] + providers["Voluntary/third sector provision"]
    in_house = rows["1. Total foster placements"] - kinship - agency
    return _shares(
        {
            _P.IN_HOUSE_FOSTERING: in_house,
            _P.AGENCY_FOSTERING: agency,
            _P.KINSHIP_FOSTERING: kinship,
            _P.PLACED_FOR_ADOPTION: rows["2. Total placed for adoption"],
            _P.PLACED_WITH_PARENTS: rows[
                "3. Total placed with parents or other person with parental responsibility"
            ],
            _P.SUPPORTED_ACCOMMODATION: rows["4a Living independently"]
            + rows[
                "5d Semi-independent living accommodation not subject to children's homes "
                "regulations"
            ],
            _P.SECURE: rows["5a Secure unit placement inside the council boundary"]
            + rows["5b Secure unit placement outside the council boundary"]
            + rows["6d Young offenders institution or prison"],
            _P.CHILDRENS_HOME: rows[
                "5c Total children's homes subject to children's homes regulations"
            ]
            + rows["6a Residential care homes"],
            _P.PARENT_AND_CHILD: rows["6c Family centre or mother and baby unit"],
            _P.RESIDENTIAL_SCHOOL: rows["7. Total residential schools"],
            _P.OTHER: rows["6b NHS Trust providing medical or nursing care"]
            + rows["8. Total other placements"],
        }
    )


def _distance_shares() -> tuple[dict[PlacementType, float], dict[PlacementType, float]]:
    counts: dict[tuple[str, str], float] = {}
    for r in _rows("national_cla_on_31_march_by_placement_distance_and_placement_locality.csv"):
        counts[(r["cla_group"], r["characteristic"].lower())] = _number(r["number"])
    over: dict[PlacementType, float] = {}
    inside: dict[PlacementType, float] = {}
    for group, types in _DISTANCE_GROUPS.items():
        total = counts[(group, "total")]
        near = counts[(group, "1. 20 miles or less")]
        for placement_type in types:
            over[placement_type] = counts[(group, "2. over 20 miles")] / total
            inside[placement_type] = (
                counts[(group, "1.i 20 miles or less inside la boundary")] / near
            )
    return over, inside


def _cease_reasons(rows: list[dict[str, str]]) -> dict[str, float]:
    counts: dict[str, float] = {}
    for row in rows:
        if row["cla_group"] == "Reason episode ceased" and row["characteristic"] in _REASON_LABELS:
            for code, part in _REASON_LABELS[row["characteristic"]].items():
                counts[code] = counts.get(code, 0.0) + part * _number(row["number"])
    return _shares(counts)


@functools.cache
def load_national_statistics() -> NationalStatistics:
    """Read the packaged DfE 2023 national tables into the shares the demo samples from."""
    stock = _rows("national_cla_on_31_march_by_characteristics.csv")
    starts = _rows("national_cla_started_to_be_looked_after.csv")
    ceases = _rows("national_children_who_ceased_to_be_looked_after_during_the_year.csv")
    uasc = {
        (r["cla_group"], r["characteristic"]): _number(r["number"])
        for r in _rows(
            "national_cla_on_31_march_who_were_unaccompanied_asylum_seeking_children.csv"
        )
    }
    moves = [
        r
        for r in _rows("national_reason_for_placement_change_during_year.csv")
        if r["cla_group"] == "Age" and r["characteristic"] == "Total"
    ]
    move_counts = {
        _MOVE_REASON_LABELS[r["reason_for_change"]]: _number(r["number"])
        for r in moves
        if r["reason_for_change"] in _MOVE_REASON_LABELS
    }
    durations = _group(ceases, "Duration of last period of care", _DURATION_LABELS)
    ages_ceasing = {
        r["characteristic"]: _number(r["number"])
        for r in ceases
        if r["cla_group"] == "Age on ceasing"
    }
    gender = _group(starts, "Gender", {"Male": "male", "Female": "female"})
    over, inside = _distance_shares()
    stock_total = {
        r["characteristic"]: _number(r["number"]) for r in stock if r["cla_group"] == "Age group"
    }
    return NationalStatistics(
        stock_age=_group(stock, "Age group", _AGE_LABELS),
        start_age=_group(starts, "Age on starting", _AGE_LABELS),
        stock_placement=_placement_mix(),
        over_20_miles_share=over,
        inside_boundary_share=inside,
        start_ethnicity=_group(starts, "Ethnicity", _ETHNIC_LABELS),
        start_male_share=gender["male"],
        start_need=_shares(
            {
                r["characteristic"][:2]: _number(r["number"])
                for r in starts
                if r["cla_group"] == "Category of need" and r["characteristic"][:1] == "N"
            }
        ),
        uasc_stock_share=uasc[("Age group", "Total")] / stock_total["Total children"],
        uasc_16_plus_share=uasc[("Age group", "16 years and over")] / uasc[("Age group", "Total")],
        uasc_male_share=uasc[("Gender", "Male")] / uasc[("Gender", "Total")],
        cease_reasons=_cease_reasons(ceases),
        ceased_at_18_share=(
            ages_ceasing["Ceased on 18th birthday"]
            + ages_ceasing["Ceased when older than 18th birthday"]
        )
        / ages_ceasing["Total"],
        care_duration_days=tuple(
            (low, high, durations[(low, high)]) for low, high in _DURATION_LABELS.values()
        ),
        move_reasons=_shares(move_counts),
        stock_total=int(stock_total["Total children"]),
        starts_total=int(
            sum(
                _number(r["number"])
                for r in starts
                if r["cla_group"] == "Age on starting" and r["characteristic"] == "Total children"
            )
        ),
    )
