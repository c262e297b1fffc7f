"""The report of a large sweep: figures from aggregated tables, and the shortcuts that make
it fast give the numbers of the slow way."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.report import make_report
from sim.analysis.statistics import (
    BCA_MAX,
    RESAMPLES,
    SEED,
    difference_interval,
    mean_interval,
    mean_intervals,
    resamples_kept,
)
from sim.analysis.survival import cox_model
from sim.sweeps.experiment import load_experiment
from sim.sweeps.runner import run_experiment

EXPERIMENT = """
[experiment]
name = "scale"
scenario = "open_innovation"
steps = 24
replications = 4
seed = 11

[factors]
manager = ["none", "lead_partner", "independent"]
turbulence = [0.2, 0.6]
"""


def _enlarged(source, folder, runs: int, seed: int) -> None:
    """A results folder of ``runs`` runs drawn with replacement from ``source``'s runs (its
    manifest and design kept), each design point's runs numbered as replications."""
    folder.mkdir()
    table = pd.read_parquet(source / "runs.parquet")
    table = table.sample(runs, replace=True, random_state=seed).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    table["total_value"] = table["total_value"].astype(float) * rng.uniform(0.8, 1.2, runs)
    table["run_id"] = np.arange(runs)
    table["replication"] = table.groupby("point_id").cumcount()
    table.to_parquet(folder / "runs.parquet")
    for name in ("manifest.json", "design.parquet"):
        (folder / name).write_bytes((source / name).read_bytes())


def test_figures_are_drawn_from_aggregated_tables_whose_size_does_not_grow_with_the_runs(
    tmp_path,
):
    """Four times the runs give the same figures' tables (a few rows per group, saved beside
    each figure) and SVG files of about the same size: no figure draws a mark per run."""
    path = tmp_path / "scale.toml"
    path.write_text(EXPERIMENT)
    source = tmp_path / "source"
    run_experiment(load_experiment(path), out=source, workers=1, progress=False)
    small, large = tmp_path / "small", tmp_path / "large"
    _enlarged(source, small, 1_000, seed=1)
    _enlarged(source, large, 4_000, seed=2)
    pages = {folder: make_report(folder).read_text() for folder in (small, large)}
    figures = sorted(p.stem for p in (small / "figures").glob("*.png"))
    assert {"survival_by_manager", "value_by_manager", "duration_value"} <= set(figures)
    assert "parallel_coordinates" in figures and "cumulative_incidence_by_manager" in figures
    for name in figures:
        data = [pd.read_csv(folder / "figures" / f"{name}.csv") for folder in (small, large)]
        assert len(data[0]) and len(data[1]) <= max(len(data[0]), 150), name
        sizes = [(folder / "figures" / f"{name}.svg").stat().st_size for folder in (small, large)]
        assert sizes[1] < 1.3 * sizes[0], (name, sizes)
    # the parallel coordinates draw each design cell once per kind of run, widths by runs
    lines = pd.read_csv(large / "figures" / "parallel_coordinates.csv")
    assert lines["runs"].sum() == 4_000 and len(lines) <= 6
    assert "its width growing with the number of runs" in pages[large]
    # the box plot's quartiles are those of the runs
    boxes = pd.read_csv(large / "figures" / "value_by_manager.csv").set_index("manager")
    runs = pd.read_parquet(large / "runs.parquet")
    values = runs.loc[runs["manager"] == "none", "total_value"].astype(float)
    assert boxes.loc["none", "median"] == pytest.approx(values.median())
    assert boxes.loc["none", "q3"] == pytest.approx(values.quantile(0.75))
    assert not re.search(r"dots: runs", pages[large])


def test_large_samples_get_the_interval_scipy_bootstrap_gives():
    """Above BCA_MAX values the resampled means come from counts of one draw of indices;
    the interval is scipy's percentile bootstrap on the same draw, up to rounding."""
    rng = np.random.default_rng(3)
    n = BCA_MAX + 500
    values = [rng.exponential(100.0, n), rng.integers(0, 2, n).astype(float)]
    for sample, (mean, low, high) in zip(values, mean_intervals(values), strict=True):
        reference = stats.bootstrap(
            (sample,),
            np.mean,
            n_resamples=RESAMPLES,
            method="percentile",
            rng=np.random.default_rng(SEED),
        ).confidence_interval
        assert (mean, low, high) == pytest.approx(
            (sample.mean(), reference.low, reference.high), rel=1e-12
        )
        assert mean_interval(sample) == pytest.approx((mean, low, high), rel=1e-12)
    baseline = rng.exponential(90.0, n - 100)
    reference = stats.bootstrap(
        (values[0], baseline),
        lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        n_resamples=RESAMPLES,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(SEED),
    ).confidence_interval
    assert difference_interval(values[0], baseline)[1:] == pytest.approx(
        (reference.low, reference.high), rel=1e-12
    )
    with resamples_kept():  # the second time from the counts kept, the same intervals
        kept = [mean_intervals(values), difference_interval(values[0], baseline)]
        again = [mean_intervals(values), difference_interval(values[0], baseline)]
    assert kept == again
    for inside, outside in zip(kept[0], mean_intervals(values), strict=True):
        assert inside == pytest.approx(outside, rel=1e-12)


def _event_free_level_runs(seed: int = 5) -> pd.DataFrame:
    """Runs whose hazard depends on the manager and turbulence; scenario ``quiet`` never ends."""
    rng = np.random.default_rng(seed)
    n = 900
    runs = pd.DataFrame(
        {
            "manager": rng.choice(["none", "lead_partner", "independent"], n),
            "scenario": rng.choice(["busy", "calm", "quiet"], n),
            "turbulence": rng.choice([0.2, 0.6], n),
        }
    )
    rate = 0.02 * np.exp(
        -0.5 * (runs["manager"] == "independent") + 0.8 * (runs["turbulence"] == 0.6)
    )
    time = np.ceil(rng.exponential(1 / rate)).clip(1, 60)
    runs["duration"] = time.astype(int)
    runs["dissolved"] = (time < 60) & (runs["scenario"] != "quiet")
    runs.loc[runs["scenario"] == "quiet", "duration"] = 60
    return runs


def _direct_fit(runs: pd.DataFrame, exog: pd.DataFrame):
    from statsmodels.duration.hazard_regression import PHReg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PHReg(
            runs["duration"].to_numpy(float),
            exog.to_numpy(float),
            status=runs["dissolved"].to_numpy(int),
            ties="efron",
        ).fit(disp=False, method="newton", maxiter=300)


def test_a_level_without_events_gets_no_ratio_and_the_others_those_of_the_limit():
    """A scenario in which no alliance ends has a ratio of zero in the limit; the other
    ratios are those Newton approaches when it runs long enough on every run."""
    runs = _event_free_level_runs()
    factors = ["manager", "scenario", "turbulence"]
    fit = cox_model(runs, factors, "manager", {"manager": "none", "scenario": "busy"})
    assert fit is not None
    table = fit.hazard_ratios.set_index("term")
    assert np.isnan(table.loc["scenario = quiet (vs busy)", "hazard_ratio"])
    assert fit.runs == len(runs)
    exog = pd.DataFrame(
        {t: np.zeros(len(runs)) for t in table.index if not t.startswith("turbulence")}
    )
    for term in exog.columns:
        factor, level = term.split(" (")[0].split(" = ")
        exog[term] = (runs[factor] == level).to_numpy(float)
    exog["turbulence = 0.6 (vs 0.2)"] = (runs["turbulence"] == 0.6).to_numpy(float)
    slow = _direct_fit(runs, exog)
    ratios = dict(zip(exog.columns, np.exp(slow.params), strict=True))
    assert ratios["scenario = quiet (vs busy)"] < 1e-8  # running off to zero
    for term in ("manager = independent (vs none)", "turbulence = 0.6 (vs 0.2)"):
        assert table.loc[term, "hazard_ratio"] == pytest.approx(ratios[term], rel=1e-6)


def test_an_event_free_reference_level_leaves_that_factor_without_ratios():
    """When the reference level has no event every other level's ratio is infinite: the
    factor's ratios are missing, and the other factors' are those of the runs elsewhere."""
    runs = _event_free_level_runs()
    fit = cox_model(runs, ["manager", "scenario", "turbulence"], "manager", {"scenario": "quiet"})
    assert fit is not None
    table = fit.hazard_ratios.set_index("term")
    assert table.filter(like="scenario =", axis=0)["hazard_ratio"].isna().all()
    elsewhere = runs[runs["scenario"] != "quiet"]
    exog = pd.DataFrame(
        {
            "manager = independent (vs none)": elsewhere["manager"] == "independent",
            "manager = lead_partner (vs none)": elsewhere["manager"] == "lead_partner",
            "scenario = calm": elsewhere["scenario"] == "calm",
            "turbulence = 0.6 (vs 0.2)": elsewhere["turbulence"] == 0.6,
        }
    ).astype(float)
    ratios = dict(zip(exog.columns, np.exp(_direct_fit(elsewhere, exog).params), strict=True))
    for term in ("manager = independent (vs none)", "turbulence = 0.6 (vs 0.2)"):
        assert table.loc[term, "hazard_ratio"] == pytest.approx(ratios[term], rel=1e-9)


_BUILD = """
import json, sys
from pathlib import Path
from sim.analysis.report import _can_fork, make_report
make_report(Path(sys.argv[1]), parallel=sys.argv[2] == "parallel")
print(json.dumps({"forks": _can_fork(), "modules": sorted(sys.modules)}))
"""


def _report_in_new_process(folder, mode: str) -> dict:
    """Build the report of ``folder`` in a new interpreter (as ``run_experiment.py report``
    does, nothing imported before), the sections forked or not; what it could and loaded."""
    project = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(folder), mode],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_sections_in_forked_processes_give_the_report_of_one_process(tmp_path):
    """The survival and exploration sections run in forked processes when that is safe; the
    page, every table and every PNG figure are then byte for byte those of the report built
    in one process (SVG files differ between any two builds: matplotlib salts their ids at
    random and dates them). Each report is built in a new interpreter, because importing the
    EMA Workbench sets seaborn's palette for every figure drawn after it."""
    path = tmp_path / "scale.toml"
    path.write_text(EXPERIMENT)
    source = tmp_path / "source"
    run_experiment(load_experiment(path), out=source, workers=1, progress=False)
    built = {}
    for mode in ("serial", "parallel"):
        folder = tmp_path / mode
        folder.mkdir()
        for name in ("runs.parquet", "manifest.json", "design.parquet"):
            (folder / name).write_bytes((source / name).read_bytes())
        built[mode] = _report_in_new_process(folder, mode)
    if not built["parallel"]["forks"]:
        pytest.skip("this platform or process cannot fork the report's sections")
    files = sorted(
        p.relative_to(tmp_path / "serial")
        for p in (tmp_path / "serial").rglob("*")
        if p.is_file() and p.suffix != ".svg"
    )
    assert any(f.suffix == ".png" for f in files) and any(f.suffix == ".csv" for f in files)
    assert Path("report.html") in files and Path("figures/convergence.png") in files
    for name in files:
        assert (tmp_path / "serial" / name).read_bytes() == (
            tmp_path / "parallel" / name
        ).read_bytes(), name
    svgs = {m: sorted(p.name for p in (tmp_path / m / "figures").glob("*.svg")) for m in built}
    assert svgs["serial"] == svgs["parallel"]
    # PRIM comes without the rest of the Workbench's analysis package (CART, logistic
    # regression with statsmodels.api, feature scoring): the report uses none of them
    modules = set(built["serial"]["modules"])
    assert "ema_workbench.analysis.prim" in modules
    assert not modules & {"ema_workbench.analysis.cart", "statsmodels.api"}
    assert "ema_workbench.analysis.logistic_regression" not in modules


@pytest.mark.parametrize("to_whom", ["group", "report"])
def test_a_report_stopped_with_sigterm_ends_at_once_and_leaves_no_process_behind(tmp_path, to_whom):
    """Stopping ``run_experiment.py report`` while its sections run in processes of their own
    (SIGTERM to the whole process group, as a terminal or a job manager does, or to the
    report's process alone) ends it within seconds, without a traceback, and no section
    process outlives it."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the report forks its sections on Linux only")
    path = tmp_path / "scale.toml"
    path.write_text(EXPERIMENT)
    folder = tmp_path / "results"
    run_experiment(load_experiment(path), out=folder, workers=1, progress=False)
    project = Path(__file__).resolve().parent.parent
    report = subprocess.Popen(
        [sys.executable, "run_experiment.py", "report", str(folder)],
        cwd=project,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def sections() -> list[str]:
        ps = ["ps", "-o", "pid=", "--ppid", str(report.pid)]
        return subprocess.run(ps, capture_output=True, text=True).stdout.split()

    deadline = time.monotonic() + 60
    while not sections() and report.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    running = sections()
    if not running:
        pytest.skip("the report ended before its section processes could be seen")
    if to_whom == "group":
        os.killpg(report.pid, signal.SIGTERM)
    else:
        os.kill(report.pid, signal.SIGTERM)
    out, _ = report.communicate(timeout=20)
    assert report.returncode != 0 and "Traceback" not in out, out
    time.sleep(1.0)  # a killed process is gone at once; one that dies with its parent, soon
    assert [pid for pid in running if Path(f"/proc/{pid}").exists()] == []
