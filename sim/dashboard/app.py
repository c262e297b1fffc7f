"""The trainers' dashboard: a Solara page per browser session.

Start it with ``make dashboard`` or ``python run_experiment.py dashboard``. Every
browser session builds its own model (``solara.use_memo`` inside the page), so
trainees on the same server never step each other's alliance. All texts come
from ``text/nl.toml`` and ``text/en.toml``; the page offers no component that
runs code on the server.
"""

from __future__ import annotations

import math
import time
from typing import Any

import matplotlib.pyplot as plt
import solara
import solara.lab

from sim.dashboard import charts
from sim.dashboard.dilemmas import compare, dilemmas
from sim.dashboard.events import event_log
from sim.dashboard.i18n import LANGUAGES, t
from sim.dashboard.play import PlayedAlliance
from sim.config.knobs import KNOBS
from sim.model import AllianceModel
from sim.config.scenario import available_scenarios, load_scenario
from sim.config.vocabulary import INTERVENTIONS, MANAGER_MODES

SLIDERS = ("manager_position", "manager_skill", "manager_capacity", "turbulence", "power_asymmetry",
           "goal_diversity", "formalisation")
DEFAULT_SCENARIO = "pps_infrastructure"
COMPARISON_RUNS = 40
BLOCK = {"display": "block", "margin-bottom": "0.3em"}
WRAP = {"flex-wrap": "wrap"}
PLAY_OUTCOMES = (("duration", "{:.0f}"), ("total_value", "{:.0f}"), ("mean_trust", "{:.2f}"),
                 ("exits", "{:.0f}"), ("gini", "{:.2f}"))


def default_settings(scenario: str) -> dict[str, Any]:
    """The knobs the page shows, at the scenario's values."""
    config = load_scenario(scenario)
    keys = ("manager", "interventions", "n_partners", *SLIDERS)
    return {k: config.knobs.get(k, KNOBS[k].default) for k in keys}


def model_knobs(scenario: str, settings: dict[str, Any]) -> dict[str, Any]:
    knobs = dict(settings)
    if not load_scenario(scenario).generated:
        knobs.pop("n_partners", None)
    return knobs


@solara.component
def Chart(figure_maker, model: AllianceModel, language: str, tick: int):
    figure = solara.use_memo(lambda: figure_maker(model, language), dependencies=[model, language, tick])
    solara.FigureMatplotlib(figure, format="png", dependencies=[model, language, tick])
    solara.use_effect(lambda: (lambda: plt.close(figure)), [figure])


@solara.component
def EventLog(model: AllianceModel, language: str, tick: int, interventions: bool = False):
    lines = event_log(model.events, language, interventions=interventions)
    with solara.Card(t(language, "ui.event_log"), classes=["event-log"]):
        if not lines:
            solara.Text(t(language, "ui.no_events"), style=BLOCK)
        for line in lines:
            solara.Text(line, classes=["event-line"], style=BLOCK)


def status_text(model: AllianceModel, language: str) -> str:
    state = ("ui.status_dissolved" if model.dissolved else
             "ui.status_running" if model.running else "ui.status_ended")
    return f"{t(language, 'ui.month')} {model.month} · {t(language, state)}"


@solara.component
def Settings(language: str, scenario: solara.Reactive, seed: solara.Reactive, settings: solara.Reactive):
    values = settings.value

    def set_knob(name):
        return lambda v: settings.set({**settings.value, name: v})

    def set_scenario(name):
        scenario.set(name)
        settings.set(default_settings(name))

    solara.Select(t(language, "ui.scenario"), values=available_scenarios(), value=scenario.value,
                  on_value=set_scenario, classes=["scenario-select"])
    solara.InputInt(t(language, "ui.seed"), value=seed.value, on_value=seed.set)
    labels = {t(language, f"choices.{m}"): m for m in MANAGER_MODES}
    solara.Select(t(language, "knobs.manager"), values=list(labels),
                  value=t(language, f"choices.{values['manager']}"),
                  on_value=lambda label: set_knob("manager")(labels[label]), classes=["manager-select"])
    for name in SLIDERS:
        knob = KNOBS[name]
        with solara.Div(classes=[f"knob-{name}"]):
            solara.SliderFloat(t(language, f"knobs.{name}"), value=values[name], min=knob.low,
                               max=knob.high, step=0.05, on_value=set_knob(name))
    lever_names = {t(language, f"levers.{lever}"): lever for lever in INTERVENTIONS}
    solara.SelectMultiple(t(language, "knobs.interventions"),
                          values=[t(language, f"levers.{lever}") for lever in values["interventions"]],
                          all_values=list(lever_names),
                          on_value=lambda chosen: set_knob("interventions")(
                              tuple(lever_names[c] for c in chosen)))
    if load_scenario(scenario.value).generated:
        solara.SliderInt(t(language, "knobs.n_partners"), value=values["n_partners"], min=2, max=40,
                         on_value=set_knob("n_partners"))


@solara.component
def Simulation(language: str, scenario: solara.Reactive, seed: solara.Reactive, settings: solara.Reactive):
    resets = solara.use_reactive(0)
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4.0)
    frozen = tuple(sorted(settings.value.items()))
    model = solara.use_memo(
        lambda: AllianceModel(scenario.value, rng=seed.value, **model_knobs(scenario.value, settings.value)),
        dependencies=[scenario.value, seed.value, frozen, resets.value])

    def step():
        if model.running:
            model.step()
            tick.set(tick.value + 1)

    def play_loop():
        while playing.value and model.running:
            time.sleep(1.0 / max(speed.value, 0.5))
            if not playing.value:  # paused while waiting
                break
            step()
        if not model.running:
            playing.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value, model], prefer_threaded=True)
    # While playing fast, redraw the charts every few months only: drawing takes longer than a month.
    stride = max(1, round(speed.value / 2)) if playing.value else 1
    frame = tick.value // stride

    with solara.Columns([1, 3]):
        with solara.Column():
            with solara.Card():
                solara.Text(status_text(model, language), classes=["status"], style=BLOCK)
                with solara.Row():
                    solara.Button(t(language, "ui.step"), on_click=step, disabled=not model.running,
                                  classes=["step-button"], color="primary")
                    solara.Button(t(language, "ui.pause") if playing.value else t(language, "ui.play"),
                                  on_click=lambda: playing.set(not playing.value),
                                  disabled=not model.running, classes=["play-button"])
                    solara.Button(t(language, "ui.reset"), on_click=lambda: resets.set(resets.value + 1),
                                  classes=["reset-button"])
                solara.SliderFloat(t(language, "ui.speed"), value=speed, min=0.5, max=20, step=0.5)
            Settings(language, scenario, seed, settings)
        with solara.Column():
            with solara.Columns([1, 1]):
                with solara.Column(classes=["chart-value"]):
                    Chart(charts.value_chart, model, language, frame)
                with solara.Column(classes=["chart-network"]):
                    Chart(charts.network_chart, model, language, frame)
            with solara.Columns([1, 1]):
                with solara.Column(classes=["chart-satisfaction"]):
                    Chart(charts.satisfaction_chart, model, language, frame)
                with solara.Column(classes=["chart-power"]):
                    Chart(charts.power_chart, model, language, frame)
            EventLog(model, language, tick.value)


@solara.component
def DilemmaCard(dilemma, language: str, on_try):
    result = solara.use_reactive(None)
    title = t(language, f"dilemmas.{dilemma.key}.title")
    with solara.Card(title, classes=["dilemma-card", f"dilemma-{dilemma.key}"]):
        solara.Markdown(t(language, f"dilemmas.{dilemma.key}.explain"))
        solara.Markdown(f"**A** · {t(language, f'dilemmas.{dilemma.key}.a')}  \n"
                        f"**B** · {t(language, f'dilemmas.{dilemma.key}.b')}  \n"
                        f"*{t(language, 'ui.scenario')}: {dilemma.scenario}*")
        with solara.Row(style=WRAP):
            solara.Button(t(language, "ui.compare", runs=COMPARISON_RUNS), classes=["compare-button"],
                          on_click=lambda: result.set(compare(dilemma, runs=COMPARISON_RUNS)))
            solara.Button(t(language, "ui.load_a"), text=True, on_click=lambda: on_try(dilemma, "a"))
            solara.Button(t(language, "ui.load_b"), text=True, on_click=lambda: on_try(dilemma, "b"))
        if result.value is not None:
            rows = [(t(language, "ui.survived"), "survived", "{:.0%}"),
                    (t(language, "ui.mean_value"), "mean_value", "{:.0f}"),
                    (t(language, "ui.median_life"), "median_lifetime", "{:.0f}")]
            table = "| | A | B |\n|---|---|---|\n" + "\n".join(
                f"| {label} | {_fmt(fmt, result.value['a'][key])} | {_fmt(fmt, result.value['b'][key])} |"
                for label, key, fmt in rows)
            solara.Markdown(table, style={"font-size": "0.95em"})


def _fmt(template: str, value: float) -> str:
    return "–" if isinstance(value, float) and math.isnan(value) else template.format(value)


@solara.component
def Dilemmas(language: str, on_try):
    with solara.Column(style={"padding": "0 1em"}):
        with solara.ColumnsResponsive(12, large=6):
            for dilemma in dilemmas():
                DilemmaCard(dilemma, language, on_try)


@solara.component
def PlayTheManager(language: str, scenario: solara.Reactive, seed: solara.Reactive, settings: solara.Reactive):
    restarts = solara.use_reactive(0)
    tick = solara.use_reactive(0)
    message = solara.use_reactive("")
    comparison = solara.use_reactive(None)
    knobs = {k: v for k, v in model_knobs(scenario.value, settings.value).items()
             if k not in ("manager", "interventions")}
    game = solara.use_memo(lambda: PlayedAlliance(scenario.value, seed.value, knobs),
                           dependencies=[scenario.value, seed.value, tuple(sorted(knobs.items())),
                                         restarts.value])

    def choose(lever):
        if game.choose(lever):
            message.set("")
        else:
            message.set(t(language, "ui.not_enough", lever=t(language, f"levers.{lever}")))
        tick.set(tick.value + 1)

    def next_month():
        game.next_month()
        message.set("")
        tick.set(tick.value + 1)

    solara.Markdown(t(language, "ui.play_intro"))
    with solara.Columns([1, 2]):
        with solara.Column():
            with solara.Card():
                solara.Text(status_text(game.model, language), classes=["play-status"], style=BLOCK)
                solara.Text(t(language, "ui.capacity_left", capacity=game.capacity_left), style=BLOCK)
                for lever in INTERVENTIONS:
                    solara.Button(f"{t(language, f'levers.{lever}')} ({game.cost(lever):.1f})",
                                  on_click=lambda lever=lever: choose(lever),
                                  disabled=not (game.model.running and game.can_afford(lever)),
                                  classes=[f"lever-{lever}"], outlined=True)
                if message.value:
                    solara.Warning(message.value)
                with solara.Row():
                    solara.Button(t(language, "ui.next_month"), on_click=next_month, color="primary",
                                  disabled=not game.model.running, classes=["next-month"])
                    solara.Button(t(language, "ui.new_game"), text=True,
                                  on_click=lambda: (restarts.set(restarts.value + 1), comparison.set(None)))
                solara.Button(t(language, "ui.compare_builtin"), classes=["compare-builtin"],
                              on_click=lambda: comparison.set(game.benchmark()))
            if comparison.value is not None:
                you, builtin = comparison.value["you"], comparison.value["builtin"]
                solara.Markdown(f"| {t(language, 'ui.outcome')} | {t(language, 'ui.you')} | "
                                f"{t(language, 'ui.builtin')} |\n|---|---|---|\n"
                                + "\n".join(f"| {t(language, f'outcomes.{k}')} | {f.format(you[k])} | "
                                            f"{f.format(builtin[k])} |" for k, f in PLAY_OUTCOMES))
        with solara.Column():
            with solara.Columns([1, 1]):
                Chart(charts.value_chart, game.model, language, tick.value)
                Chart(charts.network_chart, game.model, language, tick.value)
            EventLog(game.model, language, tick.value, interventions=True)


@solara.component
def Page():
    language = solara.use_reactive("nl")
    tab = solara.use_reactive(0)
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    seed = solara.use_reactive(1)
    settings = solara.use_reactive(default_settings(DEFAULT_SCENARIO))

    def try_option(dilemma, option):
        scenario.set(dilemma.scenario)
        chosen = default_settings(dilemma.scenario)
        chosen.update({k: tuple(v) if isinstance(v, list) else v for k, v in getattr(dilemma, option).items()})
        settings.set(chosen)
        tab.set(0)

    lang = language.value
    solara.Title(t(lang, "ui.title"))
    with solara.AppBar():
        solara.AppBarTitle(f"{t(lang, 'ui.title')} · {t(lang, 'ui.subtitle')}")
        solara.ToggleButtonsSingle(value=language, values=list(LANGUAGES), classes=["language-toggle"])
    with solara.lab.Tabs(value=tab.value, on_value=tab.set):
        with solara.lab.Tab(t(lang, "ui.tab_simulation"), classes=["tab-simulation"]):
            Simulation(lang, scenario, seed, settings)
        with solara.lab.Tab(t(lang, "ui.tab_dilemmas"), classes=["tab-dilemmas"]):
            Dilemmas(lang, try_option)
        with solara.lab.Tab(t(lang, "ui.tab_play"), classes=["tab-play"]):
            PlayTheManager(lang, scenario, seed, settings)
