"""Households as numpy columns: the hot path of ranking reads these, never the objects.

Built once per run by ``matching.context``; rules and scores are vectorised over the rows.
No geography and no scoring here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matching.domain import (
    GridPoint,
    Household,
    HouseholdFeature,
    HouseholdId,
    Need,
    PlacementKind,
    ProviderType,
)
from sufficiency.domain import ChildId

NEED_BIT = {need: 1 << i for i, need in enumerate(Need)}
FEATURE_BIT = {feature: 1 << i for i, feature in enumerate(HouseholdFeature)}
KIND_BIT = {kind: 1 << i for i, kind in enumerate(PlacementKind)}
PROVIDER_CODE = {provider: i for i, provider in enumerate(ProviderType)}
_NEVER = dt.date.max.toordinal()


def bits(values: Iterable, table: Mapping) -> int:
    """The bitmask of a set of enum members under one of the bit tables above."""
    mask = 0
    for value in values:
        mask |= table[value]
    return mask


def text_key(value: str) -> str:
    """How languages, religions and ethnicities are compared: trimmed, case-insensitive."""
    return " ".join(value.split()).casefold()


def cost_tens(weekly_cost_gbp: float) -> int:
    """Whole GBP 10 in a weekly cost (GBP 455.50 -> 45), the unit the cost weight applies to."""
    return int(weekly_cost_gbp // 10)


@dataclass(frozen=True, slots=True, eq=False)
class HouseholdTable:
    """The households as numpy columns, row ``i`` describing ``household_ids[i]``."""

    household_ids: tuple[HouseholdId, ...]
    index: dict[HouseholdId, int]
    id_rank: np.ndarray  # position of each id in sorted order (deterministic tie-break)
    easting_m: np.ndarray
    northing_m: np.ndarray
    la_code: np.ndarray  # DfE LA number of the household's area ("" if unknown)
    la_gss_code: np.ndarray  # ONS code of the same LA
    provider: np.ndarray  # PROVIDER_CODE
    age_min: np.ndarray
    age_max: np.ndarray
    kinds: np.ndarray  # KIND_BIT mask
    vacancies: np.ndarray
    placed_count: np.ndarray
    exempt: np.ndarray
    max_sibling_group: np.ndarray
    skills: np.ndarray  # NEED_BIT mask
    features: np.ndarray  # FEATURE_BIT mask (plus NO_OTHER_CHILDREN when nobody is placed)
    religion: np.ndarray  # code in ``vocabulary`` (-1: not recorded)
    ethnicity: np.ndarray
    cost_tens: np.ndarray
    available_ord: np.ndarray
    approved_ord: np.ndarray
    deregistered_ord: np.ndarray
    on_hold: np.ndarray
    common_sibling_group: np.ndarray  # the group all placed children share, else ""
    placed_household: np.ndarray  # one entry per placed child: its household row
    placed_birth_year: np.ndarray
    placed_birth_monthday: np.ndarray  # month * 100 + day
    placed_risky: np.ndarray
    speakers: dict[str, np.ndarray]  # language -> rows of households speaking it
    connected_rows: dict[ChildId, np.ndarray]  # child -> rows of connected carers for them
    vocabulary: dict[str, int]
    cache: dict = field(default_factory=dict)  # per-run memo, e.g. the in-area mask per LA

    def __len__(self) -> int:
        return len(self.household_ids)

    def in_area(self, council_la_code: str) -> np.ndarray:
        """Households inside the council's area (all of them when no council is set)."""
        code = council_la_code.strip().upper()
        if ("in_area", code) not in self.cache:
            if code:
                mask = (np.char.upper(self.la_code) == code) | (
                    np.char.upper(self.la_gss_code) == code
                )
            else:
                mask = np.ones(len(self), dtype=bool)
            self.cache[("in_area", code)] = mask
        return self.cache[("in_area", code)]

    def code(self, text: str) -> int:
        """The vocabulary code of a religion or ethnicity (-1: not recorded or nobody has it)."""
        key = text_key(text)
        return self.vocabulary.get(key, -2) if key else -1


def build_household_table(
    households: Sequence[Household], points: Sequence[tuple[GridPoint, str, str]]
) -> HouseholdTable:
    """Columns for ``households``; ``points[i]`` is household i's (point, LA number, LA GSS)."""
    return HouseholdTable(
        **_identity_columns(households, points),
        provider=np.array([PROVIDER_CODE[h.provider] for h in households], dtype=np.int8),
        age_min=np.array([h.approved_age_min for h in households], dtype=np.int16),
        age_max=np.array([h.approved_age_max for h in households], dtype=np.int16),
        kinds=np.array([bits(h.approved_kinds, KIND_BIT) for h in households], dtype=np.int64),
        vacancies=np.array([h.vacancies for h in households], dtype=np.int32),
        exempt=np.array([h.usual_limit_exemption for h in households], dtype=bool),
        max_sibling_group=np.array([h.max_sibling_group for h in households], dtype=np.int32),
        skills=np.array([bits(h.skills, NEED_BIT) for h in households], dtype=np.int64),
        features=np.array([household_feature_bits(h) for h in households], dtype=np.int64),
        cost_tens=np.array([cost_tens(h.weekly_cost_gbp) for h in households], dtype=np.int64),
        available_ord=_ordinals(h.available_from for h in households),
        approved_ord=_ordinals(h.approved_on for h in households),
        deregistered_ord=_ordinals((h.deregistered_on for h in households), missing=_NEVER),
        on_hold=np.array([h.on_hold for h in households], dtype=bool),
        **_placed_columns(households),
        **_text_columns(households),
        connected_rows=_rows_by(
            ((i, c) for i, h in enumerate(households) for c in h.connected_child_ids)
        ),
    )


def _identity_columns(households: Sequence[Household], points) -> dict[str, object]:
    """Ids, the deterministic id order, and where each household is."""
    ids = tuple(h.household_id for h in households)
    sorted_rows = np.argsort(np.array(ids, dtype=str), kind="stable")
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[sorted_rows] = np.arange(len(ids))
    return {
        "household_ids": ids,
        "index": {hid: i for i, hid in enumerate(ids)},
        "id_rank": id_rank,
        "easting_m": np.array([p[0].easting_m for p in points], dtype=float),
        "northing_m": np.array([p[0].northing_m for p in points], dtype=float),
        "la_code": np.array([p[1] for p in points], dtype=str),
        "la_gss_code": np.array([p[2] for p in points], dtype=str),
    }


def _placed_columns(households: Sequence[Household]) -> dict[str, np.ndarray]:
    """One entry per child already placed (for the usual limit and compatibility rules)."""
    placed = [(i, c) for i, h in enumerate(households) for c in h.placed_children]
    return {
        "placed_count": np.array([len(h.placed_children) for h in households], dtype=np.int32),
        "common_sibling_group": np.array([_common_group(h) for h in households], dtype=str),
        "placed_household": np.array([i for i, _ in placed], dtype=np.int64),
        "placed_birth_year": np.array([c.date_of_birth.year for _, c in placed], dtype=np.int32),
        "placed_birth_monthday": np.array(
            [c.date_of_birth.month * 100 + c.date_of_birth.day for _, c in placed], dtype=np.int32
        ),
        "placed_risky": np.array([c.poses_risk_to_younger for _, c in placed], dtype=bool),
    }


def _text_columns(households: Sequence[Household]) -> dict[str, object]:
    """Religion and ethnicity as vocabulary codes; languages as rows per language."""
    vocabulary: dict[str, int] = {}

    def code(text: str) -> int:
        key = text_key(text)
        return vocabulary.setdefault(key, len(vocabulary)) if key else -1

    return {
        "religion": np.array([code(h.religion) for h in households], dtype=np.int32),
        "ethnicity": np.array([code(h.ethnicity) for h in households], dtype=np.int32),
        "vocabulary": vocabulary,
        "speakers": _rows_by(
            ((i, text_key(lang)) for i, h in enumerate(households) for lang in h.languages)
        ),
    }


def household_feature_bits(household: Household) -> int:
    """The household's features, counting "no other children" as offered when nobody is placed."""
    mask = bits(household.features, FEATURE_BIT)
    if household.placed_children:
        mask &= ~FEATURE_BIT[HouseholdFeature.NO_OTHER_CHILDREN]
    else:
        mask |= FEATURE_BIT[HouseholdFeature.NO_OTHER_CHILDREN]
    return mask


def _common_group(household: Household) -> str:
    groups = {c.sibling_group for c in household.placed_children}
    return groups.pop() if len(groups) == 1 else ""


def _ordinals(days: Iterable[dt.date | None], missing: int = 0) -> np.ndarray:
    return np.array([d.toordinal() if d is not None else missing for d in days], dtype=np.int64)


def _rows_by(pairs: Iterable[tuple[int, object]]) -> dict:
    rows: dict[object, list[int]] = defaultdict(list)
    for row, key in pairs:
        rows[key].append(row)
    return {key: np.array(value, dtype=np.int64) for key, value in rows.items()}
