"""Take the screenshots in docs/trainers.md: each tab of the dashboard, in Dutch and English.

    .venv/bin/python docs/screenshots.py        (needs Debian's chromium)
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "docs" / "img"
PORT = 8790


def main() -> None:
    server = subprocess.Popen([sys.executable, "run_experiment.py", "dashboard", "--port", str(PORT)],
                              cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{PORT}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for language in ("nl", "en"):
                page = browser.new_page()
                page.set_viewport_size({"width": 1400, "height": 1050})
                page.goto(url, wait_until="networkidle")
                page.wait_for_selector(".step-button", timeout=90_000)
                if language == "en":
                    page.locator(".language-toggle button", has_text="EN").click()
                    page.wait_for_timeout(1500)
                for _ in range(24):
                    before = page.locator(".status").inner_text()
                    page.click(".step-button")
                    page.wait_for_function("b => document.querySelector('.status').innerText !== b",
                                           arg=before, timeout=30_000)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(OUT / f"simulation_{language}.png"))
                page.click(".tab-dilemmas")
                card = page.locator(".dilemma-double_loyalty")
                card.locator(".compare-button").click()
                card.locator("table").wait_for(timeout=60_000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(OUT / f"dilemmas_{language}.png"))
                page.click(".tab-play")
                page.click(".lever-build_trust")
                page.click(".next-month")
                page.wait_for_timeout(1500)
                page.click(".compare-builtin")
                page.wait_for_timeout(2000)
                page.screenshot(path=str(OUT / f"play_{language}.png"))
                page.close()
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
