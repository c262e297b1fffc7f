"""The dashboard in a real browser, offline, as in a classroom (Playwright + Debian's chromium)."""

import time

import pytest

from sim.dashboard import charts
from sim.dashboard.app import PAGES
from sim.dashboard.dilemmas import COMPARISON_RUNS, MORE_RUNS, dilemmas
from sim.dashboard.i18n import t
from sim.dashboard.lessons import MOMENTS, lessons
from tests.browser_support import (
    ARGS,
    CHROMIUM,
    PROJECT,
    dashboard_server,
    month,
    open_page,
    require_chromium,
    status,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    require_chromium()
    with dashboard_server(tmp_path_factory.mktemp("server") / "server.log") as (url, _server):
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def playing(page) -> bool:
    return page.locator(".play-button").inner_text().strip() in ("Pauze", "Pause")


def wait_month(page, at_least: int, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "m => parseInt(document.querySelector('.status').innerText.split(' ')[1]) >= m",
        arg=at_least,
        timeout=timeout,
    )


def step(page, months: int = 1) -> None:
    for _ in range(months):
        target = month(page) + 1
        page.click(".step-button")
        wait_month(page, target, timeout=15_000)


def settle(page, ms: int = 1200) -> None:
    """Let the server answer the last clicks (no request is pending afterwards)."""
    page.wait_for_timeout(ms)


def assert_true_state(page) -> None:
    """The button and the status line say the same thing, and the month moves only while playing."""
    settle(page)
    shown_playing = playing(page)
    assert ("speelt" in status(page)) == shown_playing, (status(page), shown_playing)
    before = month(page)
    page.wait_for_timeout(1500)
    moved = month(page) > before
    assert moved == shown_playing or "ontbonden" in status(page) or "looptijd" in status(page)


def test_a_trainer_picks_a_scenario_moves_a_slider_steps_opens_a_dilemma_and_switches_language(
    browser, dashboard_url
):
    watched = open_page(browser, dashboard_url)
    page = watched.page
    assert "Maand 0" in status(page)

    page.click(".scenario-select")
    page.locator(".v-menu__content .v-list-item", has_text="Open innovatie").click()
    page.wait_for_function(
        "() => document.querySelector('.scenario-select').innerText.includes('Open innovatie')",
        timeout=30_000,
    )

    label = page.locator(".knob-label", has_text="Turbulentie")
    before = label.inner_text()
    slider = page.locator(".knob-turbulence [role=slider]")
    slider.focus()
    for _ in range(4):
        slider.press("ArrowRight")
    page.wait_for_function(
        "b => [...document.querySelectorAll('.knob-label')].some("
        "e => e.innerText.startsWith('Turbulentie') && e.innerText !== b)",
        arg=before,
        timeout=15_000,
    )

    chart_before = page.locator(".chart-value img").get_attribute("src")
    step(page, 3)
    assert "Maand 3" in status(page)
    page.wait_for_function(
        "src => document.querySelector('.chart-value img').getAttribute('src') !== src",
        arg=chart_before,
        timeout=30_000,
    )
    assert "Maand 1:" in page.locator(".event-log").inner_text()

    page.click(".tab-dilemmas")
    card = page.locator(".dilemma-control_versus_trust")
    card.locator(".compare-button").click()
    card.locator(".dilemma-result").wait_for(timeout=90_000)

    page.locator(".language-toggle button", has_text="en").click()
    page.get_by_text("Control versus trust").first.wait_for(timeout=30_000)
    # The card's text follows its title in a later update of the page: wait for it too.
    card.get_by_text("free-riding").first.wait_for(timeout=30_000)
    page.click(".tab-simulation")
    page.wait_for_selector(".step-button")
    assert "Month 3" in status(page)
    assert watched.outside == [], f"the page fetched from outside the server: {watched.outside[:3]}"
    page.close()


def test_two_browser_sessions_step_independent_models(browser, dashboard_url):
    first, second = browser.new_context(), browser.new_context()
    try:
        page_a = open_page(first, dashboard_url).page
        page_b = open_page(second, dashboard_url).page
        step(page_a, 4)
        assert "Maand 4" in status(page_a) and "Maand 0" in status(page_b)
        step(page_b, 1)
        assert "Maand 1" in status(page_b) and "Maand 4" in status(page_a)
    finally:
        first.close()
        second.close()


def test_a_storm_of_play_pause_and_reset_clicks_leaves_a_working_page_in_its_true_state(
    browser, dashboard_url
):
    watched = open_page(browser, dashboard_url)
    page = watched.page
    for _ in range(15):
        page.click(".play-button", delay=0)
        page.wait_for_timeout(60)
    assert_true_state(page)
    for i in range(10):
        page.click(".play-button" if i % 2 == 0 else ".reset-button")
        page.wait_for_timeout(80)
    assert_true_state(page)
    if playing(page):
        page.click(".play-button")
        settle(page)
    at = month(page)
    step(page)
    assert month(page) == at + 1
    page.click(".play-button")
    wait_month(page, at + 3)
    page.click(".play-button")
    assert_true_state(page)
    assert page.get_by_text("disconnected").count() == 0
    assert watched.problems == [], watched.problems[:5]
    page.close()


def test_a_setting_changed_during_play_pauses_and_says_what_to_do(browser, dashboard_url):
    page = open_page(browser, dashboard_url).page
    page.click(".play-button")
    wait_month(page, 3)
    slider = page.locator(".knob-turbulence [role=slider]")
    slider.focus()
    slider.press("ArrowRight")
    page.locator(".notice", has_text="Gepauzeerd").wait_for(timeout=15_000)
    assert_true_state(page)
    assert not playing(page) and month(page) == 0
    page.close()


def drawn_at(page, chart: str, at: int) -> None:
    """Wait (briefly: "at once" is what the trainer sees) until ``chart`` shows month ``at``
    (the chart carries the class ``drawn-month-<n>`` of the month it was drawn at)."""
    page.locator(f"{chart}.drawn-month-{at}").wait_for(timeout=3_000)


def test_pause_step_and_reset_draw_the_charts_at_the_month_they_stop_at(browser, dashboard_url):
    page = open_page(browser, dashboard_url).page
    page.locator(".speed-toggle button", has_text="8").click()
    page.get_by_text("Snelheid: 8 maanden").wait_for(timeout=15_000)
    for _ in range(2):  # each new Play, not only the first
        page.click(".play-button")
        wait_month(page, month(page) + 9)
        page.click(".play-button")
        page.get_by_text("gepauzeerd").wait_for(timeout=5_000)
        for chart in (".chart-value", ".chart-power", ".chart-network", ".chart-satisfaction"):
            drawn_at(page, chart, month(page))
    step(page)
    drawn_at(page, ".chart-value", month(page))
    page.click(".reset-button")
    wait_month(page, 0)
    page.wait_for_function("() => document.querySelector('.status').innerText.includes(' 0 ')")
    drawn_at(page, ".chart-value", 0)
    page.close()


def test_a_seed_typed_during_play_is_kept_and_play_clears_the_note(browser, dashboard_url):
    page = open_page(browser, dashboard_url).page
    page.click(".play-button")
    wait_month(page, 2)
    seed = page.locator(".seed-input input")
    seed.click()
    seed.press("Control+a")
    seed.type("9")
    page.locator(".notice", has_text="Gepauzeerd").wait_for(timeout=15_000)
    settle(page)
    assert seed.input_value() == "9" and not playing(page) and month(page) == 0
    page.click(".play-button")
    wait_month(page, 1)
    assert page.locator(".notice").count() == 0  # "press Play" is gone once Play is pressed
    page.click(".play-button")
    page.close()


@pytest.mark.parametrize("speed", [4, 8])
def test_the_labelled_speed_is_the_real_speed(browser, dashboard_url, speed):
    page = open_page(browser, dashboard_url).page
    page.locator(".speed-toggle button", has_text=str(speed)).click()
    page.get_by_text(f"Snelheid: {speed} maanden").wait_for(timeout=15_000)
    page.click(".play-button")
    wait_month(page, 2)
    start, first = time.monotonic(), month(page)
    page.wait_for_timeout(8000)
    rate = (month(page) - first) / (time.monotonic() - start)
    page.click(".play-button")
    print(f"labelled {speed} months/s, measured {rate:.2f}")
    assert abs(rate - speed) <= 0.2 * speed, f"labelled {speed} months/s, measured {rate:.2f}"
    page.close()


def visible_and_unclipped(page, selector: str) -> list[str]:
    """Elements matching ``selector`` that are hidden, outside the window's width, squeezed
    (under 60 px wide) or whose content overflows them."""
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)].flatMap(e => {
        const r = e.getBoundingClientRect();
        const bad = r.width < 28 || r.height < 8 || r.left < 0 || r.right > window.innerWidth + 1
                    || e.scrollWidth > e.clientWidth + 2;
        return bad ? [sel + ' ' + (e.innerText || e.className).slice(0, 40) + ' ' + JSON.stringify(r)] : [];
    })""",
        selector,
    )


@pytest.mark.parametrize("width,height", [(1024, 768), (1920, 1080)])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_control_is_usable_on_a_projector_and_a_wall_screen(
    browser, dashboard_url, width, height, language
):
    watched = open_page(browser, dashboard_url, width, height, language)
    page = watched.page
    problems = []
    for selector in (
        ".step-button",
        ".play-button",
        ".reset-button",
        ".speed-toggle .v-btn",
        ".lesson-presets .v-btn",
        ".knob-label",
        ".knob-slider",
        ".scenario-select .v-select__selection",
        ".manager-select .v-select__selection",
        ".seed-input input",
        ".event-log",
        ".chart img",
    ):
        assert page.locator(selector).count() > 0, selector
        problems += visible_and_unclipped(page, selector)
    labels = page.locator(".knob-label").all_inner_texts()
    assert all(
        ":" in label and any(c.isdigit() for c in label.split(":")[-1]) for label in labels
    ), labels
    charts_box = page.locator(".chart-grid").bounding_box()
    log_box = page.locator(".event-log").bounding_box()
    assert log_box["x"] >= charts_box["x"] + charts_box["width"] - 2 and log_box["y"] < height / 2
    chart_width = page.locator(".chart-value img").bounding_box()["width"]
    text_px = charts.FONT * charts.DPI / 72 * chart_width / (charts.SIZE[0] * charts.DPI)
    assert text_px >= (11.5 if width < 1200 else 18), f"chart text {text_px:.1f} px high"
    turbulence = page.locator(".knob-turbulence").bounding_box()
    assert turbulence["y"] + turbulence["height"] <= height, "the lesson's slider is below the fold"
    page.click(".tab-play")
    page.locator(".lever-build_trust").wait_for(timeout=30_000)
    settle(page)  # the tab's slide-in animation
    for selector in (
        ".lever-buttons .v-btn",
        ".next-month",
        ".new-game",
        ".game-scenario-select .v-select__selection",
    ):
        problems += visible_and_unclipped(page, selector)
    # the game's charts are as readable as the Simulation tab's, and its history table is
    # not run over by the event log
    for chart in (".game-duel img", ".game-network img"):
        game_width = page.locator(chart).bounding_box()["width"]
        game_px = charts.FONT * charts.DPI / 72 * game_width / (charts.SIZE[0] * charts.DPI)
        assert game_px >= (11.5 if width < 1200 else 18), f"{chart}: text {game_px:.1f} px high"
    history = page.locator(".game-history").bounding_box()
    log = page.locator(".event-log").bounding_box()
    apart = (
        history["x"] + history["width"] <= log["x"] + 1
        or log["y"] >= history["y"] + history["height"] - 1
    )
    assert apart and history["x"] + history["width"] <= width, (history, log)
    page.click(".tab-dilemmas")
    page.locator(".dilemma-card").first.wait_for(timeout=30_000)
    settle(page)
    for selector in (".dilemma-card", ".compare-button", ".try-a", ".try-b"):
        problems += visible_and_unclipped(page, selector)
    # the PPS tab: each slider has a width, with its label (and value) on a line above it
    page.click(".tab-pps")
    page.locator(".pps-page .v-input__slider").first.wait_for(timeout=30_000)
    settle(page)
    sliders = page.locator(".pps-page .v-input__slider")
    for i in range(sliders.count()):
        label = sliders.nth(i).locator(".v-label").bounding_box()
        track = sliders.nth(i).locator(".v-slider").bounding_box()
        assert track["width"] >= 100 and label["y"] + label["height"] <= track["y"] + 1, i
        assert any(c.isdigit() for c in sliders.nth(i).locator(".v-label").inner_text()), i
    assert problems == [], "\n".join(problems)
    assert watched.problems == [], watched.problems[:5]
    page.screenshot(path=str(PROJECT / "results" / f"dashboard_{width}_{language}.png")) if (
        PROJECT / "results"
    ).is_dir() else None
    page.close()


def test_each_dilemma_card_shows_both_sides_of_its_dilemma(browser, dashboard_url):
    page = open_page(browser, dashboard_url, language="en").page
    page.click(".tab-dilemmas")
    cards = dilemmas()
    for card in cards:
        page.locator(f".dilemma-{card.key} .compare-button").click()
    page.locator(".comparing").first.wait_for(timeout=10_000)  # the spinner's text while computing
    # the page answers while the comparisons run in the background, on this tab and another
    page.locator(".language-toggle button", has_text="nl").click()
    page.get_by_text("Dubbele loyaliteit").wait_for(timeout=5_000)
    page.locator(".language-toggle button", has_text="en").click()
    page.get_by_text("Double loyalty").wait_for(timeout=5_000)
    started = time.monotonic()
    page.click(".tab-simulation")
    page.wait_for_selector(".step-button", timeout=5_000)
    assert time.monotonic() - started < 3.0, "switching tabs waited for the comparisons"
    page.click(".tab-dilemmas")
    for card in cards:
        box = page.locator(f".dilemma-{card.key}")
        box.locator(".dilemma-result").wait_for(timeout=120_000)
        text = box.inner_text()
        for outcome in card.outcomes:
            assert t("en", f"measures.{outcome}") in text, (card.key, outcome)
        assert (
            t("en", f"dilemmas.{card.key}.a_wins") in text
            and t("en", f"dilemmas.{card.key}.a_costs") in text
        )
        assert "–" not in box.locator(".dilemma-result").inner_text().replace("A − B", "")
    # the results (and a comparison still running) survive a visit to another tab
    more = page.locator(".dilemma-inclusion_versus_speed .more-button")
    more.click()
    page.click(".tab-play")
    page.locator(".next-month").wait_for(timeout=15_000)
    page.click(".tab-dilemmas")
    page.locator(".dilemma-result").nth(len(cards) - 1).wait_for(timeout=10_000)
    assert page.locator(".dilemma-result").count() == len(cards)
    page.locator(
        ".dilemma-inclusion_versus_speed",
        has_text=f"{COMPARISON_RUNS + MORE_RUNS} runs per option",
    ).wait_for(timeout=120_000)
    page.close()


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson.key)
def test_each_lesson_preset_produces_its_moment_on_the_page(browser, dashboard_url, lesson):
    page = open_page(browser, dashboard_url).page
    page.click(f".lesson-{lesson.key}")
    page.locator(".notice", has_text="Lesvoorbeeld").wait_for(timeout=15_000)
    assert "Maand 0" in status(page)
    page.locator(".speed-toggle button", has_text="8").click()
    page.click(".play-button")
    if lesson.key == "crisis_shifts_power":
        page.locator(".event-log", has_text="een crisis").wait_for(timeout=30_000)
        wait_month(page, 18)
        page.click(".play-button")
        assert "Maand 11: Schok: een crisis" in page.locator(".event-log").inner_text()
    else:
        third_shock = MOMENTS[lesson.key](lesson)["shock_months"][2]
        wait_month(page, third_shock + 1, timeout=60_000)
        page.click(".play-button")
        assert page.locator(".event-log").inner_text().count("Schok") >= 3
        assert "ontbonden" not in status(page)
    page.close()


def test_playing_the_manager_against_the_built_in_manager(browser, dashboard_url):
    watched = open_page(browser, dashboard_url)
    page = watched.page
    page.click(".tab-play")
    page.wait_for_function(
        "() => document.querySelector('.play-status')?.innerText.includes('Maand 0')",
        timeout=30_000,
    )
    assert "Shared service centrum" in page.locator(".game-scenario-select").inner_text()
    page.locator(".lever-build_trust:not([disabled])").wait_for(timeout=30_000)
    page.click(".lever-build_trust")
    page.get_by_text("De manager grijpt in").first.wait_for(timeout=30_000)
    assert page.locator(".lever-build_trust").is_disabled()  # once a month
    page.click(".next-month")
    page.wait_for_function(
        "() => document.querySelector('.play-status').innerText.includes('Maand 1')", timeout=30_000
    )
    page.locator(".game-history", has_text="Vertrouwen opbouwen").wait_for(timeout=15_000)
    assert "hendels ingebouwde manager" in page.locator(".game-history").inner_text()
    # worn: twice the cost (written with a decimal comma on the Dutch page)
    assert "0,60" in page.locator(".lever-build_trust").inner_text()
    assert watched.problems == [], watched.problems[:5]
    page.close()


def test_the_page_loads_without_script_errors_or_missing_files(browser, dashboard_url):
    watched = open_page(browser, dashboard_url)
    page = watched.page
    for spec in [*PAGES[1:], PAGES[0]]:  # every tab, and back to the first
        page.click(f".tab-{spec.key}")
        settle(page, 1500)
    assert watched.problems == [], watched.problems[:5]
    assert watched.outside == []
    page.close()
