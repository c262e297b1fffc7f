"""The dashboard's plain-Python parts: wording, presets, play mode, texts in both languages."""

import tomllib

import pytest

from sim.dashboard.dilemmas import compare, dilemmas
from sim.dashboard.events import describe, event_log
from sim.dashboard.i18n import LANGUAGES, TEXT_DIR, t, texts
from sim.dashboard.play import PlayedAlliance
from sim.dashboard.server import server_command, server_environment
from sim.model.interventions import LEVERS, capacity_costs
from sim.model.outcomes import END_CAUSES
from sim.model import AllianceModel
from sim.config.vocabulary import INTERVENTIONS


def keys(table, prefix=""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def test_every_text_exists_in_dutch_and_english():
    dutch, english = set(keys(texts("nl"))), set(keys(texts("en")))
    assert dutch == english
    for lever in INTERVENTIONS:
        assert t("nl", f"levers.{lever}") != t("en", f"levers.{lever}")


def test_text_files_are_data_not_code():
    for language in LANGUAGES:
        tomllib.loads((TEXT_DIR / f"{language}.toml").read_text())


def test_events_read_as_plain_sentences_in_both_languages():
    event = (14, "exit", {"partner": "Financier"})
    assert describe(event, "en") == "Month 14: Financier leaves the alliance."
    assert describe(event, "nl") == "Maand 14: Financier verlaat de alliantie."
    shock = (3, "shock", {"kind": "crisis"})
    assert "crisis" in describe(shock, "en") and "crisis" in describe(shock, "nl")
    ended = (20, "dissolution", {"reason": "essential_left", "partner": "Province"})
    assert describe(ended, "en").startswith("Month 20: The alliance dissolves (Province left")


def test_every_kind_and_detail_the_model_logs_has_a_text():
    events = [(1, "deadlock", {"room": True}), (1, "deadlock", {"room": False}),
              (2, "call", {"by": "Province"}), (2, "call", {"by": "manager"}),
              (3, "termination", {"partner": "Financier", "amount": 12.345}),
              (4, "renegotiation", {"mediated": True}), (5, "election", {}),
              *((6, "dissolution", {"reason": cause}) for cause in END_CAUSES),
              *((6, "dissolution", {"reason": cause, "partner": "Province"}) for cause in END_CAUSES)]
    for language in LANGUAGES:
        for event in events:
            assert describe(event, language).strip()
    assert "Province" in describe((2, "call", {"by": "Province"}), "en")
    assert "manager" in describe((2, "call", {"by": "manager"}), "en")
    assert describe((1, "deadlock", {"room": True}), "en") != describe((1, "deadlock", {"room": False}), "en")
    assert "12.3" in describe((3, "termination", {"partner": "Financier", "amount": 12.345}), "en")


def test_every_event_a_model_produces_can_be_described():
    kinds = set()
    for seed in range(15):
        model = AllianceModel("pps_care", rng=seed, manager="independent", political_cycle=1.0,
                              collect=False)
        model.run()
        for event in model.events:
            kinds.add(event[1])
            for language in LANGUAGES:
                assert describe(event, language).strip()
    assert {"agreement", "shock", "intervention", "election"} <= kinds


def test_the_event_log_shows_the_newest_first_and_hides_interventions_unless_asked():
    events = [(1, "agreement", {"mediated": False}), (2, "intervention", {"lever": "mediate"}),
              (3, "deadlock", {})]
    log = event_log(events, "en")
    assert log[0].startswith("Month 3") and len(log) == 2
    assert len(event_log(events, "en", interventions=True)) == 3


def test_there_are_six_dilemma_presets_with_texts_in_both_languages():
    cards = dilemmas()
    assert len(cards) >= 6
    assert {"double_loyalty", "control_versus_trust", "inclusion_versus_speed",
            "stability_versus_adaptation", "equality_versus_the_strongest",
            "creation_versus_capture"} <= {c.key for c in cards}
    for card in cards:
        assert card.a != card.b
        for language in LANGUAGES:
            for part in ("title", "a", "b", "explain"):
                assert t(language, f"dilemmas.{card.key}.{part}")


def test_a_dilemma_comparison_runs_both_options_on_the_same_seeds():
    card = next(c for c in dilemmas() if c.key == "inclusion_versus_speed")
    result = compare(card, runs=8)
    assert set(result) == {"a", "b"}
    assert 0.0 <= result["a"]["survived"] <= 1.0
    assert result["a"]["mean_value"] != result["b"]["mean_value"]


def test_play_mode_turns_a_persons_choice_into_an_intervention():
    game = PlayedAlliance("pps_infrastructure", seed=3)
    assert game.choose("build_trust")
    assert game.model.manager.capacity_used["build_trust"] == LEVERS["build_trust"].cost(game.model.params)
    assert game.model.events[-1][1:] == ("intervention", {"lever": "build_trust"})
    assert game.choices == [(0, "build_trust")]


def test_play_mode_refuses_a_choice_beyond_the_months_capacity():
    game = PlayedAlliance("pps_infrastructure", seed=3, knobs={"manager_capacity": 0.5})
    assert game.choose("mediate")
    assert not game.choose("mediate")
    with pytest.raises(ValueError):
        game.choose("bribe")


def test_play_mode_reads_lever_costs_from_the_played_models_parameters():
    cheap = PlayedAlliance("pps_infrastructure", seed=3, knobs={"cost_mediate": 0.05})
    assert cheap.cost("mediate") == 0.05 == capacity_costs(cheap.model.params)["mediate"]
    assert all(cheap.cost(lever) == cost for lever, cost in capacity_costs(cheap.model.params).items())
    dear = PlayedAlliance("pps_infrastructure", seed=3, knobs={"cost_mediate": 2.0, "manager_capacity": 0.5})
    assert not dear.can_afford("mediate") and not dear.choose("mediate")


def test_the_manager_in_play_mode_never_acts_on_its_own():
    game = PlayedAlliance("open_innovation", seed=2)
    for _ in range(24):
        game.next_month()
    assert not [e for e in game.model.events if e[1] == "intervention"]


def test_play_mode_compares_with_the_built_in_manager_over_the_same_months():
    game = PlayedAlliance("open_innovation", seed=2)
    for _ in range(12):
        game.choose("build_trust")
        game.next_month()
    comparison = game.benchmark()
    assert comparison["builtin"]["duration"] == comparison["you"]["duration"] == 12
    assert comparison["builtin"]["capacity_build_trust"] != comparison["you"]["capacity_build_trust"] or \
        comparison["builtin"]["total_value"] != comparison["you"]["total_value"]


def test_the_server_binds_to_localhost_with_telemetry_off():
    command = server_command("127.0.0.1", 8765)
    assert command[command.index("--host") + 1] == "127.0.0.1" and "--no-check-version" in command
    assert server_environment()["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
