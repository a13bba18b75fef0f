"""Shared fixtures."""

from __future__ import annotations

import copy

import pytest
from builders import baseline_dict


@pytest.fixture
def baseline() -> dict:
    return copy.deepcopy(baseline_dict())
