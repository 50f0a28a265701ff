"""Compilation layer: on-disk cache across processes, readable errors, runtime helpers under numba."""

import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest
from scipy import special

import bp_core as bp
from bp_core.backend import cache
from bp_core.backend import compile as compile_module
from bp_core.backend.runtime import exprel
from bp_core.errors import CodeError, ModelDefError

SCRIPT = textwrap.dedent("""
    import numpy as np
    import bp_core as bp

    def decay(x, t, k):
        return -k * x

    integrator = bp.integrate(decay, method="rk4")
    print(integrator(1.0, 0.0, 0.5))
    stats = integrator.update_func.dispatcher.stats
    print("hits", sum(stats.cache_hits.values()), "misses", sum(stats.cache_misses.values()))
""")


def test_second_process_starts_warm(tmp_path):
    script = tmp_path / "run_decay.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache")}
    outputs = [subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, check=True)
               .stdout.split("\n") for _ in range(2)]
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1] == "hits 0 misses 1"
    assert outputs[1][1] == "hits 1 misses 0"
    assert list((tmp_path / "cache" / "generated").glob("decay_*.py"))


HELPERS = """
def clip(x):
    return 2. if x > 2. else x


def step(ST, _t):
    ST['a'] = clip(ST['a'] + 1.)
"""

UNREGISTERED_MODULE = """
import importlib.util, sys
import bp_core as bp
spec = importlib.util.spec_from_file_location("helpers_not_in_sys_modules", sys.argv[1])
helpers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helpers)  # as runpy or a plugin loader does: never in sys.modules
model = bp.NeuType(name='Flow', ST=bp.types.NeuState({'a': 0.}), steps=helpers.step, mode='scalar')
group = bp.NeuGroup(model, 3)
group.run(5.)
print(group.ST['a'].tolist())
"""


def test_helpers_from_modules_numba_cannot_import_run_in_every_process(tmp_path):
    # numba caches such a helper under the module name '<dynamic>', which the next process cannot import
    (tmp_path / "helpers.py").write_text(HELPERS)
    script = tmp_path / "run_helpers.py"
    script.write_text(UNREGISTERED_MODULE)
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        done = subprocess.run([sys.executable, str(script), str(tmp_path / "helpers.py")], capture_output=True,
                              text=True, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "[2.0, 2.0, 2.0]"


def scalar_index(x, t):
    return x[0]  # indexing a float cannot be typed


def test_numba_typing_errors_name_the_users_line_without_terminal_colours():
    integrator = bp.integrate(scalar_index, method="euler")
    with pytest.raises(ModelDefError) as info:
        integrator(1.0, 0.0)
    message = str(info.value)
    line = scalar_index.__code__.co_firstlineno + 1
    assert "'scalar_index'" in message and "jit=False" in message and "\x1b[" not in message
    assert f"test_compile.py, line {line}: return x[0]" in message


@numba.njit
def _exprel_in_numba(z):
    return exprel(z)


@pytest.mark.parametrize("z", [0.0, 1e-20, -1e-9, 1e-6, 0.3, -5.0, 50.0, -800.0, 720.0])
def test_exprel_matches_scipy_under_numba(z):
    assert _exprel_in_numba(z) == pytest.approx(special.exprel(z), rel=1e-14)


def test_exprel_arrays_under_numba():
    z = np.array([[0.0, 1e-3], [-2.0, 4.0]])
    np.testing.assert_allclose(_exprel_in_numba(z), special.exprel(z), rtol=1e-14)


@numba.njit
def _clip(a):
    return np.clip(a, 0.0, 1.0)


def test_np_clip_works_on_scalars_under_numba_and_keeps_nan():
    assert _clip(1.5) == 1.0 and _clip(-2.0) == 0.0 and _clip(0.25) == 0.25
    assert np.isnan(_clip(np.nan))
    np.testing.assert_array_equal(_clip(np.array([-1.0, 0.5, 3.0])), [0.0, 0.5, 1.0])


def test_generated_files_are_named_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    source = "def twice(x):\n    return 2 * x\n"
    first = compile_module.compile_source(source, "twice", {}, jit=False)
    second = compile_module.compile_source(source, "twice", {}, jit=False)
    other = compile_module.compile_source(source.replace("2 *", "3 *"), "twice", {}, jit=False)
    assert first.path == second.path != other.path
    assert (first(2.0), other(2.0)) == (4.0, 6.0)


def test_invalid_generated_source_is_a_code_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    with pytest.raises(CodeError, match="not valid Python"):
        compile_module.compile_source("def broken(:\n", "broken", {}, jit=False)


def test_cached_kernels_are_keyed_by_the_engine_too(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    source = "def thrice(x):\n    return 3 * x\n"
    first = compile_module.compile_source(source, "thrice", {}, jit=False)
    monkeypatch.setattr(cache, "engine_fingerprint", lambda: "a later engine")
    second = compile_module.compile_source(source, "thrice", {}, jit=False)
    assert first.path != second.path  # helpers compiled into old kernels are not reused by a new engine
