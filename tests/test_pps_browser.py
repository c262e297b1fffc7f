"""The policy officer's flow on the "PPS designs" page, in a real browser, offline, in both
languages: two named designs, a small stress test, the table and sentences, the memo."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.browser_support import ARGS, CHROMIUM, PROJECT, dashboard_server, require_chromium

pytestmark = pytest.mark.browser

FLOW = (  # language, the designs' names, words of the table and of a verdict
    ("nl", ("Tolweg Alfa", "Beschikbaar Beta"), "Maximale spijt", "gemiddeld"),
    ("en", ("Toll road Alpha", "Available Beta"), "Maximum regret", "on average"),
)


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


@pytest.fixture
def written():
    """Results folders and experiment files the test's stress tests wrote, removed afterwards."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def open_pps_page(browser, url, outside):
    page = browser.new_page(accept_downloads=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(url.rstrip("/"))
            and not r.url.startswith(("data:", "blob:", "ws://127.0.0.1"))
            else None
        ),
    )
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector(".tab-pps", timeout=90_000)
    page.click(".tab-pps")
    page.wait_for_selector(".stress-test", timeout=30_000)
    return page


def set_futures(page, presses_from_minimum: int) -> None:
    """Move the futures slider to its minimum (10), then ``presses`` steps of 10 up."""
    slider = page.locator(".futures-count [role=slider]")
    slider.focus()
    slider.press("Home")
    for _ in range(presses_from_minimum):
        slider.press("ArrowRight")
    page.wait_for_timeout(500)


def remember_folders(page, written) -> None:
    for path in re.findall(r"results/[\w.-]+", page.locator(".pps-page").inner_text()):
        written.append(PROJECT / path)
        written.append(PROJECT / (path + ".toml"))


def test_a_policy_officer_stress_tests_two_named_designs_in_both_languages(
    browser, dashboard_url, written, tmp_path
):
    outside: list[str] = []
    page = open_pps_page(browser, dashboard_url, outside)
    for language, names, table_word, verdict_word in FLOW:
        if language == "en":
            page.locator(".language-toggle button", has_text="EN").click()
            page.get_by_text("Stress-test").first.wait_for(timeout=30_000)
        for i, name in enumerate(names):
            page.locator(f".design-name-{i} input").fill(name)
        set_futures(page, 0)
        page.wait_for_timeout(800)
        page.click(".stress-test")
        page.wait_for_function(
            "name => document.querySelector('.pps-summary')?.innerText.includes(name)",
            arg=names[1],
            timeout=180_000,
        )
        summary = page.locator(".pps-summary").inner_text()
        assert table_word in summary and verdict_word in summary
        assert all(name in summary for name in names)
        remember_folders(page, written)
        with page.expect_download(timeout=30_000) as download:
            page.click(".memo-download")
        memo = tmp_path / f"memo_{language}.html"
        download.value.save_as(memo)
        text = memo.read_text(encoding="utf-8")
        assert all(name in text for name in names) and "<svg" in text
    assert outside == [], f"the page fetched from outside the server: {outside[:3]}"
    page.close()


def test_a_long_stress_test_shows_progress_and_can_be_cancelled(browser, dashboard_url, written):
    outside: list[str] = []
    page = open_pps_page(browser, dashboard_url, outside)
    set_futures(page, 39)  # 400 futures: long enough to cancel
    page.click(".stress-test")
    page.wait_for_selector(".pps-progress", timeout=30_000)
    page.click(".design-name-0 input")  # the page still answers while the runs go on
    page.click(".cancel-stress")
    page.wait_for_selector(".pps-cancelled", timeout=120_000)
    remember_folders(page, written)
    assert page.locator(".stress-test:not([disabled])").count() == 1
    page.close()
