"""Every malformed input file gets a clear error: exit 2, the file and the key named, no
traceback, nothing written. The corpus lives in tests/malformed/; each file's first line says
what to expect."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = sorted((Path(__file__).parent / "malformed").glob("*.toml"))


def expectation(path: Path) -> tuple[str, str]:
    header = path.read_text().splitlines()[0]
    key, fragment = header.removeprefix("# expect: ").split(" :: ")
    return key, fragment


def results_listing() -> set[Path]:
    return set((PROJECT / "results").rglob("*"))


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_check_rejects_a_malformed_file_naming_the_file_and_the_key(path, capsys):
    key, fragment = expectation(path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path.relative_to(PROJECT)) in err or str(path) in err
    if key:
        assert f": {key}: " in err
    else:  # a file-level error (syntax, unreadable): the file, then the message, no key
        assert f"{path.relative_to(PROJECT)}: {fragment}" in err or f"{path}: {fragment}" in err
    assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "path", [p for p in CORPUS if p.stem.startswith("experiment_")], ids=lambda p: p.stem
)
def test_running_a_malformed_experiment_exits_2_and_writes_nothing(path, capsys):
    before = results_listing()
    assert main([str(path)]) == 2
    assert "error:" in capsys.readouterr().err
    assert results_listing() == before


def test_the_real_command_line_gives_exit_2_and_no_traceback():
    bad = [str(p) for p in CORPUS[:3]]
    result = subprocess.run(
        [sys.executable, "run_experiment.py", "check", *bad],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("error:") == 3 and "Traceback" not in result.stderr


def test_valid_files_pass_check_with_one_summary_line_each(capsys):
    files = sorted(str(p) for p in (PROJECT / "scenarios").glob("*.toml"))
    files += sorted(str(p) for p in (PROJECT / "experiments").glob("*.toml"))
    assert main(["check", *files]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == len(files) and all(line.startswith("ok  ") for line in out)


def test_an_unknown_command_line_option_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["experiments/demo.toml", "--wokers", "2"])
    assert stop.value.code == 2


def test_scenarios_lists_every_scenario_with_its_description(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in (
        "pps_infrastructure",
        "pps_care",
        "open_innovation",
        "shared_service_centre",
        "regional_network",
        "cocreation",
    ):
        assert name in out


def test_describe_shows_partners_and_knobs(capsys):
    assert main(["describe", "pps_infrastructure"]) == 0
    out = capsys.readouterr().out
    assert (
        "Province" in out
        and "Consortium" in out
        and "turbulence" in out
        and "risk_allocation" in out
    )
    assert main(["describe", "no_such_scenario"]) == 2
