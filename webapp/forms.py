"""Request data -> domain inputs, with every problem as a ``FieldError`` (no Flask here).

HTML forms are first flattened into the same JSON-like mapping the API accepts
(``referral_data_from_form``), so pages and API share one parser and one set of messages.
Field names in errors are the mapping's paths, e.g. ``children[0].date_of_birth``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from matching.domain import (
    Child,
    ChildId,
    HouseholdFeature,
    HouseholdId,
    Need,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    SchoolUrn,
)
from matching.postcodes import PostcodeFormatError, normalise_postcode
from sufficiency.domain import Sex
from sufficiency.errors import FieldError, InputDataError

CHILD_FIELDS = ("child_id", "sex", "school_urn", "languages", "religion", "ethnicity")
CHILD_LISTS = ("essential_needs", "desirable_needs", "wishes")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class _Collector:
    """Collects FieldErrors for one source while values are parsed."""

    def __init__(self, source: str):
        self.source, self.errors = source, []

    def add(self, field: str, problem: str, expected: str | None = None) -> None:
        self.errors.append(FieldError(self.source, None, field, problem, expected=expected))


def date_from_parts(form: Mapping[str, str], name: str) -> str:
    """A GOV.UK date input (``name-day``, ``-month``, ``-year``) as text for ``parse_date``."""
    parts = [str(form.get(f"{name}-{p}", "")).strip() for p in ("day", "month", "year")]
    if not any(parts):
        return str(form.get(name, "")).strip()
    day, month, year = parts
    if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return " ".join(parts)


def parse_date(value: Any, field: str, label: str, errors: _Collector, *, required: bool = True):
    """``YYYY-MM-DD`` text to a date; adds a GOV.UK-style message when missing or not real."""
    text = str(value or "").strip()
    if not text:
        if required:
            errors.add(field, f"Enter {label}")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.add(
            field, f"{label[0].upper()}{label[1:]} must be a real date", "for example, 27 3 2027"
        )
        return None


def _choice(enum_type, value: Any, field: str, label: str, errors: _Collector):
    text = str(value or "").strip()
    if not text:
        errors.add(field, f"Select {label}")
        return None
    try:
        return enum_type(text)
    except ValueError:
        allowed = ", ".join(str(m) for m in enum_type)
        errors.add(field, f"Select {label} from the list", f"one of: {allowed}")
        return None


def _choices(enum_type, values: Any, field: str, label: str, errors: _Collector) -> frozenset:
    items = (
        values if isinstance(values, list | tuple) else [v for v in str(values or "").split(",")]
    )
    found, unknown = set(), []
    for item in (str(v).strip() for v in items):
        if item:
            try:
                found.add(enum_type(item))
            except ValueError:
                unknown.append(item)
    if unknown:
        errors.add(
            field,
            f"{label} includes values not on the list: {', '.join(unknown)}",
            ", ".join(str(m) for m in enum_type),
        )
    return frozenset(found)


def _words(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def parse_postcode(
    value: Any,
    field: str,
    label: str,
    errors: _Collector,
    locate: Callable[[str], object] | None = None,
) -> str:
    """A full UK postcode in standard form; with ``locate``, also one the gazetteer knows."""
    text = str(value or "").strip()
    if not text:
        errors.add(field, f"Enter {label}")
        return ""
    try:
        normal = normalise_postcode(text)
    except PostcodeFormatError:
        errors.add(field, f"Enter {label} in the right format", "a full UK postcode, like SW1A 2AA")
        return ""
    if locate is not None and locate(normal) is None:
        errors.add(
            field,
            f"{label[0].upper()}{label[1:]} was not found in the postcode directory",
            "a current UK postcode",
        )
    return normal


def parse_child(data: Mapping[str, Any], index: int, start: dt.date | None, errors: _Collector):
    """One child of a referral; ``None`` when a required field is missing or wrong."""
    at = f"children[{index}]"
    n = index + 1
    child_id = str(data.get("child_id") or "").strip()
    if not child_id:
        errors.add(f"{at}.child_id", f"Enter an ID for child {n}")
    elif not _ID.match(child_id):
        errors.add(
            f"{at}.child_id",
            f"Child {n}'s ID must be letters, digits, dots, dashes or underscores",
            "up to 64 characters, like C-1042",
        )
    born = parse_date(
        data.get("date_of_birth"), f"{at}.date_of_birth", f"child {n}'s date of birth", errors
    )
    if born is not None and start is not None and born > start:
        errors.add(
            f"{at}.date_of_birth", f"Child {n}'s date of birth must be on or before the start date"
        )
        born = None
    sex = _choice(Sex, data.get("sex"), f"{at}.sex", f"child {n}'s sex", errors)
    essential = _choices(
        Need,
        data.get("essential_needs"),
        f"{at}.essential_needs",
        f"Child {n}'s essential needs",
        errors,
    )
    desirable = _choices(
        Need,
        data.get("desirable_needs"),
        f"{at}.desirable_needs",
        f"Child {n}'s desirable needs",
        errors,
    )
    if essential & desirable:
        errors.add(
            f"{at}.desirable_needs",
            f"Child {n}'s desirable needs repeat essential needs: "
            + ", ".join(sorted(essential & desirable)),
            "each need in one list only",
        )
    urn_text = str(data.get("school_urn") or "").strip()
    if urn_text and not (urn_text.isdigit() and int(urn_text) > 0):
        errors.add(
            f"{at}.school_urn", f"Child {n}'s school URN must be a number", "6 digits, like 100001"
        )
    wishes = _choices(
        HouseholdFeature, data.get("wishes"), f"{at}.wishes", f"Child {n}'s wishes", errors
    )
    if not (child_id and born and sex) or len(errors.errors):
        return None
    return Child(
        child_id=ChildId(child_id),
        date_of_birth=born,
        sex=sex,
        essential_needs=essential,
        desirable_needs=desirable - essential,
        school_urn=SchoolUrn(int(urn_text)) if urn_text.isdigit() and int(urn_text) > 0 else None,
        languages=frozenset(_words(data.get("languages")) or ["English"]),
        religion=str(data.get("religion") or "").strip(),
        ethnicity=str(data.get("ethnicity") or "").strip(),
        wishes=wishes,
        poses_risk_to_younger=_truthy(data.get("poses_risk_to_younger")),
    )


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "yes", "on", "1"}


def parse_splits(value: Any, child_ids: list[str], errors: _Collector) -> tuple:
    """Allowed splits: a list of splits (lists of parts), or text with one split per line,
    parts separated by "|" and children by commas (``C1, C2 | C3``)."""
    if isinstance(value, list):
        splits = value
    else:
        splits = [
            [_words(part) for part in line.split("|")]
            for line in str(value or "").splitlines()
            if line.strip()
        ]
    result = []
    for number, split in enumerate(splits, start=1):
        well_formed = isinstance(split, list) and all(isinstance(p, list) for p in split)
        parts = [tuple(ChildId(str(c)) for c in part) for part in split] if well_formed else []
        flat = [c for part in parts for c in part]
        if sorted(flat) != sorted(child_ids) or any(not p for p in parts) or len(parts) < 2:
            errors.add(
                "allowed_splits",
                f"Allowed split {number} must share out every child in the "
                "referral exactly once, in two or more parts",
                "like C1, C2 | C3",
            )
            continue
        result.append(tuple(parts))
    return tuple(result)


def parse_referral(
    data: Mapping[str, Any],
    *,
    referral_id: str,
    source: str = "referral",
    locate: Callable[[str], object] | None = None,
) -> Referral:
    """A referral from the API's JSON shape (or a flattened form); ``InputDataError`` lists all."""
    errors = _Collector(source)
    if not _ID.match(referral_id or ""):
        errors.add(
            "referral_id",
            "Referral ID must be letters, digits, dots, dashes or underscores",
            "up to 64 characters, like R-2026-001",
        )
    kind = _choice(
        PlacementKind, data.get("placement_kind"), "placement_kind", "the kind of placement", errors
    )
    start = parse_date(data.get("start_date"), "start_date", "the placement start date", errors)
    received = parse_date(
        data.get("received_on"), "received_on", "the date the referral was received", errors
    )
    postcode = parse_postcode(
        data.get("home_postcode"), "home_postcode", "the child's home postcode", errors, locate
    )
    raw_children = data.get("children") or []
    if not isinstance(raw_children, list) or not all(isinstance(c, Mapping) for c in raw_children):
        errors.add("children", "Send children as a list of objects, one per child")  # fuzzing
        raw_children = []
    elif not raw_children:
        errors.add("children[0].child_id", "Add at least one child")
    children = [parse_child(c, i, start, errors) for i, c in enumerate(raw_children)]
    ids = [c.child_id for c in children if c is not None]
    for repeated in sorted({i for i in ids if ids.count(i) > 1}):
        errors.add("children[0].child_id", f"Child ID {repeated} is used for more than one child")
    for i, child in enumerate(children):
        if child is not None and start is not None and child.age_on(start) >= 18:
            errors.add(
                f"children[{i}].date_of_birth", f"Child {i + 1} is 18 or over on the start date"
            )
    splits = parse_splits(data.get("allowed_splits"), ids, errors)
    connected = frozenset(HouseholdId(h) for h in _words(data.get("connected_household_ids")))
    if errors.errors:
        raise InputDataError(errors.errors)
    return Referral(
        referral_id=ReferralId(referral_id),
        children=tuple(children),
        placement_kind=kind,
        start_date=start,
        home_postcode=postcode,
        received_on=received,
        allowed_splits=splits,
        connected_household_ids=connected,
        notes=str(data.get("notes") or "").strip(),
    )


def referral_data_from_form(form) -> dict[str, Any]:
    """A submitted referral form (``werkzeug`` MultiDict) in the API's JSON shape."""
    count = (
        int(form.get("child_count", "1") or 1) if str(form.get("child_count", "1")).isdigit() else 1
    )
    children = []
    for i in range(min(count, 12)):
        at = f"children[{i}]"
        child = {key: form.get(f"{at}.{key}", "") for key in CHILD_FIELDS}
        child.update({key: form.getlist(f"{at}.{key}") for key in CHILD_LISTS})
        child["date_of_birth"] = date_from_parts(form, f"{at}.date_of_birth")
        child["poses_risk_to_younger"] = form.get(f"{at}.poses_risk_to_younger", "")
        children.append(child)
    return {
        "placement_kind": form.get("placement_kind", ""),
        "start_date": date_from_parts(form, "start_date"),
        "received_on": date_from_parts(form, "received_on"),
        "home_postcode": form.get("home_postcode", ""),
        "notes": form.get("notes", ""),
        "allowed_splits": form.get("allowed_splits", ""),
        "connected_household_ids": form.get("connected_household_ids", ""),
        "children": children,
    }


def household_filters(args: Mapping[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """Household list filters from a query string: vacancy, provider, age, district."""
    errors = _Collector("household filters")
    filters: dict[str, Any] = {}
    vacancy = str(args.get("vacancy", "")).strip()
    if vacancy in ("yes", "no"):
        filters["has_vacancy"] = vacancy == "yes"
    elif vacancy:
        errors.add("vacancy", "Select whether the household has a vacancy", "yes or no")
    provider = str(args.get("provider", "")).strip()
    if provider:
        filters["provider"] = _choice(ProviderType, provider, "provider", "a provider", errors)
    age = str(args.get("age", "")).strip()
    if age:
        if age.isdigit() and int(age) <= 17:
            filters["age_years"] = int(age)
        else:
            errors.add("age", "Age must be a whole number from 0 to 17")
    district = str(args.get("district", "")).strip().upper()
    if district:
        if re.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]?", district):
            filters["postcode_district"] = district
        else:
            errors.add(
                "district", "Enter a postcode district, like N17", "the first half of a postcode"
            )
    return filters, errors.errors


def referral_to_data(referral: Referral) -> dict[str, Any]:
    """A stored referral in the API's JSON shape (also what the edit form shows)."""
    return {
        "referral_id": referral.referral_id,
        "placement_kind": str(referral.placement_kind),
        "start_date": referral.start_date.isoformat(),
        "received_on": referral.received_on.isoformat(),
        "home_postcode": referral.home_postcode,
        "notes": referral.notes,
        "status": str(referral.status),
        "allowed_splits": [[list(part) for part in split] for split in referral.allowed_splits],
        "connected_household_ids": sorted(referral.connected_household_ids),
        "children": [
            {
                "child_id": c.child_id,
                "date_of_birth": c.date_of_birth.isoformat(),
                "sex": str(c.sex),
                "essential_needs": sorted(map(str, c.essential_needs)),
                "desirable_needs": sorted(map(str, c.desirable_needs)),
                "school_urn": c.school_urn,
                "languages": sorted(c.languages),
                "religion": c.religion,
                "ethnicity": c.ethnicity,
                "wishes": sorted(map(str, c.wishes)),
                "poses_risk_to_younger": c.poses_risk_to_younger,
            }
            for c in referral.children
        ],
    }


def splits_as_text(splits: Any) -> str:
    """Allowed splits as the form's text: one split per line, ``C1, C2 | C3``."""
    if isinstance(splits, str):
        return splits
    return "\n".join(" | ".join(", ".join(part) for part in split) for split in splits or [])
