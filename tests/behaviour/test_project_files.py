"""The files users and institutions expect beside the code: the MIT licence, a changelog in
the Keep a Changelog form with an entry for the current version, and a CITATION.cff that is
valid Citation File Format 1.2.0 and names the installed version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import heart_sim as hs

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
VERSION = re.search(r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.M)[1]  # type: ignore[index]


def test_the_version_is_the_installed_one() -> None:
    assert VERSION == "0.2.0"
    assert hs.__version__ == VERSION, "reinstall: pip install -e '.[test]'"


def test_licence_is_the_mit_text() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 heart-sim contributors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_changelog_has_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in text
    versions = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert versions[0] == ("Unreleased", "")
    assert versions[1][0] == VERSION and versions[1][1], "a dated entry for this version"
    sections = re.findall(r"^### (\w+)$", text, re.M)
    assert set(sections) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_citation_file_is_valid_cff_1_2_0() -> None:
    schema = json.loads((ROOT / "tests" / "data" / "cff_1.2.0_schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(citation)
    assert citation["version"] == VERSION and citation["license"] == "MIT"


def test_the_cff_schema_refuses_a_broken_citation() -> None:
    """The check above can fail: the same schema refuses a file without authors."""
    schema = json.loads((ROOT / "tests" / "data" / "cff_1.2.0_schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    del citation["authors"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(citation)
