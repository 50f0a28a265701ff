"""A one-variable phase plane over a range much wider than the distance between its fixed points: close roots
were merged into one (within 1e-7 of the range), and a range of 1e100 failed inside SciPy (RuntimeError)."""

import pytest

import bp_core as bp


@bp.integrate
def int_x(x, t, I):
    return 1. - x * x + I


def update(ST, _t):
    ST['x'] = int_x(ST['x'], _t, ST['input'])
    ST['input'] = 0.


PARABOLA = bp.NeuType(name='Parabola', ST=bp.types.NeuState({'x': 0., 'input': 0.}), steps=update, mode='vector')


@pytest.mark.parametrize("half_width", [3., 1e6, 1e9, 1e12, 1e100])
@pytest.mark.parametrize("I, root", [(0., 1.), (-0.99, 0.1)])
def test_every_fixed_point_is_found_however_wide_the_range(half_width, I, root):
    analyzer = bp.PhasePortraitAnalyzer(PARABOLA, target_vars={'x': [-half_width, half_width]}, fixed_vars={'I': I})
    points = analyzer.fixed_points()
    assert [p.position['x'] for p in points] == pytest.approx([-root, root], abs=1e-9)
    assert [p.stability for p in points] == ['unstable point', 'stable point']


def test_a_root_on_a_grid_point_is_found_once():
    # x = 0 is a grid point of [-3, 3]; f = -x**2 + 0 touches zero there without a sign change
    analyzer = bp.PhasePortraitAnalyzer(PARABOLA, target_vars={'x': [-3., 3.]}, fixed_vars={'I': -1.})
    assert [round(p.position['x'], 4) for p in analyzer.fixed_points()] == [0.]
