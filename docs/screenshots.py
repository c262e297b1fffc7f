"""Take the screenshots in docs/trainers.md: each tab of the dashboard, in Dutch and English.

    .venv/bin/python docs/screenshots.py        (needs Debian's chromium)

The Simulation tab shows the lesson preset "a crisis shifts power" played to month 24;
the Dilemmas tab the double-loyalty card compared over 120 runs; the manager game two
months in, with one lever pulled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.browser_support import ARGS, CHROMIUM, dashboard_server, open_page  # noqa: E402

OUT = PROJECT / "docs" / "img"
SIZE = (1280, 860)


def main() -> None:
    with dashboard_server() as (url, _server), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for language in ("nl", "en"):
            page = open_page(browser, url, *SIZE, language=language).page
            page.click(".lesson-crisis_shifts_power")
            page.wait_for_timeout(1000)
            page.locator(".speed-toggle button", has_text="8").click()
            page.click(".play-button")
            page.wait_for_function(
                "() => parseInt(document.querySelector('.status').innerText.split(' ')[1]) >= 24",
                timeout=60_000,
            )
            page.click(".play-button")
            page.wait_for_timeout(2500)
            page.screenshot(path=str(OUT / f"simulation_{language}.png"))
            page.click(".tab-dilemmas")
            card = page.locator(".dilemma-double_loyalty")
            card.locator(".compare-button").click()
            card.locator(".dilemma-result").wait_for(timeout=90_000)
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / f"dilemmas_{language}.png"))
            page.click(".tab-play")
            page.locator(".lever-build_trust:not([disabled])").wait_for(timeout=30_000)
            page.click(".lever-build_trust")
            page.wait_for_timeout(500)
            page.click(".next-month")
            page.wait_for_timeout(800)
            page.click(".lever-mediate")
            page.wait_for_timeout(500)
            page.click(".next-month")
            page.wait_for_timeout(2000)
            page.screenshot(path=str(OUT / f"play_{language}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
