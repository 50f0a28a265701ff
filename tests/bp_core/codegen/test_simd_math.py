"""exp and expm1 in steps become the engine's vectorisable forms (passes.simd_math): jit on and off agree bit for
bit, and results stay within rounding of the C library's."""

import ast
import math
from math import exp as imported_exp

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.simd_math import SIMD_MATH, simd_calls
from tests.bp_core.codegen.lif_networks import pipeline_without

VT = -63.


@bp.integrate(method='exponential')
def int_m(m, t, V):
    alpha = 0.32 * (13. - V + VT) / (np.exp((13. - V + VT) / 4.) - 1.)
    beta = 0.28 * (V - VT - 40.) / (math.exp((V - VT - 40.) / 5.) - 1.)
    return alpha * (1. - m) - beta * m


@bp.integrate(method='exponential')
def int_V(V, t, m, I):
    return (0.05 * (-65. - V) - 50. * m * (V - 50.) + I) / 1.  # no power: Python and numba compute m ** 3 apart


def update(ST, _t):
    V, m = ST['V'], ST['m']
    ST['V'] = int_V(V, _t, m, ST['I'])
    ST['m'] = int_m(m, _t, V)
    ST['w'] = imported_exp(-V / 30.) + np.expm1(V / 100.)  # a module's exp under its own name, and expm1


def _network(n: int = 24):
    neuron = bp.NeuType(name='SimdHH', ST=bp.types.NeuState({'V': -65., 'm': 0.05, 'I': 0., 'w': 0.}),
                        steps=update, mode='scalar')
    group = bp.NeuGroup(neuron, n, monitors=['V'])
    group.ST['I'] = np.linspace(0., 8., n)
    return bp.Network(group), group


def _run(jit: bool, steps: int = 300):
    with bp.profile.override(jit=jit, dt=0.05):
        net, group = _network()
        net.run(steps * 0.05)
    return net, group


def test_every_exp_and_expm1_of_a_step_is_the_engines_and_jit_on_and_off_agree_bit_for_bit():
    net, compiled = _run(jit=True)
    _, plain = _run(jit=False)
    step = net.code.split("def run_kernel")[0]
    assert step.count("simd_exp(") == 3 and step.count("simd_expm1(") == 1  # exprel's is the helper's own
    assert "np.exp(" not in step and "math.exp(" not in step and "imported_exp(" not in step
    for name in ('V', 'm', 'w'):
        np.testing.assert_array_equal(compiled.ST[name], plain.ST[name])
    np.testing.assert_array_equal(compiled.mon.V, plain.mon.V)


def test_results_stay_within_rounding_of_the_c_librarys_exp():
    _, engine = _run(jit=True, steps=100)
    with pipeline_without(SIMD_MATH):
        net, library = _run(jit=True, steps=100)
        assert "simd_exp" not in net.code.split("def run_kernel")[0]
    for name in ('V', 'm', 'w'):
        np.testing.assert_allclose(engine.ST[name], library.ST[name], rtol=1e-12, atol=1e-14)
    assert not np.array_equal(engine.mon.V, library.mon.V)  # the last bits do differ: the forms are not libm's


def test_a_call_under_an_if_keeps_the_c_librarys_exp_on_both_targets():
    def step(ST, _t):
        ST['w'] = np.exp(ST['V'] / 50.)  # every element, every step: the engine's
        if ST['V'] > -64.99:
            ST['w'] += np.exp(ST['V'] / 40.)  # a few elements: the C library's, one at a time

    results = []
    for jit in (True, False):
        with bp.profile.override(jit=jit, dt=0.05):
            group = bp.NeuGroup(bp.NeuType(name='SimdBranch', ST=bp.types.NeuState({'V': -65., 'w': 0.}), steps=step,
                                           mode='scalar'), 8)
            group.ST['V'] = np.linspace(-65., -60., 8)
            net = bp.Network(group)
            net.run(0.05)
        code = net.code.split("def run_kernel")[0]
        assert "simd_exp(ST_V[_obj_i] * _inv" in code and "np.exp(ST_V[_obj_i] * _inv" in code, code
        results.append(group.ST['w'].copy())
    np.testing.assert_array_equal(*results)


@pytest.mark.parametrize("source, expected", [
    ("y = np.exp(x) + math.expm1(x) + numpy.exp(2 * x)", "y = simd_exp(x) + simd_expm1(x) + simd_exp(2 * x)"),
    ("y = np.exp(np.exp(x))", "y = simd_exp(simd_exp(x))"),
    ("y = np.exp(x, out=z)", "y = np.exp(x, out=z)"),  # NumPy's own keywords: left alone
    ("y = np.log(x) + exp(x)", "y = np.log(x) + exp(x)"),  # a name the step's module does not bind to exp
])
def test_calls_rewritten_and_left_alone(source, expected):
    assert ast.unparse(simd_calls(ast.parse(source))) == expected


def test_a_name_is_rewritten_only_when_the_module_binds_it_to_an_exp():
    def exp(x):  # the user's own function called exp
        return x

    assert ast.unparse(simd_calls(ast.parse("y = exp(x)"), {"exp": exp})) == "y = exp(x)"
    assert ast.unparse(simd_calls(ast.parse("y = table(x)"), {"table": np.ones(3)})) == "y = table(x)"
    assert ast.unparse(simd_calls(ast.parse("y = e(x)"), {"e": np.exp})) == "y = simd_exp(x)"
    assert ast.unparse(simd_calls(ast.parse("y = f(x)"), {"f": math.expm1})) == "y = simd_expm1(x)"
