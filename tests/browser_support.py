"""Helpers for the dashboard's browser tests: a server on 127.0.0.1 and a port of its own,
Debian's chromium through Playwright, and a page that records what went wrong in it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run should have installed it")
        pytest.skip("chromium is not installed (apt-get install chromium)")


@contextmanager
def dashboard_server(log: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """The dashboard as a trainer starts it (run_experiment.py dashboard), on a free local port."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "run_experiment.py", "dashboard", "--port", str(port)],
        cwd=PROJECT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(
                "the dashboard did not start" + (f": {log.read_text()[-2000:]}" if log else "")
            )
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if log:
            out.close()


class Watched:
    """A page with what went wrong in it: console errors, script errors, failed or outside requests."""

    def __init__(self, page, url: str):
        self.page = page
        self.problems: list[str] = []
        self.outside: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "request",
            lambda r: (
                self.outside.append(r.url)
                if not r.url.startswith(url.rstrip("/"))
                and not r.url.startswith(("data:", "blob:", "ws://127.0.0.1"))
                else None
            ),
        )


def open_page(
    browser, url: str, width: int = 1400, height: int = 1000, language: str = "nl"
) -> Watched:
    page = browser.new_page()  # a Browser or a BrowserContext
    page.set_viewport_size({"width": width, "height": height})
    watched = Watched(page, url)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector(".step-button", timeout=90_000)
    if language == "en":
        page.locator(".language-toggle button", has_text="en").click()
        page.get_by_text("Step", exact=True).wait_for(timeout=30_000)
    return watched


def status(page) -> str:
    return page.locator(".status").first.inner_text()


def month(page) -> int:
    return int(status(page).split()[1])
