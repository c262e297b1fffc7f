"""How fast the dashboard answers a trainer's clicks, in a real browser (Playwright + chromium).

A page's answer to a click is a round trip to the server: the click goes up the websocket,
the server changes the session's state and renders, the changed widgets come back. Charts
take a few hundred milliseconds to draw, so the dashboard answers clicks first and draws
once they pause (``DRAW_QUIET``, see ``sim/dashboard/app.py``). This measures, on one
server started as a trainer starts it:

- the baseline: a click that changes only a label (the speed toggle), in this process;
- Pause: until the status line says paused, and until the charts show the month it stopped at;
- a storm of 15 Play/Pause clicks 60 ms apart (as an impatient class does it, and as the
  browser test does), and one of 10 clicks alternating Play and Reset 80 ms apart: from
  the storm's last click until the page answers a new click (the speed toggle's label),
  which is how far the server has fallen behind the class.

Each is printed as best and median of ``--repeats`` and as a ratio to the baseline's median.

    python benchmarks/bench_clicks.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.browser_support import ARGS, CHROMIUM, dashboard_server, open_page  # noqa: E402

STATUS = "() => document.querySelector('.status').innerText"


def month_of(page) -> int:
    return int(page.evaluate(STATUS).split(" ")[1])


def wait_status(page, *parts: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "parts => parts.every(p => document.querySelector('.status').innerText.includes(p))",
        arg=list(parts),
        timeout=timeout,
    )


def seconds_until(page, condition) -> float:
    """Seconds from now until ``condition(page)`` has happened (it waits inside)."""
    start = time.perf_counter()
    condition(page)
    return time.perf_counter() - start


def speed_label(page, speed: int) -> float:
    page.locator(".speed-toggle button", has_text=str(speed)).click()
    start = time.perf_counter()
    page.locator(".knob-label", has_text=f"Snelheid: {speed} ").wait_for(timeout=30_000)
    return time.perf_counter() - start


def pause(page) -> tuple[float, float]:
    page.click(".play-button")
    wait_status(page, "speelt")
    page.wait_for_timeout(1000)
    page.click(".play-button")
    start = time.perf_counter()
    wait_status(page, "gepauzeerd")
    answered = time.perf_counter() - start
    page.locator(f".chart-value.drawn-month-{month_of(page)}").wait_for(timeout=30_000)
    return answered, time.perf_counter() - start


def behind_after(page, clicks: list[str], gap_ms: int, speed: int) -> float:
    """Seconds from the last of ``clicks`` until the page answers a speed change."""
    for selector in clicks:
        page.click(selector, delay=0)
        page.wait_for_timeout(gap_ms)
    page.locator(".speed-toggle button", has_text=str(speed)).click()
    start = time.perf_counter() - gap_ms / 1000
    page.locator(".knob-label", has_text=f"Snelheid: {speed} ").wait_for(timeout=60_000)
    return time.perf_counter() - start


def play_storm(page) -> float:
    behind = behind_after(page, [".play-button"] * 15, 60, 2)  # odd: it ends playing
    page.click(".play-button")
    wait_status(page, "gepauzeerd")
    return behind


def reset_storm(page) -> float:
    clicks = [".play-button" if i % 2 == 0 else ".reset-button" for i in range(10)]
    behind = behind_after(page, clicks, 80, 4)  # ends with a reset: paused at month 0
    wait_status(page, "Maand 0 ", "gepauzeerd")
    return behind


def summary(name: str, times: list[float], baseline: float) -> None:
    best, median = min(times), statistics.median(times)
    print(f"{name:44s} {best * 1000:7.0f} ms  {median * 1000:7.0f} ms  {median / baseline:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        with dashboard_server(log) as (url, _server), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = open_page(browser, url).page
            page.wait_for_timeout(3000)  # the comparison workers start with the server
            labels, answers, drawings, storms, resets = [], [], [], [], []
            for _ in range(args.repeats):
                labels += [speed_label(page, 2), speed_label(page, 4)]
                answered, drawn = pause(page)
                answers.append(answered)
                drawings.append(drawn)
                storms.append(play_storm(page))
                resets.append(reset_storm(page))
            browser.close()
    baseline = statistics.median(labels)
    print(f"{'':44s} {'best':>10s} {'median':>10s} {'x baseline':>9s}")
    summary("baseline: a click that changes a label", labels, baseline)
    summary("Pause: the status line says paused", answers, baseline)
    summary("Pause: the charts show that month", drawings, baseline)
    summary("15 Play/Pause clicks: behind by", storms, baseline)
    summary("10 Play/Reset clicks: behind by", resets, baseline)


if __name__ == "__main__":
    main()
