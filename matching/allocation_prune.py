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
  full problem. If its optimum uses no virtual option, it is the full optimum; otherwise the
  parts it used are expanded and the model re-solved (``matching.allocate``).

No solver here; numpy for the counting.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from matching.allocation_checks import fits_alone
from matching.allocation_types import AllocationInstance, candidate_tiers
from matching.model import Option, PartKey, part_lookup


@dataclass(slots=True)
class PartList:
    """The candidates of one part, best first, and how many of them the model keeps."""

    ranked: list[int]
    """Candidate indices, best first (lexicographic on the tiers, then household id)."""
    kept: int
    """How many of ``ranked`` are modelled."""
    proven: bool
    """The counting argument shows the pruned ones cannot change the optimum."""

    @property
    def complete(self) -> bool:
        return self.proven or self.kept >= len(self.ranked)


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

    def __init__(self, instance: AllocationInstance, *, keep: int = 20, max_keep: int = 80):
        self.instance = instance
        self.keep = max(1, keep)
        self.max_keep = max(self.keep, max_keep)
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
        for key in self.parts:
            self._choose_cut(key, self.keep)

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

    def _occupiers(self, key: PartKey, kept: int) -> int:
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
            occupiers = self._occupiers(key, kept)
            if kept > occupiers:
                part_list.proven = True
                break
            if occupiers + 1 > max(self.max_keep, part_list.kept):
                break
            kept = min(total, occupiers + 1)
        part_list.kept = kept

    def options(self) -> list[Option]:
        """The kept candidates as model options, then one virtual option per incomplete part."""
        candidates = self.instance.candidates
        options = []
        for key, part_list in sorted(self.parts.items()):
            chosen = part_list.ranked[: part_list.kept]
            # Pinned pairings always stay in the model, wherever they rank.
            chosen += [
                i
                for i in part_list.ranked[part_list.kept :]
                if (candidates[i].referral_id, candidates[i].household_id) in self.instance.pins
            ]
            options += [Option(key, candidate_tiers(candidates[i]), candidates[i]) for i in chosen]
        return options + [Option(key, tiers) for key, tiers in sorted(self.virtual().items())]

    def virtual(self) -> dict[PartKey, tuple[int, int, int, int, int]]:
        """For each incomplete part: the best value of each tier over its pruned candidates."""
        bounds = {}
        for key, part_list in self.parts.items():
            if not part_list.complete:
                best = self.tiers[part_list.ranked[part_list.kept :]].max(axis=0)
                bounds[key] = tuple(int(v) for v in best)
        return bounds  # type: ignore[return-value]

    def expand(self, keys: list[PartKey]) -> bool:
        """Keep four times as many candidates for these parts; False if none could grow."""
        grew = False
        for key in keys:
            part_list = self.parts[key]
            if part_list.complete:
                continue
            before = part_list.kept
            self._choose_cut(key, 4 * before)
            grew |= part_list.kept > before
        return grew

    def summary(self) -> PruningSummary:
        modelled = sum(p.kept for p in self.parts.values())
        complete = sum(p.complete for p in self.parts.values())
        usable = len(self.instance.candidates) - self.excluded
        return PruningSummary(usable, modelled, len(self.parts), complete, self.excluded)
