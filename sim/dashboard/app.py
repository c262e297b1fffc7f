"""The trainers' dashboard: a Solara page per browser session.

Start it with ``make dashboard`` or ``python run_experiment.py dashboard``. Every
browser session has its own alliances (the state lives in the session's ``Page`` and
in kernel-scoped reactive values), so trainees on the same server never step each
other's model. All texts come from ``text/*.toml``; the page offers no component that
runs code on the server, and its scenario pickers accept only listed built-in names.

The tabs are the list :data:`PAGES`: a page is a component taking the session's
shared state (:class:`Session`); adding one is one line there.

Play is one asyncio task per session (``PlayLoop``), alive as long as the session: it
steps the model on a schedule of ``1 / speed`` seconds while the play state is on, so
the labelled speed is the real speed, idles while it is off, and stops when the session
ends. The loop also draws the charts: at most every :data:`DRAW_INTERVAL` seconds
while playing, and when Pause, Step, Reset or a new setting asks for it, as soon as the
clicks pause for :data:`DRAW_QUIET` seconds; a click only asks, so a burst of clicks is
drawn once. The month
counter and the event log follow every month. A change of a setting during
play pauses it and says so.

The dilemma cards' runs live in the session above the tabs (:data:`DILEMMA_RUNS`), and
each card's comparison is a task of a component mounted above the tabs
(:func:`DilemmaWork`) that runs the model in worker processes: a comparison goes on, and
its results stay, while another tab is open.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import html
import io
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara
import solara.lab

from sim.config.knobs import KNOBS
from sim.config.scenario import available_scenarios, load_scenario
from sim.config.vocabulary import INTERVENTIONS, MANAGER_MODES
from sim.dashboard import charts, pps
from sim.dashboard.dilemmas import (
    COMPARISON_RUNS,
    MORE_RUNS,
    Dilemma,
    comparison_steps,
    dilemmas,
    format_lifetime,
    format_value,
    start_pool,
    summarise,
)
from sim.dashboard.events import event_log
from sim.dashboard.i18n import LANGUAGES, name, number, number_range, t
from sim.dashboard.lessons import Lesson, lessons
from sim.dashboard.play import PlayedAlliance
from sim.model import AllianceModel
from sim.model.model import load_compiled_code

SLIDERS = (
    "manager_position",
    "manager_skill",
    "manager_capacity",
    "turbulence",
    "power_asymmetry",
    "goal_diversity",
    "formalisation",
)
MANAGER_SLIDERS = ("manager_position", "manager_skill", "manager_capacity")
DEFAULT_SCENARIO = "pps_infrastructure"
#: The manager game's default: turbulent, with a dominant partner, and a seed in which
#: shocks, calls and a renegotiation come within the first two years (see docs/trainers.md).
GAME_SCENARIO = "shared_service_centre"
GAME_SEED = 36
SPEEDS = (1, 2, 4, 8)
DEFAULT_SPEED = 4
#: Seconds between chart redraws while playing (the month counter moves every month).
DRAW_INTERVAL = 0.8
#: Seconds between the play loop's looks at the play state and at drawings asked for.
IDLE_POLL = 0.02
#: Seconds without a click before the charts a click asked for are drawn (a burst of clicks
#: is drawn once, at its end).
DRAW_QUIET = 0.15

CSS = """
.sim-grid { display: grid; grid-template-columns: minmax(230px, 23%) minmax(0, 1fr) minmax(190px, 21%);
            gap: 10px; align-items: start; padding: 6px 10px; }
.game-grid { display: grid; grid-template-columns: minmax(250px, 30%) minmax(0, 1fr) minmax(190px, 21%);
             gap: 10px; align-items: start; padding: 6px 10px; }
.chart-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px; }
.chart-grid img, .chart img { width: 100%; height: auto; display: block; }
.chart-title { font-weight: 600; font-size: 15px; margin: 2px 0; }
.button-row { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0; }
.v-btn__content { white-space: normal !important; flex: 1 1 auto !important; max-width: 100%; }
.dilemma-result .result-table td:first-child { width: 40%; }
.lever-buttons { display: flex; flex-direction: column; gap: 4px; }
.lever-buttons .v-btn { height: auto !important; min-height: 34px; padding: 4px 8px !important; }
.knob-label { font-size: 14px; margin-top: 6px; }
.knob-label b { font-variant-numeric: tabular-nums; }
.event-log .v-card__text, .event-log { font-size: 15px; }
/* the whole history, scrolling within the column (the early shocks stay readable) */
.event-log { max-height: calc(100vh - 150px); overflow-y: auto; }
.sim-grid .event-log { max-height: 48vh; margin-bottom: 10px; }
.event-line { margin-bottom: 4px; }
.status { font-size: 17px; font-weight: 600; }
.notice { font-size: 14px; }
.dilemma-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 10px;
                padding: 6px 10px; }
.result-table { border-collapse: collapse; width: 100%; font-size: 14px; }
.result-table td, .result-table th { border-bottom: 1px solid #ddd; padding: 3px 5px; text-align: left; }
.result-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.noise { color: #8a6d00; font-style: italic; }
.colour-key { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 14px; margin: 4px 0; }
.colour-key span.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; border-radius: 2px; }
.v-btn { text-transform: none !important; letter-spacing: normal !important; }
.button-row .v-btn, .lever-buttons .v-btn, .lesson-presets .v-btn { height: auto !important; min-height: 34px;
    padding: 4px 10px !important; max-width: 100%; }
.v-select__selection--comma { white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; line-height: 1.25; }
.v-select__selections { flex-wrap: wrap; }
.speed-toggle { display: flex !important; flex-wrap: wrap; }
.speed-toggle .v-btn { min-width: 40px !important; padding: 0 8px !important; }
/* the manager game on a 1024-pixel projector: the event log goes below, the charts one
   above the other (two side by side drew their text at ~7 px), the history table scrolls */
.game-history { overflow-x: auto; max-width: 100%; }
@media (max-width: 1180px) {
  .game-grid { grid-template-columns: minmax(240px, 34%) minmax(0, 1fr); }
  .game-grid > :nth-child(3) { grid-column: 1 / -1; }
  .game-grid .chart-grid { grid-template-columns: minmax(0, 1fr); }
}
/* the Simulation tab's left column, compact, so the sliders are within reach at 768 pixels */
.sim-grid .v-card__title { font-size: 16px; padding: 6px 12px 0 12px; }
.sim-grid .controls.v-card, .sim-grid .settings.v-card { padding: 6px 10px !important; }
.controls .button-row .v-btn { padding: 4px 7px !important; min-width: 0 !important; }
.sim-grid .lesson-presets .button-row { padding: 0 10px 6px 10px; margin: 0; }
.sim-grid .settings .v-input { margin-top: 0; padding-top: 2px; }
.sim-grid .settings .v-text-field__details, .sim-grid .settings .v-messages { display: none; }
/* the framework's attribution badge sat on top of the charts */
div[style="right: 0px; bottom: 0px; position: absolute; padding: 10px;"] { display: none; }
"""


# --- session state ------------------------------------------------------------------------


class Run:
    """The Simulation tab's alliance for one session: rebuilt when its setup changes,
    stepped under a lock (by the play loop or the Step button, never both at once).

    Its charts are drawn by the play loop, not by the click that asks for them: a click
    (Pause, Step, Reset, a new setting) only marks the charts as wanted, and the loop draws
    them once the clicks have paused for :data:`DRAW_QUIET` seconds. Drawing takes a few
    hundred milliseconds and answering a click a few, so a storm of clicks is answered
    click by click and drawn once, at its end."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.model: AllianceModel | None = None
        #: the model the charts show (it lags a rebuilt model until the next drawing)
        self.shown: AllianceModel | None = None
        self.drawing_wanted = False
        self.last_click = -math.inf

    def clicked(self) -> None:
        """A click: a drawing asked for waits until the clicks pause."""
        self.last_click = time.perf_counter()

    def want_drawing(self) -> None:
        """Ask for the charts to be drawn at the current month (by the play loop)."""
        self.drawing_wanted = True
        self.clicked()

    def take_drawing(self, quiet: float = DRAW_QUIET) -> bool:
        """Whether to draw now: a drawing was asked for and no click came in the last
        ``quiet`` seconds. The charts will then show the current model."""
        if not self.drawing_wanted or time.perf_counter() - self.last_click < quiet:
            return False
        self.show_current()
        return True

    def show_current(self) -> None:
        """The charts' next drawing shows the current model at its month; nothing is left
        asked for."""
        self.drawing_wanted = False
        self.shown = self.model

    def model_for(
        self, scenario: str, seed: int, settings: dict[str, Any], resets: int
    ) -> AllianceModel:
        key = (scenario, seed, tuple(sorted(settings.items())), resets)
        with self.lock:
            if key != self.key or self.model is None:
                first = self.model is None
                self.model = AllianceModel(scenario, rng=seed, **model_knobs(scenario, settings))
                self.key = key
                if first:  # the page's first render draws it
                    self.shown = self.model
                else:
                    self.want_drawing()
            return self.model

    def step(self) -> bool:
        """One month; returns whether the alliance is still running."""
        with self.lock:
            if self.model is not None and self.model.running:
                self.model.step()
            return self.model is not None and self.model.running


@dataclass(frozen=True)
class Session:
    """The state a browser session's pages share: language, open tab, the Simulation tab's
    scenario, seed and settings. ``change`` is the one way to change the simulation's
    setup: it pauses play first and says why."""

    language: solara.Reactive[str]
    tab: solara.Reactive[int]
    scenario: solara.Reactive[str]
    seed: solara.Reactive[int]
    settings: solara.Reactive[dict[str, Any]]
    run: Run
    resets: solara.Reactive[int]

    def change(
        self,
        scenario: str | None = None,
        seed: int | None = None,
        settings: dict[str, Any] | None = None,
        notice: str = "ui.paused_for_change",
    ) -> None:
        was_playing = PLAYING.value
        PLAYING.set(False)
        if was_playing:
            self.run.want_drawing()
        if scenario is not None:
            self.scenario.set(scenario)
        if seed is not None:
            self.seed.set(seed)
        if settings is not None:
            self.settings.set(settings)
        NOTICE.set(notice if was_playing or notice != "ui.paused_for_change" else "")


# Kernel-scoped values (one per browser session): read only by the small components that
# show them, so a month of play re-renders the status line and the log, not the page.
PLAYING = solara.reactive(False)
MONTH = solara.reactive(0)
FRAME = solara.reactive(0)
SPEED = solara.reactive(DEFAULT_SPEED)
NOTICE = solara.reactive("")
LESSON = solara.reactive("")
#: The dilemma cards' runs (card key -> (runs of A, runs of B)) and the runs being added
#: (card key -> how many), kept above the tabs so they survive a visit to another tab.
DILEMMA_RUNS: solara.Reactive[dict[str, tuple[pd.DataFrame, pd.DataFrame]]] = solara.reactive({})
DILEMMA_PENDING: solara.Reactive[dict[str, int]] = solara.reactive({})
#: Cards whose results on show are a comparison's first answer (the rest still running).
DILEMMA_FIRST_ANSWER: solara.Reactive[frozenset[str]] = solara.reactive(frozenset())
DILEMMA_LOCK = threading.Lock()


def free_memory() -> None:
    """Collect the closed session's objects and hand freed memory back to the system (glibc's
    ``malloc_trim``), so a day of classes does not grow the server session by session."""
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim is not None:
            trim(0)


# A session's end (its tab closed, or its connection lost for SESSION_GRACE) frees its memory.
solara.lab.on_kernel_start(lambda: free_memory)

# Served (``solara run`` names the app in SOLARA_APP, when the server starts): load the compiled
# model in the server before the first page (a session's first month would otherwise wait for
# it, holding up the page's event loop), then start the dilemma cards' workers, which load it
# in their own processes while the server goes on, so a class's first comparison does not wait.
if "SOLARA_APP" in os.environ:
    load_compiled_code()
    start_pool()


# --- plain helpers ---------------------------------------------------------------------


def builtin_scenario(candidate: object) -> str | None:
    """``candidate`` if it is one of the listed built-in scenario names, else None.

    The pickers call this on whatever the browser sends, so a crafted message naming a
    path (or /dev/zero, or a FIFO) is refused without anything being opened.
    """
    return candidate if isinstance(candidate, str) and candidate in available_scenarios() else None


def valid_seed(seed: object) -> bool:
    """A seed the model accepts (a whole number from 0 to 2**63 - 1); anything else is ignored."""
    return isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**63


def scenario_choices(language: str) -> dict[str, str]:
    """The pickers' entries: translated scenario name -> built-in scenario name."""
    return {name(language, "scenarios", s): s for s in available_scenarios()}


def scenario_from_label(label: object, language: str) -> str | None:
    """The built-in scenario a picker's label stands for; None for anything not listed."""
    if not isinstance(label, str):
        return None
    return builtin_scenario(scenario_choices(language).get(label))


def default_settings(scenario: str) -> dict[str, Any]:
    """The knobs the page shows, at the (built-in) scenario's values."""
    config = load_scenario(scenario)
    keys = ("manager", "interventions", "n_partners", *SLIDERS)
    return {k: config.knobs.get(k, KNOBS[k].default) for k in keys}


def model_knobs(scenario: str, settings: dict[str, Any]) -> dict[str, Any]:
    knobs = dict(settings)
    if not load_scenario(scenario).generated:
        knobs.pop("n_partners", None)
    return knobs


def preset_settings(scenario: str, knobs: dict[str, Any]) -> dict[str, Any]:
    """The page's settings for a preset: the scenario's values with the preset's knobs on top."""
    chosen = default_settings(scenario)
    chosen.update({k: tuple(v) if isinstance(v, list) else v for k, v in knobs.items()})
    return chosen


def status_text(model: AllianceModel, language: str, playing: bool) -> str:
    if model.dissolved:
        state = "ui.status_dissolved"
    elif not model.running:
        state = "ui.status_ended"
    else:
        state = "ui.status_playing" if playing else "ui.status_paused"
    return f"{t(language, 'ui.month')} {model.month} · {t(language, state)}"


def game_status(model: AllianceModel, language: str) -> str:
    """The game's month, and how it ended if it has (the game waits for the player, never "plays")."""
    month = f"{t(language, 'ui.month')} {model.month}"
    if model.running:
        return month
    return (
        f"{month} · {t(language, 'ui.status_dissolved' if model.dissolved else 'ui.status_ended')}"
    )


def png(figure_maker: Callable, model: AllianceModel, language: str) -> bytes:
    """A chart as PNG bytes; the matplotlib Figure is dropped afterwards (no pyplot registry)."""
    buffer = io.BytesIO()
    figure_maker(model, language).savefig(buffer, format="png")
    return buffer.getvalue()


def html_table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """A small escaped HTML table (no Markdown: its KaTeX assets are not served offline)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='num'>{cell}</td>" if i >= numeric_from else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table class='result-table'><tr>{head}</tr>{body}</table>"


# --- components ------------------------------------------------------------------------


@solara.component
def Chart(
    figure_maker: Callable, model: AllianceModel, language: str, frame: int, title: str, css: str
):
    image, month = solara.use_memo(
        lambda: (png(figure_maker, model, language), getattr(model, "month", 0)),
        dependencies=[model, language, frame],
    )
    # the month drawn, as a class: the browser tests check the charts follow the counter
    with solara.Div(classes=["chart", css, f"drawn-month-{month}"]):
        solara.Text(title, classes=["chart-title"])
        solara.Image(image, format="png")


@solara.component
def ColourKey(model: AllianceModel, language: str):
    cells = "".join(
        f"<span><span class='swatch' style='background:{colour}'></span>{html.escape(label)}</span>"
        for label, colour in charts.legend_entries(model, language)
    )
    solara.HTML(unsafe_innerHTML=cells, classes=["colour-key"])


@solara.component
def SimulationCharts(run: Run, language: str):
    frame = FRAME.value
    model = run.shown or run.model
    assert model is not None  # the Simulation tab builds its model before drawing
    with solara.Div(classes=["chart-grid"]):
        Chart(
            charts.value_chart, model, language, frame, t(language, "ui.chart_value"), "chart-value"
        )
        Chart(
            charts.network_chart,
            model,
            language,
            frame,
            t(language, "ui.chart_network"),
            "chart-network",
        )
        Chart(
            charts.satisfaction_chart,
            model,
            language,
            frame,
            t(language, "ui.chart_satisfaction"),
            "chart-satisfaction",
        )
        Chart(
            charts.power_chart, model, language, frame, t(language, "ui.chart_power"), "chart-power"
        )
    ColourKey(model, language)


@solara.component
def EventLog(model: AllianceModel, language: str, interventions: bool = False, month: int = 0):
    lines = event_log(model.events, language, interventions=interventions)
    with solara.Card(t(language, "ui.event_log"), classes=["event-log"]):
        if not lines:
            solara.Text(t(language, "ui.no_events"), classes=["event-line"])
        for line in lines:
            solara.Text(line, classes=["event-line"], style={"display": "block"})


@solara.component
def LiveEventLog(model: AllianceModel, language: str):
    EventLog(model, language, month=MONTH.value)


@solara.component
def StatusLine(model: AllianceModel, language: str):
    MONTH.value  # noqa: B018  (subscribe: the line follows every month)
    solara.Text(status_text(model, language, PLAYING.value), classes=["status"])


@solara.component
def PlayLoop(run: Run):
    """The session's one play loop, alive as long as the session: it steps on schedule
    whenever PLAYING is on, at the speed SPEED says, idles otherwise, and draws the charts
    when a click or the schedule asks for it.

    It reads the play state at every tick rather than being restarted by each change of
    it, so what it does never depends on which renders a burst of clicks produced; and
    since clicks only ask for drawings, a storm of Play, Pause and Reset clicks is answered
    within milliseconds and drawn once, instead of queueing a drawing per click."""
    stopped = solara.use_memo(threading.Event, dependencies=[])
    solara.use_effect(lambda: stopped.set, dependencies=[])  # the session closed: stop

    def draw() -> None:
        FRAME.set(FRAME.value + 1)

    async def loop():
        pace: float | None = None  # the speed being kept; None while paused
        due = drawn = 0.0
        while not stopped.is_set():
            if run.take_drawing():  # asked for by clicks that have paused
                draw()
            if not PLAYING.value:
                pace = None
                await asyncio.sleep(IDLE_POLL)
                continue
            now = time.perf_counter()
            if pace != SPEED.value:  # a new Play or a new speed: a month from now, drawn
                pace, due, drawn = SPEED.value, now + 1.0 / SPEED.value, -math.inf
            elif due - now < -1.0:  # far behind (a slow redraw): do not race to catch up
                due = now
            if due > now:  # not yet: look again soon (a pause, a new speed, a drawing)
                await asyncio.sleep(min(due - now, IDLE_POLL))
                continue
            due += 1.0 / pace
            running = run.step()
            if run.model is not None:
                MONTH.set(run.model.month)
            if not running or time.perf_counter() - drawn >= DRAW_INTERVAL:
                run.show_current()  # play's own schedule: now
                draw()
                drawn = time.perf_counter()
            if not running:
                PLAYING.set(False)

    solara.lab.use_task(loop, dependencies=[], prefer_threaded=False)


def toggle_play(run: Run) -> None:
    """Play or pause. Play clears the note that asked for it; a pause draws the month it
    stopped at at once, so the charts agree with the month counter."""
    if PLAYING.value:
        PLAYING.set(False)
        run.want_drawing()
    elif run.model is not None and run.model.running:
        NOTICE.set("")
        PLAYING.set(True)
        run.clicked()


@solara.component
def KnobSlider(
    label: str,
    name_: str,
    value: float,
    low: float,
    high: float,
    step: float,
    on_commit: Callable[[str, float], None],
    integer: bool = False,
    language: str = "en",
):
    """A label with the value above a slider; the value is committed when the slider is
    released (or moved with the keyboard), not on every pixel of a drag."""
    shown = f"{value:.0f}" if integer else number(language, f"{value:.2f}")
    solara.HTML(unsafe_innerHTML=f"{html.escape(label)}: <b>{shown}</b>", classes=["knob-label"])
    slider = solara.v.Slider(
        v_model=value,
        min=low,
        max=high,
        step=step,
        thumb_label=True,
        hide_details=True,
        class_=f"knob-slider knob-{name_}",
    )
    solara.v.use_event(
        slider,
        "change",
        lambda *args: on_commit(name_, int(args[-1]) if integer else float(args[-1])),
    )


@solara.component
def Settings(session: Session):
    language = session.language.value
    values = session.settings.value
    scenario = session.scenario.value

    def commit(knob: str, value: Any) -> None:
        if session.settings.value.get(knob) != value:
            session.change(settings={**session.settings.value, knob: value})

    def pick_scenario(label: object) -> None:
        chosen = scenario_from_label(label, language)
        if chosen is not None and chosen != session.scenario.value:
            session.change(scenario=chosen, settings=default_settings(chosen))

    def pick_seed(seed: int) -> None:
        if valid_seed(seed) and seed != session.seed.value:
            session.change(seed=seed)

    labels = scenario_choices(language)
    solara.Select(
        t(language, "ui.scenario"),
        values=list(labels),
        value=name(language, "scenarios", scenario),
        on_value=pick_scenario,
        classes=["scenario-select"],
    )
    solara.InputInt(
        t(language, "ui.seed"),
        value=session.seed.value,
        on_value=pick_seed,
        classes=["seed-input"],
        # each keystroke commits: during play the first one pauses (and says so) instead of
        # being overwritten by the playing page
        continuous_update=True,
    )
    managers = {t(language, f"choices.{m}"): m for m in MANAGER_MODES}

    def pick_manager(label: str) -> None:
        if label in managers:
            commit("manager", managers[label])

    solara.Select(
        t(language, "knobs.manager"),
        values=list(managers),
        value=t(language, f"choices.{values['manager']}"),
        on_value=pick_manager,
        classes=["manager-select"],
    )
    for knob in SLIDERS:
        if knob in MANAGER_SLIDERS and values["manager"] == "none":
            continue
        spec = KNOBS[knob]
        KnobSlider(
            t(language, f"knobs.{knob}"),
            knob,
            values[knob],
            spec.low,
            spec.high,
            0.05,
            commit,
            language=language,
        )
    if load_scenario(scenario).generated:
        KnobSlider(
            t(language, "knobs.n_partners"),
            "n_partners",
            values["n_partners"],
            2,
            40,
            1,
            commit,
            integer=True,
        )
    if values["manager"] != "none":
        levers = {t(language, f"levers.{lever}"): lever for lever in INTERVENTIONS}
        solara.SelectMultiple(
            t(language, "knobs.interventions"),
            values=[t(language, f"levers.{lever}") for lever in values["interventions"]],
            all_values=list(levers),
            on_value=lambda chosen: commit(
                "interventions", tuple(levers[c] for c in chosen if c in levers)
            ),
            classes=["lever-select"],
        )


@solara.component
def Controls(run: Run, model: AllianceModel, session: Session, resets: solara.Reactive[int]):
    language = session.language.value
    playing = PLAYING.value

    def step() -> None:
        PLAYING.set(False)
        run.step()
        assert run.model is not None  # Controls is shown once the model is built
        MONTH.set(run.model.month)
        run.want_drawing()

    def reset() -> None:
        PLAYING.set(False)
        NOTICE.set("")
        resets.set(resets.value + 1)
        MONTH.set(0)

    with solara.Card(classes=["controls"]):
        StatusLine(model, language)
        with solara.Div(classes=["button-row"]):
            solara.Button(
                t(language, "ui.step"),
                on_click=step,
                disabled=not model.running,
                classes=["step-button"],
                color="primary",
            )
            solara.Button(
                t(language, "ui.pause") if playing else t(language, "ui.play"),
                on_click=lambda: toggle_play(run),
                disabled=not model.running,
                classes=["play-button"],
                color="warning" if playing else None,
            )
            solara.Button(t(language, "ui.reset"), on_click=reset, classes=["reset-button"])
        solara.Text(t(language, "ui.speed", speed=SPEED.value), classes=["knob-label"])
        solara.ToggleButtonsSingle(
            value=SPEED.value,
            values=list(SPEEDS),
            on_value=SPEED.set,
            classes=["speed-toggle"],
            dense=True,
        )
        if NOTICE.value:
            solara.Info(
                t(language, NOTICE.value, lesson=LESSON.value), classes=["notice"], dense=True
            )


@solara.component
def LessonPresets(session: Session):
    language = session.language.value

    def load(lesson: Lesson) -> None:
        LESSON.set(t(language, f"lessons.{lesson.key}.title"))
        session.change(
            scenario=lesson.scenario,
            seed=lesson.seed,
            settings=preset_settings(lesson.scenario, lesson.knobs),
            notice="ui.lesson_loaded",
        )

    with solara.Card(t(language, "ui.lessons"), classes=["lesson-presets"]):
        with solara.Div(classes=["button-row"]):
            for lesson in lessons():
                solara.Button(
                    t(language, f"lessons.{lesson.key}.title"),
                    on_click=lambda lesson=lesson: load(lesson),
                    classes=[f"lesson-{lesson.key}"],
                    outlined=True,
                    small=True,
                )


@solara.component
def Simulation(session: Session, run: Run, resets: solara.Reactive[int]):
    language = session.language.value
    model = run.model_for(
        session.scenario.value, session.seed.value, session.settings.value, resets.value
    )
    with solara.Div(classes=["sim-grid"]):
        with solara.Div():
            Controls(run, model, session, resets)
            with solara.Card(classes=["settings"]):
                Settings(session)
        with solara.Div():
            SimulationCharts(run, language)
        with solara.Div():
            LiveEventLog(model, language)
            # the presets beside the charts, so the sliders fit the left column at 768 pixels
            LessonPresets(session)


# --- dilemmas --------------------------------------------------------------------------


def request_runs(key: str, extra: int) -> None:
    """Ask for ``extra`` more paired runs of a card (run by its :func:`DilemmaWork`)."""
    with DILEMMA_LOCK:
        DILEMMA_PENDING.set({**DILEMMA_PENDING.value, key: extra})


def add_runs(dilemma: Dilemma, extra: int) -> None:
    """Run ``extra`` more paired runs of a card on new seeds and keep them in the session:
    the first :data:`~sim.dashboard.dilemmas.FIRST_ANSWER` as soon as they are done (the card
    shows them, and how many runs they are, while the rest runs), then all of them."""
    key = dilemma.key
    done = DILEMMA_RUNS.value.get(key)
    start = 0 if done is None else len(done[0])
    try:
        for a, b in comparison_steps(dilemma, range(start, start + extra)):
            first_answer = len(a) < extra
            if done is not None:
                a = pd.concat([done[0], a], ignore_index=True)
                b = pd.concat([done[1], b], ignore_index=True)
            with DILEMMA_LOCK:
                DILEMMA_RUNS.set({**DILEMMA_RUNS.value, key: (a, b)})
                shown = DILEMMA_FIRST_ANSWER.value
                DILEMMA_FIRST_ANSWER.set(shown | {key} if first_answer else shown - {key})
    finally:  # a failed comparison must not leave the card waiting for ever
        with DILEMMA_LOCK:
            pending = dict(DILEMMA_PENDING.value)
            pending.pop(key, None)
            DILEMMA_PENDING.set(pending)
            DILEMMA_FIRST_ANSWER.set(DILEMMA_FIRST_ANSWER.value - {key})


@solara.component
def DilemmaWork(dilemma: Dilemma):
    """A card's comparison, mounted above the tabs: it runs on while another tab is open."""
    extra = DILEMMA_PENDING.value.get(dilemma.key)

    def work() -> None:
        if extra:
            add_runs(dilemma, extra)

    solara.lab.use_task(work, dependencies=[extra], prefer_threaded=True)


@solara.component
def DilemmaCard(dilemma: Dilemma, language: str, on_try: Callable[[Dilemma, str], None]):
    runs = DILEMMA_RUNS.value.get(dilemma.key)
    pending = DILEMMA_PENDING.value.get(dilemma.key)
    key = f"dilemmas.{dilemma.key}"
    with solara.Card(
        t(language, f"{key}.title"), classes=["dilemma-card", f"dilemma-{dilemma.key}"]
    ):
        solara.Text(
            t(language, f"{key}.explain"), style={"display": "block", "margin-bottom": "4px"}
        )
        solara.HTML(
            unsafe_innerHTML=(
                f"<b>A</b> · {html.escape(t(language, f'{key}.a'))}<br>"
                f"<b>B</b> · {html.escape(t(language, f'{key}.b'))}<br>"
                f"<b>A {html.escape(t(language, 'ui.wins'))}:</b> {html.escape(t(language, f'{key}.a_wins'))}<br>"
                f"<b>A {html.escape(t(language, 'ui.costs'))}:</b> {html.escape(t(language, f'{key}.a_costs'))}<br>"
                f"<i>{html.escape(t(language, 'ui.scenario'))}: "
                f"{html.escape(name(language, 'scenarios', dilemma.scenario))}</i>"
            ),
            classes=["dilemma-text"],
        )
        with solara.Div(classes=["button-row"]):
            if runs is None:
                solara.Button(
                    t(language, "ui.compare", runs=COMPARISON_RUNS),
                    classes=["compare-button"],
                    disabled=bool(pending),
                    on_click=lambda: request_runs(dilemma.key, COMPARISON_RUNS),
                    color="primary",
                )
            else:
                solara.Button(
                    t(language, "ui.run_more", runs=MORE_RUNS),
                    classes=["more-button"],
                    disabled=bool(pending),
                    on_click=lambda: request_runs(dilemma.key, MORE_RUNS),
                )
            solara.Button(
                t(language, "ui.load_a"),
                text=True,
                on_click=lambda: on_try(dilemma, "a"),
                classes=["try-a"],
            )
            solara.Button(
                t(language, "ui.load_b"),
                text=True,
                on_click=lambda: on_try(dilemma, "b"),
                classes=["try-b"],
            )
        if pending:
            solara.ProgressLinear(True)
            solara.Text(t(language, "ui.comparing", runs=pending), classes=["comparing"])
        if runs is not None:
            if dilemma.key in DILEMMA_FIRST_ANSWER.value:
                solara.Text(t(language, "ui.preliminary"), classes=["preliminary"])
            DilemmaResult(dilemma, language, runs)


@solara.component
def DilemmaResult(dilemma: Dilemma, language: str, runs: tuple[pd.DataFrame, pd.DataFrame]):
    result = solara.use_memo(lambda: summarise(dilemma, *runs), dependencies=[runs])
    noise = t(language, "ui.within_noise")

    def shown(outcome: str, value: float) -> str:
        return number(language, format_value(outcome, value))

    rows = []
    for d in result["differences"]:
        interval = f"{shown(d.outcome, d.a - d.b)} " + number_range(
            language, format_value(d.outcome, d.low), format_value(d.outcome, d.high)
        )
        mark = f"<br><span class='noise'>{html.escape(noise)}</span>" if d.within_noise else ""
        rows.append(
            [
                html.escape(t(language, f"measures.{d.outcome}")),
                shown(d.outcome, d.a),
                shown(d.outcome, d.b),
                html.escape(interval) + mark,
            ]
        )
    more, unit = t(language, "ui.more_than"), t(language, "ui.in_months")
    rows.append(
        [
            html.escape(t(language, "ui.median_life")),
            html.escape(format_lifetime(result["median_a"], result["horizon"], more, unit)),
            html.escape(format_lifetime(result["median_b"], result["horizon"], more, unit)),
            "",
        ]
    )
    solara.HTML(
        unsafe_innerHTML=html_table(
            [t(language, "ui.outcome"), "A", "B", t(language, "ui.difference")], rows
        ),
        classes=["dilemma-result"],
    )
    solara.Text(t(language, "ui.runs_done", runs=result["runs"]), style={"font-size": "13px"})


@solara.component
def Dilemmas(session: Session):
    language = session.language.value

    def try_option(dilemma: Dilemma, option: str) -> None:
        session.change(
            scenario=dilemma.scenario,
            settings=preset_settings(dilemma.scenario, dilemma.knobs(option)),
        )
        session.tab.set(0)

    with solara.Div(classes=["dilemma-grid"]):
        for dilemma in dilemmas():
            DilemmaCard(dilemma, language, try_option)


# --- the manager game ------------------------------------------------------------------


def history_rows(game: PlayedAlliance, language: str, limit: int = 12) -> list[list[str]]:
    """The last months of the game, newest first: both managers' levers, value and trust."""

    def levers(chosen: tuple[str, ...]) -> str:
        return ", ".join(t(language, f"levers.{lever}") for lever in chosen) or t(
            language, "ui.nothing"
        )

    return [
        [
            str(m.month),
            html.escape(levers(m.yours)),
            html.escape(levers(m.builtin)),
            number(language, f"{m.value_yours:.1f}"),
            number(language, f"{m.value_builtin:.1f}"),
            number(language, f"{m.trust_yours:.2f}"),
            number(language, f"{m.trust_builtin:.2f}"),
        ]
        for m in reversed(game.history[-limit:])
    ]


@solara.component
def PlayTheManager(session: Session):
    language = session.language.value
    scenario = solara.use_reactive(GAME_SCENARIO)
    seed = solara.use_reactive(GAME_SEED)
    restarts = solara.use_reactive(0)
    tick = solara.use_reactive(0)
    message = solara.use_reactive("")
    game = solara.use_memo(
        lambda: PlayedAlliance(scenario.value, seed.value),
        dependencies=[scenario.value, seed.value, restarts.value],
    )

    def choose(lever: str) -> None:
        message.set(
            ""
            if game.choose(lever)
            else t(language, "ui.not_allowed", lever=t(language, f"levers.{lever}"))
        )
        tick.set(tick.value + 1)

    def next_month() -> None:
        game.next_month()
        message.set("")
        tick.set(tick.value + 1)

    def pick_scenario(label: object) -> None:
        chosen = scenario_from_label(label, language)
        if chosen is not None:
            scenario.set(chosen)

    def pick_seed(s: int) -> None:
        if valid_seed(s):
            seed.set(s)

    labels = scenario_choices(language)
    model = game.model
    with solara.Div(classes=["game-grid"]):
        with solara.Div():
            with solara.Card(classes=["game-controls"]):
                solara.Text(
                    t(language, "ui.play_intro"), style={"display": "block", "font-size": "14px"}
                )
                solara.Select(
                    t(language, "ui.play_scenario"),
                    values=list(labels),
                    value=name(language, "scenarios", scenario.value),
                    on_value=pick_scenario,
                    classes=["game-scenario-select"],
                )
                solara.InputInt(
                    t(language, "ui.play_seed"),
                    value=seed.value,
                    on_value=pick_seed,
                    classes=["game-seed"],
                )
                solara.Text(game_status(model, language), classes=["play-status", "status"])
                solara.Text(
                    t(
                        language,
                        "ui.play_rules",
                        capacity=number(language, f"{game.capacity:.1f}"),
                        floor=f"{model.params['unbacked_capacity']:.0%}",
                        backing=number(language, f"{game.backing:.2f}"),
                        usable=number(language, f"{game.usable_capacity():.2f}"),
                        left=number(language, f"{game.capacity_left:.2f}"),
                    ),
                    classes=["capacity-rules"],
                    style={"display": "block", "font-size": "14px"},
                )
                with solara.Div(classes=["lever-buttons"]):
                    for lever in INTERVENTIONS:
                        solara.Button(
                            f"{t(language, f'levers.{lever}')} "
                            f"({number(language, f'{game.cost(lever):.2f}')})",
                            on_click=lambda lever=lever: choose(lever),
                            disabled=not game.can_choose(lever),
                            classes=[f"lever-{lever}"],
                            outlined=not game.used_this_month(lever),
                            color="primary" if game.used_this_month(lever) else None,
                        )
                if message.value:
                    solara.Warning(message.value, dense=True)
                with solara.Div(classes=["button-row"]):
                    solara.Button(
                        t(language, "ui.next_month"),
                        on_click=next_month,
                        color="primary",
                        disabled=not model.running,
                        classes=["next-month"],
                    )
                    solara.Button(
                        t(language, "ui.new_game"),
                        text=True,
                        classes=["new-game"],
                        on_click=lambda: (restarts.set(restarts.value + 1), message.set("")),
                    )
        with solara.Div():
            so_far = game.benchmark()
            solara.HTML(
                unsafe_innerHTML=html_table(
                    [t(language, "ui.so_far"), t(language, "ui.you"), t(language, "ui.builtin")],
                    [
                        [
                            html.escape(t(language, "outcomes.total_value")),
                            f"{so_far['you']['total_value']:.0f}",
                            f"{so_far['builtin']['total_value']:.0f}",
                        ],
                        [
                            html.escape(t(language, "outcomes.mean_trust")),
                            number(language, f"{so_far['you']['mean_trust']:.2f}"),
                            number(language, f"{so_far['builtin']['mean_trust']:.2f}"),
                        ],
                        [
                            html.escape(t(language, "outcomes.exits")),
                            str(so_far["you"]["exits"]),
                            str(so_far["builtin"]["exits"]),
                        ],
                    ],
                ),
                classes=["game-so-far"],
            )
            with solara.Div(classes=["chart-grid"]):
                Chart(
                    charts.duel_chart,
                    game,
                    language,
                    tick.value,
                    t(language, "ui.chart_duel"),
                    "game-duel",
                )
                Chart(
                    charts.network_chart,
                    model,
                    language,
                    tick.value,
                    t(language, "ui.chart_network"),
                    "game-network",
                )
            solara.HTML(
                unsafe_innerHTML=html_table(
                    [
                        t(language, "ui.month"),
                        t(language, "ui.your_levers"),
                        t(language, "ui.builtin_levers"),
                        t(language, "ui.value_you"),
                        t(language, "ui.value_builtin"),
                        t(language, "ui.trust_you"),
                        t(language, "ui.trust_builtin"),
                    ],
                    history_rows(game, language),
                    numeric_from=3,
                ),
                classes=["game-history"],
            )
        with solara.Div():
            EventLog(model, language, interventions=True, month=tick.value)


# --- the page --------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """A tab of the dashboard: ``key`` (CSS class ``tab-<key>``), the text key of its title,
    and its component, which takes the :class:`Session`."""

    key: str
    title: str
    component: Callable[[Session], Any]


@solara.component
def SimulationPage(session: Session):
    Simulation(session, session.run, session.resets)


#: The tabs, in order. A new page is one line here (its texts in text/<page>_<language>.toml).
PAGES: list[PageSpec] = [
    PageSpec("simulation", "ui.tab_simulation", SimulationPage),
    PageSpec("dilemmas", "ui.tab_dilemmas", Dilemmas),
    PageSpec("play", "ui.tab_play", PlayTheManager),
    PageSpec("pps", "pps.tab", pps.PpsDesigns),
]


@solara.component
def Page():
    run = solara.use_memo(Run, dependencies=[])
    session = Session(
        language=solara.use_reactive("nl"),
        tab=solara.use_reactive(0),
        scenario=solara.use_reactive(DEFAULT_SCENARIO),
        seed=solara.use_reactive(1),
        settings=solara.use_reactive(default_settings(DEFAULT_SCENARIO)),
        run=run,
        resets=solara.use_reactive(0),
    )
    run.model_for(
        session.scenario.value, session.seed.value, session.settings.value, session.resets.value
    )
    language = session.language.value
    solara.Style(CSS)
    solara.Title(t(language, "ui.title"))
    # the session's background work, above the tabs (renders nothing: kept out of the layout)
    with solara.Div(style={"display": "none"}):
        PlayLoop(run)
        for dilemma in dilemmas():
            DilemmaWork(dilemma)
    with solara.AppBar():
        solara.AppBarTitle(f"{t(language, 'ui.title')} · {t(language, 'ui.subtitle')}")
        solara.ToggleButtonsSingle(
            value=session.language, values=list(LANGUAGES), classes=["language-toggle"]
        )
    with solara.lab.Tabs(value=session.tab.value, on_value=session.tab.set):
        for index, page in enumerate(PAGES):
            with solara.lab.Tab(t(language, page.title), classes=[f"tab-{page.key}"]):
                if session.tab.value == index:
                    page.component(session)
