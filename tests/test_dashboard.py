"""The dashboard's plain-Python parts: wording, dilemma cards, lesson presets, the manager game."""

import time

import numpy as np
import pandas as pd
import pytest

from sim.config.scenario import available_scenarios
from sim.config.vocabulary import INTERVENTIONS, SECTORS
from sim.dashboard.app import (
    DILEMMA_PENDING,
    DILEMMA_RUNS,
    DRAW_QUIET,
    NOTICE,
    PAGES,
    PLAYING,
    Run,
    add_runs,
    builtin_scenario,
    default_settings,
    preset_settings,
    request_runs,
    scenario_from_label,
    toggle_play,
)
from sim.dashboard.dilemmas import (
    COMPARISON_RUNS,
    MEASURES,
    compare,
    comparison_steps,
    dilemmas,
    format_lifetime,
    format_value,
    paired_difference,
    run_option,
    run_options,
    summarise,
)
from sim.dashboard.events import describe, event_log
from sim.dashboard.i18n import LANGUAGES, load_texts, name, number, number_range, t, texts
from sim.dashboard.lessons import MOMENTS, lessons
from sim.dashboard.play import WEAR, PlayedAlliance
from sim.dashboard.server import server_command, server_environment
from sim.model import AllianceModel
from sim.model.interventions import LEVERS, capacity_costs
from sim.model.outcomes import END_CAUSES


def keys(table, prefix=""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


# --- texts ---------------------------------------------------------------------------------


def test_every_text_exists_in_dutch_and_english():
    dutch, english = set(keys(texts("nl"))), set(keys(texts("en")))
    assert dutch == english, sorted(dutch ^ english)
    for lever in INTERVENTIONS:
        assert t("nl", f"levers.{lever}") != t("en", f"levers.{lever}")


def test_a_page_brings_its_own_text_files_as_a_namespace(tmp_path):
    (tmp_path / "en.toml").write_text('[ui]\nstep = "Step"\n')
    (tmp_path / "extra_en.toml").write_text('tab = "Extra page"\n[help]\nintro = "Hello"\n')
    (tmp_path / "extra_nl.toml").write_text('tab = "Extra pagina"\n')
    english = load_texts(tmp_path, "en")
    assert english["ui"]["step"] == "Step"
    assert english["extra"] == {"tab": "Extra page", "help": {"intro": "Hello"}}


def test_a_page_text_file_may_not_overwrite_a_table_of_the_main_file(tmp_path):
    (tmp_path / "en.toml").write_text('[ui]\nstep = "Step"\n')
    (tmp_path / "ui_en.toml").write_text('step = "Stride"\n')
    with pytest.raises(ValueError, match="ui_en.toml.*en.toml"):
        load_texts(tmp_path, "en")


def test_scenario_partner_and_sector_names_are_translated():
    for scenario in available_scenarios():
        assert name("nl", "scenarios", scenario) != scenario
        model = AllianceModel(scenario, rng=0, collect=False)
        for partner in model.partners.names:
            dutch = name("nl", "partners", partner)
            assert dutch != partner or partner in ("Consortium", "Financier", "Start-up"), partner
    for sector in SECTORS:
        assert name("nl", "sectors", sector) and name("en", "sectors", sector)
    assert name("nl", "partners", "public 2") == "publiek 2"
    assert name("nl", "partners", "Province") == "Provincie"


# --- events --------------------------------------------------------------------------------


def test_events_read_as_plain_sentences_with_partner_names_in_the_page_language():
    event = (14, "exit", {"partner": "Province"})
    assert describe(event, "en") == "Month 14: Province leaves the alliance."
    assert describe(event, "nl") == "Maand 14: Provincie verlaat de alliantie."
    shock = (3, "shock", {"kind": "crisis"})
    assert "crisis" in describe(shock, "en") and "crisis" in describe(shock, "nl")
    ended = (20, "dissolution", {"reason": "essential_left", "partner": "Province"})
    assert describe(ended, "en").startswith("Month 20: The alliance dissolves (Province left")
    assert "Provincie" in describe(ended, "nl")


def test_every_kind_and_detail_the_model_logs_has_a_text():
    events = [
        (1, "deadlock", {"room": True}),
        (1, "deadlock", {"room": False}),
        (2, "call", {"by": "Province"}),
        (2, "call", {"by": "manager"}),
        (3, "termination", {"partner": "Financier", "amount": 12.345}),
        (4, "renegotiation", {"mediated": True}),
        (5, "election", {}),
        *((6, "dissolution", {"reason": cause}) for cause in END_CAUSES),
        *((6, "dissolution", {"reason": cause, "partner": "Province"}) for cause in END_CAUSES),
    ]
    for language in LANGUAGES:
        texts_ = [describe(event, language) for event in events]
        assert all(len(text) > len("Month 1: ") for text in texts_)
    assert "Province" in describe((2, "call", {"by": "Province"}), "en")
    assert "manager" in describe((2, "call", {"by": "manager"}), "en")
    assert describe((1, "deadlock", {"room": True}), "en") != describe(
        (1, "deadlock", {"room": False}), "en"
    )
    assert "12.3" in describe((3, "termination", {"partner": "Financier", "amount": 12.345}), "en")


def test_every_event_a_model_produces_can_be_described():
    kinds = set()
    for seed in range(15):
        model = AllianceModel(
            "pps_care", rng=seed, manager="independent", political_cycle=1.0, collect=False
        )
        model.run()
        for event in model.events:
            kinds.add(event[1])
            for language in LANGUAGES:
                assert describe(event, language).startswith(t(language, "ui.month"))
    assert {"agreement", "shock", "intervention", "election"} <= kinds


def test_the_event_log_shows_the_newest_first_and_hides_interventions_unless_asked():
    events = [
        (1, "agreement", {"mediated": False}),
        (2, "intervention", {"lever": "mediate"}),
        (3, "deadlock", {}),
    ]
    log = event_log(events, "en")
    assert log[0].startswith("Month 3") and len(log) == 2
    assert len(event_log(events, "en", interventions=True)) == 3


# --- the page's inputs -------------------------------------------------------------------


def test_the_scenario_picker_accepts_only_listed_built_in_names():
    assert scenario_from_label(name("nl", "scenarios", "pps_care"), "nl") == "pps_care"
    for crafted in (
        "/dev/zero",
        "scenarios/pps_care.toml",
        "../scenarios/pps_care",
        "/etc/passwd",
        "pps_care.toml",
        None,
        3,
        ["pps_care"],
    ):
        assert scenario_from_label(crafted, "nl") is None
        assert builtin_scenario(crafted) is None
    assert builtin_scenario("pps_care") == "pps_care"


def test_the_pages_are_one_list_with_a_title_in_both_languages():
    assert [page.key for page in PAGES][:3] == ["simulation", "dilemmas", "play"]
    assert len({page.key for page in PAGES}) == len(PAGES)
    for page in PAGES:
        for language in LANGUAGES:
            assert t(language, page.title)


# --- dilemma cards -------------------------------------------------------------------------


def test_every_dilemma_card_has_two_sided_texts_and_known_outcomes_in_both_languages():
    cards = dilemmas()
    assert {
        "double_loyalty",
        "control_versus_trust",
        "inclusion_versus_speed",
        "stability_versus_adaptation",
        "equality_versus_the_strongest",
        "creation_versus_capture",
    } <= {c.key for c in cards}
    for card in cards:
        a, b = card.knobs("a"), card.knobs("b")
        assert [k for k in a if a[k] != b[k]] == [card.knob]
        assert len(card.outcomes) >= 3 and set(card.outcomes) <= set(MEASURES)
        for language in LANGUAGES:
            for part in ("title", "a", "b", "explain", "a_wins", "a_costs"):
                assert t(language, f"dilemmas.{card.key}.{part}")
            for outcome in card.outcomes:
                assert t(language, f"measures.{outcome}")


def test_a_difference_whose_interval_includes_zero_is_marked_within_the_noise():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1, 40)
    same = paired_difference("total_value", pd.Series(noise + 5), pd.Series(noise[::-1] + 5))
    assert same.within_noise and same.low < 0 < same.high
    apart = paired_difference("total_value", pd.Series(noise + 5), pd.Series(noise + 3))
    assert not apart.within_noise and apart.low == pytest.approx(2.0)
    tied = paired_difference("survived", pd.Series([1.0, 0.0]), pd.Series([1.0, 0.0]))
    assert tied.within_noise and tied.low == tied.high == 0.0


def test_a_median_lifetime_beyond_the_horizon_says_so_and_one_within_it_has_its_unit():
    more, unit = t("en", "ui.more_than"), t("en", "ui.in_months")
    assert format_lifetime(float("nan"), 120, more, unit) == "> 120 months"
    assert format_lifetime(57.0, 120, more, unit) == "57 months"
    assert format_lifetime(88.0, 120, t("nl", "ui.more_than"), t("nl", "ui.in_months")) == (
        "88 maanden"
    )


def test_dutch_cards_write_decimal_commas_in_their_tables_as_in_their_texts():
    assert "0,8" in t("nl", "dilemmas.creation_versus_capture.explain")
    assert number("nl", format_value("home_share", 0.394)) == "0,39"
    assert number("en", format_value("home_share", 0.394)) == "0.39"
    assert number_range("nl", "0.01", "0.10") == "[0,01; 0,10]"
    assert number_range("en", "0.01", "0.10") == "[0.01, 0.10]"


def test_run_more_extends_a_comparison_with_new_seeds():
    card = next(c for c in dilemmas() if c.key == "inclusion_versus_speed")
    first, more = run_option(card, "a", range(0, 3)), run_option(card, "a", range(3, 6))
    assert list(first["seed"]) == [0, 1, 2] and list(more["seed"]) == [3, 4, 5]
    assert compare(card, runs=3)["runs"] == 3


#: What each card's text claims A wins (+: A higher, -: A lower), checked against the model.
CARD_CLAIMS = {
    "double_loyalty": {"home_share": +1, "mandate": +1, "trust_in_home": -1, "total_value": -1},
    "control_versus_trust": {"opportunism": -1, "total_value": -1},
    "inclusion_versus_speed": {
        "founding_months": -1,
        "formed": +1,
        "value_per_partner": +1,
        "potential_value": -1,
        "total_value": -1,
        "survived": +1,
    },
    "stability_versus_adaptation": {"renegotiations": -1, "context_fit": -1, "total_value": +1},
    "equality_versus_the_strongest": {"gini": -1, "min_partner_gain": +1, "home_share": -1},
    "creation_versus_capture": {"home_received": -1, "total_value": -1, "survived": -1},
}


#: What a card's text only says A "may" or "possibly" wins, or wins "at most": the direction
#: must hold, but it may be within the noise.
HEDGED_CLAIMS = {
    "equality_versus_the_strongest": {"total_value": +1},
    "creation_versus_capture": {"home_share": +1},
}


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(CARD_CLAIMS))
def test_each_dilemma_card_says_what_the_model_does_at_the_runs_the_page_shows_first(key):
    """The card's firm claims lie outside the noise of the page's first comparison (same
    number of runs, same seeds), and its hedged claims at least point the right way."""
    card = next(c for c in dilemmas() if c.key == key)
    result = compare(card)
    assert result["runs"] == COMPARISON_RUNS
    for d in result["differences"]:
        if d.outcome in CARD_CLAIMS[key]:
            sign = CARD_CLAIMS[key][d.outcome]
            assert not d.within_noise and np.sign(d.a - d.b) == sign, (key, d)
        if d.outcome in HEDGED_CLAIMS.get(key, {}):
            assert np.sign(d.a - d.b) == HEDGED_CLAIMS[key][d.outcome], (key, d)


@pytest.mark.slow
def test_control_does_not_build_trust_in_co_creation():
    """The control-versus-trust card says trust and relational capital end up about the same
    under tight contracts: at the page's first comparison neither differs beyond the noise."""
    card = next(c for c in dilemmas() if c.key == "control_versus_trust")
    result = {d.outcome: d for d in compare(card)["differences"]}
    for outcome in ("mean_trust", "relational_capital"):
        assert result[outcome].within_noise and abs(result[outcome].a - result[outcome].b) < 0.05


def test_a_comparison_survives_a_visit_to_another_tab_and_run_more_adds_to_it():
    """The runs are kept in the session above the tabs (not in the card), added to on new seeds."""
    card = next(c for c in dilemmas() if c.key == "inclusion_versus_speed")
    DILEMMA_RUNS.set({})
    request_runs(card.key, 3)
    assert DILEMMA_PENDING.value == {card.key: 3}
    add_runs(card, 3)
    add_runs(card, 2)
    a, b = DILEMMA_RUNS.value[card.key]
    assert list(a["seed"]) == [0, 1, 2, 3, 4] and list(b["seed"]) == [0, 1, 2, 3, 4]
    assert a.equals(run_option(card, "a", range(5))) and DILEMMA_PENDING.value == {}


def test_the_pooled_comparison_equals_the_serial_one_and_answers_first_over_the_first_seeds():
    """The worker pool cuts a comparison into parts; put together, they are exactly the serial
    runs (same seeds, same numbers, in seed order), and the first answer is exactly the serial
    runs of its seeds."""
    card = next(c for c in dilemmas() if c.key == "stability_versus_adaptation")
    seeds = range(5, 28)
    steps = list(comparison_steps(card, seeds, first=9))
    assert [(len(a), len(b)) for a, b in steps] == [(9, 9), (23, 23)]
    for (a, b), n in zip(steps, (9, 23), strict=True):
        assert a.equals(run_option(card, "a", seeds[:n]))
        assert b.equals(run_option(card, "b", seeds[:n]))
    a, b = run_options(card, seeds)
    assert a.equals(steps[-1][0]) and b.equals(steps[-1][1])
    serial = summarise(card, run_option(card, "a", seeds), run_option(card, "b", seeds))
    assert repr(summarise(card, a, b)) == repr(serial)
    assert [len(a) for a, _ in comparison_steps(card, range(3), first=9)] == [3]


def test_a_card_reads_its_horizon_from_the_configuration_as_the_model_sets_it():
    for card in dilemmas():
        model = AllianceModel(card.scenario, rng=0, collect=False, **card.knobs("a"))
        assert card.horizon() == model.horizon
    short = next(c for c in dilemmas() if c.key == "double_loyalty")
    short = type(short)(**{**short.__dict__, "shared": {**short.shared, "contract_term": 48}})
    assert short.horizon() == 48 == AllianceModel(short.scenario, rng=0, **short.knobs("a")).horizon


# --- lesson presets ------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson.key)
def test_each_lesson_preset_still_produces_its_moment(lesson):
    moment = MOMENTS[lesson.key](lesson)
    assert moment["happens"], moment


def test_a_lesson_preset_puts_its_knobs_on_the_scenarios_values():
    lesson = next(x for x in lessons() if x.key == "turbulent_alliance")
    settings = preset_settings(lesson.scenario, lesson.knobs)
    assert settings["turbulence"] == 0.7 and settings["manager"] == "none"
    for language in LANGUAGES:
        assert t(language, f"lessons.{lesson.key}.title") and t(
            language, f"lessons.{lesson.key}.explain"
        )


# --- the manager game ----------------------------------------------------------------------


def test_play_mode_turns_a_persons_choice_into_an_intervention():
    game = PlayedAlliance("pps_infrastructure", seed=3)
    assert game.choose("build_trust")
    assert game.model.manager.capacity_used["build_trust"] == LEVERS["build_trust"].cost(
        game.model.params
    )
    assert game.model.events[-1][1:] == ("intervention", {"lever": "build_trust"})
    assert game.choices == [(0, "build_trust")]


def test_each_lever_at_most_once_a_month_and_within_capacity():
    game = PlayedAlliance("pps_infrastructure", seed=3, knobs={"manager_capacity": 3.0})
    assert game.choose("mediate")
    assert not game.choose("mediate")
    # capacity 0.8 at the first month's backing: about 0.48, room for mediation (0.4) only
    small = PlayedAlliance("pps_infrastructure", seed=3, knobs={"manager_capacity": 0.8})
    assert small.choose("mediate") and not small.choose("build_trust")
    with pytest.raises(ValueError):
        game.choose("bribe")


def test_a_lever_pulled_month_after_month_wears_and_costs_more():
    game = PlayedAlliance("pps_infrastructure", seed=3)
    base = LEVERS["scan_adapt"].cost(game.model.params)
    assert game.cost("scan_adapt") == base
    game.choose("scan_adapt")
    game.next_month()
    assert game.cost("scan_adapt") == pytest.approx(base * WEAR)
    game.next_month()  # a month of rest
    assert game.cost("scan_adapt") == pytest.approx(base)


def test_play_mode_reads_lever_costs_from_the_played_models_parameters():
    cheap = PlayedAlliance("pps_infrastructure", seed=3, knobs={"cost_mediate": 0.05})
    assert cheap.cost("mediate") == 0.05 == capacity_costs(cheap.model.params)["mediate"]
    dear = PlayedAlliance(
        "pps_infrastructure", seed=3, knobs={"cost_mediate": 2.0, "manager_capacity": 0.5}
    )
    assert not dear.can_choose("mediate") and not dear.choose("mediate")


def test_the_first_month_of_the_game_follows_the_capacity_rule_of_every_month():
    """No full capacity in month 0: an independent manager starts with its partners' backing."""
    game = PlayedAlliance("shared_service_centre", seed=36)
    first = game.capacity_left
    assert first == pytest.approx(game.usable_capacity()) and first < 0.7 * game.capacity
    game.next_month()
    assert game.capacity_left == pytest.approx(first, abs=0.05)


def test_the_capacity_shown_is_the_capacity_the_model_grants():
    game = PlayedAlliance("shared_service_centre", seed=3)
    for _ in range(6):
        game.next_month()
    assert game.capacity_left == pytest.approx(game.usable_capacity())
    assert game.usable_capacity() < game.capacity  # backing below 1 takes capacity away


def test_the_manager_in_play_mode_never_acts_on_its_own():
    game = PlayedAlliance("open_innovation", seed=2)
    for _ in range(24):
        game.next_month()
    assert not [e for e in game.model.events if e[1] == "intervention"]


def test_the_game_shows_both_managers_month_by_month():
    game = PlayedAlliance("shared_service_centre", seed=3)
    for _ in range(12):
        game.choose("build_trust")
        game.next_month()
    assert [m.month for m in game.history] == list(range(12))
    assert all(m.yours in ((), ("build_trust",)) for m in game.history)
    assert any(m.builtin for m in game.history)
    builtin = AllianceModel("shared_service_centre", rng=3, manager="independent", collect=False)
    for _ in range(12):
        builtin.step()
    assert game.benchmark()["builtin"]["total_value"] == builtin.outcomes()["total_value"]


def test_the_default_game_is_eventful_in_its_first_two_years():
    from sim.dashboard.app import GAME_SCENARIO, GAME_SEED

    game = PlayedAlliance(GAME_SCENARIO, GAME_SEED)
    for _ in range(24):
        game.next_month()
    kinds = {e[1] for e in game.model.events}
    assert "shock" in kinds and kinds & {"call", "deadlock", "renegotiation", "exit"}


@pytest.mark.slow
@pytest.mark.parametrize("lever", INTERVENTIONS)
def test_no_single_lever_pulled_every_month_beats_the_built_in_manager(lever):
    """Pulling one lever whenever the rules allow, for the whole run of the default game,
    wins against the built-in manager's value in fewer than half of the seeds."""
    from sim.dashboard.app import GAME_SCENARIO

    wins = 0
    seeds = range(24)
    for seed in seeds:
        game = PlayedAlliance(GAME_SCENARIO, seed)
        while game.model.running:
            game.choose(lever)
            game.next_month()
        while game.builtin.running:
            game.builtin.step()
        wins += game.model.total_value > game.builtin.total_value
    assert wins < len(seeds) / 2


def test_the_server_binds_to_localhost_with_telemetry_off():
    command = server_command("127.0.0.1", 8765)
    assert command[command.index("--host") + 1] == "127.0.0.1" and "--no-check-version" in command
    assert server_environment()["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_a_session_that_lost_its_browser_is_freed_within_minutes_not_a_day(monkeypatch):
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    assert server_environment()["SOLARA_KERNEL_CULL_TIMEOUT"] == "10m"


def test_charts_leave_no_open_figures_behind():
    import matplotlib.pyplot as plt

    from sim.dashboard import charts
    from sim.dashboard.app import png

    model = AllianceModel("pps_infrastructure", rng=1)
    for _ in range(3):
        model.step()
    before = len(plt.get_fignums())
    for _ in range(25):
        for chart in (
            charts.value_chart,
            charts.network_chart,
            charts.satisfaction_chart,
            charts.power_chart,
        ):
            assert png(chart, model, "nl").startswith(b"\x89PNG")
    assert len(plt.get_fignums()) == before


def test_chart_labels_stay_inside_the_picture_and_clear_of_each_other():
    """The axis labels of the two-axis charts are not clipped, and the right-hand label does
    not touch its tick labels; a partner's name does not cover its circle nor leave the picture."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.dashboard import charts

    model = AllianceModel("shared_service_centre", rng=36)
    for _ in range(40):
        model.step()
    game = PlayedAlliance("shared_service_centre", seed=36)
    for _ in range(6):
        game.next_month()
    for fig in (charts.value_chart(model, "nl"), charts.duel_chart(game, "en")):
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        box = fig.bbox
        left, right = fig.axes
        for label in (left.yaxis.label, right.yaxis.label, left.xaxis.label):
            extent = label.get_window_extent(renderer)
            assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0, label
        ticks_end = max(t.get_window_extent(renderer).x1 for t in right.get_yticklabels())
        assert right.yaxis.label.get_window_extent(renderer).x0 >= ticks_end + 2
    fig = charts.network_chart(model, "nl")
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    for text, dots in zip(ax.texts, ax.collections, strict=True):
        centre = ax.transData.transform(dots.get_offsets()[0])
        extent = text.get_window_extent(renderer)
        assert not extent.contains(*centre), text.get_text()
        assert fig.bbox.x0 <= extent.x0 and extent.x1 <= fig.bbox.x1, text.get_text()


def test_the_event_log_keeps_every_event_of_a_long_run():
    model = AllianceModel("pps_infrastructure", rng=14, turbulence=0.4, collect=False)
    model.run()
    shown = [e for e in model.events if e[1] != "intervention"]
    assert len(shown) > 14
    assert len(event_log(model.events, "en")) == len(shown)


def test_a_stopped_server_leaves_no_comparison_workers_behind():
    """The dilemma cards' worker processes end when the process that started them is killed."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import multiprocessing, time\n"
        "from sim.dashboard.dilemmas import dilemmas, run_options\n"
        "run_options(dilemmas()[0], range(1))\n"
        "print(*[c.pid for c in multiprocessing.active_children()], flush=True)\n"
        "time.sleep(60)\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    workers = [int(pid) for pid in server.stdout.readline().split()]
    assert len(workers) >= 2
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_the_served_dashboard_starts_its_comparison_workers_when_the_server_starts():
    """Served by Solara (SOLARA_APP set), the page's module starts both workers at once, so a
    class's first comparison does not wait for them; imported elsewhere (tests) it does not."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import multiprocessing\n"
        "import sim.dashboard.app\n"
        "print(len(multiprocessing.active_children()), flush=True)\n"
        "import os; os._exit(0)\n"
    )
    counts = []
    for served in (True, False):
        env = {k: v for k, v in os.environ.items() if k != "SOLARA_APP"}
        if served:
            env["SOLARA_APP"] = "sim/dashboard/app.py"
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).parent.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        counts.append(int(out.stdout.split()[-1]))
    assert counts == [2, 0]


class Clock:
    """A stand-in for the dashboard's clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from sim.dashboard import app

    fake = Clock()
    monkeypatch.setattr(app, "time", fake)
    return fake


def test_the_first_alliance_is_drawn_by_the_first_render_not_again():
    run = Run()
    model = run.model_for("pps_infrastructure", 1, default_settings("pps_infrastructure"), 0)
    assert run.shown is model and not run.take_drawing(quiet=0.0)


def test_pressing_play_clears_the_note_and_a_storm_of_clicks_is_drawn_once_where_it_stopped(
    clock,
):
    run = Run()
    run.model_for("pps_infrastructure", 1, default_settings("pps_infrastructure"), 0)
    PLAYING.set(False)
    NOTICE.set("ui.lesson_loaded")
    toggle_play(run)
    assert PLAYING.value and NOTICE.value == ""
    assert not run.take_drawing(quiet=0.0)  # Play draws with its first month, not before
    for _ in range(7):  # pause, play, pause, ... ending paused, a click every 0.1 s
        clock.now += 0.1
        toggle_play(run)
        run.step()
        assert not run.take_drawing()  # not while the clicks go on
    assert not PLAYING.value
    clock.now += DRAW_QUIET * 1.01
    assert run.take_drawing() and run.shown is run.model
    assert not run.take_drawing()  # the whole storm asked for one drawing


def test_a_drawing_waits_until_the_clicks_pause(clock):
    run = Run()
    run.model_for("pps_infrastructure", 1, default_settings("pps_infrastructure"), 0)
    run.want_drawing()
    clock.now += DRAW_QUIET / 2
    assert not run.take_drawing()
    run.clicked()  # another click postpones it
    clock.now += DRAW_QUIET * 0.75
    assert not run.take_drawing()
    clock.now += DRAW_QUIET * 0.26
    assert run.take_drawing()


def test_a_rebuilt_alliance_is_shown_from_the_next_drawing_on():
    run = Run()
    first = run.model_for("pps_infrastructure", 1, default_settings("pps_infrastructure"), 0)
    second = run.model_for("pps_infrastructure", 1, default_settings("pps_infrastructure"), 1)
    assert second is not first and run.shown is first  # the click that reset it drew nothing
    assert run.take_drawing(quiet=0.0) and run.shown is second


def test_the_play_loop_plays_draws_a_pause_once_and_stops_with_its_session():
    import asyncio

    import solara

    from sim.dashboard.app import FRAME, SPEED, PlayLoop

    async def session() -> None:
        run = Run()
        run.model_for("pps_infrastructure", 1, default_settings("pps_infrastructure"), 0)
        PLAYING.set(False)
        SPEED.set(8)
        _, context = solara.render(PlayLoop(run), handle_error=False)
        toggle_play(run)
        await asyncio.sleep(1.0)
        played = run.model.month
        assert played >= 4  # 8 months a second
        frame = FRAME.value
        toggle_play(run)  # pause: the month stays, drawn once the clicks have paused
        await asyncio.sleep(DRAW_QUIET + 0.3)
        assert run.model.month == played and FRAME.value == frame + 1
        assert run.shown is run.model and not run.drawing_wanted
        context.close()  # the session ends: its loop stops
        await asyncio.sleep(0.1)
        PLAYING.set(True)
        await asyncio.sleep(0.5)
        assert run.model.month == played
        PLAYING.set(False)

    asyncio.run(session())


def test_many_partners_are_coloured_by_sector_few_by_partner():
    from sim.dashboard.charts import groups

    few = AllianceModel("pps_care", rng=1, collect=False)
    labels, colours, group = groups(few, "nl")
    assert (
        labels[0] == "Gemeente"
        and len(set(colours)) == len(few.partners)
        and list(group) == [0, 1, 2, 3, 4]
    )
    many = AllianceModel("regional_network", rng=1, n_partners=20, collect=False)
    labels, colours, group = groups(many, "nl")
    assert set(labels) == {"publiek", "privaat", "maatschappelijk", "kennis"} and len(group) == 20


def test_a_first_answer_is_labelled_only_while_the_rest_of_its_comparison_runs(monkeypatch):
    from sim.dashboard import app

    card = dilemmas()[0]
    seen: list[bool] = []

    def steps(dilemma, seeds):
        seeds = list(seeds)
        rows = lambda n: pd.DataFrame({"seed": seeds[:n]})  # noqa: E731
        yield rows(2), rows(2)
        seen.append(card.key in app.DILEMMA_FIRST_ANSWER.value)
        yield rows(len(seeds)), rows(len(seeds))
        seen.append(card.key in app.DILEMMA_FIRST_ANSWER.value)

    monkeypatch.setattr(app, "comparison_steps", steps)
    monkeypatch.setattr(app.DILEMMA_RUNS, "value", {})
    for _ in ("compare", "run more"):  # "run more": complete results stay unlabelled
        app.DILEMMA_PENDING.set({card.key: 6})
        app.add_runs(card, 6)
        assert seen == [True, False]
        seen.clear()
    assert len(app.DILEMMA_RUNS.value[card.key][0]) == 12

    def failing(dilemma, seeds):
        yield from list(steps(dilemma, seeds))[:1]
        raise RuntimeError("a worker failed")

    monkeypatch.setattr(app, "comparison_steps", failing)
    app.DILEMMA_PENDING.set({card.key: 6})
    with pytest.raises(RuntimeError):
        app.add_runs(card, 6)
    assert card.key not in app.DILEMMA_PENDING.value  # the card is not left waiting
    assert card.key not in app.DILEMMA_FIRST_ANSWER.value
    app.DILEMMA_RUNS.set({})


def test_a_comparison_goes_on_after_a_worker_of_the_pool_died():
    from sim.dashboard.dilemmas import start_pool, stop_pool

    card = dilemmas()[0]
    pool = start_pool()
    pool.submit(int).result()
    for process in list(pool._processes.values()):  # killed as out-of-memory would kill it
        process.kill()
    try:
        a, b = run_options(card, range(4))
        assert list(a["seed"]) == list(b["seed"]) == [0, 1, 2, 3]
    finally:
        stop_pool()
