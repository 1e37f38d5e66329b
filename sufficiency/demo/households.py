"""Fostering households for the demo: the ones caring for today's fostered children, plus vacancies.

Every fostered child in care on the as-of date lives in one of these households, within its
approval (ages, places, sibling group). Households with vacancies, some on hold or free only
from a later date, and deregistered ones (for recruitment and attrition history) are added.
Weekly costs are assumptions documented in docs/demo-council.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from matching.domain import (
    Household,
    HouseholdFeature,
    HouseholdId,
    Need,
    PlacedChild,
    PlacementKind,
    ProviderType,
)
from sufficiency.demo.careers import Person
from sufficiency.demo.geography import Geography
from sufficiency.demo.providers import AGENCY_NAMES, AGENCY_SPECIALIST
from sufficiency.domain import ChildId, age_on

_K = PlacementKind
LANGUAGES = (
    "Turkish",
    "Polish",
    "Somali",
    "Arabic",
    "Bengali",
    "Portuguese",
    "Twi",
    "Yoruba",
    "French",
    "Spanish",
    "Kurdish",
    "Albanian",
    "Tigrinya",
    "Romanian",
)
RELIGIONS = {
    "Christian": 0.45,
    "Muslim": 0.2,
    "No religion": 0.25,
    "Jewish": 0.03,
    "Hindu": 0.02,
    "": 0.05,
}
ETHNICITIES = {
    "WBRI": 0.35,
    "WOTH": 0.12,
    "BCRB": 0.12,
    "BAFR": 0.15,
    "MWBC": 0.06,
    "AOTH": 0.04,
    "ABAN": 0.03,
    "OOTH": 0.08,
    "WIRI": 0.05,
}  # carers in a diverse London borough (assumption)
#: Skill -> chance a household offers it (assumption); rarer skills are the scarce ones.
SKILL_CHANCE = {
    Need.TRAUMA: 0.4,
    Need.EDUCATION_SUPPORT: 0.3,
    Need.AUTISM: 0.15,
    Need.LEARNING_DISABILITY: 0.15,
    Need.MENTAL_HEALTH: 0.15,
    Need.CHALLENGING_BEHAVIOUR: 0.15,
    Need.COMPLEX_HEALTH: 0.08,
    Need.DISABILITY: 0.08,
    Need.SELF_HARM: 0.08,
    Need.CHILD_SEXUAL_EXPLOITATION: 0.05,
    Need.CHILD_CRIMINAL_EXPLOITATION: 0.05,
    Need.SUBSTANCE_MISUSE: 0.03,
    Need.YOUTH_JUSTICE: 0.03,
    Need.STEP_FREE_HOME: 0.05,
}
#: Weekly cost [GBP] ranges (allowance + support; agency fee): assumptions, see docs.
WEEKLY_COST_GBP = {
    ProviderType.IN_HOUSE: (450, 650),
    ProviderType.AGENCY: (850, 1100),
    ProviderType.CONNECTED: (300, 450),
}


@dataclass(slots=True)
class Draft:
    """A household being built: its place, provider and the units of children placed with it."""

    household_id: str
    provider: ProviderType
    band: str  # "inside", "near" or "far" (from the borough)
    postcode: str
    approved_places: int
    agency_name: str = ""
    units: list[list[Person]] = field(default_factory=list)
    placed_since: dt.date | None = None

    @property
    def placed(self) -> int:
        return sum(len(unit) for unit in self.units)


def _chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def _pick(options: dict[str, float], rng: np.random.Generator) -> str:
    keys = list(options)
    weights = np.array(list(options.values()))
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def postcode_for_band(
    band: str, geography: Geography, rng: np.random.Generator, near: str = ""
) -> str:
    """A real unit postcode: in the borough, outside it within 20 miles, or over 20 miles away."""
    if band == "inside":
        return geography.near_home_postcode(near, rng) if near else geography.home_postcode(rng)
    if band == "near":
        return geography.near_outside_postcode(rng)
    return geography.far_postcode(rng)


def _skills(
    draft: Draft, children: list[Person], age_min: int, age_max: int, rng: np.random.Generator
) -> frozenset[Need]:
    skills = {need for need, p in SKILL_CHANCE.items() if _chance(rng, p)}
    if age_max >= 13 and _chance(rng, 0.6):
        skills.add(Need.TEENAGERS)
    if age_min <= 1 and _chance(rng, 0.7):
        skills.add(Need.BABY_CARE)
    if age_max >= 14 and _chance(rng, 0.25):
        skills.add(Need.UNACCOMPANIED_ASYLUM_SEEKING)
    for child in children:
        if child.uasc:
            skills.add(Need.UNACCOMPANIED_ASYLUM_SEEKING)
        if child.disabled:
            skills.add(Need.DISABILITY if _chance(rng, 0.5) else Need.LEARNING_DISABILITY)
    return frozenset(skills)


def _kinds(provider: ProviderType, rng: np.random.Generator) -> set[PlacementKind]:
    if provider == ProviderType.CONNECTED:
        return {_K.SHORT_TERM, _K.LONG_TERM}
    kinds = {_K.SHORT_TERM, _K.LONG_TERM} if _chance(rng, 0.7) else {_K.SHORT_TERM}
    if _chance(rng, 0.35):
        kinds.add(_K.EMERGENCY)
    if _chance(rng, 0.2):
        kinds.add(_K.RESPITE)
    return kinds


def _features(places: int, rng: np.random.Generator) -> frozenset[HouseholdFeature]:
    f = HouseholdFeature
    features = {f.SINGLE_CARER if _chance(rng, 0.3) else f.TWO_CARERS}
    for feature, p in (
        (f.GARDEN, 0.5),
        (f.OWN_BEDROOM, 0.6),
        (f.SPORTS_CLUBS, 0.3),
        (f.NEAR_FAMILY, 0.1),
    ):
        if _chance(rng, p):
            features.add(feature)
    features.add(f.PETS if _chance(rng, 0.35) else f.NO_PETS)
    if places == 1 and _chance(rng, 0.3):
        features.add(f.NO_OTHER_CHILDREN)
    return frozenset(features)


SPECIALIST_SKILLS = frozenset({Need.TEENAGERS, Need.TRAUMA, Need.CHALLENGING_BEHAVIOUR,
                               Need.CHILD_CRIMINAL_EXPLOITATION, Need.MENTAL_HEALTH})  # fmt: skip


def _age_range(
    ages: list[int], fixed: tuple[int, int] | None, rng: np.random.Generator
) -> tuple[int, int]:
    """An approval age range (typical bands) widened to cover the children placed."""
    low, high = fixed or (
        int(rng.choice([0, 0, 2, 5, 8, 11])),
        int(rng.choice([4, 10, 12, 17, 17, 17])),
    )
    if ages:
        low, high = min(low, min(ages)), max(high, max(ages))
    return min(low, high), max(low, high)


def _approved_on(draft: Draft, as_of: dt.date, rng: np.random.Generator) -> dt.date:
    """Approval before the first child placed (connected carers: just before, temporarily)."""
    since = draft.placed_since or as_of
    days = int(rng.integers(20, 9 * 365))
    if draft.provider == ProviderType.CONNECTED:
        days = int(rng.integers(0, 120))
    return max(since - dt.timedelta(days=days), dt.date(1995, 4, 1))


def _placed(
    children: list[Person], sibling_of: dict[str, str], risky: frozenset[str]
) -> tuple[PlacedChild, ...]:
    return tuple(
        PlacedChild(
            ChildId(c.child_id),
            c.date_of_birth,
            sibling_of.get(c.child_id, ""),
            c.child_id in risky,
        )
        for c in children
    )


def finish(
    draft: Draft,
    as_of: dt.date,
    rng: np.random.Generator,
    *,
    sibling_of: dict[str, str],
    risky: frozenset[str],
    on_hold: bool = False,
    available_from: dt.date | None = None,
    deregistered_on: dt.date | None = None,
    extra_kinds: frozenset[PlacementKind] = frozenset(),
    age_range: tuple[int, int] | None = None,
) -> Household:
    """Turn a draft into a ``Household`` whose approval covers the children placed with it."""
    children = [child for unit in draft.units for child in unit]
    low, high = _age_range([age_on(c.date_of_birth, as_of) for c in children], age_range, rng)
    largest_group = max([len(unit) for unit in draft.units] + [1])
    specialist = draft.agency_name == AGENCY_SPECIALIST
    approved_on = _approved_on(draft, as_of, rng)
    skills = _skills(draft, children, low, high, rng) | (
        SPECIALIST_SKILLS if specialist else frozenset()
    )
    extra = {LANGUAGES[int(rng.integers(len(LANGUAGES)))]} if _chance(rng, 0.35) else set()
    kinds = frozenset(_kinds(draft.provider, rng) | extra_kinds)
    max_group = max(largest_group, min(draft.approved_places, int(rng.integers(1, 4))))
    religion, ethnicity = _pick(RELIGIONS, rng), _pick(ETHNICITIES, rng)
    features = _features(draft.approved_places, rng)
    cost_low, cost_high = WEEKLY_COST_GBP[draft.provider]
    cost = round(rng.uniform(cost_low, cost_high) * (1.15 if specialist else 1.0) / 5) * 5
    connected = draft.provider == ProviderType.CONNECTED
    ids = frozenset(ChildId(c.child_id) for c in children) if connected else frozenset()
    outcode = draft.postcode.split()[0]
    return Household(
        household_id=HouseholdId(draft.household_id),
        name=f"{draft.provider.value.capitalize()} household {draft.household_id} ({outcode})",
        provider=draft.provider, postcode=draft.postcode, approved_places=draft.approved_places,
        approved_age_min=low, approved_age_max=high, approved_kinds=kinds,
        max_sibling_group=max_group, skills=frozenset(skills),
        languages=frozenset({"English"} | extra), religion=religion, ethnicity=ethnicity,
        features=features, placed_children=_placed(children, sibling_of, risky),
        weekly_cost_gbp=float(cost), available_from=available_from, on_hold=on_hold,
        agency_name=draft.agency_name, usual_limit_exemption=draft.approved_places > 3,
        connected_child_ids=ids, approved_on=approved_on, deregistered_on=deregistered_on,
    )  # fmt: skip


def agency_for(rng: np.random.Generator) -> str:
    return AGENCY_NAMES[int(rng.integers(len(AGENCY_NAMES)))]
