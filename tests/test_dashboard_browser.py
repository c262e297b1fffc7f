"""The dashboard in a real browser, offline, as in a classroom (Playwright + Debian's chromium)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run should have installed it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    port = free_port()
    server = subprocess.Popen([sys.executable, "run_experiment.py", "dashboard", "--port", str(port)],
                              cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("the dashboard did not start: " + server.stdout.read().decode(errors="replace")[-2000:])
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def open_page(browser, url, outside):
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url.rstrip("/"))
            and not r.url.startswith(("data:", "blob:", "ws://127.0.0.1")) else None)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector(".step-button", timeout=90_000)
    return page


def status(page) -> str:
    return page.locator(".status").inner_text()


def month(page) -> int:
    return int(status(page).split()[1])


def step(page, months: int = 1):
    """Click Step and wait for the month to advance; a click that lands while the page is
    still re-rendering an earlier change can be lost, so try again a few times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(months):
        target = f" {month(page) + 1} "
        for _attempt in range(6):
            page.click(".step-button")
            try:
                page.wait_for_function("m => document.querySelector('.status').innerText.includes(m)",
                                       arg=target, timeout=8_000)
                break
            except PlaywrightTimeout:
                continue
        else:
            raise AssertionError(f"the month did not advance past {status(page)!r}")


def test_a_trainer_picks_a_scenario_moves_a_slider_steps_opens_a_dilemma_and_switches_language(
        browser, dashboard_url):
    outside: list[str] = []
    page = open_page(browser, dashboard_url, outside)
    assert "Maand 0" in status(page)

    page.click(".scenario-select")
    page.locator(".v-menu__content .v-list-item", has_text="open_innovation").click()
    page.wait_for_function(
        "() => document.querySelector('.scenario-select').innerText.includes('open_innovation')",
        timeout=30_000)

    slider = page.locator(".knob-turbulence [role=slider]")
    before = slider.get_attribute("aria-valuenow")
    slider.focus()
    for _ in range(4):
        slider.press("ArrowRight")
    page.wait_for_timeout(1500)
    assert slider.get_attribute("aria-valuenow") != before

    chart_before = page.locator(".chart-value img").get_attribute("src")
    log_before = page.locator(".event-log").inner_text()
    step(page, 3)
    assert "Maand 3" in status(page)
    page.wait_for_function("src => document.querySelector('.chart-value img').getAttribute('src') !== src",
                           arg=chart_before, timeout=30_000)
    assert page.locator(".event-log").inner_text() != log_before
    assert "Maand 1:" in page.locator(".event-log").inner_text()

    page.click(".tab-dilemmas")
    card = page.locator(".dilemma-control_versus_trust")
    card.locator(".compare-button").click()
    card.get_by_text("gemiddelde waarde").wait_for(timeout=60_000)

    page.locator(".language-toggle button", has_text="EN").click()
    page.get_by_text("Control versus trust").first.wait_for(timeout=30_000)
    assert page.get_by_text("mean value").count() >= 1
    page.click(".tab-simulation")
    page.wait_for_selector(".step-button")
    assert "Month 3" in status(page)

    (PROJECT / "results").mkdir(exist_ok=True)
    page.screenshot(path=str(PROJECT / "results" / "dashboard.png"), full_page=True)
    assert outside == [], f"the page fetched from outside the server: {outside[:3]}"
    page.close()


def test_two_browser_sessions_step_independent_models(browser, dashboard_url):
    outside: list[str] = []
    first = browser.new_context()
    second = browser.new_context()
    try:
        page_a = open_page(first, dashboard_url, outside)
        page_b = open_page(second, dashboard_url, outside)
        step(page_a, 4)
        assert "Maand 4" in status(page_a)
        assert "Maand 0" in status(page_b)
        step(page_b, 1)
        assert "Maand 1" in status(page_b) and "Maand 4" in status(page_a)
    finally:
        first.close()
        second.close()


def test_playing_the_manager_in_the_browser(browser, dashboard_url):
    outside: list[str] = []
    page = open_page(browser, dashboard_url, outside)
    page.click(".tab-play")
    # The game is built when the tab first renders; a click before it stands can be lost.
    page.wait_for_function("() => document.querySelector('.play-status')?.innerText.includes('Maand 0')",
                           timeout=30_000)
    page.locator(".lever-build_trust:not([disabled])").wait_for(timeout=30_000)
    page.click(".lever-build_trust")
    page.get_by_text("De manager grijpt in").first.wait_for(timeout=30_000)
    page.click(".next-month")
    page.wait_for_function("() => document.querySelector('.play-status').innerText.includes('Maand 1')",
                           timeout=30_000)
    page.click(".compare-builtin")
    page.get_by_text("Ingebouwde manager").first.wait_for(timeout=30_000)
    page.close()


def test_play_runs_the_months_by_itself_until_paused(browser, dashboard_url):
    outside: list[str] = []
    page = open_page(browser, dashboard_url, outside)
    page.click(".play-button")
    page.wait_for_function("() => parseInt(document.querySelector('.status').innerText.split(' ')[1]) >= 3",
                           timeout=60_000)
    page.click(".play-button")
    page.locator(".play-button", has_text="Afspelen").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    paused_at = month(page)
    page.wait_for_timeout(3000)
    assert month(page) == paused_at >= 3
    page.close()
