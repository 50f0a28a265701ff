"""The engine's exp, expm1 and exprel (backend/exponentials.py): within ulps of the C library's, the same special
values, the same bits compiled and in NumPy, and arithmetic that LLVM puts on SIMD lanes."""

import warnings

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import bp_core  # noqa: F401  (registers the helpers' compiled forms)
from bp_core.backend.exponentials import simd_exp, simd_expm1
from bp_core.backend.runtime import exprel
from bp_core.backend.targets import numba_cpu  # noqa: F401

FORMS = {"exp": (simd_exp, np.exp, 1), "expm1": (simd_expm1, np.expm1, 2), "exprel": (exprel, special.exprel, 3)}
"""name -> (the engine's form, the reference, the largest distance from it in ulps)."""


@numba.njit
def _compiled(x, out_exp, out_expm1, out_exprel):
    for i in range(x.shape[0]):
        out_exp[i] = simd_exp(x[i])
        out_expm1[i] = simd_expm1(x[i])
        out_exprel[i] = exprel(x[i])


def _all_compiled(x: np.ndarray) -> dict[str, np.ndarray]:
    outs = {name: np.empty_like(x) for name in FORMS}
    _compiled(x, outs["exp"], outs["expm1"], outs["exprel"])
    return outs


def _same_bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a.view(np.int64) == b.view(np.int64)) | (np.isnan(a) & np.isnan(b))


def _check(x: np.ndarray) -> None:
    compiled = _all_compiled(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for name, (form, reference, ulps) in FORMS.items():
            mine, ref = np.asarray(form(x)), reference(x)
            assert _same_bits(compiled[name], mine).all(), (name, x[~_same_bits(compiled[name], mine)][:5])
            one_by_one = np.array([form(float(v)) for v in x[:50]])  # the plain target's path for Python floats
            assert _same_bits(one_by_one, mine[:50]).all(), (name, x[:50][~_same_bits(one_by_one, mine[:50])])
            regular = np.isfinite(ref) & (ref != 0.0)
            distance = np.abs(mine[regular] - ref[regular]) / np.spacing(np.abs(ref[regular]))
            assert distance.max(initial=0.0) <= ulps, (name, x[regular][np.argmax(distance)])
            special_values = ~regular
            assert _same_bits(mine[special_values], ref[special_values]).all(), (name, x[special_values])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=40))
def test_any_double_gives_the_same_bits_compiled_and_in_numpy_within_ulps_of_the_c_library(values):
    _check(np.array(values, dtype=np.float64))


@pytest.mark.parametrize("low, high", [(-1e-12, 1e-12), (-1., 1.), (-40., 40.), (-750., -700.), (700., 711.)])
def test_ranges_where_the_forms_change_hold_the_bounds(low, high):
    x = np.random.default_rng(0).uniform(low, high, 20000)
    _check(x)


def test_special_values_and_thresholds():
    x = np.array([0., -0., np.nan, np.inf, -np.inf, 709.782712893384, 709.7827128933841, -745.1332191019412,
                  -745.13321910194, 5e-324, -5e-324, 1e-17, -1e-17, 2 ** -60, 36.0436533891171, 39.2, -38.])
    _check(x)
    assert simd_exp(np.inf) == np.inf and simd_exp(-np.inf) == 0.0 and simd_expm1(-np.inf) == -1.0
    assert exprel(0.0) == 1.0 and exprel(np.inf) == np.inf and exprel(-np.inf) == 0.0
    assert np.signbit(simd_expm1(-0.0)) and np.signbit(_all_compiled(np.array([-0.0]))["expm1"][0])


def test_arrays_float32_integers_and_complex_keep_numpys_types():
    x = np.linspace(-3., 3., 12).reshape(3, 4)
    assert simd_exp(x).shape == (3, 4) and simd_exp(x.astype(np.float32)).dtype == np.float32
    assert isinstance(simd_exp(1.5), np.float64) and simd_exp(2) == pytest.approx(np.exp(2), rel=1e-15)
    assert simd_exp(1j * np.pi) == np.exp(1j * np.pi)  # complex: NumPy's own

    @numba.njit
    def compiled(a, b):
        return simd_exp(a), simd_expm1(b), exprel(np.float32(0.5)), simd_exp(3)

    grid, narrow, rel32, integer = compiled(x, x.astype(np.float32))
    assert _same_bits(grid, simd_exp(x)).all() and narrow.dtype == np.float32
    np.testing.assert_array_equal(narrow, simd_expm1(x.astype(np.float32)))
    assert str(compiled.nopython_signatures[0].return_type[2]) == "float32"  # float32 in, float32 out
    assert rel32 == exprel(np.float32(0.5)) and integer == simd_exp(3.0)


def test_a_loop_of_the_engines_exp_runs_on_simd_lanes_where_the_c_librarys_does_not():
    @numba.njit
    def engine(x, out):
        for i in range(x.shape[0]):
            out[i] = simd_exp(x[i]) + simd_expm1(-x[i]) + exprel(x[i])

    @numba.njit
    def library(x, out):
        for i in range(x.shape[0]):
            out[i] = np.exp(x[i]) + np.expm1(-x[i])

    x = np.linspace(-5., 5., 64)
    for func in (engine, library):
        func(x, np.empty_like(x))
    assert "vector.body" in engine.inspect_llvm(engine.signatures[0])
    assert "vector.body" not in library.inspect_llvm(library.signatures[0])


def test_several_inlined_copies_in_one_function_compile_without_numbas_scope_warnings():
    @numba.njit
    def many(x, out):
        for i in range(x.shape[0]):
            out[i] = simd_exp(x[i]) + simd_exp(-x[i]) + simd_expm1(x[i]) + simd_expm1(2. * x[i]) + exprel(x[i]) + \
                exprel(-x[i])

    x = np.linspace(-2., 2., 16)
    out = np.empty_like(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        many(x, out)
    np.testing.assert_array_equal(out, simd_exp(x) + simd_exp(-x) + simd_expm1(x) + simd_expm1(2. * x) + exprel(x)
                                  + exprel(-x))
