"""Independent validation: Ciw on time-varying staffing, Erlang B/C over a grid including
heavy load and c = 1, and a time-varying M(t)/M/c against the pointwise stationary
approximation. scripts/validation_report.py writes the same checks to docs/validation.md."""

from __future__ import annotations

import pytest
from validation_cases import (
    CIW_CONFIGS,
    ciw_case,
    erlang_b_case,
    erlang_c_case,
    littles_law_case,
    psa_case,
)

pytest.importorskip("ciw")


def _assert_all(rows: list[dict]) -> None:
    failed = [r for r in rows if not r["passed"]]
    assert not failed, failed


@pytest.mark.parametrize("name", list(CIW_CONFIGS))
def test_agrees_with_ciw_under_time_varying_staffing(name: str) -> None:
    _assert_all(ciw_case(name))


def test_heavy_load_single_server_matches_erlang_c() -> None:
    _assert_all(erlang_c_case(1, 0.95, reps=20, weeks=15, service=3.0))


def test_time_varying_arrivals_match_the_pointwise_stationary_approximation() -> None:
    _assert_all(psa_case())


def test_littles_law() -> None:
    _assert_all(littles_law_case())


GRID_C = [(c, rho) for c in (1, 2, 5, 10) for rho in (0.5, 0.8, 0.95)]


@pytest.mark.slow
@pytest.mark.parametrize(("c", "rho"), GRID_C, ids=[f"c{c}-rho{r}" for c, r in GRID_C])
def test_erlang_c_grid(c: int, rho: float) -> None:
    _assert_all(erlang_c_case(c, rho, reps=20, weeks=10 if c >= 5 else 15, service=3.0))


GRID_B = [(1, 0.5), (1, 0.95), (3, 2.0), (5, 4.75), (10, 9.5)]


@pytest.mark.slow
@pytest.mark.parametrize(("c", "a"), GRID_B, ids=[f"c{c}-a{a}" for c, a in GRID_B])
def test_erlang_b_grid(c: int, a: float) -> None:
    _assert_all(erlang_b_case(c, a))
