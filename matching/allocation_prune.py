"""Keep each referral part's best candidates only where the optimum provably stays the same.

Two arguments, both exact:

* **Counting.** A part keeps its best K households S. If every other unit that could be
  placed in S (other referrals' parts, and this referral's own other parts) together cannot
  occupy all of S, then in any optimal allocation that uses a pruned household for this part,
  some household of S is empty of new children and takes the part alone (it passed every
  single-referral rule), at a tier vector at least as good. So some optimum uses kept
  candidates only.
* **Relaxation.** Where counting fails, the pruned candidates of a part are replaced by one
  *virtual* option that uses no household and carries, tier by tier, the best value of any
  pruned candidate. The model with virtual options is a relaxation: its optimum bounds the
  full problem. If its optimum uses no virtual option, or each virtual option it uses can be
  swapped for a free pruned candidate worth as much (``matching.allocation_repair``), it is
  the full optimum; otherwise the parts it used are expanded and the model re-solved.

Parts of two or more children, and parts with at most ``keep_all_up_to`` candidates, keep
them all unless counting proves fewer suffice (``keep_all_up_to=0`` turns both off):
households able to take a sibling group are the scarce ones, and a virtual option standing
for them is used freely by the relaxation, costing a re-solve per expansion (measured on the
bench pools: the first tier then needs one solve). Choosing what to keep only affects speed,
never the optimum. No solver here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from matching.allocation_checks import fits_alone
from matching.allocation_options import Block, Option, PartKey, Tiers, part_lookup
from matching.allocation_types import AllocationInstance, candidate_tiers


@dataclass(slots=True)
class PartList:
    """The candidates of one part, best first, and how many of them the model keeps."""

    ranked: list[int]
    """Candidate indices, best first (lexicographic on the tiers, then household id)."""
    kept: int
    """How many of ``ranked`` are modelled."""
    proven: bool
    """The counting argument shows the pruned ones cannot change the optimum."""
    extra: list[int] = field(default_factory=list)
    """Pruned candidates modelled as well (a repair used them, or an officer pinned them)."""

    @property
    def complete(self) -> bool:
        return self.proven or self.kept >= len(self.ranked)

    def modelled(self) -> list[int]:
        """The kept candidates, then the extra ones."""
        kept = self.ranked[: self.kept]
        chosen = set(kept)
        return kept + [i for i in self.extra if i not in chosen]

    def pruned(self) -> list[int]:
        """The candidates a virtual option stands for (none when the part is complete)."""
        return [] if self.complete else self.ranked[self.kept :]


@dataclass(frozen=True, slots=True)
class PruningSummary:
    """How much was pruned and how it was justified."""

    candidates: int
    """(Referral part, household) candidates passing every hard rule."""
    options_modelled: int
    """Candidate options in the model (a candidate may serve several splits)."""
    parts: int
    """Referral parts (whole groups and parts of allowed splits)."""
    parts_complete: int
    """Parts whose pruning is proven by counting or which keep every candidate."""
    excluded: int
    """Candidates dropped: forbidden by an officer, or not fitting the household even alone."""


class Pruning:
    """Per-part candidate lists with the current cut-off, the counting proof and virtual bounds."""

    def __init__(
        self,
        instance: AllocationInstance,
        *,
        keep: int = 20,
        max_keep: int = 80,
        keep_all_up_to: int = 150,
    ):
        self.instance = instance
        self.keep = max(1, keep)
        self.max_keep = max(self.keep, max_keep)
        self.keep_all_up_to = keep_all_up_to
        self.tiers = np.array(
            [candidate_tiers(c) for c in instance.candidates], dtype=np.int64
        ).reshape(-1, 5)
        self.household_row = np.array(
            [instance.household_index[c.household_id] for c in instance.candidates], dtype=np.int64
        )
        self.excluded = 0
        self.parts: dict[PartKey, PartList] = {}
        self._rank(instance)
        self._incidence()
        for key, part_list in self.parts.items():
            self._choose_cut(key, self.keep)
            size = instance.candidates[part_list.ranked[0]].places_used
            short = len(part_list.ranked) <= keep_all_up_to
            if not part_list.proven and (short or (size > 1 and keep_all_up_to > 0)):
                part_list.kept = len(part_list.ranked)
        self._keep_pins()

    def _rank(self, instance: AllocationInstance) -> None:
        lookup = part_lookup(instance)
        grouped: dict[PartKey, list[int]] = defaultdict(list)
        for index, candidate in enumerate(instance.candidates):
            referral_index = instance.referral_index[candidate.referral_id]
            unit = instance.referrals[referral_index]
            room = instance.households[self.household_row[index]]
            if (
                candidate.referral_id,
                candidate.household_id,
            ) in instance.forbids or not fits_alone(
                room, unit, candidate.places_used, instance.usual_limit_children
            ):
                self.excluded += 1
                continue
            for mode, part in lookup[referral_index].get(frozenset(candidate.child_ids), ()):
                grouped[(referral_index, mode, part)].append(index)
        for key, indices in grouped.items():
            rows = np.array(indices, dtype=np.int64)
            tiers = self.tiers[rows]
            order = np.lexsort(
                (self.household_row[rows], *(-tiers[:, t] for t in range(4, -1, -1)))
            )
            self.parts[key] = PartList(rows[order].tolist(), 0, False)

    def _incidence(self) -> None:
        referrals = len(self.instance.referrals)
        self.reach = np.zeros((referrals, len(self.instance.households)), dtype=bool)
        for (referral, _mode, _part), part_list in self.parts.items():
            self.reach[referral, self.household_row[part_list.ranked]] = True
        self.max_parts = np.array(
            [max(len(mode) for mode in unit.modes) for unit in self.instance.referrals]
        )

    def _keep_pins(self) -> None:
        # Pinned pairings always stay in the model, wherever they rank.
        candidates, pins = self.instance.candidates, self.instance.pins
        for part_list in self.parts.values():
            part_list.extra += [
                i
                for i in part_list.ranked[part_list.kept :]
                if (candidates[i].referral_id, candidates[i].household_id) in pins
            ]

    def occupiers(self, key: PartKey, kept: int) -> int:
        """How many units could occupy the part's kept households, at most (see module doc)."""
        referral, mode, _part = key
        rows = self.household_row[self.parts[key].ranked[:kept]]
        counts = self.reach[:, rows].sum(axis=1)
        counts[referral] = 0
        own_other_parts = len(self.instance.referrals[referral].modes[mode]) - 1
        return int(np.minimum(counts, self.max_parts).sum()) + own_other_parts

    def _choose_cut(self, key: PartKey, kept: int) -> None:
        part_list = self.parts[key]
        total = len(part_list.ranked)
        kept = min(total, max(kept, part_list.kept))
        for _ in range(4):
            if kept >= total:
                break
            occupiers = self.occupiers(key, kept)
            if kept > occupiers:
                part_list.proven = True
                break
            if occupiers + 1 > max(self.max_keep, part_list.kept):
                break
            kept = min(total, occupiers + 1)
        part_list.kept = kept

    def options(self) -> list[Option]:
        """The modelled candidates as options, then one virtual option per incomplete part."""
        candidates = self.instance.candidates
        options = [
            Option(key, candidate_tiers(candidates[i]), candidates[i])
            for key, part_list in sorted(self.parts.items())
            for i in part_list.modelled()
        ]
        return options + [Option(key, tiers) for key, tiers in self.virtual().items()]

    def virtual(self) -> dict[PartKey, Tiers]:
        """For each incomplete part (in key order): the best value of each tier when pruned."""
        bounds = {}
        for key, part_list in sorted(self.parts.items()):
            pruned = part_list.pruned()
            if pruned:
                bounds[key] = tuple(int(v) for v in self.tiers[pruned].max(axis=0))
        return bounds  # type: ignore[return-value]

    def virtual_values(self, block: Block) -> list[int]:
        """For each virtual option (in ``options`` order): the best block value when pruned.

        Never more than the block value of ``virtual()``'s tiers, and still at least any
        pruned candidate's, so the relaxation stays a relaxation and is tighter.
        """
        weights = np.zeros(5, dtype=np.int64)
        weights[list(block.tiers)] = block.weights
        return [
            int((self.tiers[pruned] @ weights).max())
            for _key, part_list in sorted(self.parts.items())
            if (pruned := part_list.pruned())
        ]

    def add_extra(self, key: PartKey, index: int) -> None:
        """Model one more pruned candidate of the part (a repair placed the part there)."""
        if index not in self.parts[key].extra:
            self.parts[key].extra.append(index)

    def expand(self, keys: list[PartKey]) -> bool:
        """Keep four times as many candidates for these parts (at least ``keep_all_up_to``);
        False if none could grow."""
        grew = False
        for key in keys:
            part_list = self.parts[key]
            if part_list.complete:
                continue
            before = part_list.kept
            self._choose_cut(key, max(4 * before, self.keep_all_up_to))
            grew |= part_list.kept > before
        return grew

    def summary(self) -> PruningSummary:
        modelled = sum(len(p.modelled()) for p in self.parts.values())
        complete = sum(p.complete for p in self.parts.values())
        usable = len(self.instance.candidates) - self.excluded
        return PruningSummary(usable, modelled, len(self.parts), complete, self.excluded)
