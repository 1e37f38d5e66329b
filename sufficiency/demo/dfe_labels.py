"""DfE's published category labels (CLA 2023 tables) mapped to SSDA903 codes and ``PlacementType``.

A data-only module used by ``statistics``: the labels are DfE's, verbatim.
"""

from __future__ import annotations

from sufficiency.domain import AgeBand, PlacementType

_P = PlacementType

AGE_LABELS = {
    "Under 1 year": AgeBand.UNDER_1,
    "1 to 4 years": AgeBand.AGE_1_TO_4,
    "5 to 9 years": AgeBand.AGE_5_TO_9,
    "10 to 15 years": AgeBand.AGE_10_TO_15,
    "16 years and over": AgeBand.AGE_16_TO_17,
}

#: DfE ethnicity rows -> SSDA903 ETHNIC codes.
ETHNIC_LABELS = {
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
REASON_LABELS: dict[str, dict[str, float]] = {
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
DURATION_LABELS = {
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
MOVE_REASON_LABELS = {
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
DISTANCE_GROUPS = {
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
