"""heart_sim type-checks clean under mypy (with the pydantic plugin), as configured in
pyproject.toml, and ships py.typed so users' type checkers read its hints."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_is_clean() -> None:
    beside = Path(sys.executable).parent / "mypy"
    mypy = str(beside) if beside.exists() else shutil.which("mypy")
    if mypy is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    proc = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_package_ships_py_typed() -> None:
    assert (ROOT / "heart_sim" / "py.typed").is_file()
