"""The "PPS designs" page: a policy officer compares named contract designs across futures.

The officer picks a PPS scenario, defines two to four named designs with the contract's
levers, chooses the range of futures (or keeps the defaults) and presses *Stress-test*.
The page then writes a real experiment file (``results/<name>.toml``) and runs it through
the same runner as the command line into ``results/<name>/``, in a background thread with
a progress bar and a cancel button, every design on the same futures with the same seeds.
A researcher can rerun or resume it with ``run_experiment.py results/<name>.toml``. The
results (robustness table, sentences, which futures break each design) and the printable
memo come from :mod:`sim.analysis.policy`. Texts are in ``text/pps_<language>.toml``.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import solara
import solara.lab

from sim.config.scenario import available_scenarios
from sim.dashboard.i18n import name, number, t

PROJECT_DIR = Path(__file__).resolve().parents[2]
#: The partnerships to pick from: the PPS scenarios and any variant of them saved in
#: scenarios/ under a name starting with ``pps_`` (the DBFM road first).
SCENARIOS = tuple(
    sorted(
        (s for s in available_scenarios() if s.startswith("pps_")),
        key=lambda s: (s != "pps_infrastructure", s),
    )
)
MAX_DESIGNS = 4
#: The futures' defaults: ranges of what nobody controls.
DEFAULT_FUTURES = {
    "turbulence": (0.05, 0.6),
    "shock_rate": (0.0, 3.0),
    "political_cycle": (0.0, 1.0),
}
FUTURE_LIMITS = {"turbulence": (0.0, 1.0), "shock_rate": (0.0, 6.0), "political_cycle": (0.0, 1.0)}
CHOICES = {
    "payment_mechanism": ("availability", "user_fees", "shared"),
    "renegotiation_rule": ("hardship", "flexible", "scheduled"),
    "termination_borne_by": ("public", "leaver"),
    "manager": ("none", "lead_partner", "independent"),
}
WORKERS = 2
CSS = """
.pps-summary table { border-collapse: collapse; margin: 0.4em 0 1em; }
.pps-summary th, .pps-summary td { border: 1px solid #ccc; padding: 2px 6px; text-align: left;
  vertical-align: top; }
.pps-summary small { color: #555; }
.pps-summary .figures { display: flex; gap: 1.5em; flex-wrap: wrap; }
.pps-summary figure { margin: 0; max-width: 560px; }
.pps-summary figure svg { width: 100%; height: auto; }
/* a slider's label (with its value) on its own line above the slider, at any width */
.pps-page .v-input__slider .v-input__slot { flex-wrap: wrap; }
.pps-page .v-input__slider .v-input__slot > .v-label { flex: 1 0 100%; max-width: 100%; height: auto;
  white-space: normal; margin: 0 0 2px 0 !important; line-height: 1.3; }
.pps-page .v-input__slider .v-slider { min-width: 120px; flex: 1 0 100%; }
"""


def markup(text: str) -> str:
    """A page text's Markdown as HTML (python-markdown; solara.Markdown would ask a CDN for
    KaTeX, which is not there offline and raised a script error)."""
    return markdown.markdown(text)


def two_decimals(language: str, value: float) -> str:
    """A slider's value in its label, with the language's decimal sign."""
    return number(language, f"{value:.2f}")


def tr(language: str, key: str, **values: Any) -> str:
    """A text of this page (``text/pps_<language>.toml``, the ``pps`` namespace)."""
    return t(language, f"pps.{key}", **values)


def default_designs(language: str) -> list[dict[str, Any]]:
    """Two designs to start from: availability payment with a hardship clause, and user fees."""
    base = {
        "contract_term_years": 30,
        "agreement_length": 60,
        "risk_allocation": 0.7,
        "renegotiation_rule": "hardship",
        "termination_compensation": 0.3,
        "termination_borne_by": "public",
        "manager": "none",
    }
    return [
        dict(base, name=tr(language, "default_a"), payment_mechanism="availability"),
        dict(base, name=tr(language, "default_b"), payment_mechanism="user_fees"),
    ]


def _toml(value: Any) -> str:
    """A TOML value: JSON's strings and numbers are valid TOML basic strings and numbers."""
    return json.dumps(value, ensure_ascii=False)


def experiment_text(
    name: str,
    scenario: str,
    designs: list[dict[str, Any]],
    futures: dict[str, tuple[float, float]],
    samples: int,
    seed: int,
    language: str,
) -> str:
    """The experiment file a stress test writes: each design a ``[[policy]]``, the futures
    ``[uncertainties]`` as ranges sampled by a Latin hypercube, run over the longest
    contract term."""
    months = max(12 * int(d["contract_term_years"]) for d in designs)
    lines = [
        "# Written by the dashboard's PPS designs page; rerun or resume with",
        f"# .venv/bin/python run_experiment.py results/{name}.toml --resume",
        "[experiment]",
        f"name = {_toml(name)}",
        f"scenario = {_toml(scenario)}",
        f"steps = {months}",
        "replications = 1",
        f"seed = {seed}",
        f"language = {_toml(language)}",
        "",
        "[design]",
        'kind = "lhs"',
        f"samples = {samples}",
        "",
    ]
    for d in designs:
        lines += [
            "[[policy]]",
            f"name = {_toml(d['name'])}",
            f"contract_term = {12 * int(d['contract_term_years'])}",
            f"agreement_length = {int(d['agreement_length'])}",
            f"risk_allocation = {float(d['risk_allocation']):g}",
            f"payment_mechanism = {_toml(d['payment_mechanism'])}",
            f"renegotiation_rule = {_toml(d['renegotiation_rule'])}",
            f"termination_compensation = {float(d['termination_compensation']):g}",
            f"termination_borne_by = {_toml(d['termination_borne_by'])}",
            f"manager = {_toml(d['manager'])}",
            "",
        ]
    lines.append("[uncertainties]")
    lines += [uncertainty_line(k, low, high) for k, (low, high) in futures.items()]
    return "\n".join(lines) + "\n"


def uncertainty_line(knob: str, low: float, high: float) -> str:
    """One uncertainty of the experiment file: a range the Latin hypercube samples from
    (``{ low = .., high = .. }``; a list would be levels, only its ends ever drawn), or a
    single level when the officer closed the range to one value."""
    if high <= low:
        return f"{knob} = [{low:g}]"
    return f"{knob} = {{ low = {low:g}, high = {high:g} }}"


def problems(designs: list[dict[str, Any]], language: str) -> list[str]:
    """What stops a stress test: too few designs, or names empty or used twice."""
    names = [d["name"].strip() for d in designs]
    found = []
    if not 2 <= len(designs) <= MAX_DESIGNS:
        found.append(tr(language, "need_designs", n=MAX_DESIGNS))
    if any(not n for n in names):
        found.append(tr(language, "need_names"))
    if len(set(names)) != len(names):
        found.append(tr(language, "unique_names"))
    return found


@dataclass(frozen=True)
class StressResult:
    """What a finished or cancelled stress test left: its experiment file and results folder."""

    status: str
    folder: Path
    experiment_file: Path


def new_name(scenario: str) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"pps-{scenario.removeprefix('pps_')}-{stamp}-{secrets.token_hex(2)}"


@solara.lab.task
def stress_test(text: str, name: str, language: str, cancel: threading.Event) -> StressResult:
    """Write the experiment file, run it through the runner with progress and cancel, and
    summarise it. Runs in a background thread, so the page stays responsive."""
    from sim.sweeps.experiment import Experiment
    from sim.sweeps.runner import SweepCancelled, run_experiment

    results = PROJECT_DIR / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    folder = results / name
    experiment = Experiment.from_file(path)
    stress_test.progress = 0.0

    def progress(done: int, total: int) -> None:
        stress_test.progress = 100.0 * done / max(total, 1)

    try:
        run_experiment(experiment, out=folder, workers=WORKERS, progress=progress, cancel=cancel)
    except SweepCancelled:
        return StressResult("cancelled", folder, path)
    return StressResult("done", folder, path)


def summary_for(folder: Path, language: str) -> tuple[Any, str]:
    """The policy summary of a finished stress test and its memo, in ``language`` (the memo
    is also saved in the results folder)."""
    from sim.analysis.policy import memo_html, summarise
    from sim.analysis.report import load_results

    runs, manifest, _, _ = load_results(folder)
    summary = summarise(runs, manifest, language)
    memo = memo_html(summary)
    (folder / f"memo_{language}.html").write_text(memo, encoding="utf-8")
    return summary, memo


@solara.component
def DesignCard(index: int, design: dict[str, Any], language: str, on_change, on_remove):
    def set_value(key):
        return lambda value: on_change(index, key, value)

    def choose(key: str, labels: dict[str, str]) -> Callable[[str], None]:
        return lambda label: on_change(index, key, labels[label])

    with solara.Card(
        classes=[f"design-card design-{index}"], style={"min-width": "300px", "flex": "1"}
    ):
        solara.InputText(
            tr(language, "design_name"),
            value=design["name"],
            on_value=set_value("name"),
            continuous_update=True,
            classes=[f"design-name-{index}"],
        )
        solara.SliderFloat(
            f"{tr(language, 'risk_allocation')}: {two_decimals(language, design['risk_allocation'])}",
            value=design["risk_allocation"],
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=set_value("risk_allocation"),
            thumb_label=True,
        )
        solara.SliderInt(
            f"{tr(language, 'contract_term')}: {design['contract_term_years']}",
            value=design["contract_term_years"],
            min=10,
            max=40,
            on_value=set_value("contract_term_years"),
            thumb_label=True,
        )
        solara.SliderInt(
            f"{tr(language, 'review_period')}: {design['agreement_length']}",
            value=design["agreement_length"],
            min=12,
            max=120,
            step=6,
            on_value=set_value("agreement_length"),
            thumb_label=True,
        )
        for key, choices in CHOICES.items():
            labels = {tr(language, f"choice.{c}"): c for c in choices}
            solara.Select(
                tr(language, key),
                values=list(labels),
                value=tr(language, f"choice.{design[key]}"),
                on_value=choose(key, labels),
                classes=[f"design-{key}-{index}"],
            )
        solara.SliderFloat(
            f"{tr(language, 'termination_compensation')}: {two_decimals(language, design['termination_compensation'])}",
            value=design["termination_compensation"],
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=set_value("termination_compensation"),
            thumb_label=True,
        )
        solara.Button(
            tr(language, "remove_design"),
            on_click=lambda: on_remove(index),
            text=True,
            classes=[f"remove-design-{index}"],
        )


@solara.component
def Results(result: StressResult, language: str):
    from sim.analysis.policy import summary_html

    summary, memo = solara.use_memo(
        lambda: summary_for(result.folder, language) if result.status == "done" else (None, ""),
        dependencies=[result, language],
    )
    if summary is None:
        solara.Warning(
            tr(language, "cancelled", folder=str(result.folder.relative_to(PROJECT_DIR))),
            classes=["pps-cancelled"],
        )
        return
    with solara.Column(classes=["pps-results"]):
        solara.Text(
            tr(
                language,
                "saved",
                file=str(result.experiment_file.relative_to(PROJECT_DIR)),
                folder=str(result.folder.relative_to(PROJECT_DIR)),
            ),
            style={"display": "block"},
        )
        with solara.FileDownload(
            memo.encode("utf-8"), filename=f"memo_{result.folder.name}.html", mime_type="text/html"
        ):
            solara.Button(
                tr(language, "download_memo"), icon_name="mdi-download", classes=["memo-download"]
            )
        solara.HTML(tag="div", unsafe_innerHTML=summary_html(summary), classes=["pps-summary"])


#: The page's state. Solara keeps a module-level reactive value per browser session (kernel),
#: so each officer has their own designs, and they survive switching tabs while a stress
#: test runs on.
_scenario = solara.reactive(SCENARIOS[0])
_designs: solara.Reactive[list[dict[str, Any]] | None] = solara.reactive(None)
_futures = solara.reactive(dict(DEFAULT_FUTURES))
_samples = solara.reactive(200)
_cancel: solara.Reactive[threading.Event | None] = solara.reactive(None)


@solara.component
def PpsDesigns(session: Any):
    """The page: scenario, designs, futures, stress test, results (``session``: the
    dashboard's per-browser state; this page reads its language)."""
    language = session.language.value
    scenario, futures, samples = _scenario, _futures, _samples
    if _designs.value is None:
        _designs.value = default_designs(language)
    designs = _designs

    def change(index, key, value):
        updated = [dict(d) for d in designs.value]
        updated[index][key] = value
        designs.set(updated)

    def remove(index):
        if len(designs.value) > 2:
            designs.set([d for i, d in enumerate(designs.value) if i != index])

    def add():
        if len(designs.value) < MAX_DESIGNS:
            copy = dict(designs.value[-1], name=tr(language, "design_n", n=len(designs.value) + 1))
            designs.set([*designs.value, copy])

    def set_future(key: str) -> Callable[[Any], None]:  # the slider's pair, stored as a tuple
        return lambda v: futures.set({**futures.value, key: tuple(v)})

    def cancel_stress() -> None:
        if _cancel.value:
            _cancel.value.set()

    def start():
        cancel = threading.Event()
        _cancel.set(cancel)
        run_name = new_name(scenario.value)
        text = experiment_text(
            run_name,
            scenario.value,
            designs.value,
            futures.value,
            samples.value,
            int.from_bytes(secrets.token_bytes(4), "big"),
            language,
        )
        stress_test(text, run_name, language, cancel)

    assert designs.value is not None  # set above
    found = problems(designs.value, language)
    running = stress_test.pending
    solara.Style(CSS)
    with solara.Column(classes=["pps-page"]):
        solara.HTML(unsafe_innerHTML=markup(tr(language, "intro")), classes=["pps-intro"])
        labels = {name(language, "scenarios", s): s for s in SCENARIOS}
        solara.Select(
            tr(language, "scenario"),
            values=list(labels),
            value=name(language, "scenarios", scenario.value),
            on_value=lambda label: scenario.set(labels[label]),
            classes=["pps-scenario"],
        )
        with solara.Row(style={"flex-wrap": "wrap"}):
            for i, d in enumerate(designs.value):
                DesignCard(i, d, language, change, remove)
        solara.Button(
            tr(language, "add_design"),
            on_click=add,
            disabled=len(designs.value) >= MAX_DESIGNS,
            classes=["add-design"],
        )
        with solara.Card(tr(language, "futures_title")):
            solara.HTML(unsafe_innerHTML=markup(tr(language, "futures_help")), classes=["pps-help"])
            for key, (low, high) in FUTURE_LIMITS.items():
                with solara.Div(classes=[f"future-{key}"]):
                    solara.SliderRangeFloat(
                        f"{tr(language, f'future.{key}')}: "
                        f"{two_decimals(language, futures.value[key][0])} – {two_decimals(language, futures.value[key][1])}",
                        # Solara types the value as a tuple; the widget's v_model is a JSON list
                        value=list(futures.value[key]),  # type: ignore[arg-type]
                        min=low,
                        max=high,
                        step=0.05,
                        on_value=set_future(key),
                        thumb_label=True,
                    )
            with solara.Div(classes=["futures-count"]):
                solara.SliderInt(
                    f"{tr(language, 'futures_count')}: {samples.value}",
                    value=samples,
                    min=10,
                    max=400,
                    step=10,
                    thumb_label=True,
                )
        for problem in found:
            solara.Error(problem)
        with solara.Row():
            solara.Button(
                tr(language, "stress_test"),
                on_click=start,
                color="primary",
                disabled=bool(found) or running,
                classes=["stress-test"],
            )
            solara.Button(
                tr(language, "cancel"),
                on_click=cancel_stress,
                disabled=not running,
                classes=["cancel-stress"],
            )
        if running:
            solara.ProgressLinear(value=stress_test.progress or True, classes=["pps-progress"])
            solara.Text(
                tr(language, "running", percent=f"{stress_test.progress or 0:.0f}"),
                classes=["pps-running"],
            )
        if stress_test.error:
            solara.Error(str(stress_test.exception))
        if stress_test.finished and stress_test.value is not None:
            Results(stress_test.value, language)
