"""Compiling the month changes nothing but rounding.

The mechanism functions and the month that chains them run as machine code (numba). The
same source also runs as plain Python (``NUMBA_DISABLE_JIT=1``), where every operation is
numpy's; the two must tell the same story for every scenario, with and without a manager:
the same durations, causes, deadlocks and exits, and values equal to within rounding.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim import AllianceModel
from sim.config.scenario import available_scenarios
from sim.model.compiled import CACHE, MODEL_DIR, source_key, summed

ROOT = Path(__file__).resolve().parent.parent
RUNS = [
    (scenario, knobs, seed)
    for scenario in available_scenarios()
    for knobs in (
        {},
        {"manager": "independent"},
        {"manager": "lead_partner", "manager_position": 0.2, "political_cycle": 1.0},
    )
    for seed in (0, 1)
]

OUTCOMES_OF = """
import json, sys
from sim import AllianceModel
from sim.model.month import month_stages
runs = json.loads(sys.argv[1])
print(json.dumps({
    "compiled": hasattr(month_stages, "signatures"),
    "outcomes": [AllianceModel(s, rng=seed, collect=False, **k).run() for s, k, seed in runs],
}))
"""


def outcomes_as_python() -> list[dict]:
    """The same runs with compilation switched off, in a fresh interpreter."""
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    done = subprocess.run(
        [sys.executable, "-c", OUTCOMES_OF, json.dumps(RUNS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    answer = json.loads(done.stdout)
    assert not answer["compiled"], "NUMBA_DISABLE_JIT did not switch compilation off"
    return answer["outcomes"]


def test_the_compiled_month_tells_the_same_story_as_the_python_it_was_compiled_from():
    python = outcomes_as_python()
    for (scenario, knobs, seed), plain in zip(RUNS, python, strict=True):
        fast = AllianceModel(scenario, rng=seed, collect=False, **knobs).run()
        run = f"{scenario} {knobs} seed {seed}"
        assert set(fast) == set(plain), run
        for name, value in fast.items():
            if isinstance(value, float):
                assert value == pytest.approx(plain[name], rel=1e-9, abs=1e-9, nan_ok=True), (
                    f"{run}: {name}"
                )
            else:
                assert value == plain[name], f"{run}: {name}"


def test_any_edit_to_the_model_starts_a_fresh_cache_of_compiled_code(tmp_path):
    """numba's own cache checks only a function's file, so a month compiled before an edit to
    a mechanism in another module would keep the old formula; the cache folder is named by a
    fingerprint of every source file of the model instead."""
    for source in MODEL_DIR.glob("*.py"):
        shutil.copy(source, tmp_path / source.name)
    before = source_key(tmp_path)
    assert source_key(tmp_path) == before
    trust = tmp_path / "trust.py"
    trust.write_text(trust.read_text().replace("0.05", "0.9"))
    assert source_key(tmp_path) != before
    assert CACHE is None or CACHE.name.endswith(source_key())


def test_the_month_is_compiled():
    """A guard against a silent fallback: the month runs as machine code unless switched off."""
    from sim.model.month import month_stages

    model = AllianceModel("pps_care", rng=0, collect=False, manager="independent")
    model.step()
    if os.environ.get("NUMBA_DISABLE_JIT") == "1":
        pytest.skip("compilation switched off in this environment")
    assert month_stages.signatures, "month_stages was not compiled"


@settings(max_examples=300, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(0, 400),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    )
)
def test_a_total_kept_in_compiled_code_is_numpys_sum_to_the_last_bit(values):
    # numpy adds pairwise, eight at a time; a plain running sum differs in the last bits for
    # eight numbers or more, enough to change a run that sits on a threshold.
    assert summed(values) == values.sum()
