"""Derivative functions that call helper functions of the user's: the analyses inline them (the simulation
calls them). Before, the helper's name was taken for an argument without a value ("'current' ... is neither an
analysed variable nor given in fixed_vars"), whose fix (a value in fixed_vars) was no fix at all."""

import numpy as np
import pytest
import sympy

import bp_core as bp
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError


def _fhn(with_helpers: bool) -> bp.NeuType:
    """FitzHugh-Nagumo, v' = v - v^3 / 3 - w + I, w' = (v + a - b w) / tau, written plainly or through helpers
    (a default argument, a local assignment, a helper calling a helper, and a closure number ``v0`` = 0 of the
    helper's scope whose name the second equation uses for a variable of its own)."""
    a, b, tau = 0.7, 0.8, 12.5

    def shift(x, by=0.0):
        return x + by

    def cubic(x):
        v0 = 0.0
        y = shift(x, v0)
        return y - y ** 3 / 3

    if with_helpers:
        @bp.integrate
        def int_v(v, t, w, I):
            return cubic(v) - w + I

        @bp.integrate
        def int_w(w, t, v, I):
            return (shift(v, a) - b * w) / tau
    else:
        @bp.integrate
        def int_v(v, t, w, I):
            return v - v ** 3 / 3 - w + I

        @bp.integrate
        def int_w(w, t, v, I):
            return (v + a - b * w) / tau

    def update(ST, _t):
        v = int_v(ST['v'], _t, ST['w'], 0.)
        ST['w'] = int_w(ST['w'], _t, ST['v'], 0.)
        ST['v'] = v

    return bp.NeuType(name=f"fhn_helpers_{with_helpers}", ST=bp.types.NeuState('v', 'w'), steps=update)


def test_helper_calls_are_inlined_into_the_right_hand_side():
    plain = VectorField(_fhn(False), ["v", "w"], free=["I"])
    helped = VectorField(_fhn(True), ["v", "w"], free=["I"])
    for mine, theirs in zip(helped.exprs, plain.exprs):
        assert sympy.simplify(mine - theirs) == 0


def test_hopf_points_of_a_model_written_with_helpers_are_the_plain_models():
    points = []
    for with_helpers in (False, True):
        an = bp.BifurcationAnalyzer(_fhn(with_helpers), {"I": [0.0, 2.0]}, {"v": [-3, 3], "w": [-3, 3]},
                                    par_resolution=0.01)
        points.append(sorted(q.par["I"] for q in an.bifurcation_points() if q.label == "H"))
    assert len(points[0]) == 2 and np.allclose(points[0], points[1], rtol=0, atol=1e-12)


def _branching(x):
    if x > 0:
        return x
    return -x


def _pair(x, y):
    return x * y


def _calls_branching(x, t, p):
    return _branching(x) + p


def _calls_by_keyword(x, t, p):
    return _pair(x, y=p)


def _calls_short(x, t, p):
    return _pair(x)


def _model_with(derivative) -> bp.NeuType:
    int_x = bp.integrate(derivative)

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, 0.)

    return bp.NeuType(name="helper_errors", ST=bp.types.NeuState('x'), steps=update)


@pytest.mark.parametrize("derivative, words", [
    (_calls_branching, ["'_branching'", "assignments followed by one return"]),
    (_calls_by_keyword, ["'_pair'", "by position", "x, y"]),
    (_calls_short, ["'_pair'", "1 positional"]),
])
def test_a_helper_the_analyses_cannot_read_is_named_with_the_fix(derivative, words):
    with pytest.raises(ModelUseError) as error:
        VectorField(_model_with(derivative), ["x"], free=["p"]).exprs
    for word in words:
        assert word in str(error.value)
