"""Phase plane and bifurcation analysis against analytic results and scipy."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

import bp_core as bp  # noqa: E402
from bp_core.errors import ModelUseError  # noqa: E402
from tests.time_budgets import LOADED


def get_FNmodel(a=0.7, b=0.8, tau=12.5, Vth=1.9):
    """The chapter's FitzHugh-Nagumo model."""
    state = bp.types.NeuState({'v': 0., 'w': 1., 'spike': 0., 'input': 0.})

    @bp.integrate
    def int_w(w, t, v):
        return (v + a - b * w) / tau

    @bp.integrate
    def int_v(v, t, w, Iext):
        return v - v * v * v / 3 - w + Iext

    def update(ST, _t):
        ST['w'] = int_w(ST['w'], _t, ST['v'])
        v = int_v(ST['v'], _t, ST['w'], ST['input'])
        ST['spike'] = np.logical_and(v >= Vth, ST['v'] < Vth)
        ST['v'] = v
        ST['input'] = 0.

    return bp.NeuType(name='FitzHugh_Nagumo', ST=state, steps=update)


def fhn_rhs(I, a=0.7, b=0.8, tau=12.5):
    return lambda t, y: [y[0] - y[0] ** 3 / 3 - y[1] + I, (y[0] + a - b * y[1]) / tau]


@pytest.fixture(scope="module")
def fhn_plane():
    return bp.PhasePortraitAnalyzer(model=get_FNmodel(), target_vars={'v': [-3, 3], 'w': [-3., 3.]},
                                    fixed_vars={'Iext': 0.8})


def test_fhn_fixed_point_as_the_chapter_reports(fhn_plane, capsys):
    points = fhn_plane.plot_fixed_point()
    assert len(points) == 1
    point = points[0]
    assert round(point.position['v'], 4) == -0.2729 and round(point.position['w'], 4) == 0.5339
    assert point.stability == "unstable node"
    assert "Fixed point #1 at v=-0.27290" in capsys.readouterr().out and "is a unstable-node." in \
        "Fixed point #1 " + point.describe()
    v = point.position['v']
    expected = np.linalg.eigvals(np.array([[1 - v ** 2, -1.0], [1 / 12.5, -0.8 / 12.5]]))
    np.testing.assert_allclose(np.sort(point.eigenvalues.real), np.sort(expected.real), rtol=1e-9)
    assert np.all(point.eigenvalues.real > 0) and np.all(point.eigenvalues.imag == 0)


def test_fhn_nullclines_lie_on_the_analytic_curves(fhn_plane):
    v_null, w_null = fhn_plane.nullclines()
    v, w = v_null.points['v'], v_null.points['w']
    ok = ~np.isnan(v)
    np.testing.assert_allclose(w[ok], v[ok] - v[ok] ** 3 / 3 + 0.8, atol=1e-8)
    v, w = w_null.points['v'], w_null.points['w']
    ok = ~np.isnan(v)
    np.testing.assert_allclose(w[ok], (v[ok] + 0.7) / 0.8, atol=1e-8)
    grid = fhn_plane.vector_field()
    np.testing.assert_allclose(grid.derivatives['v'], grid.grid['v'] - grid.grid['v'] ** 3 / 3 - grid.grid['w'] + 0.8)


def test_trajectory_and_limit_cycle_match_solve_ivp(fhn_plane):
    traj = fhn_plane.trajectory({'v': -2.8, 'w': -1.8}, 100., dt=0.5)
    reference = solve_ivp(fhn_rhs(0.8), (0, 100), [-2.8, -1.8], method="Radau", rtol=1e-11, atol=1e-11,
                          t_eval=traj.ts)
    np.testing.assert_allclose(traj.values['v'], reference.y[0], atol=1e-6)
    np.testing.assert_allclose(traj.values['w'], reference.y[1], atol=1e-6)
    cycle = fhn_plane.limit_cycle({'v': -2.8, 'w': -1.8}, 1000.)
    long = solve_ivp(fhn_rhs(0.8), (0, 1000), [-2.8, -1.8], method="Radau", rtol=1e-10, atol=1e-10,
                     dense_output=True)
    ts = np.linspace(500, 1000, 200001)
    v = long.sol(ts)[0]
    up = ts[1:][(v[:-1] < 0) & (v[1:] >= 0)]
    assert cycle is not None
    assert cycle.period == pytest.approx(np.mean(np.diff(up)), rel=0.01)
    assert cycle.amplitude('v') == pytest.approx(np.ptp(v), rel=0.01)


def test_phase_plane_plots_draw(fhn_plane):
    fhn_plane.plot_nullcline()
    fhn_plane.plot_vector_field()
    fhn_plane.plot_fixed_point()
    trajectories = fhn_plane.plot_trajectory([(-2.8, -1.8, 100.)], inputs=('ST.input', 0.8))
    assert len(trajectories) == 1 and len(plt.gca().lines) >= 4
    plt.close("all")


a11, a12, a21, a22 = -1.0, 0.0, 0.0, -2.0


def linear_model():
    @bp.integrate
    def int_x(x, t, y):
        return a11 * x + a12 * y

    @bp.integrate
    def int_y(y, t, x):
        return a21 * x + a22 * y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'])
        ST['y'] = int_y(ST['y'], _t, ST['x'])
        ST['x'] = x

    return bp.NeuType(name='Linear', ST=bp.types.NeuState('x', 'y'), steps=update)


@pytest.mark.parametrize("matrix, label", [
    ([[-1, 0], [0, -2]], "stable node"), ([[1, 0], [0, 2]], "unstable node"), ([[-1, 0], [0, 2]], "saddle"),
    ([[-1, -2], [2, -1]], "stable focus"), ([[1, -2], [2, 1]], "unstable focus"), ([[0, -2], [2, 0]], "center"),
])
def test_linear_systems_are_classified(matrix, label):
    (p11, p12), (p21, p22) = matrix
    analyzer = bp.PhasePortraitAnalyzer(linear_model(), {'x': [-1, 1], 'y': [-1, 1]},
                                        pars_update={'a11': p11, 'a12': p12, 'a21': p21, 'a22': p22})
    points = analyzer.fixed_points()
    assert len(points) == 1 and points[0].stability == label
    np.testing.assert_allclose(sorted(points[0].eigenvalues, key=lambda z: (z.real, z.imag)),
                               sorted(np.linalg.eigvals(np.array(matrix, float)), key=lambda z: (z.real, z.imag)))


r = -1.0


def saddle_node_model():
    @bp.integrate
    def int_x(x, t):
        return r + x ** 2

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t)

    return bp.NeuType(name='Fold', ST=bp.types.NeuState('x'), steps=update)


def test_saddle_node_of_r_plus_x_squared():
    plane = bp.PhasePortraitAnalyzer(saddle_node_model(), {'x': [-2, 2]}, pars_update={'r': -0.25})
    points = plane.fixed_points()
    assert [round(p.position['x'], 9) for p in points] == [-0.5, 0.5]
    assert [p.stability for p in points] == ["stable point", "unstable point"]
    analyzer = bp.BifurcationAnalyzer(saddle_node_model(), target_pars={'r': [-1., 1.]},
                                      dynamical_vars={'x': [-2., 2.]}, par_resolution=0.01)
    folds = [p for p in analyzer.bifurcation_points() if p.kind == "saddle-node"]
    assert len(folds) == 1 and abs(folds[0].par['r']) < 1e-6 and abs(folds[0].state['x']) < 1e-3
    branch = analyzer.branches()[0]
    assert branch.par.max() <= 1e-6 and branch.par.min() == pytest.approx(-1.0, abs=0.02)
    np.testing.assert_allclose(branch.states[:, 0] ** 2, -branch.par, atol=1e-8)  # continuous through the fold


def test_a_diagram_with_no_equilibrium_in_the_ranges_says_so(recwarn):
    """x^2 + r = 0 has equilibria only for r <= 0: a diagram over r > 0 is empty, and says why; one over a range
    with equilibria does not warn."""
    analyzer = bp.BifurcationAnalyzer(saddle_node_model(), target_pars={'r': [0.1, 1.]},
                                      dynamical_vars={'x': [-2., 2.]}, par_resolution=0.01)
    with pytest.warns(bp.errors.NoEquilibriumWarning, match=r"no equilibrium with x in \[-2, 2\] for r anywhere "
                                                             r"in \[0.1, 1\].*widen them \(dynamical_vars\)"):
        assert analyzer.special_points() == []
    recwarn.clear()
    found = bp.BifurcationAnalyzer(saddle_node_model(), target_pars={'r': [-1., 1.]},
                                   dynamical_vars={'x': [-2., 2.]}, par_resolution=0.01).branches()
    assert found and not [w for w in recwarn if issubclass(w.category, bp.errors.NoEquilibriumWarning)]


def hopf_current(a=0.7, b=0.8, tau=12.5):
    v = -np.sqrt(1 - b / tau)  # trace(J) = 1 - v^2 - b / tau = 0 on the lower branch
    return (v + a) / b - v + v ** 3 / 3


def test_fhn_hopf_point_matches_trace_zero():
    analyzer = bp.BifurcationAnalyzer(get_FNmodel(), target_pars={'Iext': [0., 1.]},
                                      dynamical_vars={'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.001)
    hopfs = [p for p in analyzer.bifurcation_points() if p.kind == "hopf"]
    assert len(hopfs) == 1
    assert hopfs[0].par['Iext'] == pytest.approx(hopf_current(), rel=1e-9)
    assert hopfs[0].coefficient > 0  # subcritical: the cycle born there is unstable
    branch = analyzer.branches()[0]
    before = branch.par < hopfs[0].par['Iext'] - 0.01
    after = branch.par > hopfs[0].par['Iext'] + 0.01
    assert all(s.startswith("stable") for s in np.array(branch.stability)[before])
    assert all(s.startswith("unstable") for s in np.array(branch.stability)[after])
    cycles = analyzer.limit_cycles()
    # Subcritical: the unstable cycles go down in Iext from the Hopf point to a fold of cycles,
    # where they meet the stable relaxation oscillations, which exist on both sides of the Hopf point.
    fold = min(cycles.par)
    assert fold < hopfs[0].par['Iext'] - 1e-3
    assert not cycles.stable[0] and cycles.stable[-1]
    amplitude = cycles.maximum['v'] - cycles.minimum['v']
    assert np.all(amplitude[cycles.stable & (cycles.par > 0.4)] > 3.5)  # relaxation oscillations
    assert np.argmin(amplitude) == 0  # the cycle is born small at the Hopf point
    fig = analyzer.plot_bifurcation(plot_vars=['v'])
    assert fig.axes
    plt.close("all")


def test_codimension_two_hopf_curve_follows_the_formula():
    analyzer = bp.BifurcationAnalyzer(get_FNmodel(), target_pars={'a': [0.5, 1.], 'Iext': [0., 1.]},
                                      dynamical_vars={'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.05)
    curves = analyzer.codim2_curves(time_budget=LOADED)
    assert curves.pars == ('a', 'Iext') and curves.hopf.shape[0] >= 5
    for a, current in curves.hopf:
        assert current == pytest.approx(hopf_current(a=a), abs=1e-6)
    analyzer.plot_bifurcation()
    plt.close("all")


def test_bad_requests_are_explained():
    model = get_FNmodel()
    with pytest.raises(ModelUseError, match="'u' is not a variable of model 'FitzHugh_Nagumo'"):
        bp.PhasePortraitAnalyzer(model, {'u': [-1, 1]})
    with pytest.raises(ModelUseError, match="min < max"):
        bp.PhasePortraitAnalyzer(model, {'v': [1, -1], 'w': [0, 1]}, fixed_vars={'Iext': 0.})
    three = bp.NeuType(name='Three', ST=bp.types.NeuState('x', 'y', 'z'), steps=_three_update)
    with pytest.raises(ModelUseError, match="one or two variables, got 3"):
        bp.PhasePortraitAnalyzer(three, {'x': [0, 1], 'y': [0, 1], 'z': [0, 1]})
    with pytest.raises(ModelUseError, match="'Iext'.*fixed_vars"):
        bp.PhasePortraitAnalyzer(model, {'v': [-3, 3], 'w': [-3, 3]})
    with pytest.raises(ModelUseError, match="one or two parameters"):
        bp.BifurcationAnalyzer(model, {'a': [0, 1], 'b': [0, 1], 'tau': [1, 2]}, {'v': [-3, 3]})


@bp.integrate
def int_x3(x, t, y, z):
    return y - x


@bp.integrate
def int_y3(y, t, z):
    return z - y


@bp.integrate
def int_z3(z, t, x):
    return x - z


def _three_update(ST, _t):
    ST['x'] = int_x3(ST['x'], _t, ST['y'], ST['z'])
    ST['y'] = int_y3(ST['y'], _t, ST['z'])
    ST['z'] = int_z3(ST['z'], _t, ST['x'])


@pytest.mark.parametrize("setting, words", [
    ([(0., 0., 1e12)], r"over 1e\+12 ms would hold 2e\+13 time points \(at most 2,000,000\)"),
    ([(0., 0., -10.)], "duration of a trajectory of model 'FitzHugh_Nagumo' must be a positive finite"),
    ([(0., 0., float('nan'))], "must be a positive finite number of ms, got nan"),
    ([(float('nan'), 0., 10.)], "start of a trajectory of model 'FitzHugh_Nagumo' must be finite numbers"),
    ([(0., 0.)], r"each trajectory setting is \(v, w, duration\)"),
    (5, r"plot_trajectory takes a list of \(v, w, duration\) settings, got 5"),
], ids=["1e12 ms", "negative", "nan duration", "nan start", "no duration", "not a list"])
def test_a_trajectory_no_machine_could_hold_or_no_number_describes_is_refused(fhn_plane, setting, words):
    """1e12 ms grew the solver's output without bound until the machine ran out of memory."""
    with pytest.raises(bp.errors.ModelUseError, match=words):
        fhn_plane.plot_trajectory(setting)


def test_a_trajectory_that_takes_too_many_steps_ends_with_an_error_naming_it(fhn_plane, monkeypatch):
    from bp_core.dynamics import trajectory

    monkeypatch.setattr(trajectory, "MAX_EVALUATIONS", 500)
    with pytest.raises(bp.errors.ModelUseError, match=r"over 1000 ms took more than 500 evaluations"):
        fhn_plane.trajectory({'v': 0., 'w': 0.}, 1000.)
    monkeypatch.undo()
    ok = fhn_plane.trajectory({'v': 0., 'w': 0.}, 1000.)
    assert ok.ts[-1] == 1000. and np.all(np.isfinite(ok.values['v']))
