"""Pure domain types for matching: children, sibling groups, referrals, households, schools.

Frozen dataclasses with invariants checked on construction (``ValueError`` naming the
field). No geography look-ups, solver, file or database access: distances arrive as
numbers computed by ``matching.geo``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import NewType

from sufficiency.domain import AgeBand, ChildId, PlacementType, Sex, age_on

ReferralId = NewType("ReferralId", str)
HouseholdId = NewType("HouseholdId", str)
CarerId = HouseholdId  # a fostering household is approved as one unit
SchoolUrn = NewType("SchoolUrn", int)


class Need(enum.StrEnum):
    """The documented vocabulary of needs a child may have and skills a household may offer.

    A child's *essential* needs must all be met by the household's skills (a hard rule);
    *desirable* needs add points when met. See docs/needs-vocabulary.md.
    """

    DISABILITY = "disability"  # physical disability needing adapted care
    LEARNING_DISABILITY = "learning disability"
    AUTISM = "autism"
    COMPLEX_HEALTH = "complex health"  # medical needs, e.g. tube feeding, epilepsy
    MENTAL_HEALTH = "mental health"  # CAMHS involvement, anxiety, depression
    SELF_HARM = "self-harm"
    CHALLENGING_BEHAVIOUR = "challenging behaviour"
    CHILD_SEXUAL_EXPLOITATION = "sexual exploitation risk"
    CHILD_CRIMINAL_EXPLOITATION = "criminal exploitation risk"  # county lines, gangs
    SUBSTANCE_MISUSE = "substance misuse"
    YOUTH_JUSTICE = "youth justice"  # remand or youth offending involvement
    TRAUMA = "trauma"  # therapeutic, trauma-informed parenting
    BABY_CARE = "baby care"  # infants, including neonatal abstinence
    TEENAGERS = "teenagers"  # experience with adolescents
    UNACCOMPANIED_ASYLUM_SEEKING = "unaccompanied asylum-seeking"
    PARENT_AND_CHILD = "parent and child"  # assessment placements for a parent with a baby
    STEP_FREE_HOME = "step-free home"  # wheelchair-accessible accommodation
    EDUCATION_SUPPORT = "education support"  # SEN support, out of school


class HouseholdFeature(enum.StrEnum):
    """Features of a home that a child may wish for (the child's own wishes)."""

    NO_OTHER_CHILDREN = "no other children"
    OWN_BEDROOM = "own bedroom"
    PETS = "pets"
    NO_PETS = "no pets"
    GARDEN = "garden"
    NEAR_FAMILY = "near family"
    SPORTS_CLUBS = "sports and clubs"
    SINGLE_CARER = "single carer"
    TWO_CARERS = "two carers"


class PlacementKind(enum.StrEnum):
    """The kind of placement a referral asks for; households are approved for some kinds."""

    EMERGENCY = "emergency"
    SHORT_TERM = "short-term"
    LONG_TERM = "long-term"
    RESPITE = "respite"
    PARENT_AND_CHILD = "parent-and-child"


class ProviderType(enum.StrEnum):
    """Who approves and supports the household."""

    IN_HOUSE = "in-house"  # the council's own foster carers
    AGENCY = "agency"  # an independent fostering agency (IFA)
    CONNECTED = "connected"  # family and friends (kinship) carers approved for named children


class Precision(enum.StrEnum):
    """How exactly a postcode was located: its own unit, its sector, or its district."""

    UNIT = "unit"
    SECTOR = "sector"
    DISTRICT = "district"


@dataclass(frozen=True, slots=True)
class GridPoint:
    """A British National Grid position [metres], with the precision of its source postcode."""

    easting_m: float
    northing_m: float
    precision: Precision = Precision.UNIT


@dataclass(frozen=True, slots=True)
class School:
    """A school a child attends (GIAS URN), located by its postcode."""

    urn: SchoolUrn
    name: str
    postcode: str
    la_code: str = ""

    def __post_init__(self) -> None:
        if int(self.urn) <= 0:
            raise ValueError(f"urn: {self.urn} is not a positive URN")


def key_stage_for_age(age_years: int) -> int | None:
    """National Curriculum key stage by age at the start of the school year (approximate)."""
    if age_years < 5:
        return None
    if age_years < 7:
        return 1
    if age_years < 11:
        return 2
    if age_years < 14:
        return 3
    if age_years < 16:
        return 4
    return 5


@dataclass(frozen=True, slots=True)
class Child:
    """A child in a referral. Ids only: no name is held by the matching engine.

    ``essential_needs`` must all be in the household's skills; ``desirable_needs`` add
    points. ``wishes`` are household features the child asked for. ``poses_risk_to_younger``
    feeds the household compatibility rule.
    """

    child_id: ChildId
    date_of_birth: dt.date
    sex: Sex
    essential_needs: frozenset[Need] = frozenset()
    desirable_needs: frozenset[Need] = frozenset()
    school_urn: SchoolUrn | None = None
    languages: frozenset[str] = frozenset({"English"})
    religion: str = ""
    ethnicity: str = ""
    wishes: frozenset[HouseholdFeature] = frozenset()
    poses_risk_to_younger: bool = False

    def __post_init__(self) -> None:
        overlap = self.essential_needs & self.desirable_needs
        if overlap:
            raise ValueError(f"desirable_needs: {sorted(overlap)} already listed as essential")

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)

    def age_band_on(self, day: dt.date) -> AgeBand:
        return AgeBand.for_age(self.age_on(day))


class ReferralStatus(enum.StrEnum):
    OPEN = "open"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Referral:
    """A request to place one child or a sibling group together.

    ``allowed_splits`` lists, when the care plan allows the group to be split, each allowed
    partition of the children into parts (each part goes to one household). An empty tuple
    means the siblings must stay together. ``connected_household_ids`` are family and friends
    carers offered for these children.
    """

    referral_id: ReferralId
    children: tuple[Child, ...]
    placement_kind: PlacementKind
    start_date: dt.date
    home_postcode: str
    received_on: dt.date
    allowed_splits: tuple[tuple[tuple[ChildId, ...], ...], ...] = ()
    connected_household_ids: frozenset[HouseholdId] = frozenset()
    status: ReferralStatus = ReferralStatus.OPEN
    notes: str = ""

    def __post_init__(self) -> None:
        if not self.children:
            raise ValueError("children: a referral needs at least one child")
        ids = [c.child_id for c in self.children]
        if len(set(ids)) != len(ids):
            raise ValueError(f"children: child ids repeat in referral {self.referral_id}")
        for split in self.allowed_splits:
            flat = [child for part in split for child in part]
            if sorted(flat) != sorted(ids) or any(not part for part in split):
                raise ValueError(
                    f"allowed_splits: {split} must share out every child of {self.referral_id} exactly once"
                )
        for child in self.children:
            if self.start_date < child.date_of_birth:
                raise ValueError(f"start_date: {self.start_date} is before child {child.child_id} is born")
            if child.age_on(self.start_date) >= 18:
                raise ValueError(f"children: child {child.child_id} is 18 or over on the start date")

    @property
    def is_sibling_group(self) -> bool:
        return len(self.children) > 1

    @property
    def size(self) -> int:
        return len(self.children)

    def child(self, child_id: ChildId) -> Child:
        for candidate in self.children:
            if candidate.child_id == child_id:
                return candidate
        raise KeyError(child_id)


@dataclass(frozen=True, slots=True)
class PlacedChild:
    """A child already living in a household (for the three-child and compatibility rules)."""

    child_id: ChildId
    date_of_birth: dt.date
    sibling_group: str = ""  # children sharing a non-empty value are siblings
    poses_risk_to_younger: bool = False


@dataclass(frozen=True, slots=True)
class LookedAfterChild:
    """A child the council looks after now and where they live (ids and codes only, no name).

    ``household_id`` is set only for children in a fostering household the store knows;
    those children are the household's ``placed_children``.
    """

    child_id: ChildId
    date_of_birth: dt.date
    sex: Sex
    placement_type: PlacementType
    ethnicity: str = ""
    unaccompanied_asylum_seeking: bool = False
    disabled: bool = False
    household_id: HouseholdId | None = None
    placement_postcode: str = ""
    home_postcode: str = ""
    school_urn: SchoolUrn | None = None
    sibling_group: str = ""
    poses_risk_to_younger: bool = False
    placed_since: dt.date | None = None

    def __post_init__(self) -> None:
        if self.household_id and not self.placement_type.is_fostering:
            raise ValueError(
                f"household_id: child {self.child_id} is in {self.placement_type}, "
                "not fostering, so cannot live in a fostering household"
            )
        if self.placed_since is not None and self.placed_since < self.date_of_birth:
            raise ValueError(f"placed_since: child {self.child_id} placed before being born")

    def as_placed_child(self) -> PlacedChild:
        """The child as the matching rules see a household's current children."""
        return PlacedChild(
            child_id=self.child_id,
            date_of_birth=self.date_of_birth,
            sibling_group=self.sibling_group,
            poses_risk_to_younger=self.poses_risk_to_younger,
        )


@dataclass(frozen=True, slots=True)
class Household:
    """An approved fostering household and what it is approved for.

    ``approved_places`` is the number of children it may care for at once;
    vacancies are approved places minus children placed. Ages are whole years, inclusive.
    ``usual_limit_exemption``: the council has exempted it from the usual limit of three
    fostered children (Children Act 1989 Sch. 7).
    """

    household_id: HouseholdId
    name: str
    provider: ProviderType
    postcode: str
    approved_places: int
    approved_age_min: int
    approved_age_max: int
    approved_kinds: frozenset[PlacementKind]
    max_sibling_group: int = 1
    skills: frozenset[Need] = frozenset()
    languages: frozenset[str] = frozenset({"English"})
    religion: str = ""
    ethnicity: str = ""
    features: frozenset[HouseholdFeature] = frozenset()
    placed_children: tuple[PlacedChild, ...] = ()
    weekly_cost_gbp: float = 0.0
    available_from: dt.date | None = None
    on_hold: bool = False
    agency_name: str = ""
    usual_limit_exemption: bool = False
    connected_child_ids: frozenset[ChildId] = frozenset()
    approved_on: dt.date | None = None
    deregistered_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.approved_places < 0:
            raise ValueError(f"approved_places: {self.approved_places} is negative")
        if not 0 <= self.approved_age_min <= self.approved_age_max <= 17:
            raise ValueError(
                f"approved_age_min/approved_age_max: {self.approved_age_min}-{self.approved_age_max} "
                "is not a range within 0-17"
            )
        if self.max_sibling_group < 1:
            raise ValueError(f"max_sibling_group: {self.max_sibling_group} must be at least 1")
        if self.weekly_cost_gbp < 0:
            raise ValueError(f"weekly_cost_gbp: {self.weekly_cost_gbp} is negative")
        if self.provider == ProviderType.AGENCY and not self.agency_name:
            raise ValueError("agency_name: an agency household needs its agency's name")
        if len(self.placed_children) > self.approved_places:
            raise ValueError(
                f"placed_children: {len(self.placed_children)} children placed but only "
                f"{self.approved_places} approved places"
            )

    @property
    def vacancies(self) -> int:
        return self.approved_places - len(self.placed_children)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to place (part of) a referral in one household: the allocator's unit.

    Produced by ``matching.scoring`` from a ``ScoreBreakdown``; the allocator maximises, in
    order, children placed, sibling groups kept together, children within the distance
    threshold, children keeping their school, then ``score`` [integer points].
    """

    referral_id: ReferralId
    household_id: HouseholdId
    child_ids: tuple[ChildId, ...]
    siblings_together: bool  # this option places the whole sibling group (of 2+) here
    children_within_threshold: int
    children_keeping_school: int
    connected: bool
    score: int

    @property
    def places_used(self) -> int:
        return len(self.child_ids)


@dataclass(frozen=True, slots=True)
class Decision:
    """An officer's recorded placement decision (kept for ever, with who and when)."""

    referral_id: ReferralId
    household_id: HouseholdId
    decided_by: str
    decided_at: dt.datetime
    reason: str = ""
    child_ids: tuple[ChildId, ...] = field(default_factory=tuple)
    shortlist_rank: int | None = None
    beyond_threshold: bool = False
    out_of_area: bool = False

    def __post_init__(self) -> None:
        if not self.decided_by.strip():
            raise ValueError("decided_by: who made the decision must be recorded")
        needs_reason = self.beyond_threshold or self.out_of_area or (
            self.shortlist_rank is not None and self.shortlist_rank != 1
        )
        if needs_reason and not self.reason.strip():
            raise ValueError(
                "reason: a reason is required when the chosen household is not the top of the "
                "shortlist, is beyond the distance threshold, or is outside the council's area"
            )
