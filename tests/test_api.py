"""The notebook API and the command line are one machinery: same runs, same folder, same words."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim import Experiment, load, run

PROJECT = Path(__file__).resolve().parent.parent
STUDY = {
    "experiment": {
        "name": "api-study",
        "scenario": "open_innovation",
        "steps": 24,
        "replications": 3,
        "seed": 5,
    },
    "factors": {"manager": ["none", "independent"]},
}
STUDY_TOML = """
[experiment]
name = "api-study"
scenario = "open_innovation"
steps = 24
replications = 3
seed = 5

[factors]
manager = ["none", "independent"]
"""


def test_a_study_from_a_dict_gives_the_runs_the_command_line_gives_for_its_file(tmp_path):
    from_python = run(STUDY, out=tmp_path / "python", progress=False)
    (tmp_path / "study.toml").write_text(STUDY_TOML)
    subprocess.run(
        [
            sys.executable,
            str(PROJECT / "run_experiment.py"),
            str(tmp_path / "study.toml"),
            "--workers",
            "1",
            "--no-progress",
            "--no-report",
            "--out",
            str(tmp_path / "cli"),
        ],
        check=True,
        cwd=PROJECT,
        capture_output=True,
    )
    from_cli = load(tmp_path / "cli")
    pd.testing.assert_frame_equal(from_python.runs, from_cli.runs)
    assert (
        len(from_python.ok) == 6
        and from_python.manifest["fingerprint"] == from_cli.manifest["fingerprint"]
    )


def test_the_methods_paragraph_names_the_design_and_the_root_seed(tmp_path):
    results = run(Experiment.from_dict(STUDY), out=tmp_path / "study", progress=False)
    printed = subprocess.run(
        [sys.executable, str(PROJECT / "run_experiment.py"), "methods", str(results.folder)],
        check=True,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    ).stdout
    assert printed.strip() == results.methods().strip()
    assert "root seed 5" in printed and "3 replications" in printed and "open_innovation" in printed


def test_methods_of_a_folder_without_results_is_a_one_line_error(tmp_path):
    done = subprocess.run(
        [sys.executable, str(PROJECT / "run_experiment.py"), "methods", str(tmp_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error:") and str(tmp_path) in done.stderr


def test_reading_results_does_not_load_the_model_and_the_package_names_still_resolve():
    """The report and the notebook's ``load`` only read a results folder: importing them must
    not load Mesa or the compiled model (a second of start-up for every report)."""
    probe = (
        "import sys\n"
        "import sim.analysis.report, sim.api\n"
        "print('mesa' in sys.modules, 'numba' in sys.modules)\n"
        "import sim\n"
        "print(all(getattr(sim, name) is not None and name in dir(sim) for name in sim.__all__))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False", "True"]
