"""Adapter: project the unmet need with the forecast (baseline or a scenario's demand levers).

Runs ``sufficiency``'s fitted demand model on the inputs' SSDA903 history and scales each age
band's recent unmet need by its forecast change (``matching.gaps.project_gaps``).
"""

from __future__ import annotations

from collections.abc import Callable

from matching.gaps import GapAnalysis, growth_from_forecast, project_gaps
from matching.recruit_data import RecruitInputs


def project_analysis(
    analysis: GapAnalysis,
    inputs: RecruitInputs,
    scenario: str | None,
    forecast_settings: tuple[int, int, int],
    progress: Callable[[str], None] | None = None,
) -> GapAnalysis:
    """Scale the unmet need by the forecast's change per age band (the scenario's, if given).

    ``forecast_settings`` is (months ahead, runs, random seed); the seed is recorded in the note.
    """
    from sufficiency.scenario_demand import FittedDemand

    months, runs, seed = forecast_settings
    say = progress or (lambda message: None)
    adjustments, name = None, "baseline forecast"
    demand = FittedDemand(inputs.history, inputs.as_of)
    if scenario:
        from sufficiency.scenario_file import load_scenario
        from sufficiency.scenarios import demand_adjustments

        loaded = load_scenario(scenario)
        adjustments, name = demand_adjustments(loaded, demand), f"scenario {loaded.name!r}"
    say(f"forecasting {months} months ({runs} runs, seed {seed}) for the projection")
    forecast = demand.simulate(adjustments, months, runs, seed)
    note = (
        f"{name}, {months} months ahead, {runs} runs, seed {seed}: "
        "recent unmet need a year scaled by each "
        "age band's forecast change in children in foster care and children's homes"
    )
    return project_gaps(analysis, growth_from_forecast(forecast, months), note)
