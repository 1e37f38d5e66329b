"""Adapter: run ``cs-demand-model`` 0.5.1 as a backtest competitor, in its own Python.

cs-demand-model needs pandas < 2 and numpy < 2, so it cannot share this environment: it
runs in a separate interpreter (``python`` with cs-demand-model installed) on SSDA903
files written from the same cleaned history, with its own defaults (6-month reference
period, daily steps). Returns children per age band at our month ends.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from sufficiency.dynamics import month_ends
from sufficiency.history import History
from sufficiency.ssda903 import DFE_COLUMNS

#: cs-demand-model's age brackets, in our band order.
CSDM_BRACKETS = (
    "BIRTH_TO_ONE",
    "ONE_TO_FIVE",
    "FIVE_TO_TEN",
    "TEN_TO_SIXTEEN",
    "SIXTEEN_TO_EIGHTEEN",
)

_RUNNER = r"""
import json, sys, datetime as dt
import pandas as pd
from dateutil.relativedelta import relativedelta
from cs_demand_model import DemandModellingDataContainer, ModelPredictor, PopulationStats
from cs_demand_model.config import Config
from cs_demand_model.datastore import fs_datastore
folder, origin, ends = sys.argv[1], pd.Timestamp(sys.argv[2]), json.loads(sys.argv[3])
config = Config()
stats = PopulationStats(DemandModellingDataContainer(fs_datastore(folder), config).enriched_view, config)
start = origin - relativedelta(months=6)
predictor = ModelPredictor.from_model(stats, start, origin)
last = pd.Timestamp(ends[-1])
pop = predictor.predict((last - origin).days)
out = {}
for end in ends:
    row = pop.loc[pd.Timestamp(end)]
    bands = {}
    for (band, _placement), value in row.items():
        bands[band] = bands.get(band, 0.0) + float(value)
    out[end] = bands
print(json.dumps(out))
"""


def write_ssda903(history: History, folder: Path, year: int) -> None:
    """Write the history as one year's ``header.csv`` and ``episodes.csv`` (903 columns)."""
    target = folder / str(year)
    target.mkdir(parents=True, exist_ok=True)
    fmt = "%d/%m/%Y"
    with (target / "header.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(DFE_COLUMNS["header"])
        for child in history.children:
            writer.writerow(
                [
                    child.child_id,
                    1 if child.sex.value == "male" else 2,
                    child.date_of_birth.strftime(fmt),
                    child.ethnicity,
                    "",
                    "",
                    "",
                ]
            )
    with (target / "episodes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(DFE_COLUMNS["episodes"])
        for child in history.children:
            for e in child.episodes:
                writer.writerow(
                    [
                        child.child_id,
                        e.started.strftime(fmt),
                        e.reason_new_episode or "S",
                        e.legal_status,
                        e.category_of_need,
                        e.placement_code,
                        e.provider_code,
                        e.ceased.strftime(fmt) if e.ceased else "",
                        e.reason_ceased,
                        "",
                        "",
                        "",
                        "",
                    ]
                )


def csdm_forecaster(python: str, timeout_s: float = 600.0):
    """A backtest forecaster calling cs-demand-model through the interpreter ``python``."""

    def forecast(history: History, origin: dt.date, months: int) -> np.ndarray:
        ends = [d.isoformat() for d in month_ends(origin, months)]
        with tempfile.TemporaryDirectory() as folder:
            write_ssda903(history, Path(folder), origin.year)
            done = subprocess.run(
                [python, "-c", _RUNNER, folder, origin.isoformat(), json.dumps(ends)],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                check=False,
            )
        if done.returncode != 0:
            raise RuntimeError(f"cs-demand-model failed: {done.stderr.strip().splitlines()[-1:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        return np.array([[result[end].get(b, 0.0) for b in CSDM_BRACKETS] for end in ends])

    return forecast
