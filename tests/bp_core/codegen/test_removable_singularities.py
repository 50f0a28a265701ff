"""Rate functions ``c b / (1 - exp(b))`` keep their limit where ``b`` vanishes (``passes.removable_singularities``):
a Hodgkin-Huxley neuron started at exactly V = -40 mV runs, continuous with one started next to it, and every
other neuron's values are the division's own bit for bit; a true pole is left to the safe mode."""

import ast

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.removable_singularities import REMOVABLE_SINGULARITIES, _exp_difference, _limit
from bp_core.errors import RunError
from tests.bp_core.codegen.lif_networks import pipeline_without
from tests.bp_core.simulation.test_spec_chapters import int_h_dbg, int_m, int_n_dbg

# the HH rates' singular points: alpha_m at -40 mV, alpha_n at -55 mV; the others around them
V0 = np.array([-40., -55., -40. + 1e-9, -55. + 1e-9, -65., -70.])


@bp.integrate
def int_V(V, t, m, h, n, I):
    return (-120. * m ** 3 * h * (V - 50.) - 36. * n ** 4 * (V + 77.) - 0.3 * (V + 54.387) + I) / 1.


def scalar_update(ST, _t):
    # the spec's Hodgkin-Huxley rates (its debugging chapter's integrators) in a scalar-mode step
    m = int_m(ST['m'], _t, ST['V'])
    h = int_h_dbg(ST['h'], _t, ST['V'])
    n = int_n_dbg(ST['n'], _t, ST['V'])
    ST['V'] = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], ST['input'])
    ST['m'], ST['h'], ST['n'], ST['input'] = m, h, n, 0.


ScalarHH = bp.NeuType(name='ScalarHH', ST=bp.types.NeuState({'V': -65., 'm': 0.05, 'h': 0.6, 'n': 0.32, 'input': 0.}),
                      steps=scalar_update, mode='scalar')


def _run(model, v0, passes: bool = True, duration: float = 5.):
    with pipeline_without(*([] if passes else [REMOVABLE_SINGULARITIES])), bp.profile.override(dt=0.02):
        group = bp.NeuGroup(model, len(v0), monitors=['V'])
        group.ST['V'] = v0
        group.run(duration, inputs=('ST.input', 3.))
        return np.array(group.mon.V), group


@pytest.mark.parametrize("mode", ['vector', 'scalar'])
def test_a_neuron_started_at_the_rate_functions_zero_over_zero_runs_on_their_limit(mode):
    model = bp.models.get_HH() if mode == 'vector' else ScalarHH
    trace, _ = _run(model, V0, duration=1.)  # before a spike amplifies the 1e-9 start apart
    assert np.all(np.isfinite(trace))
    # continuous: at the singular point as a hair beside it (a 1e-9 start apart grows ~1e4-fold on a spike's upstroke)
    np.testing.assert_allclose(trace[:, 0], trace[:, 2], rtol=0, atol=1e-4)
    np.testing.assert_allclose(trace[:, 1], trace[:, 3], rtol=0, atol=1e-4)


def test_without_the_pass_the_same_start_stops_the_run():
    with pytest.raises(RunError, match="became NaN or infinite"):
        _run(bp.models.get_HH(), V0, passes=False)


@pytest.mark.parametrize("mode", ['vector', 'scalar'])
def test_away_from_the_point_the_values_are_the_divisions_own(mode):
    model = bp.models.get_HH() if mode == 'vector' else ScalarHH
    v0 = np.array([-65., -70., -52.3, -20.])
    kept, _ = _run(model, v0, duration=20.)
    plain, _ = _run(model, v0, passes=False, duration=20.)
    np.testing.assert_array_equal(kept, plain)


@pytest.mark.parametrize("source, limit", [
    ("0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))", 1.0),
    ("-0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1)", 0.1),
    ("0.32 * (13 - V + VT) / (math.exp((13 - V + VT) / 4) - 1)", 1.28),
    ("(V - Vh) / (1 - np.exp(-(V - Vh) / k))", "k"),
    ("1 / (1 - np.exp(-V))", None),  # a pole: no limit
    ("V / (1 - np.exp(-V * V))", None),
])
def test_the_limit_is_the_numerators_factor(source, limit):
    node = ast.parse(source, mode="eval").body
    exponent, sign = _exp_difference(node.right)
    found = _limit(node.left, exponent, sign, {"Vh", "k", "VT"})
    if limit is None:
        assert found is None
    elif isinstance(limit, str):
        assert ast.unparse(found) == limit
    else:
        assert float(ast.unparse(found)) == pytest.approx(limit, rel=1e-15)


def test_a_pole_still_stops_the_run():
    def update(ST, _t):
        ST['r'] = 1. / (1. - np.exp(-ST['x']))
        ST['x'] += 1.

    Pole = bp.NeuType(name='Pole', ST=bp.types.NeuState({'x': -2., 'r': 0.}), steps=update, mode='scalar')
    group = bp.NeuGroup(Pole, 1)
    with pytest.raises(RunError, match="'r' became NaN or infinite"):
        group.run(1.)
