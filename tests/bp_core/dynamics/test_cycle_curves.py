"""Period-doubling and torus (Neimark-Sacker) curves of cycles in two parameters, on systems whose curves are
known in closed form. The cycle x = cos t, y = sin t (period 2 pi, the same for all parameters) carries a
transverse plane (u, w) with linear part ``A(t)``:

- torus: ``A = c I + omega J`` (J the rotation generator): multipliers ``exp(2 pi c) exp(+-2 pi i omega)``,
  so the NS curve is ``c = 0`` for every omega, with the 1:4 and 1:3 resonances at omega = 1/4 and 1/3,
  ending at the 1:2 resonance at omega = 1/2;
- period doubling: ``A = c I + d [[x, y], [y, -x]] + J / 2`` (the transverse plane turns half a turn per
  period, a Moebius band): multipliers ``-exp(2 pi (c +- d))``, so the PD curve is ``c = -d``.
"""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics.cycle_bifurcation_curves import continue_cycle_bifurcation
from bp_core.dynamics.cycles import CycleSettings, cycles_from_orbit
from bp_core.dynamics.diagram import SpecialPoint
from bp_core.errors import ModelUseError
from tests.time_budgets import LOADED


@bp.integrate
def int_x(x, t, y):
    return -y + x * (1 - x ** 2 - y ** 2)


@bp.integrate
def int_y(y, t, x):
    return x + y * (1 - x ** 2 - y ** 2)


@bp.integrate
def int_u_torus(u, t, w, c, omega):
    return c * u - omega * w - u * (u ** 2 + w ** 2)


@bp.integrate
def int_w_torus(w, t, u, c, omega):
    return omega * u + c * w - w * (u ** 2 + w ** 2)


@bp.integrate
def int_u_flip(u, t, w, x, y, c, d):
    return c * u + d * (x * u + y * w) - 0.5 * w - u * (u ** 2 + w ** 2)


@bp.integrate
def int_w_flip(w, t, u, x, y, c, d):
    return c * w + d * (y * u - x * w) + 0.5 * u - w * (u ** 2 + w ** 2)


def torus_update(ST, _t):
    x = int_x(ST['x'], _t, ST['y'])
    y = int_y(ST['y'], _t, ST['x'])
    u = int_u_torus(ST['u'], _t, ST['w'], 0., 0.)
    ST['w'] = int_w_torus(ST['w'], _t, ST['u'], 0., 0.)
    ST['x'], ST['y'], ST['u'] = x, y, u


def flip_update(ST, _t):
    x = int_x(ST['x'], _t, ST['y'])
    y = int_y(ST['y'], _t, ST['x'])
    u = int_u_flip(ST['u'], _t, ST['w'], ST['x'], ST['y'], 0., 0.)
    ST['w'] = int_w_flip(ST['w'], _t, ST['u'], ST['x'], ST['y'], 0., 0.)
    ST['x'], ST['y'], ST['u'] = x, y, u


VARIABLES = {'x': [-1.5, 1.5], 'y': [-1.5, 1.5], 'u': [-1, 1], 'w': [-1, 1]}


def branch_and_point(update, second, second_range, second_value, label):
    """The branch of the cycle x = cos t in c from c = -0.6, at the second parameter's value, and its point."""
    model = bp.NeuType(name=f"cycle_curve_{label}", ST=bp.types.NeuState('x', 'y', 'u', 'w'), steps=update)
    an = bp.BifurcationAnalyzer(model, {'c': [-0.7, 0.2], second: list(second_range)}, VARIABLES,
                                par_resolution=0.03)
    times = np.linspace(0, 2 * np.pi, 201)
    states = np.column_stack([np.cos(times), np.sin(times), 0 * times, 0 * times])
    p = an._par_vector({second: second_value})
    p[0] = -0.6
    branch = cycles_from_orbit(an.field, times, states, p, 0, (-0.7, 0.2), list(VARIABLES.values()),
                               settings=CycleSettings(ds_max=0.1, max_steps=40), par_names=an.par_names)
    (point,) = [q for q in branch.special if q.label == label]
    return an, point


@pytest.fixture(scope="module")
def torus():
    an, point = branch_and_point(torus_update, 'omega', (0.2, 0.6), 0.3, "NS")
    return point, an.cycle_bifurcation_curve(point, max_points=45, time_budget=LOADED)


@pytest.fixture(scope="module")
def flip():
    an, point = branch_and_point(flip_update, 'd', (0.1, 0.6), 0.3, "PD")
    return point, an.cycle_bifurcation_curve(point, max_points=40, time_budget=LOADED)


def test_torus_point_and_curve_are_c_equal_zero(torus):
    point, curve = torus
    assert point.par['c'] == pytest.approx(0.0, abs=1e-8)
    assert curve.label == "NS"
    assert np.abs(curve.values[:, 0]) == pytest.approx(0.0, abs=1e-8)
    assert curve.period == pytest.approx(2 * np.pi, rel=1e-8)
    omega = curve.values[:, 1]
    assert omega.min() < 0.21 and 0.45 < omega.max() < 0.5  # across the resonances to R2


def test_torus_curve_locates_the_strong_resonances(torus):
    _, curve = torus
    found = {q.label: q.par['omega'] for q in curve.special}
    assert found.keys() == {"R4", "R3", "R2"}
    assert found["R4"] == pytest.approx(0.25, abs=1e-7)
    assert found["R3"] == pytest.approx(1 / 3, abs=1e-7)
    assert found["R2"] == pytest.approx(0.5, abs=1e-7)  # the end, where the multipliers meet at -1
    assert "1:2 resonance" in curve.stopped


def test_period_doubling_point_and_curve_are_c_equal_minus_d(flip):
    point, curve = flip
    assert point.par['c'] == pytest.approx(-0.3, abs=1e-8)
    assert curve.label == "PD"
    assert curve.values[:, 0] == pytest.approx(-curve.values[:, 1], abs=1e-8)
    assert curve.period == pytest.approx(2 * np.pi, rel=1e-8)
    assert np.ptp(curve.values[:, 1]) > 0.3
    assert curve.special == []  # the other multiplier, -exp(2 pi (c - d)), stays inside the unit circle


def test_a_curve_starts_only_at_pd_or_ns_points(torus):
    point, _ = torus
    fold = SpecialPoint("LPC", point.par, point.state, point.period, located=point.located)
    with pytest.raises(ModelUseError, match="PD or NS point"):
        continue_cycle_bifurcation(None, fold, ['c', 'omega'], [], [])
