"""heart-sim fit: inputs fitted from call records.

On the real Milwaukee dispatch log (tests/data, MIT licence): the fitted hour-of-week
profile is the one shipped in heart_sim/data (and the weights of durham_2022.yaml), the gap
in the log is found, the day-to-day variation is the one the Durham comment cites. On
synthetic exports with known truth (tests/fit_synthetic.py): the truth lies inside the fit's
own 95% intervals (no more misses than 95% intervals allow), and every messy row is counted.
On the Lane County summary statistics: the fitted distributions reproduce the published
percentiles.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from fit_synthetic import TIME_FORMAT, TYPE_MAP, TYPES, ZONES, synthetic_export
from scipy import stats
from typer.testing import CliRunner

from heart_sim.cli import app
from heart_sim.fitting._callfile import (
    BLANK,
    DATE_ONLY,
    EARLY,
    MIDNIGHT,
    SENTINEL,
    Columns,
    DurationSpec,
    FitError,
    parse_times,
    read_calls,
)
from heart_sim.fitting._demand import fit_demand, parse_holidays
from heart_sim.fitting._durations import fit_durations
from heart_sim.fitting._fragment import check_on, fragment_yaml
from heart_sim.fitting._inputs import FitOptions, fit_inputs, placement, resolve_columns
from heart_sim.fitting._shares import apply_mapping, read_mapping
from heart_sim.fitting._summary import read_summary, summary_yaml
from heart_sim.scenario._distributions import REGISTRY
from heart_sim.scenario._load import load_scenario, read_yaml
from heart_sim.scenario._profiles import milwaukee_overdispersion

ROOT = Path(__file__).resolve().parents[2]
MILWAUKEE = ROOT / "tests" / "data" / "milwaukee_police_dispatch_2018-05.csv.gz"
MKE_TYPES = ROOT / "scenarios" / "fit" / "milwaukee_types.yaml"
LANE = ROOT / "heart_sim" / "data" / "lane_county_crisis_team_times.csv"
runner = CliRunner()


# --- the Milwaukee dispatch log ----------------------------------------------------------


@pytest.fixture(scope="module")
def milwaukee():
    options = FitOptions(time_column="time", type_column="nature", type_map=MKE_TYPES)
    return fit_inputs(MILWAUKEE, options)


def test_milwaukee_profile_is_the_shipped_one(milwaukee) -> None:
    """The calls per day in each hour of the week on the complete days are those of
    heart_sim/data/milwaukee_hour_of_week.csv (bh_core, 4 decimals), and the 24 + 7 weights
    are the ones durham_2022.yaml was given by scripts/derive_profile.py."""
    d = milwaukee.demand
    shipped = pd.read_csv(ROOT / "heart_sim" / "data" / "milwaukee_hour_of_week.csv")
    assert np.allclose(d.observed.ravel(), shipped["per_day_bh_core"], atol=1e-4)
    assert d.counts.ravel().astype(int).tolist() == shipped["count_bh_core"].tolist()
    durham = load_scenario("durham_2022").demand
    assert d.hourly == durham.hourly_weights
    assert d.daily_weights == durham.daily_weights


def test_milwaukee_gap_and_partial_day_are_found(milwaukee) -> None:
    d = milwaukee.demand
    gaps = [g for g in d.gaps if g.kind == "gap"]
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.after is not None and gap.before is not None
    assert gap.after.strftime("%Y-%m-%d %H") == "2018-05-17 11"
    assert gap.before.strftime("%Y-%m-%d %H") == "2018-05-18 10"
    assert [g.kind for g in d.gaps] == ["gap", "end"]
    left_out = {str(day): why for day, why in d.excluded.items()}
    assert sorted(left_out) == ["2018-05-17", "2018-05-18", "2018-05-21"]
    assert left_out["2018-05-21"].startswith("partial last day: the log ends 2018-05-21 14:14")
    assert int(d.used.sum()) == 18 and d.calls_used == 2804


def test_milwaukee_overdispersion_and_separability(milwaukee) -> None:
    d = milwaukee.demand
    published = milwaukee_overdispersion()  # the method of the Durham comment
    assert d.overdispersion_raw.value == pytest.approx(published["cv"], abs=1e-12)
    assert d.overdispersion_raw.low == pytest.approx(published["cv_low"], abs=1e-12)
    # about the weekday means instead (what is written), with its interval
    assert 0.03 < d.overdispersion.low < d.overdispersion.value < d.overdispersion.high < 0.2
    # 18 days, 2,804 calls: hour x weekday independence is rejected, so 168 weights
    assert d.test.deviance == pytest.approx(196.4, abs=0.05) and d.test.dof == 138
    assert d.test.p_value < 0.001 and not d.separable
    assert d.monthly is None and d.growth is None and "365" in d.seasons_note


def test_milwaukee_natures_not_in_the_map_are_listed(milwaukee) -> None:
    unmapped = milwaukee.types.unmapped
    assert len(unmapped) == 175 and int(unmapped.sum()) == 30_878
    assert milwaukee.eligible == 3090
    text = fragment_yaml(milwaukee, Path("inputs.yaml"))
    assert "Natures the type map does not name (175 natures, 30,878 rows" in text
    assert "TRAFFIC STOP 3,719" in text and "DOCUMENTED CALL 1" in text
    shares = {s.name: s.count for s in milwaukee.type_shares}
    assert shares == {"quality_of_life": 3084, "mental_health": 5, "higher_risk": 1}


def test_milwaukee_fragment_validates_on_durham(milwaukee, tmp_path: Path) -> None:
    """Merged onto durham_2022 as extends: merges, the fragment is a valid scenario; so is
    a what-if that extends the fragment that extends durham_2022."""
    plain = fragment_yaml(milwaukee, tmp_path / "inputs.yaml")
    assert "extends" not in yaml.safe_load(plain)
    check_on(plain, tmp_path / "inputs.yaml", "durham_2022")
    text = fragment_yaml(milwaukee, tmp_path / "inputs.yaml", "durham_2022")
    (tmp_path / "inputs.yaml").write_text(text)
    (tmp_path / "what_if.yaml").write_text("extends: inputs.yaml\ndemand: {multiplier: 1.1}\n")
    sc = load_scenario(tmp_path / "what_if.yaml")
    assert sc.demand.hour_of_week_weights == milwaukee.demand.hour_of_week
    assert sc.demand.hourly_weights is None and sc.demand.multiplier == 1.1
    assert set(sc.call_types) == {"mental_health", "quality_of_life", "higher_risk"}
    assert read_yaml(tmp_path / "inputs.yaml") == yaml.safe_load(text)  # the strict loader


def test_fit_command_writes_the_fragment_and_report(tmp_path: Path) -> None:
    out = tmp_path / "mke.yaml"
    args = [
        "fit",
        str(MILWAUKEE),
        "--time-column",
        "time",
        "--type-column",
        "nature",
        "--type-map",
        str(MKE_TYPES),
        "--extends",
        "durham_2022",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "168 hour-of-week weights" in result.output
    assert load_scenario(out).demand.calls_per_week == pytest.approx(1086.0)
    report = (tmp_path / "mke_fit_report.md").read_text()
    assert "gap in the log 2018-05-17 11:22 to 2018-05-18 10:06" in report
    assert "| TRAFFIC STOP | 3,719 |" in report
    pngs = sorted(p.name for p in (tmp_path / "mke_fit_report").glob("*.png"))
    assert pngs == ["daily_counts.png", "hour_of_week.png"]
    assert f"({'mke_fit_report/hour_of_week.png'})" in report
    before = out.read_text()
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output and out.read_text() == before
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert not list(tmp_path.glob(".*.tmp*")), "a temporary file was left behind"


def test_fit_command_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["fit", str(MILWAUKEE), "--time-column", "tme", "--out", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {MILWAUKEE}: no column 'tme' (--time-column)")
    assert "did you mean 'time'?" in line and "'nature'" in line
    result = runner.invoke(app, ["fit", "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2 and "CALLS.csv" in result.output


# --- synthetic exports with known truth ----------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    frame, truth = synthetic_export(seed=3, days=400, calls_per_week=500, other_per_day=60)
    folder = tmp_path_factory.mktemp("synthetic")
    path = folder / "export.csv"
    frame.to_csv(path, index=False)
    (folder / "types.yaml").write_text(yaml.safe_dump(TYPE_MAP))
    options = FitOptions(
        time_column="Call Time",
        type_column="Nature",
        zone_column="Beat",
        type_map=folder / "types.yaml",
        durations=(
            "Dispatched:Arrived:crt.travel_time",
            "Arrived:Cleared:crt.on_scene_time",
            "Dispatched:Cleared:cor.on_scene_time",  # a sum of three: no family fits
        ),
    )
    return fit_inputs(path, options), truth, frame


def test_synthetic_messy_rows_are_counted(synthetic) -> None:
    fitted, truth, frame = synthetic
    m = truth.messy
    dropped = fitted.calls.time_dropped()
    assert dropped.pop(MIDNIGHT, 0) <= 3  # real calls at 00:00:00 (the rule drops them)
    assert dropped == {
        BLANK: m["time blank"],
        SENTINEL: m["time sentinel"],
        DATE_ONLY: m["time date only"],
    }
    travel, scene, _ = (p.fit for p in fitted.durations)
    assert travel.dropped == {
        f"end {SENTINEL}": m["arrived sentinel"],
        f"end {DATE_ONLY}": m["arrived date only"],
    }
    real_midnight = scene.dropped.pop(f"end {MIDNIGHT}", 0)  # a real 00:00:00 clear: 1/86,400
    assert real_midnight <= 2
    assert scene.dropped == {
        f"start {SENTINEL}": m["arrived sentinel"],
        f"start {DATE_ONLY}": m["arrived date only"],
        f"end {EARLY}": m["cleared 1900"],
        "end blank": m["cleared blank"],
        "negative": m["negative"],
        "longer than 24 h": m["over 24 h"],
    }
    eligible = int(frame["Nature"].str.strip().str.upper().isin(TYPE_MAP).sum())
    assert fitted.eligible == eligible  # natures written in another case are still mapped
    assert int(fitted.types.unmapped.sum()) == m["unmapped"]
    text = " ".join(fragment_yaml(fitted, Path("inputs.yaml")).replace("#", " ").split())
    for what in ("blank 20", "placeholder (a sentinel such as -9999) 15", "negative 18"):
        assert what in text


def test_synthetic_gaps_holidays_and_partial_day_are_left_out(synthetic) -> None:
    fitted, truth, _ = synthetic
    d = fitted.demand
    (gap,) = [g for g in d.gaps if g.kind == "gap"]
    assert gap.after < truth.gap[0] and gap.before >= truth.gap[1]
    assert gap.after > truth.gap[0] - pd.Timedelta(minutes=30)
    assert d.excluded[truth.holiday] == "public holiday (Independence Day)"
    last = d.days[-1].date()
    assert d.excluded[last].startswith("partial last day")
    kinds = {why.split(" (")[0].split(":")[0] for why in d.excluded.values()}
    assert kinds == {"public holiday", "gap in the log 2022-09-10 07", "partial last day"}


def _inside(low: float, value: float, high: float) -> bool:
    return low <= value <= high


def test_synthetic_truth_is_inside_the_fit_intervals(synthetic) -> None:
    """Each known parameter against the fit's own 95% interval. With 25 intervals a few
    misses are expected; more than 4 would happen with probability 0.7% if they were
    calibrated (a study of 100 seeds: 90-97% coverage of each kind)."""
    fitted, truth, _ = synthetic
    d = fitted.demand
    checks = {
        "calls_per_week": _inside(
            d.calls_per_week.low, truth.calls_per_week_at(d.midpoint), d.calls_per_week.high
        ),
        "overdispersion": _inside(d.overdispersion.low, truth.cv, d.overdispersion.high),
        "growth": _inside(d.growth.low, truth.growth, d.growth.high),
    }
    for m, e in enumerate(d.monthly):
        checks[f"month {m + 1}"] = _inside(e.low, truth.monthly[m], e.high)
    for s in fitted.type_shares:
        checks[s.name] = _inside(s.low, TYPES[s.name], s.high)
    for s in fitted.zone_shares:
        checks[s.name] = _inside(s.low, ZONES[s.name], s.high)
    travel, scene, _ = (p.fit for p in fitted.durations)
    assert (travel.chosen, scene.chosen) == ("lognormal", "gamma")
    for fit, (mean, sd) in ((travel, truth.arrival), (scene, truth.on_scene)):
        best = fit.best
        checks[f"{fit.name} mean"] = abs(best.mean - mean) <= 1.96 * best.se_mean
        checks[f"{fit.name} sd"] = abs(best.sd - sd) <= 1.96 * best.se_sd
    missed = [k for k, ok in checks.items() if not ok]
    assert len(checks) == 25
    assert len(missed) <= 4, missed
    # the point estimates themselves are close
    assert d.calls_per_week.value == pytest.approx(truth.calls_per_week_at(d.midpoint), rel=0.05)
    assert d.overdispersion.value == pytest.approx(truth.cv, abs=0.03)


def test_synthetic_profile_is_recovered(synthetic) -> None:
    """Hour x weekday separable (as generated), and the hourly and daily shares of the
    truth inside their bootstrap intervals (no more misses than 95% intervals allow)."""
    fitted, truth, _ = synthetic
    d = fitted.demand
    assert d.separable and d.test.p_value > 0.05
    iv = d.intervals
    misses = int(np.sum((truth.hourly < iv.hourly[0]) | (truth.hourly > iv.hourly[1])))
    misses += int(np.sum((truth.daily < iv.daily[0]) | (truth.daily > iv.daily[1])))
    assert misses <= 5  # of 31: P(more | calibrated) < 1%
    fitted_shares = np.asarray(d.hourly) / sum(d.hourly)
    assert np.abs(fitted_shares - truth.hourly).max() < 0.004


def test_synthetic_fragment_validates_on_durham(synthetic, tmp_path: Path) -> None:
    fitted, _, _ = synthetic
    text = fragment_yaml(fitted, tmp_path / "in.yaml", "durham_2022")
    data = yaml.safe_load(text)
    assert data["programs"]["crt"]["travel_time"]["dist"] == "lognormal"
    assert data["programs"]["crt"]["on_scene_time"]["dist"] == "gamma"
    assert len(data["programs"]["cor"]["on_scene_time"]["values"]) == 100  # empirical
    assert len(data["demand"]["monthly_weights"]) == 12
    assert sum(ct["share"] for ct in data["call_types"].values()) == pytest.approx(1, abs=1e-9)
    assert "Chosen by AIC: lognormal" in text and "KS D" in text
    # zones D1..D3 are not Durham's: merged, the shares of each type sum to 2
    with pytest.raises(FitError, match="not a valid scenario.*zones"):
        check_on(text, tmp_path / "in.yaml", "durham_2022")
    data.pop("zones")
    check_on(yaml.safe_dump(data), tmp_path / "in.yaml", "durham_2022")
    lines = text.splitlines()
    start = lines.index("zones:")
    while lines[start - 1].startswith("#"):
        start -= 1  # the zones' comment
    cut = "\n".join(lines[:start] + lines[lines.index("programs:") :])
    assert "call_types:" in cut and "zones:" not in cut
    check_on(cut, tmp_path / "in.yaml", "durham_2022")  # the text as written, less the zones


def test_not_separable_and_too_short_for_seasons() -> None:
    frame, truth = synthetic_export(
        seed=5, days=120, calls_per_week=1500, other_per_day=0, separable=False, messy=False
    )
    times = pd.to_datetime(frame["Call Time"], format=TIME_FORMAT)
    d = fit_demand(times, times, parse_holidays("none"))
    assert not d.separable and d.test.p_value < 1e-4
    assert d.monthly is None and d.growth is None
    assert "span 120 days" in d.seasons_note
    iv = d.intervals.hour_of_week
    misses = int(np.sum((truth.profile < iv[0]) | (truth.profile > iv[1])))
    assert misses <= 16  # of 168 95% intervals: P(more | calibrated) < 1%


# --- reading exports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2018-05-01 14:05:30", "2018-05-01 14:05:30"),
        ("2018-05-01T14:05", "2018-05-01 14:05:00"),
        ("2018-05-01T14:05:30-05:00", "2018-05-01 14:05:30"),
        ("5/1/2018 14:05", "2018-05-01 14:05:00"),
        ("05/01/2018 02:05:30 PM", "2018-05-01 14:05:30"),
        ("05/01/18 2:05 PM", "2018-05-01 14:05:00"),
        ("2018/05/01 14:05", "2018-05-01 14:05:00"),
        ("01-May-2018 14:05:30", "2018-05-01 14:05:30"),
    ],
)
def test_common_timestamp_forms(text: str, expected: str) -> None:
    col = parse_times(pd.Series([text, "2018-05-02 09:00:10"]))
    assert str(col.times[0]) == expected and col.why[0] == ""


def test_placeholders_are_classified() -> None:
    raw = pd.Series(["", "-9999", "9999", "0", "NULL", "1900-01-01 00:00:00", "2018-05-01"])
    raw = pd.concat([raw, pd.Series(["2018-05-01 00:00:00", "2018-05-01 10:11:12"])])
    col = parse_times(raw.reset_index(drop=True))
    assert col.why.tolist() == [
        BLANK,
        SENTINEL,
        SENTINEL,
        SENTINEL,
        SENTINEL,
        EARLY,
        DATE_ONLY,
        MIDNIGHT,
        "",
    ]


def test_unreadable_timestamps_name_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    times = ["2018-05-01 10:00"] * 5 + ["soon", "13/13/2018 10:00", "tomorrow", "??x"]
    pd.DataFrame({"t": times}).to_csv(path, index=False)
    with pytest.raises(FitError) as err:
        read_calls(path, Columns(time="t"))
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: column 't': 4 of 9 timestamps are not in any accepted form")
    assert "row 7 'soon', row 8 '13/13/2018 10:00', row 9 'tomorrow'" in text
    assert "MM/DD/YYYY HH:MM[:SS]" in text and "--time-format" in text
    pd.DataFrame({"t": ["13/05/2018 10:00", "01/06/2018 23:59"]}).to_csv(path, index=False)
    forced = read_calls(path, Columns(time="t", time_format="%d/%m/%Y %H:%M"))
    assert [str(t) for t in forced.time.times] == ["2018-05-13 10:00:00", "2018-06-01 23:59:00"]


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"When": ["05/01/2018 10:00:05 AM", "", "05/02/2018 11:30:10 PM"], "Kind": ["A", "B", "A"]}
    )
    frame.to_excel(tmp_path / "calls.xlsx", index=False)
    calls = read_calls(tmp_path / "calls.xlsx", Columns(time="when", type="KIND"))
    assert [str(t) for t in calls.time.times.dropna()] == [
        "2018-05-01 10:00:05",
        "2018-05-02 23:30:10",
    ]
    assert calls.time_dropped() == {BLANK: 1} and calls.nature.tolist() == ["A", "B", "A"]


def test_columns_file_and_duration_specs(tmp_path: Path) -> None:
    (tmp_path / "cols.yaml").write_text(
        "time: Call Time\ntype: Nature\ndurations:\n  - Arrived:Cleared:crt.on_scene_time\n"
        "  - {start: Dispatched, end: Arrived}\n"
    )
    options = FitOptions(columns=tmp_path / "cols.yaml", type_column="Other")
    cols = resolve_columns(options)
    assert cols.time == "Call Time" and cols.type == "Other"  # the option wins
    assert cols.durations == (
        DurationSpec("Arrived", "Cleared", "crt.on_scene_time"),
        DurationSpec("Dispatched", "Arrived", "Dispatched_to_Arrived"),
    )
    with pytest.raises(FitError, match="START_COL:END_COL"):
        DurationSpec.parse("just_one")
    with pytest.raises(FitError, match="did you mean 'on_scene_time'"):
        placement("crt.on_scene")


def test_type_maps_in_either_direction(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("WELFARE CHECK: qol\nTRESPASS: qol\nTHEFT: null\n")
    (tmp_path / "b.yaml").write_text("qol: [welfare check, TRESPASS]\n")
    raw = pd.Series(["Welfare  Check", "TRESPASS", "THEFT", "NOISE", "NOISE"])
    a = apply_mapping(raw, read_mapping(tmp_path / "a.yaml", "--type-map"))
    b = apply_mapping(raw, read_mapping(tmp_path / "b.yaml", "--type-map"))
    assert a.names.tolist() == ["qol", "qol", "", "", ""]
    assert a.unmapped.to_dict() == {"NOISE": 2} and a.not_eligible.to_dict() == {"THEFT": 1}
    assert b.names.tolist() == ["qol", "qol", "", "", ""]
    assert b.unmapped.to_dict() == {"THEFT": 1, "NOISE": 2} or b.unmapped.sum() == 3
    (tmp_path / "c.yaml").write_text("x: [A]\ny: [a]\n")
    with pytest.raises(FitError, match="mapped to both"):
        read_mapping(tmp_path / "c.yaml", "--type-map")


# --- durations --------------------------------------------------------------------------------


def test_durations_fall_back_to_empirical_when_nothing_fits() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(10, 1, 2000), rng.normal(60, 3, 2000)]).clip(0.5)
    fit = fit_durations("bimodal", x, pd.Series([""] * x.size))
    assert fit.chosen == "empirical" and fit.best.p_value < 0.01
    values = fit.distribution["values"]
    assert len(values) == 100 and REGISTRY["empirical"](values=values).analytic_mean() > 30
    few = fit_durations("few", np.array([1.0, 2.0, 3.0]), pd.Series(["", "", ""]))
    assert few.chosen == "" and few.distribution is None


def test_whole_minute_durations_are_spread_before_fitting() -> None:
    rng = np.random.default_rng(2)
    x = np.round(rng.gamma(2.0, 10.0, 5000)).clip(1)
    fit = fit_durations("minutes", x, pd.Series([""] * x.size))
    assert fit.spread and fit.chosen == "gamma" and fit.best.p_value > 0.01
    assert fit.best.mean == pytest.approx(20, rel=0.05)


def test_standard_errors_match_the_spread_of_estimates() -> None:
    """The delta-method standard errors are those of the estimates over repeated samples."""
    rng = np.random.default_rng(4)
    means, ses = [], []
    for _ in range(60):
        s2 = math.log1p((9 / 15) ** 2)
        x = rng.lognormal(math.log(15) - s2 / 2, math.sqrt(s2), 400)
        fit = fit_durations("x", x, pd.Series([""] * x.size))
        best = [c for c in fit.candidates if c.family == "lognormal"][0]
        means.append(best.sd)
        ses.append(best.se_sd)
    ratio = np.std(means) / np.mean(ses)
    assert 0.75 < ratio < 1.3


# --- Lane County: durations from published summary statistics ------------------------------


def test_lane_county_summary_fits_reproduce_the_percentiles(tmp_path: Path) -> None:
    """Tolerance: every published percentile and mean within 6% (relative to the value, or
    to 1 minute when it is smaller) for the 16 rows with spread-out times; within 20% of a
    minute for the two arrival -> engagement rows (p25 0, median 1 minute)."""
    rows = read_summary(LANE)
    assert len(rows) == 18
    for row in rows:
        limit = 0.2 if "Engagement" in row.label else 0.06
        assert row.best.worst <= limit, (row.label, row.best.errors)
    on_scene = next(r for r in rows if r.label.startswith("all / arrival_to_departure_time"))
    assert on_scene.n == 4224 and on_scene.best.family == "gamma"
    d = stats.gamma((on_scene.best.mean / on_scene.best.sd) ** 2)
    assert d.mean() > 0
    text = summary_yaml(rows, LANE)
    data = yaml.safe_load(text)
    assert len(data) == 18
    for dist in data.values():
        REGISTRY[dist["dist"]](**{k: v for k, v in dist.items() if k != "dist"})
    out = tmp_path / "lane.yaml"
    result = runner.invoke(app, ["fit", "--summary", str(LANE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == text


# --- options ---------------------------------------------------------------------------------


def _small_export(tmp_path: Path) -> Path:
    frame, _ = synthetic_export(seed=9, days=35, calls_per_week=700, other_per_day=80, messy=False)
    frame.loc[frame.index[:3], "Nature"] = "SOMETHING NEW"
    path = tmp_path / "small.csv"
    frame.to_csv(path, index=False)
    (tmp_path / "types.yaml").write_text(yaml.safe_dump(TYPE_MAP))
    (tmp_path / "zones.yaml").write_text("pilot_beats: [D1]\nrest_of_city: [D2, D3]\n")
    return path


def test_unmapped_as_zone_map_and_holidays(tmp_path: Path) -> None:
    path = _small_export(tmp_path)
    base = FitOptions(
        time_column="Call Time", type_column="Nature", type_map=tmp_path / "types.yaml"
    )
    plain = fit_inputs(path, base)
    kept = fit_inputs(
        path,
        replace(
            base,
            unmapped_as="quality_of_life",
            holidays="US-NC",
            zone_column="Beat",
            zone_map=tmp_path / "zones.yaml",
        ),
    )
    gone = int(plain.types.unmapped.sum())
    assert kept.eligible == plain.eligible + gone
    assert {s.name for s in kept.zone_shares} == {"pilot_beats", "rest_of_city"}
    assert kept.holidays is not None and kept.holidays.subdivision == "NC"
    assert "2022-01-17" in {str(d) for d in kept.demand.excluded}  # MLK Day
    text = fragment_yaml(kept, tmp_path / "k.yaml")
    assert "counted as quality_of_life" in " ".join(text.split())
    # the zones are Durham's: merged onto durham_2022 the fragment is valid
    check_on(text, tmp_path / "k.yaml", "durham_2022")
    with pytest.raises(FitError, match="not one of US's"):
        parse_holidays("US-XX")
    assert parse_holidays("none") is None


def test_extends_needs_the_parent_call_types(tmp_path: Path) -> None:
    path = _small_export(tmp_path)
    (tmp_path / "odd.yaml").write_text("MENTAL HEALTH: crisis\n")
    result = runner.invoke(
        app,
        [
            "fit",
            str(path),
            "--time-column",
            "Call Time",
            "--type-column",
            "Nature",
            "--type-map",
            str(tmp_path / "odd.yaml"),
            "--extends",
            "durham_2022",
            "--out",
            str(tmp_path / "odd_inputs.yaml"),
        ],
    )
    assert result.exit_code == 2
    assert "call type(s) crisis that durham_2022 does not have" in result.output
    assert not (tmp_path / "odd_inputs.yaml").exists()


@pytest.mark.slow
def test_a_300k_row_export_fits_in_seconds(tmp_path: Path) -> None:
    import time

    frame, _ = synthetic_export(seed=11, days=730, calls_per_week=2000, other_per_day=130)
    assert len(frame) > 300_000
    frame.to_csv(tmp_path / "big.csv", index=False)
    (tmp_path / "types.yaml").write_text(yaml.safe_dump(TYPE_MAP))
    start = time.perf_counter()
    fit_inputs(
        tmp_path / "big.csv",
        FitOptions(
            time_column="Call Time",
            type_column="Nature",
            zone_column="Beat",
            type_map=tmp_path / "types.yaml",
            durations=("Dispatched:Arrived:crt.travel_time", "Arrived:Cleared:crt.on_scene_time"),
        ),
    )
    assert time.perf_counter() - start < 15


@pytest.mark.parametrize(
    "text, options",
    [
        ("Call Time,Nature\n", ["--type-column", "Nature", "--type-map", "MAP"]),
        ("Call Time,Nature\n", []),
        ("Call Time\n", []),
    ],
)
def test_an_export_with_a_header_and_no_rows_is_one_clean_error(tmp_path, text, options) -> None:
    """Once a TypeError from the type map's empty counts (issue 24): nothing to fit, said
    in one line, exit 2, nothing written."""
    calls = tmp_path / "calls.csv"
    calls.write_text(text)
    (tmp_path / "map.yaml").write_text("ASSIST PERSON: mental_health\n")
    args = [a if a != "MAP" else str(tmp_path / "map.yaml") for a in options]
    out = tmp_path / "inputs.yaml"
    res = CliRunner().invoke(
        app, ["fit", str(calls), "--time-column", "Call Time", *args, "--out", str(out)]
    )
    assert res.exit_code == 2, res.output
    assert "a header and no rows" in res.output and "Traceback" not in res.output
    assert not out.exists() and not (tmp_path / "inputs_fit_report").exists()


def _xlsx(path: Path) -> None:
    pd.DataFrame({"Call Time": ["2018-05-01 10:00:00"]}).to_excel(path, index=False)


# (label, file name, how it is written, extra options, words of the message)
HOSTILE_FIT = [
    (
        "a CSV named .xlsx",
        "calls.xlsx",
        lambda p: p.write_text("Call Time\n2018-05-01 10:00:00\n"),
        [],
        "named .xlsx but it is not an Excel workbook (it reads as text, such as a CSV export)",
    ),
    ("an empty file named .xlsx", "calls.xlsx", lambda p: p.write_bytes(b""), [], "empty file"),
    ("a workbook named .csv", "calls.csv", _xlsx, [], "it is a zip file (an Excel workbook?)"),
    (
        "a stray % in --time-format",
        "calls.csv",
        lambda p: p.write_text("Call Time\n2018-05-01 10:00:00\n"),
        ["--time-format", "%Y-%m-%d %H:%M:%"],
        "--time-format '%Y-%m-%d %H:%M:%': not a timestamp form (stray %",
    ),
    (
        "an unknown code in --time-format",
        "calls.csv",
        lambda p: p.write_text("Call Time\n2018-05-01 10:00:00\n"),
        ["--time-format", "%Q"],
        "'Q' is a bad directive",
    ),
    (
        "a code given twice in --time-format",
        "calls.csv",
        lambda p: p.write_text("Call Time\n2018-05-01 10:00:00\n"),
        ["--time-format", "%Y %z%z"],
        "not a timestamp form",
    ),
    (
        "no codes at all in --time-format",
        "calls.csv",
        lambda p: p.write_text("Call Time\n2018-05-01 10:00:00\n"),
        ["--time-format", "dd/mm/yyyy"],
        "(it has no strftime codes); write it with strftime codes, e.g. '%d/%m/%Y %H:%M'",
    ),
]


@pytest.mark.parametrize(
    "label, name, write, options, says", HOSTILE_FIT, ids=[c[0] for c in HOSTILE_FIT]
)
def test_a_misnamed_export_or_a_bad_time_format_is_one_clean_error(
    tmp_path, label, name, write, options, says
) -> None:
    """Once BadZipFile and ValueError tracebacks (issue 24): one error line naming the file
    or the option and the fix, exit 2, nothing written."""
    calls = tmp_path / name
    write(calls)
    out = tmp_path / "inputs.yaml"
    res = CliRunner().invoke(
        app, ["fit", str(calls), "--time-column", "Call Time", *options, "--out", str(out)]
    )
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert says in lines[0], lines[0]
    assert "--time-format" in options or str(calls) in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
