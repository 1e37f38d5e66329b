"""Overflow: place the children needing each type of home into the places available, in order.

Pure numpy over demand arrays and a ``Capacity``; a fixed-order greedy allocation, so that
adding places never increases overflow. Builds no capacity and reads no files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.scenario_domain import HomeType, OverflowRules
from sufficiency.supply import Capacity, PlaceGroup

#: The chains of types of home, named by the need they start from.
CHAINS = ("fostering", "childrens_home", "supported_accommodation")
#: Placement types whose demand is a need for each chain.
CHAIN_DEMAND: dict[str, tuple[PlacementType, ...]] = {
    "fostering": (PlacementType.IN_HOUSE_FOSTERING, PlacementType.AGENCY_FOSTERING),
    "childrens_home": (PlacementType.CHILDRENS_HOME,),
    "supported_accommodation": (PlacementType.SUPPORTED_ACCOMMODATION,),
}


@dataclass(frozen=True, slots=True)
class Need:
    """Children with the same need: a chain, an age band, and (foster care only) whether they
    need a place with their siblings or a household with specialist skills."""

    chain: str
    age_band: AgeBand
    sibling: bool = False
    specialist: bool = False


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the children would live.

    Attributes
    ----------
    groups : tuple[PlaceGroup, ...]
        Labels of the last axis of ``placed``.
    placed : dict[str, numpy.ndarray]
        Per chain, children placed in each group [children], shape (runs, months, groups).
    unplaced : dict[str, numpy.ndarray]
        Per chain, children for whom no place in the chain was free [children], (runs, months).
    reaching : dict[HomeType, numpy.ndarray]
        Children who needed a place of each type of home when the chain reached it
        [children], shape (runs, months).
    demand : dict[str, numpy.ndarray]
        Per chain, children needing it [children], shape (runs, months).
    first_choice : dict[str, tuple]
        Per chain, the leading (type of home, within 20 miles) steps that count as first choice.
    """

    groups: tuple[PlaceGroup, ...]
    placed: dict[str, np.ndarray]
    unplaced: dict[str, np.ndarray]
    reaching: dict[HomeType, np.ndarray]
    demand: dict[str, np.ndarray]
    first_choice: dict[str, tuple[tuple[HomeType, bool], ...]]

    def in_home_type(self, home_type: HomeType, within_20_miles: bool | None = None) -> np.ndarray:
        """Children living in a type of home [children], shape (runs, months)."""
        idx = [
            i
            for i, g in enumerate(self.groups)
            if g.home_type == home_type
            and (within_20_miles is None or g.within_20_miles == within_20_miles)
        ]
        return sum(p[:, :, idx].sum(axis=2) for p in self.placed.values())

    def overflow(self, chain: str) -> np.ndarray:
        """Children of a chain not given their first choice [children], shape (runs, months).

        The first choice is the chain's first type of home; with ``local_first`` only its
        places within 20 miles (a local place of the next type ranks above a distant one).
        """
        wanted = set(self.first_choice[chain])
        idx = [i for i, g in enumerate(self.groups) if (g.home_type, g.within_20_miles) in wanted]
        return self.demand[chain] - self.placed[chain][:, :, idx].sum(axis=2)

    def overflow_total(self) -> np.ndarray:
        return sum(self.overflow(chain) for chain in CHAINS)

    def unplaced_total(self) -> np.ndarray:
        return sum(self.unplaced.values())


def accepts(group: PlaceGroup, need: Need, specialist_skills: frozenset[str]) -> bool:
    """Whether a place in ``group`` suits a child with ``need``.

    Beds: children's homes take any age, supported accommodation only 16-17 year olds;
    sibling and specialist needs are not checked for beds. Fostering places must cover the
    whole age band, take sibling groups when needed, and hold a specialist skill when needed.
    """
    if group.approval is None:
        return (
            group.home_type != HomeType.SUPPORTED_ACCOMMODATION
            or need.age_band == AgeBand.AGE_16_TO_17
        )
    approval = group.approval
    if not approval.covers(need.age_band):
        return False
    if need.sibling and approval.max_sibling_group < 2:
        return False
    return not need.specialist or bool(approval.skills & specialist_skills)


def steps(chain: tuple[HomeType, ...], local_first: bool) -> list[tuple[HomeType, bool]]:
    """The (type of home, within 20 miles) steps a chain tries, in order.

    ``local_first`` only reorders the chain's leading run of fostering types (a local agency
    carer before a distant in-house one); a children's home never comes before foster care.
    """
    fostering = {HomeType.IN_HOUSE_FOSTERING, HomeType.AGENCY_FOSTERING}
    lead = 0
    while lead < len(chain) and chain[lead] in fostering:
        lead += 1
    head, rest = (chain[:lead], chain[lead:]) if local_first else ((), chain)
    ordered = [(h, True) for h in head] + [(h, False) for h in head]
    return ordered + [(h, local) for h in rest for local in (True, False)]


def _group_order(group: PlaceGroup) -> tuple:
    # Narrowest approvals first, so flexible places stay free for children only they can take.
    a = group.approval
    if a is None:
        return (0, 0, 0, 0)
    return (
        a.age_max_years - a.age_min_years,
        a.max_sibling_group > 1,
        bool(a.skills),
        a.age_max_years,
    )


def _need_order(need: Need) -> tuple:
    # Hardest to place first: specialist and sibling needs, then youngest band.
    return (not need.specialist, not need.sibling, list(AgeBand).index(need.age_band))


def place_children(
    demand: Mapping[Need, np.ndarray],
    capacity: Capacity,
    rules: OverflowRules,
    specialist_skills: frozenset[str] = frozenset(),
) -> Placement:
    """Place each need's children step by step along its chain, in a fixed order.

    Rules:
      - Steps of equal rank in all chains go together, so children needing a children's home
        take its beds before foster-care overflow does.
      - Within a step, the hardest needs go first, each into the narrowest suitable places.
      - A child placed stays placed in that month; children left after the last step have no
        registered home (they are counted as ``unplaced``).
    The order never depends on the numbers, so more places never mean more overflow.

    Parameters
    ----------
    demand : mapping of Need to numpy.ndarray
        Children with each need [children], each shaped (runs, months).
    capacity : Capacity
        Places [places], shape (months, groups).

    Returns
    -------
    Placement
    """
    runs, months = next(iter(demand.values())).shape if demand else (1, capacity.places.shape[0])
    remaining = (
        np.broadcast_to(capacity.places, (runs, *capacity.places.shape)).astype(float).copy()
    )
    left = {need: np.asarray(values, dtype=float).copy() for need, values in demand.items()}
    placed = {c: np.zeros((runs, months, len(capacity.groups))) for c in CHAINS}
    reaching = {h: np.zeros((runs, months)) for h in HomeType}
    chain_steps = {c: steps(getattr(rules, c), rules.local_first) for c in CHAINS}
    ordered = sorted(left, key=_need_order)
    for rank in range(max(len(s) for s in chain_steps.values())):
        for chain in CHAINS:
            if rank >= len(chain_steps[chain]):
                continue
            home_type, local = chain_steps[chain][rank]
            first_visit = (home_type, not local) not in chain_steps[chain][:rank]
            idx = sorted(
                (
                    i
                    for i, g in enumerate(capacity.groups)
                    if g.home_type == home_type and g.within_20_miles == local
                ),
                key=lambda i: _group_order(capacity.groups[i]),
            )
            for need in (n for n in ordered if n.chain == chain):
                if first_visit:
                    reaching[home_type] += left[need]
                for i in idx:
                    if accepts(capacity.groups[i], need, specialist_skills):
                        take = np.minimum(left[need], remaining[:, :, i])
                        remaining[:, :, i] -= take
                        left[need] -= take
                        placed[chain][:, :, i] += take
    unplaced = {
        c: sum((v for n, v in left.items() if n.chain == c), np.zeros((runs, months)))
        for c in CHAINS
    }
    totals = {
        c: sum(
            (np.asarray(v, float) for n, v in demand.items() if n.chain == c),
            np.zeros((runs, months)),
        )
        for c in CHAINS
    }
    first = {c: _first_choice(chain_steps[c]) for c in CHAINS}
    return Placement(capacity.groups, placed, unplaced, reaching, totals, first)


def _first_choice(chain_steps: list[tuple[HomeType, bool]]) -> tuple[tuple[HomeType, bool], ...]:
    """The leading steps of the chain's first type of home, up to the first other type."""
    first = []
    for step in chain_steps:
        if step[0] != chain_steps[0][0]:
            break
        first.append(step)
    return tuple(first)
