"""Fuzzing the scenario loader through the CLI: whatever the file holds, the answer is a
clean validation or a one-line error per problem naming the file (exit 2), never a
traceback and never partial output."""

from __future__ import annotations

import copy

import pytest
import yaml
from builders import baseline_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from heart_sim.cli import app

runner = CliRunner()
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["09:00", "24:00", "25:00", "-1", "1e309", "nan", "daily", "weibull"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _check(path, args=("validate",)) -> None:
    res = runner.invoke(app, [*args, str(path)], catch_exceptions=True)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # a crash: the test fails with its traceback
    assert res.exit_code in (0, 2), (res.exit_code, res.output)
    assert "Traceback" not in res.output
    if res.exit_code == 2:
        lines = [ln for ln in res.output.splitlines() if ln.strip()]
        assert lines and all(ln.startswith(f"error: {path}") for ln in lines), res.output


def _leaves(d, prefix=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _leaves(v, (*prefix, k))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield from _leaves(v, (*prefix, i))
    else:
        yield prefix


BASE = baseline_dict()
LEAVES = list(_leaves(BASE))


@FUZZ
@given(st.integers(0, len(LEAVES) - 1), values)
def test_mutated_baseline(tmp_path_factory, index, value) -> None:
    data = copy.deepcopy(BASE)
    node = data
    path = LEAVES[index]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    f = tmp_path_factory.mktemp("fz") / "mutated.yaml"
    f.write_text(yaml.safe_dump(data))
    _check(f)


@FUZZ
@given(values)
def test_random_yaml_documents(tmp_path_factory, value) -> None:
    f = tmp_path_factory.mktemp("fz") / "random.yaml"
    f.write_text(yaml.safe_dump(value))
    _check(f)


@FUZZ
@given(st.text(max_size=200))
def test_random_text(tmp_path_factory, text) -> None:
    f = tmp_path_factory.mktemp("fz") / "text.yaml"
    f.write_text(text, encoding="utf-8")
    _check(f)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.integers(0, len(LEAVES) - 1), values)
def test_invalid_run_writes_nothing(tmp_path_factory, index, value) -> None:
    data = copy.deepcopy(BASE)
    node = data
    for key in LEAVES[index][:-1]:
        node = node[key]
    node[LEAVES[index][-1]] = value
    folder = tmp_path_factory.mktemp("fz")
    f = folder / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    out = folder / "out"
    res = runner.invoke(app, ["validate", str(f)])
    if res.exit_code == 2:
        _check(f, args=("run", "--out", str(out), "--reps", "2", "-q"))
        assert not out.exists()


HOSTILE = {
    "deep nesting": "a: " + "[" * 5000 + "]" * 5000,
    "alias bomb": "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
    "python object": "name: !!python/object/apply:os.system ['echo x']\n",
    "binary junk": "\x00\x01\x02 : : :\n\t- [",
    "huge number": yaml.safe_dump(BASE).replace("calls_per_week: 590", "calls_per_week: 1e400"),
    "nan rate": yaml.safe_dump(BASE).replace("calls_per_week: 590", "calls_per_week: .nan"),
    "negative rate": yaml.safe_dump(BASE).replace("calls_per_week: 590", "calls_per_week: -5"),
    "empty file": "",
    "list at top": "- 1\n- 2\n",
    "shifts not a list": yaml.safe_dump(
        {
            **BASE,
            "programs": {
                **BASE["programs"],
                "crt": {**BASE["programs"]["crt"], "shifts": {"a": 1}},
            },
        }
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files(name, tmp_path) -> None:
    f = tmp_path / "hostile.yaml"
    f.write_text(HOSTILE[name], encoding="utf-8", errors="surrogateescape")
    res = runner.invoke(app, ["validate", str(f)])
    assert res.exit_code == 2, res.output
    _check(f)


def test_huge_replication_counts_are_refused_cleanly(tmp_path) -> None:
    res = runner.invoke(app, ["run", "durham_2022", "--reps", str(10**9), "--out", str(tmp_path)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = runner.invoke(app, ["run", "durham_2022", "--reps", "50000", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "--force" in res.output
    assert not (tmp_path / "durham_2022").exists()
