"""Texts of the dashboard in Dutch and English.

Each language's texts are ``text/<language>.toml``, plus one namespace per extra file
``text/<page>_<language>.toml``: a page added in its own module brings its own text
files (e.g. ``text/pps_en.toml``, read as ``t(language, "pps.tab")``) without editing the
shared ones. A namespace that clashes with a table of the main file is an error naming
both files.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("nl", "en")
TEXT_DIR = Path(__file__).parent / "text"


def text_files(directory: Path, language: str) -> dict[str, Path]:
    """The extra text files of one language, by namespace: ``<page>_<language>.toml`` -> page."""
    suffix = f"_{language}.toml"
    return {path.name[: -len(suffix)]: path for path in sorted(directory.glob(f"*{suffix}"))}


def load_texts(directory: Path, language: str) -> dict[str, Any]:
    """All texts of one language from ``directory``, as nested tables (see the module's notes)."""
    main = directory / f"{language}.toml"
    merged: dict[str, Any] = tomllib.loads(main.read_text(encoding="utf-8"))
    for namespace, path in text_files(directory, language).items():
        if namespace in merged:
            raise ValueError(
                f"{path.name}: its namespace {namespace!r} is already a table of {main.name}"
            )
        merged[namespace] = tomllib.loads(path.read_text(encoding="utf-8"))
    return merged


@cache
def texts(language: str) -> dict[str, Any]:
    """All texts of one language shipped with the dashboard."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return load_texts(TEXT_DIR, language)


def t(language: str, key: str, **values: Any) -> str:
    """The text at a dotted ``key`` (e.g. ``"ui.step"``), with ``values`` filled in."""
    node: Any = texts(language)
    for part in key.split("."):
        node = node[part]
    return node.format(**values) if values else node


def name(language: str, kind: str, raw: str) -> str:
    """A scenario, partner or sector name (``kind``: scenarios, partners, sectors) in ``language``.

    A generated partner ("public 2") is its translated sector and its number; a name with
    no translation is shown as it is.
    """
    table = texts(language).get(kind, {})
    if raw in table:
        return table[raw]
    generated = re.fullmatch(r"(\w+) (\d+)", raw)
    if kind == "partners" and generated and generated[1] in texts(language).get("sectors", {}):
        return f"{texts(language)['sectors'][generated[1]]} {generated[2]}"
    return raw


#: Languages that write a decimal comma (0,39) and separate listed numbers with "; ".
DECIMAL_COMMA = ("nl",)


def number(language: str, formatted: str) -> str:
    """A number already formatted with a decimal point, in the language's convention, so a
    card's tables and its texts write decimals the same way."""
    return formatted.replace(".", ",") if language in DECIMAL_COMMA else formatted


def number_range(language: str, low: str, high: str) -> str:
    """An interval of two formatted numbers: "[0.01, 0.10]" or, with decimal commas, "[0,01; 0,10]"."""
    separator = "; " if language in DECIMAL_COMMA else ", "
    return f"[{number(language, low)}{separator}{number(language, high)}]"
