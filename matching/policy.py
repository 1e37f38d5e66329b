"""The matching policy: integer weights, distance and school limits, rule settings.

Loaded from one TOML file (``matching/policy.toml`` is the documented default) with every
problem collected before raising. No scoring here: ``matching.scoring`` applies the policy.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

from sufficiency.errors import FieldError, InputDataError

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Weights:
    """Integer points for the weighted preferences (applied inside a tier).

    Points are per child placed unless said otherwise; a candidate's total is exactly the
    sum of its components (``matching.checks`` recomputes it).
    """

    distance_per_tenth_mile: int = 1
    """Points lost per child for each whole tenth of a mile between home and household."""
    beyond_threshold: int = 300
    """Points lost per child placed beyond the distance threshold: the steep step at 20 miles."""
    desirable_need_met: int = 40
    """Points gained for each desirable need (over the children placed) the household meets."""
    language_match: int = 40
    """Points gained per child whose every recorded language the household speaks."""
    religion_match: int = 30
    """Points gained per child whose recorded religion is the household's."""
    ethnicity_match: int = 30
    """Points gained per child whose recorded ethnicity is the household's."""
    wish_met: int = 20
    """Points gained for each of the children's wishes (household features) that is met."""
    in_house: int = 100
    """Points gained per child placed with the council's own (in-house or connected) carers."""
    cost_per_10_gbp_week: int = 1
    """Points lost per child for each whole GBP 10 of the household's weekly cost [GBP/week]."""

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{spec.name}: {value!r} must be a whole number of points >= 0")


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything a council can set about matching, with distances in whole tenths of a mile."""

    weights: Weights = field(default_factory=Weights)
    council_la_code: str = ""
    """The council's LA (DfE number or ONS code); empty means every household is in area."""
    threshold_tenths: int = 200
    """The distance-from-home indicator threshold [tenths of a mile] (DfE: 20 miles)."""
    school_limit_tenths_by_key_stage: tuple[int, int, int, int, int] = (100, 100, 150, 100, 150)
    """Largest household-to-school distance for key stages 1 to 5 [tenths of a mile]."""
    usual_limit_children: int = 3
    """Fostered children a household may have, unless all siblings or exempt."""
    risk_age_gap_years: int = 3
    """A child posing a risk to younger children is not placed with one more than this younger."""
    shortlist_length: int = 10
    """Ranked households shown (per part when a split is shown)."""

    def __post_init__(self) -> None:
        if self.threshold_tenths <= 0:
            raise ValueError(f"threshold_tenths: {self.threshold_tenths} must be positive")
        if len(self.school_limit_tenths_by_key_stage) != 5:
            raise ValueError("school_limit_tenths_by_key_stage: needs one limit per key stage 1-5")
        if self.usual_limit_children < 1:
            raise ValueError(
                f"usual_limit_children: {self.usual_limit_children} must be at least 1"
            )
        if self.risk_age_gap_years < 0:
            raise ValueError(f"risk_age_gap_years: {self.risk_age_gap_years} must be >= 0")
        if self.shortlist_length < 1:
            raise ValueError(f"shortlist_length: {self.shortlist_length} must be at least 1")

    @property
    def threshold_miles(self) -> float:
        return self.threshold_tenths / 10

    def school_limit_tenths(self, key_stage: int) -> int:
        """The school-continuity limit for a key stage (1-5) [tenths of a mile]."""
        return self.school_limit_tenths_by_key_stage[key_stage - 1]


# (section, key) -> (kind, description of the expected value)
_KEYS: dict[tuple[str, str], str] = {
    ("area", "council_la_code"): "text",
    ("distance", "threshold_miles"): "miles",
    ("school", "primary_limit_miles"): "miles",
    ("school", "secondary_limit_miles"): "miles",
    ("school", "key_stage_4_limit_miles"): "miles",
    ("rules", "usual_limit_children"): "count",
    ("rules", "risk_age_gap_years"): "years",
    ("shortlist", "length"): "count",
    **{("weights", spec.name): "points" for spec in fields(Weights)},
}
_EXPECTED = {
    "text": "a quoted text value",
    "miles": "a number of miles greater than 0",
    "count": "a whole number of at least 1",
    "years": "a whole number of years >= 0",
    "points": "a whole number of points >= 0",
}


def policy_keys() -> list[str]:
    """Every documented policy key as ``section.key`` (for the docs test)."""
    return [f"{section}.{key}" for section, key in _KEYS]


def default_policy_path() -> Path:
    """The packaged, documented default policy file."""
    return Path(str(resources.files("matching") / "policy.toml"))


def load_policy(path: str | Path | None = None) -> Policy:
    """Read a policy TOML file (default: the packaged ``matching/policy.toml``).

    Raises
    ------
    InputDataError
        Listing every unknown key, missing key, wrong type or out-of-range value.
    """
    path = Path(path) if path is not None else default_policy_path()
    source = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(
            [FieldError(source, None, None, f"cannot read the file: {exc}")]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputDataError([FieldError(source, None, None, f"not valid TOML: {exc}")]) from exc
    values, errors = _read_values(data, source)
    if errors:
        raise InputDataError(errors, summary=f"{len(errors)} problem(s) in policy file {source}")
    return _build(values)


def _read_values(data: dict, source: str) -> tuple[dict[tuple[str, str], object], list[FieldError]]:
    errors = _unknown_keys(data, source)
    values: dict[tuple[str, str], object] = {}
    for (section, key), kind in _KEYS.items():
        name, body = f"{section}.{key}", data.get(section, {})
        if not isinstance(body, dict) or key not in body:
            errors.append(
                FieldError(source, None, name, "missing setting", expected=_EXPECTED[kind])
            )
        elif _valid(kind, body[key]):
            values[(section, key)] = body[key]
        else:
            errors.append(
                FieldError(
                    source,
                    None,
                    name,
                    "invalid value",
                    expected=_EXPECTED[kind],
                    actual=repr(body[key]),
                )
            )
    return values, errors


def _unknown_keys(data: dict, source: str) -> list[FieldError]:
    """A wrong schema version and every section or key the policy does not define."""
    errors = []
    if data.get("schema_version") != SCHEMA_VERSION:
        errors.append(
            FieldError(
                source,
                None,
                "schema_version",
                "unsupported schema version",
                expected=str(SCHEMA_VERSION),
                actual=repr(data.get("schema_version")),
            )
        )
    documented = "a key documented in docs/matching.md"
    for section, body in data.items():
        if section == "schema_version":
            continue
        if not isinstance(body, dict):
            errors.append(FieldError(source, None, section, "unknown setting", expected=documented))
            continue
        errors += [
            FieldError(source, None, f"{section}.{key}", "unknown setting", expected=documented)
            for key in body
            if (section, key) not in _KEYS
        ]
    return errors


def _valid(kind: str, value: object) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if kind == "miles":
        return isinstance(value, int | float) and value > 0
    if kind == "count":
        return isinstance(value, int) and value >= 1
    return isinstance(value, int) and value >= 0


def _tenths(miles: object) -> int:
    return round(float(miles) * 10)  # type: ignore[arg-type]


def _build(values: dict[tuple[str, str], object]) -> Policy:
    weights = Weights(
        **{key: value for (section, key), value in values.items() if section == "weights"}
    )
    primary = _tenths(values[("school", "primary_limit_miles")])
    secondary = _tenths(values[("school", "secondary_limit_miles")])
    ks4 = _tenths(values[("school", "key_stage_4_limit_miles")])
    return Policy(
        weights=weights,
        council_la_code=str(values[("area", "council_la_code")]).strip(),
        threshold_tenths=_tenths(values[("distance", "threshold_miles")]),
        school_limit_tenths_by_key_stage=(primary, primary, secondary, ks4, secondary),
        usual_limit_children=int(values[("rules", "usual_limit_children")]),  # type: ignore[arg-type]
        risk_age_gap_years=int(values[("rules", "risk_age_gap_years")]),  # type: ignore[arg-type]
        shortlist_length=int(values[("shortlist", "length")]),  # type: ignore[arg-type]
    )
