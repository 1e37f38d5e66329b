"""The open referrals on the demo's as-of date, described as cases an officer would recognise.

Each case fixes the shape (ages, kind, needs, splits); dates, postcodes, schools, ethnicity
and ids are drawn by ``referrals``. ``hard`` cases are ones no household in the demo can take
(the builder makes sure of it); ``feasible`` cases are made takeable by at least one household.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.domain import HouseholdFeature as F
from matching.domain import Need as N
from matching.domain import PlacementKind as K


@dataclass(frozen=True, slots=True)
class Case:
    """One referral's shape. ``needs``/``desirable`` apply to every child unless ``per_child``."""

    notes: str
    ages: tuple[int, ...]
    kind: K
    needs: frozenset[N] = frozenset()
    desirable: frozenset[N] = frozenset()
    per_child_needs: tuple[frozenset[N], ...] = ()
    splits: tuple[tuple[tuple[int, ...], ...], ...] = ()  # partitions of child positions
    sexes: str = ""  # "m"/"f" per child; blank: drawn
    languages: tuple[str, ...] = ()
    religion: str = ""
    wishes: frozenset[F] = frozenset()
    risk_to_younger: bool = False
    uasc: bool = False
    connected: bool = False  # a connected (family and friends) household is offered
    existing: bool = False  # a child already looked after who needs to move
    hard: bool = False  # no household in the demo can take this referral
    feasible: bool = False  # the builder makes sure one household can
    received_days_ago: int = 3
    start_in_days: int = 7
    tags: frozenset[str] = field(default_factory=frozenset)


CASES: tuple[Case, ...] = (
    Case(
        "Sibling group of three; the plan allows the eldest to live apart from the two younger",
        (3, 6, 10),
        K.LONG_TERM,
        splits=(((0, 1), (2,)),),
        received_days_ago=12,
        start_in_days=21,
        tags=frozenset({"siblings"}),
    ),
    Case(
        "Two siblings (baby and toddler) after police protection tonight; must stay together",
        (0, 2),
        K.EMERGENCY,
        desirable=frozenset({N.BABY_CARE}),
        received_days_ago=0,
        start_in_days=0,
        feasible=True,
        tags=frozenset({"siblings", "emergency"}),
    ),
    Case(
        "Four siblings who must stay together (court direction); no home in the demo has four "
        "places",
        (3, 6, 9, 12),
        K.LONG_TERM,
        received_days_ago=20,
        start_in_days=14,
        hard=True,
        tags=frozenset({"siblings", "hard"}),
    ),
    Case(
        "Three siblings; any split into a pair and one child is allowed, or all three apart",
        (7, 9, 13),
        K.SHORT_TERM,
        splits=(((0, 1), (2,)), ((0,), (1, 2)), ((0, 2), (1,)), ((0,), (1,), (2,))),
        received_days_ago=6,
        start_in_days=10,
        tags=frozenset({"siblings"}),
    ),
    Case(
        "Two brothers; their aunt has been assessed as a connected carer and is offered",
        (5, 8),
        K.SHORT_TERM,
        sexes="mm",
        connected=True,
        received_days_ago=4,
        start_in_days=3,
        tags=frozenset({"siblings", "connected"}),
    ),
    Case(
        "Emergency: eight-year-old after a neglect referral this afternoon",
        (8,),
        K.EMERGENCY,
        desirable=frozenset({N.TRAUMA}),
        received_days_ago=0,
        start_in_days=0,
        feasible=True,
        tags=frozenset({"emergency"}),
    ),
    Case(
        "Emergency: newborn with neonatal abstinence syndrome leaving hospital",
        (0,),
        K.EMERGENCY,
        needs=frozenset({N.BABY_CARE}),
        desirable=frozenset({N.COMPLEX_HEALTH}),
        received_days_ago=1,
        start_in_days=1,
        feasible=True,
        tags=frozenset({"emergency"}),
    ),
    Case(
        "Emergency: fourteen-year-old girl after police protection; missing episodes",
        (14,),
        K.EMERGENCY,
        sexes="f",
        needs=frozenset({N.TEENAGERS}),
        desirable=frozenset({N.CHILD_SEXUAL_EXPLOITATION}),
        received_days_ago=0,
        start_in_days=0,
        tags=frozenset({"emergency", "teenager"}),
    ),
    Case(
        "Fifteen-year-old boy at risk of county lines exploitation; placement broke down",
        (15,),
        K.SHORT_TERM,
        sexes="m",
        needs=frozenset({N.CHILD_CRIMINAL_EXPLOITATION, N.TEENAGERS}),
        desirable=frozenset({N.CHALLENGING_BEHAVIOUR, N.EDUCATION_SUPPORT}),
        existing=True,
        feasible=True,
        wishes=frozenset({F.SPORTS_CLUBS}),
        tags=frozenset({"teenager", "complex"}),
    ),
    Case(
        "Sixteen-year-old girl: sexual exploitation, self-harm and substance misuse, a risk to "
        "younger "
        "children; no household in the demo offers all three",
        (16,),
        K.SHORT_TERM,
        sexes="f",
        needs=frozenset({N.CHILD_SEXUAL_EXPLOITATION, N.SELF_HARM, N.SUBSTANCE_MISUSE}),
        desirable=frozenset({N.MENTAL_HEALTH}),
        risk_to_younger=True,
        wishes=frozenset({F.NO_OTHER_CHILDREN}),
        existing=True,
        hard=True,
        received_days_ago=25,
        tags=frozenset({"teenager", "complex", "hard"}),
    ),
    Case(
        "Parent and child: seventeen-year-old mother and her three-week-old baby, assessment "
        "placement",
        (17, 0),
        K.PARENT_AND_CHILD,
        sexes="f ",
        per_child_needs=(frozenset({N.PARENT_AND_CHILD}), frozenset()),
        received_days_ago=9,
        start_in_days=5,
        feasible=True,
        tags=frozenset({"parent and child"}),
    ),
    Case(
        "Unaccompanied asylum-seeking sixteen-year-old, arrived via the National Transfer Scheme",
        (16,),
        K.SHORT_TERM,
        sexes="m",
        needs=frozenset({N.UNACCOMPANIED_ASYLUM_SEEKING}),
        languages=("Tigrinya",),
        religion="Christian",
        uasc=True,
        received_days_ago=2,
        start_in_days=2,
        feasible=True,
        tags=frozenset({"uasc"}),
    ),
    Case(
        "Seven-year-old wheelchair user with epilepsy; needs a step-free home",
        (7,),
        K.LONG_TERM,
        needs=frozenset({N.DISABILITY, N.STEP_FREE_HOME}),
        desirable=frozenset({N.COMPLEX_HEALTH}),
        received_days_ago=30,
        start_in_days=28,
        feasible=True,
        tags=frozenset({"disability"}),
    ),
    Case(
        "Ten-year-old autistic boy; wants a quiet home without other children",
        (10,),
        K.LONG_TERM,
        sexes="m",
        needs=frozenset({N.AUTISM}),
        wishes=frozenset({F.NO_OTHER_CHILDREN, F.OWN_BEDROOM}),
        received_days_ago=18,
        start_in_days=30,
        tags=frozenset({"disability"}),
    ),
    Case(
        "Six-year-old, long-term plan; keep her at her primary school",
        (6,),
        K.LONG_TERM,
        sexes="f",
        desirable=frozenset({N.EDUCATION_SUPPORT}),
        received_days_ago=14,
        start_in_days=21,
    ),
    Case(
        "Twelve-year-old with anxiety and CAMHS involvement",
        (12,),
        K.SHORT_TERM,
        needs=frozenset({N.MENTAL_HEALTH}),
        desirable=frozenset({N.TRAUMA}),
        received_days_ago=5,
    ),
    Case(
        "Respite: eleven-year-old with a learning disability, one weekend a month",
        (11,),
        K.RESPITE,
        needs=frozenset({N.LEARNING_DISABILITY}),
        received_days_ago=21,
        start_in_days=12,
        tags=frozenset({"disability"}),
    ),
    Case(
        "Four-year-old needing a new long-term home after her foster carers retired",
        (4,),
        K.LONG_TERM,
        sexes="f",
        existing=True,
        received_days_ago=16,
        start_in_days=35,
    ),
    Case(
        "Thirteen-year-old stepping down from a children's home to a family",
        (13,),
        K.LONG_TERM,
        sexes="m",
        needs=frozenset({N.TEENAGERS}),
        desirable=frozenset({N.CHALLENGING_BEHAVIOUR, N.TRAUMA}),
        existing=True,
        received_days_ago=28,
        start_in_days=42,
        tags=frozenset({"teenager"}),
    ),
    Case(
        "Eleven-year-old Turkish-speaking girl from a Muslim family",
        (11,),
        K.SHORT_TERM,
        sexes="f",
        languages=("Turkish",),
        religion="Muslim",
        received_days_ago=3,
        start_in_days=4,
    ),
    Case(
        "Two-year-old, short-term while assessments finish",
        (2,),
        K.SHORT_TERM,
        desirable=frozenset({N.BABY_CARE}),
        received_days_ago=7,
        start_in_days=6,
    ),
    Case(
        "Nine-year-old Polish-speaking boy",
        (9,),
        K.SHORT_TERM,
        sexes="m",
        languages=("Polish",),
        religion="Christian",
        received_days_ago=8,
        start_in_days=9,
    ),
    Case(
        "Fifteen-year-old boy on remand to local authority accommodation",
        (15,),
        K.EMERGENCY,
        sexes="m",
        needs=frozenset({N.YOUTH_JUSTICE, N.TEENAGERS}),
        received_days_ago=1,
        start_in_days=0,
        feasible=True,
        tags=frozenset({"teenager", "emergency"}),
    ),
    Case(
        "Brother and sister aged 7 and 10; may live apart if no home takes both",
        (7, 10),
        K.SHORT_TERM,
        sexes="mf",
        splits=(((0,), (1,)),),
        received_days_ago=10,
        start_in_days=14,
        tags=frozenset({"siblings"}),
    ),
    Case(
        "Fourteen-year-old Somali-speaking girl, education support needed",
        (14,),
        K.LONG_TERM,
        sexes="f",
        needs=frozenset({N.TEENAGERS}),
        desirable=frozenset({N.EDUCATION_SUPPORT}),
        languages=("Somali",),
        religion="Muslim",
        received_days_ago=11,
        start_in_days=20,
    ),
)
