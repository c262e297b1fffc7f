"""Generated documentation stays in step with the registries it is generated from."""

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_parameter_and_outcome_tables_match_the_registries():
    spec = importlib.util.spec_from_file_location("parameters", DOCS / "parameters.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert (DOCS / "parameters.md").read_text(encoding="utf-8") == generator.table(), (
        "docs/parameters.md is out of date: run .venv/bin/python docs/parameters.py"
    )
