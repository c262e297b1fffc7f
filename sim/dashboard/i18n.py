"""Texts of the dashboard in Dutch and English, read from ``text/<language>.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("nl", "en")
TEXT_DIR = Path(__file__).parent / "text"


@cache
def texts(language: str) -> dict[str, Any]:
    """All texts of one language, as nested tables."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return tomllib.loads((TEXT_DIR / f"{language}.toml").read_text(encoding="utf-8"))


def t(language: str, key: str, **values: Any) -> str:
    """The text at a dotted ``key`` (e.g. ``"ui.step"``), with ``values`` filled in."""
    node: Any = texts(language)
    for part in key.split("."):
        node = node[part]
    return node.format(**values) if values else node
