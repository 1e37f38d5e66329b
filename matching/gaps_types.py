"""The units of the gap analysis: a past (or open) referral, where its children went, and why
that fell short. Pure frozen dataclasses; the sources that build them are ``gaps_history``
(the SSDA903 history) and ``gaps_casework`` (recorded decisions and today's open referrals).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from matching.domain import Referral
from sufficiency.domain import AgeBand, ChildId, PlacementType


class Shortfall(enum.StrEnum):
    """Why a placement fell short of a local in-house family placement with siblings together."""

    AGENCY = "agency fostering"
    RESIDENTIAL = "children's home"
    OVER_20_MILES = "over 20 miles"
    SPLIT = "split from siblings"
    OUT_OF_AREA = "outside the council's area"
    NO_HOUSEHOLD = "no household could take"


class GapSource(enum.StrEnum):
    """Where a gap was found: each is shown separately in the tables."""

    HISTORY = "history"
    """A placement in the SSDA903 history (``matching.gaps_history``)."""
    DECISION = "decision"
    """A recorded placement decision (``matching.Decision``) the history does not hold."""
    OPEN = "open"
    """An open referral of today that no household can take well (the allocator's answer)."""


NO_NEED = "no recorded need"
#: Placement types a foster household could have offered instead (the replayed types).
REPLAYED_TYPES = frozenset(
    {
        PlacementType.IN_HOUSE_FOSTERING,
        PlacementType.AGENCY_FOSTERING,
        PlacementType.CHILDRENS_HOME,
    }
)


def district_of(postcode: str) -> str:
    """The postcode district (outward code) of a postcode, e.g. ``"N17"``; ``""`` if blank."""
    text = " ".join(postcode.upper().split())
    if not text:
        return ""
    return text.split(" ")[0] if " " in text else text[:-3] if len(text) > 4 else text


@dataclass(frozen=True, slots=True)
class PastPlacement:
    """Where one child of a past referral actually went (or, for an open referral, would go)."""

    child_id: ChildId
    placement_type: PlacementType | None
    """None: not placed (an open referral no household can take)."""
    distance_miles: float | None
    """Straight line from home to the placement [miles]; None when a postcode is missing."""
    started: dt.date
    ended: dt.date | None
    """Last day of the placement (None: still open on the as-of date)."""
    weekly_cost_gbp: float
    """Cost of the placement [GBP/week]: the unit cost of its type, or the household's own."""

    def weeks(self, as_of: dt.date) -> float:
        """Weeks in this placement up to the as-of date [weeks]."""
        end = min(self.ended or as_of, as_of)
        return max(0, (end - self.started).days) / 7


@dataclass(frozen=True, slots=True)
class PastReferral:
    """A past request for a home, rebuilt from history or casework, and how it was met."""

    referral: Referral
    """The children, home postcode, start date and kind as a referral would have said."""
    district: str
    """Postcode district of the family home (``""`` when unknown)."""
    placements: tuple[PastPlacement, ...]
    """Each child's actual placement, in the referral's child order."""
    shortfalls: frozenset[Shortfall]
    """Empty when every child went to local in-house foster care with their siblings."""
    as_of: dt.date
    source: GapSource = GapSource.HISTORY

    @property
    def unmet(self) -> bool:
        return bool(self.shortfalls)

    @property
    def children(self) -> int:
        return self.referral.size

    @property
    def still_open(self) -> bool:
        """Whether a child is still there on the as-of date (or not placed yet)."""
        return not self.placements or any(p.ended is None for p in self.placements)

    @property
    def ends_on(self) -> dt.date:
        """The last day any child of the referral stayed in the actual placement (as-of if open;
        the start date for a referral not placed yet)."""
        if not self.placements:
            return self.referral.start_date
        return max(min(p.ended or self.as_of, self.as_of) for p in self.placements)

    def weeks_in(self, placement_type: PlacementType) -> float:
        """Child-weeks spent in a placement type up to the as-of date [weeks]."""
        return sum(
            p.weeks(self.as_of) for p in self.placements if p.placement_type == placement_type
        )

    @property
    def weeks(self) -> float:
        """Child-weeks in the actual placements up to the as-of date [weeks]."""
        return sum(p.weeks(self.as_of) for p in self.placements)

    @property
    def cost_gbp(self) -> float:
        """What the actual placements cost up to the as-of date [GBP]."""
        return sum(p.weeks(self.as_of) * p.weekly_cost_gbp for p in self.placements)

    def age_bands(self) -> tuple[AgeBand, ...]:
        start = self.referral.start_date
        return tuple(child.age_band_on(start) for child in self.referral.children)

    def needs(self) -> tuple[str, ...]:
        """The essential needs of the children (``NO_NEED`` when none), sorted."""
        found = sorted({str(n) for c in self.referral.children for n in c.essential_needs})
        return tuple(found) or (NO_NEED,)
