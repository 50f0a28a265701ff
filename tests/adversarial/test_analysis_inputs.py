"""Degenerate arguments of the analyses: a resolution of infinity ran the continuation for ever, one given as text
failed in a comparison (TypeError), and a phase plane's grid step that is tiny allocated the machine's memory (or
scanned for hours), negative gave an empty grid without a word, NaN failed inside NumPy. Each is refused before
any work, naming the analysis, the argument and a value that works."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics.phase_plane import MAX_SCAN_LINES
from bp_core.errors import ModelUseError

FHN = bp.models.get_FitzHughNagumo()


@pytest.mark.parametrize("name", ["par_resolution", "var_resolution"])
@pytest.mark.parametrize("value", [np.inf, np.nan, 0., -1., '0.1', None, True])
def test_a_bifurcation_resolution_that_is_no_positive_finite_number_is_refused(name, value):
    with pytest.raises(ModelUseError, match=rf"{name} of the bifurcation analysis of model 'FitzHugh_Nagumo' must be "
                                            rf"a positive finite number, got .*; for example {name}=0.1"):
        bp.BifurcationAnalyzer(FHN, target_pars={'Iext': [0., 2.]}, dynamical_vars={'v': [-3, 3], 'w': [-2, 2]},
                               **{name: value})


@pytest.fixture(scope="module")
def plane():
    return bp.PhasePortraitAnalyzer(FHN, target_vars={'v': [-3., 3.], 'w': [-2., 2.]}, fixed_vars={'Iext': 0.5})


@pytest.mark.parametrize("method", ["vector_field", "nullclines"])
@pytest.mark.parametrize("value", [-1., 0., np.nan, np.inf, 'x'])
def test_a_grid_step_that_is_no_positive_finite_number_is_refused(plane, method, value):
    with pytest.raises(ModelUseError, match=rf"resolution=.* of {method}\(\) of the phase plane of model "
                                            rf"'FitzHugh_Nagumo' must be a positive finite grid step, or None"):
        getattr(plane, method)(resolution=value)


@pytest.mark.parametrize("method, most", [("vector_field", 2000), ("nullclines", MAX_SCAN_LINES)])
def test_a_grid_step_too_fine_for_the_memory_is_refused_before_allocating(plane, method, most):
    with pytest.raises(ModelUseError, match=rf"resolution=1e-09 of {method}\(\) .* makes 6e\+09 points along a "
                                            rf"range of 6, more than {most:,}; take a resolution of at least"):
        getattr(plane, method)(resolution=1e-9)


def test_a_fine_grid_within_the_bound_is_computed(plane):
    grid = plane.vector_field(resolution=0.01)
    assert grid.grid['v'].shape == (401, 601)
    v, w = grid.grid['v'], grid.grid['w']
    np.testing.assert_allclose(grid.derivatives['v'], v - v ** 3 / 3 - w + 0.5, atol=1e-12)


# -- many variables, many equilibria ---------------------------------------------------------------------------

def test_a_ten_variable_branch_is_found_from_a_bounded_set_of_seeds(monkeypatch):
    """Three seeds an axis in ten variables were 59,049 Newton starts at every parameter seed (minutes); the
    search now spreads at most MAX_GRID_SEEDS over the box, and still finds the ring's one branch."""
    from bp_core.dynamics import fixed_points
    from tests.adversarial.ten_variables import NAMES, RING

    starts = []
    newton = fixed_points._newton_batch

    def counted(field, ranges, p, per_axis):
        starts.append(per_axis ** field.dim)
        return newton(field, ranges, p, per_axis)

    monkeypatch.setattr(fixed_points, "_newton_batch", counted)
    analyzer = bp.BifurcationAnalyzer(RING, target_pars={'I': [-0.5, 0.5]},
                                      dynamical_vars={name: [-3., 3.] for name in NAMES}, par_resolution=0.1)
    branches = analyzer.branches()
    assert starts and max(starts) > fixed_points.MAX_GRID_SEEDS  # the grid it would have been
    assert len(branches) == 1
    branch = branches[0]
    # every point is the symmetric equilibrium x = 0.5 tanh(x) + I of each unit
    np.testing.assert_allclose(branch.states - 0.5 * np.tanh(branch.states), branch.par[:, None] + 0. * branch.states,
                               atol=1e-8)
    assert branch.par.min() <= -0.49 and branch.par.max() >= 0.49


def test_a_search_finding_more_equilibria_than_could_be_followed_stops_saying_so(monkeypatch):
    from bp_core.dynamics import fixed_points
    from tests.adversarial.ten_variables import NAMES, UNITS

    monkeypatch.setattr(fixed_points, "MAX_FIXED_POINTS", 40)  # 3**10 equilibria: the seeds find hundreds
    analyzer = bp.BifurcationAnalyzer(UNITS, target_pars={'I': [-0.1, 0.1]},
                                      dynamical_vars={name: [-2., 2.] for name in NAMES})
    with pytest.raises(ModelUseError, match=r"the analysis of model 'Units' finds more than 40 fixed points in the "
                                            r"ranges of its variables \(x0 from -2 to 2, .*\); narrow the ranges"):
        analyzer.branches()


# -- ranges too large for float64 arithmetic ---------------------------------------------------------------------

@pytest.mark.parametrize("bounds", [[-1e300, 1e300], [0., 1e200], [-1e151, 0.]])
def test_a_range_whose_squares_overflow_is_refused(bounds):
    """(-1e300, 1e300) returned no branch without a word: step lengths and norms over it overflow to inf."""
    with pytest.raises(ModelUseError, match=r"range of variable 'v' must lie within \+-1e\+150"):
        bp.BifurcationAnalyzer(FHN, target_pars={'Iext': [0., 2.]}, dynamical_vars={'v': bounds, 'w': [-2, 2]})
    with pytest.raises(ModelUseError, match=r"range of parameter 'Iext' must lie within \+-1e\+150"):
        bp.BifurcationAnalyzer(FHN, target_pars={'Iext': bounds}, dynamical_vars={'v': [-3, 3], 'w': [-2, 2]})


def test_a_wide_range_within_the_limit_still_finds_the_equilibria():
    analyzer = bp.BifurcationAnalyzer(FHN, target_pars={'Iext': [0., 2.]},
                                      dynamical_vars={'v': [-1e3, 1e3], 'w': [-2, 2]})
    assert analyzer.var_ranges['v'] == (-1e3, 1e3)
