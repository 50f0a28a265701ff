"""The lecture dashboards' phase portrait and bifurcation diagram are computed once (by the warm-up) and read by
every later kernel, equal to a fresh computation array for array; anything damaged or foreign is computed again."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import bp_core as bp
from bpwidgets.first_pass import RECORD_ENV
from bpwidgets.shared_results import from_arrays, to_arrays


def assert_same(a, b, where="result"):
    """Equal value for value: dataclasses field by field (what they compare), arrays by dtype and content."""
    assert type(a) is type(b), where
    if dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            if field.compare:
                assert_same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), \
            where
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{k}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, where


def _dashboards(monkeypatch, tmp_path, cache: str, record: bool):
    from bpwidgets.dashboards import fhn_lecture, hh_bifurcation

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / cache))
    if record:
        monkeypatch.setenv(RECORD_ENV, "1")
    try:
        return fhn_lecture.FHNLecture(), hh_bifurcation.HHBifurcationDashboard()
    finally:
        monkeypatch.delenv(RECORD_ENV, raising=False)


def _no_computing(monkeypatch):
    from bpwidgets.dashboards import hh_bifurcation

    def refused(*args, **kwargs):
        raise AssertionError("computed although the warm-up recorded it")

    monkeypatch.setattr(bp, "BifurcationAnalyzer", refused)
    monkeypatch.setattr(bp, "PhasePortraitAnalyzer", refused)
    monkeypatch.setattr(hh_bifurcation, "run_hh", refused)


def _assert_same_dashboards(mine, theirs):
    (fhn, hh), (fhn_b, hh_b) = mine, theirs
    for a, b in ((fhn.diagram, fhn_b.diagram), (hh.diagram, hh_b.diagram)):
        assert_same(a.branches, b.branches, "branches")
        assert_same(a.cycles, b.cycles, "cycles")
        assert_same(a.points, b.points, "points")
        assert_same(a.selected, b.selected, "selected")
        assert a.info == b.info and a.export_csv() == b.export_csv()
    assert_same(fhn.plane.fixed_points, fhn_b.plane.fixed_points, "fixed points")
    for mark in ("field", "points", "trajectories", "cycle", *[f"nullclines[{k}]" for k in range(2)]):
        left, right = eval(f"fhn.plane.plot.{mark}"), eval(f"fhn_b.plane.plot.{mark}")  # noqa: S307 - names above
        assert np.array_equal(left.x, right.x) and np.array_equal(left.y, right.y), mark
    assert fhn.plane.info == fhn_b.plane.info
    assert np.array_equal(hh.trace_lines.x, hh_b.trace_lines.x) and np.array_equal(hh.trace_lines.y, hh_b.trace_lines.y)


def test_the_lecture_dashboards_first_figures_are_computed_once_for_every_kernel(tmp_path, monkeypatch):
    recorded = _dashboards(monkeypatch, tmp_path, "cache", record=True)
    files = list((tmp_path / "cache" / "first-passes").glob("*.npz"))
    # FHN: portrait, trajectory, diagram, picked cycle; HH: diagram, picked cycle, trace
    assert len(files) == 7
    with monkeypatch.context() as patched:
        _no_computing(patched)
        read = _dashboards(patched, tmp_path, "cache", record=False)
    assert read[0].diagram._analyzer is None and read[0].plane._analyzer is None
    fresh = _dashboards(monkeypatch, tmp_path, "empty", record=False)  # nothing recorded there: computed
    assert fresh[0].diagram._analyzer is not None and fresh[0].plane._analyzer is not None
    _assert_same_dashboards(read, fresh)
    _assert_same_dashboards(recorded, fresh)
    assert [c.par.size for c in read[1].diagram.cycles] and read[1].diagram.selected["kind"] == "cycle"

    # what was read still answers what nobody recorded: the analyzer is built then
    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    fhn = read[0]
    fhn.plane.launch({'v': 1.0, 'w': 1.0})
    fresh[0].plane.launch({'v': 1.0, 'w': 1.0})
    assert np.array_equal(fhn.plane.plot.trajectories.x, fresh[0].plane.plot.trajectories.x)
    assert fhn.diagram.pick(1.2, -2.0)["kind"] == fresh[0].diagram.pick(1.2, -2.0)["kind"]
    assert_same(fhn.diagram.selected, fresh[0].diagram.selected, "a new pick")


def _damaged(arrays: dict, how: str) -> dict:
    arrays = dict(arrays)
    tree = json.loads(bytes(arrays["skeleton"]).decode())
    if how == "unknown type":
        tree[0][0]["@type"] = "Popen"
    elif how == "field of the wrong kind":
        tree[0][0]["par"] = "all of them"
    elif how == "missing field":
        del tree[0][0]["states"]
    elif how == "lengths differ":
        arrays[tree[0][0]["par"]["@array"]] = np.zeros(3)
    elif how == "array of objects' place":
        arrays[tree[0][0]["par"]["@array"]] = np.array(["a", "b"])
    elif how == "missing array":
        del arrays[tree[0][0]["states"]["@array"]]
    arrays["skeleton"] = np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8)
    return arrays


def _branch() -> bp.dynamics.Branch:
    par = np.linspace(0., 1., 5)
    return bp.dynamics.Branch(par, np.column_stack([par, -par]), ["stable node"] * 3 + ["saddle"] * 2,
                              np.ones((5, 2)) * (1 - 2j), [bp.dynamics.SpecialPoint("LP", {"I": 0.5}, {"x": 1.})],
                              "boundary")


def test_a_result_reads_back_as_it_was_written():
    value = [[_branch()], {"n": 3, "f": float("nan"), "s": "text", "none": None}]
    assert_same(from_arrays(to_arrays(value)), value)
    with pytest.raises(TypeError):
        to_arrays([object()])


@pytest.mark.parametrize("how", ["unknown type", "field of the wrong kind", "missing field", "lengths differ",
                                 "array of objects' place", "missing array"])
def test_a_damaged_or_foreign_result_is_refused(how):
    with pytest.raises((ValueError, KeyError)):
        from_arrays(_damaged(to_arrays([[_branch()], []]), how))


@pytest.mark.parametrize("how", ["truncated", "foreign skeleton"])
def test_a_damaged_recording_is_computed_again_the_same(tmp_path, monkeypatch, how):
    from bpwidgets.dashboards import fhn_lecture

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(RECORD_ENV, "1")
    recorded = fhn_lecture.FHNLecture()
    monkeypatch.delenv(RECORD_ENV)
    for file in (tmp_path / "cache" / "first-passes").glob("*.npz"):
        if how == "truncated":
            file.write_bytes(file.read_bytes()[:200])
        else:
            with np.load(file) as archive:
                arrays = dict(archive)
            arrays["r/skeleton"] = np.frombuffer(b'[{"@type": "Popen", "args": "rm"}]', dtype=np.uint8)
            np.savez(file, **arrays)
    again = fhn_lecture.FHNLecture()
    assert again.diagram._analyzer is not None and again.plane._analyzer is not None  # computed, not read
    assert_same(again.diagram.cycles, recorded.diagram.cycles)
    assert_same(again.plane.fixed_points, recorded.plane.fixed_points)
    assert again.diagram.export_csv() == recorded.diagram.export_csv()


def test_the_warm_up_records_the_fhn_lecture_a_later_kernel_reads(tmp_path, monkeypatch):
    from pathlib import Path

    import bpwidgets.dashboards
    from bpwidgets import warmup
    from bpwidgets.dashboards import fhn_lecture
    from bpwidgets.first_pass import installed_code

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    notebook = Path(bpwidgets.dashboards.__file__).parent / "fhn_lecture.ipynb"
    assert warmup.warm_all([notebook]) == 0  # in a kernel of its own, as `bpwidgets demo` warms it
    installed_code.cache_clear()  # the code as the kernel saw it
    with monkeypatch.context() as patched:
        _no_computing(patched)
        read = fhn_lecture.FHNLecture()
    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "empty"))
    fresh = fhn_lecture.FHNLecture()  # nothing recorded there: computed
    assert fresh.diagram._analyzer is not None
    assert_same(read.diagram.cycles, fresh.diagram.cycles)
    assert_same(read.plane.fixed_points, fresh.plane.fixed_points)
    assert read.diagram.export_csv() == fresh.diagram.export_csv()
