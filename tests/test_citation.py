"""The citation file says what a reader must cite: this version, under its licence."""

import re
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _top_level(text: str, key: str) -> str:
    """A top-level scalar of the CFF (YAML) file, unquoted; no YAML parser is a dependency."""
    match = re.search(rf"^{re.escape(key)}:\s*\"?([^\"\n]*)\"?\s*$", text, re.MULTILINE)
    assert match, f"CITATION.cff has no {key}"
    return match.group(1)


def test_citation_file_names_the_version_and_licence_of_the_package():
    citation = (PROJECT / "CITATION.cff").read_text()
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert _top_level(citation, "cff-version") == "1.2.0"
    assert _top_level(citation, "version") == project["version"]
    assert _top_level(citation, "license") == project["license"] == "MIT"
    assert re.search(
        r'^authors:\n  - name: "The alliance-sim contributors"$', citation, re.MULTILINE
    )
