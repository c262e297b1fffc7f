"""Starting the dashboard server: local by default, offline assets, no telemetry."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")
DEFAULT_PORT = 8765
#: How long a session whose browser lost its connection (without closing the tab) is kept,
#: so it can reconnect with its state; after that its model is freed (Solara's default is 24 h).
SESSION_GRACE = "10m"


def server_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command for the dashboard, in production mode, without opening a browser."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def server_environment() -> dict[str, str]:
    """The environment for the server: Solara's telemetry off, and the front-end served from
    the locally installed ``solara-assets`` (through Solara's asset proxy cache) instead of a CDN,
    and a lost session freed after :data:`SESSION_GRACE` (a closed tab frees it at once)."""
    env = dict(os.environ)
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", SESSION_GRACE)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_ASSETS_PROXY"] = "True"
    env["MPLBACKEND"] = "Agg"
    return env


def run(host: str, port: int | None) -> None:
    """Replace this process by the dashboard server (port: argument, then $PORT, then 8765)."""
    port = port if port is not None else int(os.environ.get("PORT", DEFAULT_PORT))
    print(f"dashboard: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    os.execve(sys.executable, server_command(host, port), server_environment())
