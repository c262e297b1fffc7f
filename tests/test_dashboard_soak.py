"""Soak test: ten classroom sessions opened, played and closed leave the server as they found it."""

import time

import psutil
import pytest

from tests.browser_support import (
    ARGS,
    CHROMIUM,
    dashboard_server,
    month,
    open_page,
    require_chromium,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = 10


def one_session(browser, url: str) -> None:
    """A trainee's session: play at full speed for a while, pull a lever in the game, close the tab."""
    context = browser.new_context()
    page = open_page(context, url).page
    page.locator(".speed-toggle button", has_text="8").click()
    page.click(".play-button")
    page.wait_for_function(
        "() => parseInt(document.querySelector('.status').innerText.split(' ')[1]) >= 12",
        timeout=30_000,
    )
    page.click(".tab-play")
    page.locator(".lever-build_trust:not([disabled])").wait_for(timeout=30_000)
    page.click(".lever-build_trust")
    page.click(".next-month")
    page.wait_for_function(
        "() => document.querySelector('.play-status').innerText.includes(' 1')", timeout=30_000
    )
    page.click(".tab-simulation")
    page.wait_for_selector(".step-button")
    assert month(page) >= 12
    page.close(run_before_unload=True)  # as a closed tab: the page tells the server it is gone
    page.wait_for_event("close", timeout=10_000) if not page.is_closed() else None
    time.sleep(0.5)
    context.close()


def resident_memory(pid: int) -> int:
    process = psutil.Process(pid)
    return process.memory_info().rss + sum(
        c.memory_info().rss for c in process.children(recursive=True)
    )


def test_ten_sessions_leave_no_memory_cpu_or_figures_behind(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    log = tmp_path / "server.log"
    with dashboard_server(log) as (url, server), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        one_session(browser, url)
        time.sleep(3)
        after_first = resident_memory(server.pid)
        for _ in range(SESSIONS - 1):
            one_session(browser, url)
        time.sleep(3)
        after_all = resident_memory(server.pid)
        process = psutil.Process(server.pid)
        process.cpu_percent(None)
        time.sleep(3)
        idle_cpu = process.cpu_percent(None)
        browser.close()
    print(
        f"server memory after 1 session {after_first / 2**20:.0f} MiB, after {SESSIONS} "
        f"{after_all / 2**20:.0f} MiB; idle CPU {idle_cpu:.0f}%"
    )
    assert after_all <= 1.2 * after_first
    assert idle_cpu < 20, "a closed session left work running on the server"
    assert "More than 20 figures" not in log.read_text(errors="replace")
