"""The analysers' compiled field: one compiled function, its derivation memoized on disk by the model's
equations, reused by a new process without sympy and rebuilt when an equation or a value changes."""

import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import bp_core as bp

_SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np
    import bp_core as bp
    from bp_core.backend import cache

    def model(a):
        state = bp.types.NeuState({{'v': 0., 'w': 1., 'input': 0.}})

        @bp.integrate
        def int_w(w, t, v):
            return (v + a - 0.8 * w) / 12.5

        @bp.integrate
        def int_v(v, t, w, Iext):
            return v - v * v * v / {cube} - w + Iext

        def update(ST, _t):
            ST['w'] = int_w(ST['w'], _t, ST['v'])
            ST['v'] = int_v(ST['v'], _t, ST['w'], ST['input'])

        return bp.NeuType(name='fhn', ST=state, steps=update)

    analyzer = bp.BifurcationAnalyzer(model(float(sys.argv[1])), target_pars={{'Iext': [0., 1.]}},
                                      dynamical_vars={{'v': [-3, 3], 'w': [-3, 3]}})
    field = analyzer.field.compiled
    x, p = np.array([0.5, 0.2]), np.array([0.3])
    values = {{"f": field.f1(x, p).tolist(), "jac": field.jac1(x, p).tolist(), "dfdp": field.dfdp1(x, p).tolist()}}
    # read after the calls: numba loads (or compiles) on the first call
    print(json.dumps({{"derived": cache.STATS["memo_computed"], "sympy": "sympy" in sys.modules,
                      "numba_hits": sum(field._eval.stats.cache_hits.values()), **values}}))
''')


def _run(tmp_path, a: float, cube: int) -> dict:
    script = tmp_path / f"field_{cube}.py"
    script.write_text(_SCRIPT.format(cube=cube))
    env = dict(os.environ, BP_CORE_CACHE_DIR=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    done = subprocess.run([sys.executable, str(script), repr(a)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _expected(a: float, cube: int) -> tuple[list, list, list]:
    v, w, iext = 0.5, 0.2, 0.3
    f = [v - v ** 3 / cube - w + iext, (v + a - 0.8 * w) / 12.5]
    jac = [[1 - 3 * v ** 2 / cube, -1.0], [1 / 12.5, -0.8 / 12.5]]
    return f, jac, [[1.0], [0.0]]


def _check(result: dict, a: float, cube: int) -> None:
    f, jac, dfdp = _expected(a, cube)
    np.testing.assert_allclose(result["f"], f, rtol=1e-14)
    np.testing.assert_allclose(result["jac"], jac, rtol=1e-14)
    np.testing.assert_allclose(result["dfdp"], dfdp, rtol=1e-14)


def test_a_new_process_reuses_the_field_without_sympy_and_a_changed_model_is_derived_again(tmp_path):
    first = _run(tmp_path, 0.7, 3)
    assert first["derived"] == 1 and first["sympy"] and first["numba_hits"] == 0
    _check(first, 0.7, 3)

    again = _run(tmp_path, 0.7, 3)
    assert again["derived"] == 0, "the derivation was not read back from the cache"
    assert not again["sympy"], "a process with the derivation cached imported sympy"
    assert again["numba_hits"] == 1, "the compiled field was compiled again instead of loaded"
    assert again["f"] == first["f"] and again["jac"] == first["jac"]

    # a parameter's value is a constant of the generated source: a new value must not reuse the old one
    other_value = _run(tmp_path, 0.9, 3)
    assert other_value["derived"] == 1 and other_value["numba_hits"] == 0
    _check(other_value, 0.9, 3)

    other_equation = _run(tmp_path, 0.7, 4)
    assert other_equation["derived"] == 1 and other_equation["numba_hits"] == 0
    _check(other_equation, 0.7, 4)


def test_the_one_compiled_function_equals_sympy_at_many_points():
    analyzer = bp.BifurcationAnalyzer(bp.models.get_HH(), target_pars={'I_ext': [0., 200.]},
                                      dynamical_vars={'V': [-90, 60], 'm': [0, 1], 'h': [0, 1], 'n': [0, 1]})
    field = analyzer.field
    rng = np.random.default_rng(1)
    X = np.vstack([rng.uniform(-80, 40, 7), rng.uniform(0, 1, (3, 7))])
    p = np.array([12.5])
    compiled = field.compiled
    np.testing.assert_allclose(compiled.f(X, p), field.f(X, p), rtol=1e-12, atol=1e-12)
    for k in range(X.shape[1]):
        np.testing.assert_allclose(compiled.jac1(X[:, k], p), field.jacobian(X[:, k], p), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(compiled.dfdp1(X[:, k], p), field.par_derivative(X[:, k], p), rtol=1e-12)
    # a non-contiguous parameter vector and points give the same values through the one specialization
    both = np.vstack([X, np.full((1, 7), 12.5)])
    np.testing.assert_array_equal(compiled.jac(both[:4, ::2], both[4:, 0]), compiled.jac(X[:, ::2], p))
    assert len(compiled._eval.signatures) == 1


def test_whole_powers_keep_int_exponents_so_numba_multiplies():
    """Hodgkin-Huxley's m**3 and n**4 and their derivatives' m**2, n**3: int exponents in the compiled source
    (numba multiplies where a float exponent calls pow()); the values are sympy's (the test above)."""
    analyzer = bp.BifurcationAnalyzer(bp.models.get_HH(), target_pars={'I_ext': [0., 200.]},
                                      dynamical_vars={'V': [-90, 60], 'm': [0, 1], 'h': [0, 1], 'n': [0, 1]})
    source = analyzer.field.compiled.source
    assert {int(n) for n in re.findall(r"\*\*(\d+)\b(?!\.)", source)} == {2, 3, 4}
    assert not re.search(r"\*\*\(?-?\d+\.0\b", source)


def test_an_array_parameter_is_refused_naming_it():
    with pytest.raises(bp.errors.ModelUseError, match="is an array"):
        bp.BifurcationAnalyzer(bp.models.get_HH(), target_pars={'I_ext': [0., 200.]},
                               dynamical_vars={'V': [-90, 60], 'm': [0, 1], 'h': [0, 1], 'n': [0, 1]},
                               pars_update={'g_Na': np.ones(3)})
