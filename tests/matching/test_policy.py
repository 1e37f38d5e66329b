"""The policy file: the packaged default, every key documented, every problem reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.policy import Policy, Weights, default_policy_path, load_policy, policy_keys
from sufficiency.errors import InputDataError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "matching.md"


def test_packaged_policy_is_the_documented_default() -> None:
    assert load_policy() == Policy()
    assert load_policy(default_policy_path()).school_limit_tenths(4) == 100


@pytest.mark.parametrize("key", policy_keys())
def test_every_policy_key_is_documented(key: str) -> None:
    assert f"`{key}`" in DOCS.read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_changed_values_are_read(tmp_path: Path) -> None:
    text = default_policy_path().read_text(encoding="utf-8")
    text = (
        text.replace("threshold_miles = 20.0", "threshold_miles = 15.5")
        .replace('council_la_code = ""', 'council_la_code = " 309 "')
        .replace("in_house = 100", "in_house = 0")
    )
    policy = load_policy(_write(tmp_path, text))
    assert policy.threshold_tenths == 155 and policy.council_la_code == "309"
    assert policy.weights.in_house == 0


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = default_policy_path().read_text(encoding="utf-8")
    text = (
        text.replace("threshold_miles = 20.0", "threshold_miles = -1")
        .replace("wish_met = 20", "wish_met = 2.5\nwishes = 3")
        .replace("usual_limit_children = 3\n", "")
    )
    with pytest.raises(InputDataError) as caught:
        load_policy(_write(tmp_path, text))
    assert [str(e) for e in caught.value.errors] == [
        'policy.toml, field "weights.wishes": unknown setting '
        "(expected a key documented in docs/matching.md)",
        'policy.toml, field "distance.threshold_miles": invalid value '
        "(got '-1'; expected a number of miles greater than 0)",
        'policy.toml, field "rules.usual_limit_children": missing setting '
        "(expected a whole number of at least 1)",
        'policy.toml, field "weights.wish_met": invalid value '
        "(got '2.5'; expected a whole number of points >= 0)",
    ]


def test_bad_toml_and_version(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="not valid TOML"):
        load_policy(_write(tmp_path, "schema_version = [\n"))
    with pytest.raises(InputDataError, match='field "schema_version": unsupported schema version'):
        load_policy(_write(tmp_path, "schema_version = 2\n"))


def test_weights_must_be_whole_points() -> None:
    with pytest.raises(ValueError, match="in_house: -1 must be a whole number of points >= 0"):
        Weights(in_house=-1)
