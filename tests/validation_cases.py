"""Validation cases shared by the tests and scripts/validation_report.py.

Each case runs heart-sim and an independent reference (a queueing formula, or Ciw) and
returns rows: {case, quantity, expected, simulated, ci_low, ci_high, passed}. "expected" is
the exact value (formula) or the reference simulation's mean; the interval is the 95%
t-interval of heart-sim's replications, or, against Ciw, of the difference between the two
simulators (passed when it contains zero, i.e. they agree within the combined CIs).
"""

from __future__ import annotations

import math

import numpy as np
from builders import mmc, mmc_dict
from theory import erlang_b, erlang_c, mmc_mean_wait

from heart_sim.measure._metrics import t_interval
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.study._studies import run

SERVICE = 30.0


def _row(case, quantity, expected, values, tolerance=0.0):
    mean, lo, hi, _ = t_interval(np.asarray(values, float))
    passed = (lo - tolerance <= expected <= hi + tolerance) if not math.isnan(lo) else False
    return {
        "case": case,
        "quantity": quantity,
        "expected": expected,
        "simulated": mean,
        "ci_low": lo,
        "ci_high": hi,
        "passed": bool(passed),
    }


def erlang_c_case(
    c: int, rho: float, reps: int = 20, weeks: int = 30, seed: int = 11, service: float = SERVICE
) -> list[dict]:
    """M/M/c, unlimited patience: mean wait and P(wait > 0) against Erlang C."""
    res = run(mmc(c, rho, service_mean=service, weeks=weeks), reps=reps, seed=seed)
    r = res.replications
    a = rho * c
    name = f"Erlang C, c={c}, rho={rho}"
    return [
        _row(name, "mean wait (min)", mmc_mean_wait(c, a, service), r["crt_mean_wait_all"]),
        _row(name, "P(wait > 0)", erlang_c(c, a), r["crt_p_wait"]),
    ]


def erlang_b_case(c: int, a: float, reps: int = 20, weeks: int = 20, seed: int = 5) -> list[dict]:
    """M/M/c/c (zero patience): the share falling back against Erlang B."""
    res = run(mmc(c, a / c, service_mean=SERVICE, patience=0.0, weeks=weeks), reps=reps, seed=seed)
    return [
        _row(
            f"Erlang B, c={c}, a={a}",
            "share blocked",
            erlang_b(c, a),
            res.replications["fallback_no_unit_share"],
        )
    ]


def littles_law_case(reps: int = 5, seed: int = 3) -> list[dict]:
    """Time-average queue length against arrival rate x mean wait (with reneging)."""
    sc = mmc(2, 0.85, service_mean=SERVICE, patience=20.0, weeks=30)
    r = run(sc, reps=reps, seed=seed).replications
    window = sc.horizon_weeks * 7 * 24 * 60
    lam_w = r["crt_requests"] / window * r["crt_mean_wait_all"]
    rel = (r["crt_queue_len"] - lam_w) / lam_w
    return [
        _row(
            "Little's law, M/M/2+M(20 min), rho 0.85",
            "relative error L - lambda W",
            0.0,
            rel,
            tolerance=0.01,
        )
    ]


# --- time-varying arrivals: pointwise stationary approximation ------------------------

PSA_DAILY_RHO = (0.3, 0.5, 0.6, 0.7, 0.8, 0.6, 0.4)  # per day of week, c = 2
PSA_SERVICE = 2.0  # minutes: fast against a day, so each day is near its own steady state


def psa_case(reps: int = 10, weeks: int = 6, seed: int = 21, c: int = 2) -> list[dict]:
    """Arrival rate constant within each day, changing day to day: the call-weighted mean
    of each day's stationary M/M/c wait. Tolerance: 3% of the expected value, for the
    transients at day boundaries the approximation ignores."""
    lam = [rho * c / PSA_SERVICE for rho in PSA_DAILY_RHO]  # per minute
    data = mmc_dict(c, 0.5, service_mean=PSA_SERVICE, weeks=weeks)
    data["demand"] = {
        "calls_per_week": sum(x * 24 * 60 for x in lam),
        "daily_weights": lam,
    }
    r = run(scenario_from_dict(data), reps=reps, seed=seed).replications
    waits = [mmc_mean_wait(c, x * PSA_SERVICE, PSA_SERVICE) for x in lam]
    expected = sum(w * x for w, x in zip(waits, lam)) / sum(lam)
    return [
        _row(
            f"M(t)/M/{c}, daily-varying load 0.3-0.8 (PSA)",
            "mean wait (min)",
            expected,
            r["crt_mean_wait_all"],
            tolerance=0.03 * expected,
        )
    ]


# --- Ciw: time-varying staffing ------------------------------------------------------

CIW_CONFIGS = {
    "staffing 2/4/3 by time of day, Poisson arrivals": {
        "rates": [(0, 1440, 0.06)],
        "shifts": [(0, 480, 2), (480, 1200, 4), (1200, 1440, 3)],
        "service": 30.0,
    },
    "staffing 1/4/3 following day-varying arrivals": {
        "rates": [(0, 480, 0.02), (480, 1200, 0.1), (1200, 1440, 0.06)],
        "shifts": [(0, 480, 1), (480, 1200, 4), (1200, 1440, 3)],
        "service": 20.0,
    },
}


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _heart_sim_config(cfg: dict, weeks: int) -> dict:
    data = mmc_dict(1, 0.5, service_mean=cfg["service"], weeks=weeks)
    data["programs"]["crt"]["shifts"] = [
        {"days": "daily", "start": _hhmm(a), "end": _hhmm(b), "units": u}
        for a, b, u in cfg["shifts"]
    ]
    hourly = [0.0] * 24
    for a, b, rate in cfg["rates"]:
        for h in range(a // 60, b // 60):
            hourly[h] = rate * 60  # calls in the hour
    data["demand"] = {"calls_per_week": sum(hourly) * 7, "hourly_weights": hourly}
    return data


def _ciw_rep(cfg: dict, weeks_total: int, warmup_min: float, seed: int) -> dict:
    import ciw

    ciw.seed(seed)  # before building the network: PoissonIntervals draws when it is made
    horizon = weeks_total * 7 * 1440
    days = weeks_total * 7
    rates, ends = [], []
    for d in range(days):
        for _start, b, rate in cfg["rates"]:
            rates.append(rate)
            ends.append(d * 1440 + b)
    schedule = ciw.Schedule(
        numbers_of_servers=[u for _, _, u in cfg["shifts"]],
        shift_end_dates=[b for _, b, _ in cfg["shifts"]],
        preemption=False,
    )
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.PoissonIntervals(rates, ends, horizon)],
        service_distributions=[ciw.dists.Exponential(1 / cfg["service"])],
        number_of_servers=[schedule],
    )
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(horizon)
    recs = [r for r in sim.get_all_records() if r.arrival_date >= warmup_min]
    waits = np.array([r.waiting_time for r in recs])
    return {"wait": waits.mean(), "p_wait": (waits > 1e-9).mean(), "served": len(recs)}


def ciw_case(name: str, reps: int = 20, weeks: int = 8, seed: int = 31) -> list[dict]:
    """heart-sim and Ciw on the same queue with a server schedule: the difference of their
    means lies within the combined 95% CI (Welch t-interval on the two sets of replications)."""
    cfg = CIW_CONFIGS[name]
    data = _heart_sim_config(cfg, weeks)
    sc = scenario_from_dict(data)
    hs = run(sc, reps=reps, seed=seed).replications
    ciw_reps = [_ciw_rep(cfg, weeks + 1, sc.start_min, seed + 1000 + r) for r in range(reps)]
    rows = []
    for quantity, hs_values, key in (
        ("mean wait (min)", hs["crt_mean_wait_all"], "wait"),
        ("P(wait > 0)", hs["crt_p_wait"], "p_wait"),
        ("calls served", hs["crt_served"], "served"),
    ):
        a = np.asarray(hs_values, float)
        b = np.array([c[key] for c in ciw_reps], float)
        diff = a.mean() - b.mean()
        se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        half = 1.96 * se
        rows.append(
            {
                "case": f"Ciw: {name}",
                "quantity": quantity,
                "expected": b.mean(),
                "simulated": a.mean(),
                "ci_low": a.mean() - half,
                "ci_high": a.mean() + half,
                "passed": bool(abs(diff) <= half),
            }
        )
    return rows
