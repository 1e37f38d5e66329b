"""What a scenario comparison runs: the scenario library (``scenarios/*.toml``), an uploaded
file, the officer's choices, and the background job over ``sufficiency.scenarios``.

Shared by the scenario pages and the JSON API, so both check and run the same way. Every
problem in the choices and in the files (with their lines) is collected before replying.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sufficiency.errors import FieldError, InputDataError, ScenarioError
from webapp import get_data
from webapp.jobs import get_runner
from webapp.planning_inputs import load_history, long_date, scenario_inputs, whole_number

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_RUNS = 200
MAX_RUNS = 2000
MAX_SCENARIOS = 6
MAX_UPLOAD_BYTES = 200_000
UPLOAD = "upload"  # the baseline choice meaning "the uploaded file"
SOURCE = "scenario comparison"


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One file in ``scenarios/``: the scenario, or the problems that stop it loading."""

    filename: str
    scenario: object | None  # sufficiency.scenario_domain.Scenario
    errors: tuple[FieldError | str, ...] = ()


@dataclass(frozen=True, slots=True)
class ComparisonRequest:
    """Scenarios to run, baseline first, with the runs and seed they share."""

    scenarios: tuple  # of Scenario
    runs: int
    seed: int


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """A finished comparison and the quantiles over time the charts draw."""

    comparison: object  # sufficiency.scenario_compare.Comparison
    month_ends: tuple
    fans: dict  # scenario name -> {measure: (p10, p25, p50, p75, p90) lists over months}
    note: str
    council_name: str


def library(folder: Path = SCENARIOS_DIR) -> list[LibraryEntry]:
    """Every scenario file in the folder, baseline first, loaded (or with its problems)."""
    files = sorted(folder.glob("*.toml"), key=lambda p: (p.name != "baseline.toml", p.name))
    return [_load(path) for path in files]


def _load(path: Path) -> LibraryEntry:
    return _load_cached(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _load_cached(path: Path, _mtime_ns: int) -> LibraryEntry:
    from sufficiency.scenario_file import load_scenario

    try:
        return LibraryEntry(path.name, load_scenario(path))
    except ScenarioError as error:
        return LibraryEntry(path.name, None, tuple(error.errors))


def _chosen_files(values) -> list[str]:
    raw = values.getlist("files") if hasattr(values, "getlist") else values.get("files")
    if raw is None:
        return []
    items = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    return [str(item).strip() for item in items if str(item).strip()]


def _from_library(names: list[str], errors: list[FieldError]) -> dict[str, object]:
    entries = {e.filename: e for e in library()}
    found = {}
    for name in names:
        entry = entries.get(name)
        if entry is None:
            errors.append(
                FieldError(
                    SOURCE,
                    None,
                    "files",
                    "There is no scenario file with this name",
                    expected="one of " + ", ".join(sorted(entries)),
                    actual=name,
                )
            )
        elif entry.scenario is None:
            errors.extend(_on_field("files", entry.errors))
        else:
            found[name] = entry.scenario
    return found


def _uploaded(upload: tuple[str, bytes] | None, errors: list[FieldError]):
    """The uploaded scenario, if any; its problems (with lines) go in ``errors``."""
    from sufficiency.scenario_file import loads_scenario

    if upload is None or not upload[1]:
        return None
    filename, body = upload
    if len(body) > MAX_UPLOAD_BYTES:
        errors.append(
            FieldError(
                SOURCE,
                None,
                "scenario_file",
                "The scenario file is too big",
                expected=f"at most {MAX_UPLOAD_BYTES // 1000} KB",
                actual=f"{len(body) // 1000} KB",
            )
        )
        return None
    try:
        return loads_scenario(body.decode("utf-8-sig"), source=filename or "uploaded scenario")
    except UnicodeDecodeError:
        errors.append(
            FieldError(SOURCE, None, "scenario_file", "The scenario file must be UTF-8 text (TOML)")
        )
    except ScenarioError as error:
        errors.extend(_on_field("scenario_file", error.errors))
    return None


def _on_field(field: str, problems) -> list[FieldError]:
    """A file's problems as errors on one form field, each keeping its file, line and key."""
    return [FieldError(SOURCE, None, field, str(problem)) for problem in problems]


def parse_comparison_request(values, upload: tuple[str, bytes] | None = None) -> ComparisonRequest:
    """Chosen library files, an optional upload and the baseline -> ``ComparisonRequest``.

    Raises ``InputDataError`` listing every problem (choices, and each file's keys and lines).
    """
    from sufficiency.scenario_compare import check_comparable

    errors: list[FieldError] = []
    names = _chosen_files(values)
    chosen = _from_library(names, errors)
    uploaded = _uploaded(upload, errors)
    runs = whole_number(values, "runs", "Runs", 10, MAX_RUNS, DEFAULT_RUNS, errors, SOURCE)
    seed_given = str(values.get("seed") or "").strip() != ""
    seed = whole_number(values, "seed", "Seed", 0, 2**32 - 1, 0, errors, SOURCE)
    if errors:
        raise InputDataError(errors)
    ordered = list(chosen.items()) + ([(UPLOAD, uploaded)] if uploaded is not None else [])
    if not ordered:
        raise InputDataError(
            [FieldError(SOURCE, None, "files", "Select at least one scenario, or upload a file")]
        )
    if len(ordered) > MAX_SCENARIOS:
        raise InputDataError(
            [
                FieldError(
                    SOURCE,
                    None,
                    "files",
                    f"Select at most {MAX_SCENARIOS} scenarios",
                    actual=str(len(ordered)),
                )
            ]
        )
    baseline = str(values.get("baseline") or "").strip() or ordered[0][0]
    keys = [key for key, _ in ordered]
    if baseline not in keys:
        raise InputDataError(
            [
                FieldError(
                    SOURCE,
                    None,
                    "baseline",
                    "The baseline must be one of the chosen scenarios",
                    expected=", ".join(keys),
                    actual=baseline,
                )
            ]
        )
    scenarios = [s for key, s in ordered if key == baseline] + [
        s for k, s in ordered if k != baseline
    ]
    try:
        check_comparable(scenarios, 0)
    except ScenarioError as error:
        field = "scenario_file" if uploaded is not None else "files"
        raise InputDataError(_on_field(field, error.errors)) from error
    seed = seed if seed_given else scenarios[0].uncertainty.seed
    return ComparisonRequest(tuple(scenarios), runs, seed)


def _quantiles(samples: np.ndarray) -> tuple[list[float], ...]:
    return tuple(list(q) for q in np.quantile(samples, [0.1, 0.25, 0.5, 0.75, 0.9], axis=0))


def fans_of(results) -> dict:
    """Per scenario, the quantiles over time of the measures the page charts."""
    fans = {}
    for result in results:
        fans[result.scenario.name] = {
            "children looked after": _quantiles(result.total),
            "children not in their first-choice type of home": _quantiles(result.overflow),
            "children more than 20 miles from home": _quantiles(result.over_20_miles),
        }
    return fans


def start_comparison(values, upload: tuple[str, bytes] | None = None):
    """Check the choices and files now; fit, run and compare in a background job."""
    from sufficiency.scenario_compare import summarise
    from sufficiency.scenarios import run_all

    wanted = parse_comparison_request(values, upload)
    base = wanted.scenarios[0]
    data = get_data()
    stored = load_history(data.store, base.baseline.as_of or data.as_of, source=SOURCE)
    households, children = data.households(), data.store.list_children()
    distance, council = data.distance_miles, data.council_name
    steps = 4 * len(wanted.scenarios) + 1

    def work(progress):
        progress(0, steps, "Fitting the demand model to the SSDA903 history")
        inputs = scenario_inputs(
            stored, base.baseline.history_years, households, children, distance, council
        )
        results = run_all(
            wanted.scenarios,
            inputs,
            wanted.runs,
            wanted.seed,
            lambda done, _total, message: progress(done, steps, message),
        )
        progress(steps - 1, steps, "Comparing the scenarios with the baseline")
        comparison = summarise(results, 0)
        return ScenarioRun(
            comparison, results[0].month_ends, fans_of(results), stored.note, council
        )

    names = ", ".join(s.name for s in wanted.scenarios)
    title = f"Scenarios from {long_date(stored.start)}: {names} ({wanted.runs} runs)"
    return get_runner().submit("scenarios", title, work, result_endpoint="scenarios.result")
