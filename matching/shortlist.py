"""The ranked, explained shortlist of households for one referral, and "why not" for any other.

``rank`` scores every household (vectorised, via ``matching.scoring``), orders the suitable
ones by tier then score, and builds explanation objects only for the shortlist; the "not
suitable" list is explained on request. It records no decision (see ``matching.decisions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.context import MatchContext
from matching.domain import Household, HouseholdId, ProviderType, Referral
from matching.options import Option, options_for
from matching.policy import Policy
from matching.rules import RuleFailure, explain_failures
from matching.score_arrays import OptionScores, score_option
from matching.scoring import ScoreBreakdown, breakdown


@dataclass(frozen=True, slots=True)
class ShortlistEntry:
    """One ranked household: its position, full breakdown and a one-sentence reason."""

    rank: int  # 1 = best
    breakdown: ScoreBreakdown
    reason: str


@dataclass(frozen=True, slots=True)
class Unsuitable:
    """A household that fails at least one hard rule for an option, with every failure."""

    household_id: HouseholdId
    failures: tuple[RuleFailure, ...]

    @property
    def reason(self) -> str:
        return "Not suitable: " + "; ".join(f.reason for f in self.failures) + "."


@dataclass(frozen=True, slots=True, eq=False)
class RankedOption:
    """The ranking for one option (whole group, or one part of an allowed split)."""

    option: Option
    entries: tuple[ShortlistEntry, ...]
    scores: OptionScores  # every household's failures, tiers and points (numpy)

    @property
    def suitable_count(self) -> int:
        return self.scores.suitable_count

    @property
    def unsuitable_count(self) -> int:
        return int(np.count_nonzero(self.scores.failures))


@dataclass(frozen=True, slots=True, eq=False)
class Shortlist:
    """A referral's ranked households: whole-group options, or the best per part when no
    household can take the whole group and the care plan allows a split (``note`` says so)."""

    referral: Referral
    options: tuple[RankedOption, ...]
    note: str
    context: MatchContext
    policy: Policy
    length: int  # entries shown per option

    @property
    def entries(self) -> tuple[ShortlistEntry, ...]:
        """Every shown entry, whole group first then each part in order."""
        return tuple(entry for option in self.options for entry in option.entries)

    @property
    def whole_group_placeable(self) -> bool:
        return self.options[0].suitable_count > 0

    def not_suitable(
        self, option_index: int = 0, limit: int | None = None
    ) -> tuple[Unsuitable, ...]:
        """Households failing a hard rule for an option, each with every rule it fails.

        The nearest misses come first: fewest rules failed, then household id.
        """
        ranked = self.options[option_index]
        rows = np.flatnonzero(ranked.scores.failures)
        failed = np.bitwise_count(ranked.scores.failures[rows])
        rows = rows[np.lexsort((self.context.table.id_rank[rows], failed))][:limit]
        return tuple(
            Unsuitable(
                self.context.households[row].household_id,
                explain_failures(self.context.households[row], ranked.option, self.policy),
            )
            for row in rows
        )


def rank(
    referral: Referral,
    households: Sequence[Household],
    context: MatchContext,
    policy: Policy,
    *,
    length: int | None = None,
) -> Shortlist:
    """Rank every household for a referral.

    Rules: a household failing any hard rule (``matching.rules.HARD_RULES``) is not ranked.
    Suitable households are ordered by tier (siblings together; within the distance
    threshold and inside the council's area; school continuity; connected carers first where
    offered), then by children keeping their school, then by total score, then household id.

    Parameters
    ----------
    households : the households ``context`` was built from, in the same order.
    length : entries per option (default ``policy.shortlist_length``).

    Raises
    ------
    ValueError
        If ``context`` was built from different households.
    """
    if not context.matches(households):
        raise ValueError("households: the matching context was built from different households")
    length = length or policy.shortlist_length
    options = options_for(referral)
    distances: dict = {}  # home and school distances, shared by the referral's options
    ranked = [_rank_option(context, options[0], policy, length, distances)]
    if ranked[0].suitable_count == 0 and len(options) > 1:
        ranked += [_rank_option(context, o, policy, length, distances) for o in options[1:]]
    return Shortlist(referral, tuple(ranked), _note(referral, ranked), context, policy, length)


def _rank_option(
    context: MatchContext, option: Option, policy: Policy, length: int, distances: dict
) -> RankedOption:
    scores = score_option(context, option, policy, distances=distances)
    best = None
    entries = []
    for position, row in enumerate(scores.order[:length], start=1):
        item = breakdown(context, scores, int(row), policy)
        best = best or item
        entries.append(ShortlistEntry(position, item, reason_for(item, best, position)))
    return RankedOption(option, tuple(entries), scores)


def _note(referral: Referral, ranked: list[RankedOption]) -> str:
    n = referral.size
    if ranked[0].suitable_count:
        return f"{ranked[0].suitable_count} household(s) can take the whole referral."
    if n == 1:
        return "No household can take this child: see the 'not suitable' list for every reason."
    if len(ranked) == 1:
        return (
            f"No household can take all {n} children together and the care plan does not "
            "allow a split: see the 'not suitable' list for every reason."
        )
    return (
        f"No household can take all {n} children together; the care plan allows a split, "
        "so the best households for each part are shown."
    )


def _children(n: int) -> str:
    return "the child" if n == 1 else ("both children" if n == 2 else f"all {n} children")


def count_children(item: ScoreBreakdown) -> str:
    """Whose religion/ethnicity is shared: "the child", "both children", or "some children"."""
    most = max(item.religion_matches, item.ethnicity_matches)
    return _children(item.places) if most == item.places else "some of the children"


def _school_phrase(item: ScoreBreakdown) -> str:
    keeping, total = item.children_keeping_school, len(item.schools)
    if total == 1:
        child = item.schools[0].child_id
        return (
            f"{child} can keep their school"
            if keeping
            else f"too far for {child} to keep their school"
        )
    if keeping == 0:
        return "too far for any child to keep their school"
    who = _children(total) if keeping == total else f"{keeping} of {total} children"
    return f"{who} can keep their schools"


def reason_for(item: ScoreBreakdown, best: ScoreBreakdown, position: int) -> str:
    """One plain-English sentence saying where the household stands and why."""
    parts = []
    if item.group_size > 1:
        parts.append(
            f"keeps {_children(item.group_size)} together"
            if item.whole_group
            else f"takes {item.places} of the {item.group_size} children (an allowed split)"
        )
    where = f"{item.miles_from_home:.1f} miles from home"
    if item.beyond_threshold:
        where += f", beyond the {item.threshold_tenths / 10:g}-mile line and"
    where += " inside the council's area" if item.in_area else " outside the council's area"
    parts.append(where)
    if item.schools:
        parts.append(_school_phrase(item))
    if item.connected and item.provider != ProviderType.CONNECTED:
        parts.append("the family and friends carer offered for these children")
    elif item.connected_offered and not item.connected:
        parts.append("not the connected carer offered")
    carer = {
        ProviderType.IN_HOUSE: "in-house",
        ProviderType.AGENCY: "agency",
        ProviderType.CONNECTED: "connected (family and friends)",
    }[item.provider]
    wanted = len(item.desirable_met) + len(item.desirable_unmet)
    needs = f", meeting {len(item.desirable_met)} of {wanted} desirable needs" if wanted else ""
    shared = [
        name
        for name, count in (
            ("religion", item.religion_matches),
            ("ethnicity", item.ethnicity_matches),
        )
        if count
    ]
    culture = f", sharing the {' and '.join(shared)} of {count_children(item)}" if shared else ""
    wished = len(item.wishes_met) + len(item.wishes_unmet)
    wishes = f", {len(item.wishes_met)} of {wished} wishes met" if wished else ""
    sentence = (
        ", ".join(parts) + f"; {carer} carer{needs}{culture}{wishes}, "
        f"GBP {item.weekly_cost_gbp:.0f} a week"
    )
    sentence = sentence[0].upper() + sentence[1:]
    if position > 1 and best.tier < item.tier:
        sentence += f" (a lower tier than the top household: tier {item.tier} against {best.tier})"
    elif position > 1:
        sentence += f" (same tier as the top household, score {item.total} against {best.total})"
    return sentence + "."


@dataclass(frozen=True, slots=True)
class OptionVerdict:
    """Where one household stands for one option, and why."""

    option_label: str
    suitable: bool
    rank: int | None  # position among the suitable households (1 = best); None if unsuitable
    suitable_count: int
    failures: tuple[RuleFailure, ...]
    breakdown: ScoreBreakdown | None
    sentence: str


@dataclass(frozen=True, slots=True)
class WhyNot:
    """Why a named household is (or is not) on the shortlist, for every option of the referral."""

    household_id: HouseholdId
    verdicts: tuple[OptionVerdict, ...]

    @property
    def sentence(self) -> str:
        return " ".join(v.sentence for v in self.verdicts)


def why_not(
    shortlist_or_inputs: Shortlist | tuple[Referral, Sequence[Household], MatchContext, Policy],
    household_id: str,
) -> WhyNot:
    """Explain a household's place for every option (whole group and each allowed part).

    Accepts a ``Shortlist`` or the ``(referral, households, context, policy)`` to rank.

    Raises
    ------
    KeyError
        If no household has this id.
    """
    shortlist = (
        shortlist_or_inputs
        if isinstance(shortlist_or_inputs, Shortlist)
        else rank(*shortlist_or_inputs)
    )
    context, policy = shortlist.context, shortlist.policy
    if household_id not in context.table.index:
        raise KeyError(
            f"household {household_id} is not among the {len(context.households)} households"
        )
    row = context.table.index[HouseholdId(household_id)]
    known = {ranked.option: ranked.scores for ranked in shortlist.options}
    verdicts = []
    for option in options_for(shortlist.referral):
        scores = known.get(option) or score_option(context, option, policy)
        verdicts.append(_verdict(shortlist, scores, row))
    return WhyNot(HouseholdId(household_id), tuple(verdicts))


def _verdict(shortlist: Shortlist, scores: OptionScores, row: int) -> OptionVerdict:
    context, policy, option = shortlist.context, shortlist.policy, scores.option
    label = option.label
    if scores.failures[row]:
        failures = explain_failures(context.households[row], option, policy)
        text = f"{label.capitalize()}: not suitable: " + "; ".join(f.reason for f in failures) + "."
        return OptionVerdict(label, False, None, scores.suitable_count, failures, None, text)
    position = int(np.flatnonzero(scores.order == row)[0]) + 1
    item = breakdown(context, scores, row, policy)
    best = breakdown(context, scores, int(scores.order[0]), policy)
    shown = position <= shortlist.length
    where = "on the shortlist" if shown else "suitable but below the shortlist"
    text = (
        f"{label.capitalize()}: {where}, ranked {position} of {scores.suitable_count} "
        f"(tier {item.tier}, score {item.total}): {reason_for(item, best, position)}"
    )
    return OptionVerdict(label, True, position, scores.suitable_count, (), item, text)
