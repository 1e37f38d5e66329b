"""Benchmark the forecast: time (demo council, England-sized) and backtest error vs cs-demand-model.

Run: ``python bench/bench_forecast.py [--runs 1000] [--months 60] [--skip-csdm]``.

cs-demand-model 0.5.1 needs pandas<2/numpy<2, so it is installed from PyPI into its own
virtual environment (``$CSDM_VENV`` or ``~/.cache/placement-planner/csdm-venv``) on first
use, and run on the same cleaned SSDA903 history. Everything is timed in the same run and
printed as ratios against that baseline; targets are checked and reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sufficiency.backtest import FLOOR, LINEAR_TREND, MODEL, PERSISTENCE, backtest  # noqa: E402
from sufficiency.csdm import csdm_forecaster  # noqa: E402
from sufficiency.forecast import run_forecast, start_population  # noqa: E402
from sufficiency.montecarlo import simulate  # noqa: E402
from sufficiency.rates import estimate_rates  # noqa: E402
from sufficiency.ssda903 import read_ssda903  # noqa: E402

ENGLAND_CHILDREN = 84_000
CSDM = "cs-demand-model 0.5.1"


def csdm_python() -> str:
    """Path of a Python with cs-demand-model 0.5.1, creating its virtual environment if needed."""
    venv = Path(
        os.environ.get("CSDM_VENV", Path.home() / ".cache" / "placement-planner" / "csdm-venv")
    )
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"installing cs-demand-model 0.5.1 into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "cs-demand-model==0.5.1"], check=True
        )
    return str(python)


def demo_history(council=None):
    from sufficiency.demo_council import DEMO_AS_OF, write_demo_files

    with tempfile.TemporaryDirectory() as folder:
        write_demo_files(folder, council)
        return read_ssda903(Path(folder) / "ssda903", extract_date=DEMO_AS_OF)


def timed(label: str, func, cpu_times: list | None = None):
    start, cpu = time.perf_counter(), time.process_time()
    value = func()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:58s}{seconds:9.2f} s  (CPU {cpu_seconds:.2f} s)")
    if cpu_times is not None:
        cpu_times.append(cpu_seconds)
    return value, seconds


def repeated(label: str, func, repeats: int) -> float:
    """Run ``func`` ``repeats`` times; print each time and the medians; return the wall one [s].

    The load average is printed too: on a shared machine wall-clock time mostly measures
    the other jobs, CPU time (of this process) the forecast.
    """
    cpu: list[float] = []
    times = [timed(f"{label} #{k + 1}", func, cpu)[1] for k in range(repeats)]
    median = float(np.median(times))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{label + ' median':58s}{median:9.2f} s  (CPU {float(np.median(cpu)):.2f} s; "
        f"load average {load:.1f})"
    )
    return median


def time_forecasts(history, runs: int, months: int, python: str | None, repeats: int) -> None:
    print(f"\n== Forecast time: {runs} runs x {months} months ({os.cpu_count()} cores, shared) ==")
    demo_s = repeated(
        "demo council (fit + simulate + projection)",
        lambda: run_forecast(history, horizon_months=months, runs=runs, needs=False),
        repeats,
    )
    with_needs_s = repeated(
        "demo council, with needs (+ shares, thinning)",
        lambda: run_forecast(history, horizon_months=months, runs=runs),
        repeats,
    )
    result = run_forecast(history, horizon_months=1, runs=1, needs=False)
    children = int(result.start_counts.sum())
    rates = estimate_rates(history, history.extract_date)
    factor = ENGLAND_CHILDREN / children
    england_start = np.round(start_population(history, history.extract_date) * factor).astype(
        np.int64
    )
    england_s = repeated(
        f"England-sized ({int(england_start.sum()):,} children)",
        lambda: simulate(
            rates.scaled(factor), england_start, months, runs, np.random.default_rng(1)
        ),
        repeats,
    )
    print(
        f"  targets (median wall clock): demo < 1 s: {'met' if demo_s < 1 else 'NOT met'} "
        f"(with needs: {'met' if with_needs_s < 1 else 'NOT met'}); "
        f"England < 20 s: {'met' if england_s < 20 else 'NOT met'}"
    )
    if python:
        forecaster = csdm_forecaster(python)
        _, csdm_s = timed(
            f"{CSDM}, demo council (one deterministic path)",
            lambda: forecaster(history, history.extract_date, months),
        )
        print(f"  ratio placement planner ({runs} runs) / {CSDM} (1 path): {demo_s / csdm_s:.2f}")


def print_backtest(result, rivals: list[str]) -> None:
    print(f"origins: {', '.join(o.isoformat() for o in result.origins)}")
    print(
        f"{'method':40s}{'months':>7s}{'WAPE total %':>14s}{'WAPE band %':>13s}"
        f"{'cover total %':>15s}{'cover band %':>14s}"
    )
    for row in result.rows:
        cov = [
            "-" if v is None else f"{v:.0f}" for v in (row.coverage_total, row.coverage_age_band)
        ]
        print(
            f"{row.method:40s}{row.horizon_months:7d}{row.wape_total:14.1f}"
            f"{row.wape_age_band:13.1f}{cov[0]:>15s}{cov[1]:>14s}"
        )
    for horizon in sorted({r.horizon_months for r in result.rows}):
        model = result.row(MODEL, horizon)
        for measure in ("wape_total", "wape_age_band"):
            beaten = [
                r
                for r in rivals
                if getattr(model, measure) < getattr(result.row(r, horizon), measure)
            ]
            floor = getattr(result.row(FLOOR, horizon), measure)
            print(
                f"  {horizon} months, {measure}: model beats {len(beaten)}/{len(rivals)} "
                f"({', '.join(beaten) or 'none'}); floor {floor:.1f}%"
            )
        print(
            f"  {horizon} months: P10-P90 coverage total {model.coverage_total:.0f}%, "
            f"bands {model.coverage_age_band:.0f}% (target 70-90%)"
        )


def compare_errors(history, runs: int, python: str | None) -> None:
    print(f"\n== Backtest on the demo council ({runs} runs per origin) ==")
    competitors = {CSDM: csdm_forecaster(python)} if python else {}
    result, _ = timed(
        "backtest (all methods, all origins)",
        lambda: backtest(history, runs=runs, competitors=competitors),
    )
    print_backtest(result, [PERSISTENCE, LINEAR_TREND] + ([CSDM] if python else []))


def other_seeds(seeds: list[int], runs: int) -> None:
    """The backtest on demo councils built from other seeds (no tuning to one history)."""
    from sufficiency.demo_council import build_demo_council

    print(f"\n== Backtest on demo councils from other seeds ({runs} runs per origin) ==")
    print(
        f"{'seed':>6s}{'months':>7s}  WAPE total % (model / persistence / linear / floor)"
        f"   WAPE band %                    cover total/band %"
    )
    for seed in seeds:
        history = demo_history(build_demo_council(seed=seed))
        result = backtest(history, runs=runs)
        for horizon in (12, 24):
            rows = [result.row(m, horizon) for m in (MODEL, PERSISTENCE, LINEAR_TREND, FLOOR)]
            total = " / ".join(f"{r.wape_total:4.1f}" for r in rows)
            band = " / ".join(f"{r.wape_age_band:4.1f}" for r in rows)
            print(
                f"{seed:6d}{horizon:7d}  {total}    {band}    "
                f"{rows[0].coverage_total:.0f}/{rows[0].coverage_age_band:.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--backtest-runs", type=int, default=300)
    parser.add_argument("--skip-csdm", action="store_true", help="Leave cs-demand-model out.")
    parser.add_argument("--repeats", type=int, default=3, help="Timings to repeat.")
    parser.add_argument(
        "--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5], help="Other demo seeds."
    )
    args = parser.parse_args()
    python = None if args.skip_csdm else csdm_python()
    history, _ = timed("read the demo council's SSDA903 history", demo_history)
    time_forecasts(history, args.runs, args.months, python, args.repeats)
    compare_errors(history, args.backtest_runs, python)
    other_seeds(args.seeds, args.backtest_runs)


if __name__ == "__main__":
    main()
