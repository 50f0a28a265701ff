"""Targets: the registry picks one per profile, every runtime helper is registered once with numba's version,
and one generated source gives the same results on the Python and numba targets."""

import numpy as np
import pytest

from bp_core import profile
from bp_core.backend import cache, runtime
from bp_core.backend.compile import compile_source
from bp_core.backend.helpers import HELPERS, helper
from bp_core.backend.targets import Target, get_target, register_target, target_for, target_names
from bp_core.errors import ModelUseError


def test_the_profile_picks_the_target():
    assert target_for({"jit": False, "device": "cpu"}).name == "python"
    assert target_for({"jit": True, "device": "cpu"}).name == "numba_cpu"
    assert target_for({"jit": False, "device": "gpu"}).name == "python"  # jit off: plain Python anywhere
    with profile.override(jit=False):
        assert target_for().name == "python"
    assert "cuda" in target_names()


class _Echo(Target):
    name = "echo"

    def compile(self, source, func_name, scope, checked=(), parallel=()):
        return get_target("python").compile(source, func_name, scope, checked, parallel)


def test_a_target_registered_by_path_loads_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    register_target("echo", f"{__name__}:_Echo")
    target = get_target("echo")
    assert isinstance(target, _Echo) and get_target("echo") is target
    assert target.compile("def f(x):\n    return x + 1\n", "f", {})(1) == 2
    assert target.to_target(a := np.zeros(3)) is a and target.from_target(a) is a
    register_target("missing", "bp_core.no_such_module:Nothing")
    with pytest.raises(ModelUseError, match="'missing' target cannot load"):
        get_target("missing")
    with pytest.raises(ModelUseError, match="no target named 'nowhere'"):
        get_target("nowhere")


def test_every_helper_is_registered_once_with_a_numba_implementation():
    names = [n for n in runtime.RUNTIME_SCOPE if n not in ("np", "prange")]
    assert names == list(HELPERS)
    assert all(runtime.RUNTIME_SCOPE[n] is HELPERS[n].python for n in names)
    get_target("numba_cpu")  # installs numba's versions
    missing = [n for n, entry in HELPERS.items() if "numba_cpu" not in entry.compiled]
    assert not missing
    with pytest.raises(ValueError, match="registered twice"):
        helper(runtime.exprel)
    helpers = get_target("python").helpers()
    assert helpers["exprel"] is runtime.exprel


SOURCE = """
def kernel(x, out, out2d):
    for i in range(x.shape[0]):
        out[i] = exprel(x[i]) + floor_divide(7, 2)
    record_row(out2d, 0, out)
    return any_nonfinite(out)
"""


def test_one_source_runs_the_same_on_python_and_numba(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    x = np.array([-3.0, 0.0, 1e-9, 2.5])
    results = []
    for jit in (False, True):
        out2d = np.zeros((1, 4))
        kernel = compile_source(SOURCE, "kernel", {}, jit=jit)
        out = np.zeros(4)
        results.append((kernel(x, out, out2d), out, out2d))
    (bad_py, out_py, rec_py), (bad_nb, out_nb, rec_nb) = results
    assert bad_py == bad_nb is False
    np.testing.assert_allclose(out_nb, out_py, rtol=1e-14)
    np.testing.assert_allclose(out_py, [(np.expm1(-3.0) / -3.0) + 3, 4.0, 1 + 1e-9 / 2 + 3, np.expm1(2.5) / 2.5 + 3])
    np.testing.assert_array_equal(rec_py[0], out_py)


def test_a_source_is_written_once(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    written = cache.STATS["written"]
    source = "def once(x):\n    return x * 5\n"
    for _ in range(3):
        assert compile_source(source, "once", {}, jit=False)(2) == 10
    assert cache.STATS["written"] == written + 1
    assert len(list(tmp_path.glob("generated/once_*.py"))) == 1


INPUT_ROWS = """
def kernel(state, one, each, per_step):
    for k in range(3):
        input_row(state[0], one, '+')
        input_row(state[1], each, '-')
        input_row(state[2], per_step[k], '*')
        input_row(state[3], each, '/')
        input_row(state[4], per_step[k], '=')
"""


def test_an_input_applied_to_a_row_equals_numpys_update_of_the_slice(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    start = np.linspace(-1., 2., 20).reshape(5, 4) + 0.1
    one, each, per_step = 0.3, np.array([0.7, -1.1, 3.0, 1e-3]), np.array([[1.5] * 4, [-0.5] * 4, [2.0, 3.0, 4.0, 5.0]])
    expected = start.copy()
    for k in range(3):
        expected[0, :] += one
        expected[1, :] -= each
        expected[2, :] *= per_step[k]
        expected[3, :] /= each
        expected[4, :] = per_step[k]
    for jit in (False, True):
        state = start.copy()
        compile_source(INPUT_ROWS, "kernel", {}, jit=jit)(state, one, each, per_step)
        np.testing.assert_array_equal(state, expected)
