"""Continuation of equilibria, periodic orbits and codimension-2 curves, checked against normal forms
with known answers, an independent variational integration, and values recorded from AUTO-07p
(``python -m benchmarks.continuation --record`` reproduces them)."""

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import bp_core as bp
from benchmarks.continuation import AUTO_TYPES, CASES, CODIM2_CASES, analyzer, codim2_analyzer
from bp_core.dynamics.cycles import CycleSettings, cycles_from_orbit
from bp_core.dynamics.diagram import polyline_distance
from bp_core.dynamics.normal_forms import other_eigenvalues
from bp_core.errors import ModelUseError
from tests.time_budgets import LOADED

REFERENCE = json.loads((Path(__file__).parent / "auto_reference.json").read_text())


def planar(name, int_x, int_y):
    """A NeuType with variables x, y; ``int_x(x, t, y, b1, b2)`` and ``int_y(y, t, x, b1, b2)`` integrate them."""

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, ST['y'], 0., 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0., 0.)

    return bp.NeuType(name=name, ST=bp.types.NeuState('x', 'y'), steps=update)


def hopf_normal_form(sigma):
    """z' = (b1 + i) z + sigma z |z|^2 in real coordinates."""

    @bp.integrate
    def int_x(x, t, y, b1, b2):
        return b1 * x - y + sigma * x * (x * x + y * y)

    @bp.integrate
    def int_y(y, t, x, b1, b2):
        return x + b1 * y + sigma * y * (x * x + y * y)

    return planar("hopf_normal_form", int_x, int_y)


def bautin_normal_form():
    """z' = (b1 + i) z + b2 z |z|^2 - z |z|^4: the Hopf point at b1 = 0 is generalised at b2 = 0."""

    @bp.integrate
    def int_x(x, t, y, b1, b2):
        r2 = x * x + y * y
        return b1 * x - y + b2 * x * r2 - x * r2 * r2

    @bp.integrate
    def int_y(y, t, x, b1, b2):
        r2 = x * x + y * y
        return x + b1 * y + b2 * y * r2 - y * r2 * r2

    return planar("bautin", int_x, int_y)


def bogdanov_takens_normal_form():
    """x' = y, y' = b1 + b2 x + x^2 - x y."""

    @bp.integrate
    def int_x(x, t, y, b1, b2):
        return y

    @bp.integrate
    def int_y(y, t, x, b1, b2):
        return b1 + b2 * x + x * x - x * y

    return planar("bogdanov_takens", int_x, int_y)


def spatial(name, int_x, int_y, int_z):
    """A NeuType with variables x, y, z integrated by ``int_x(x, t, y, z, c)`` and so on."""

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['z'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name=name, ST=bp.types.NeuState('x', 'y', 'z'), steps=update)


def torus_model(kappa=1.7):
    """A cycle x^2 + y^2 = 1, z = 0 of period 2 pi for every c, whose transverse linearisation is
    [[-2, -kappa], [2 kappa, c]]: its complex multipliers cross the unit circle at c = 2 (Neimark-Sacker)."""

    @bp.integrate
    def int_x(x, t, y, z, c):
        return x * (1 - x * x - y * y - kappa * z) - y

    @bp.integrate
    def int_y(y, t, x, z, c):
        return y * (1 - x * x - y * y - kappa * z) + x

    @bp.integrate
    def int_z(z, t, x, y, c):
        return kappa * (x * x + y * y - 1) + c * z

    return spatial("torus", int_x, int_y, int_z)


def rossler_model(a=0.2, b=0.2):
    """Roessler's system: the cycle doubles its period as c grows (the first doubling near c = 2.83)."""

    @bp.integrate
    def int_x(x, t, y, z, c):
        return -y - z

    @bp.integrate
    def int_y(y, t, x, z, c):
        return x + a * y

    @bp.integrate
    def int_z(z, t, x, y, c):
        return b + z * (x - c)

    return spatial("rossler", int_x, int_y, int_z)


BOX = {'x': [-2., 2.], 'y': [-2., 2.]}


@pytest.mark.parametrize("sigma", [-1.0, 1.0])
def test_hopf_normal_form_gives_the_lyapunov_sign_and_the_exact_cycles(sigma):
    an = bp.BifurcationAnalyzer(hopf_normal_form(sigma), {'b1': [-0.5, 0.5]}, BOX, par_resolution=0.02,
                                fixed_vars={'b2': 0.})
    (hopf,) = [p for p in an.bifurcation_points() if p.label == "H"]
    assert hopf.par['b1'] == pytest.approx(0.0, abs=1e-10)
    # Kuznetsov's normalisation <q, q> = 1 gives l1 = 2 sigma for this form.
    assert hopf.coefficient == pytest.approx(2 * sigma, rel=1e-6)
    assert hopf.supercritical is (sigma < 0)
    (branch,) = an.cycle_branches()
    beta = branch.par
    assert np.all(-beta / sigma > 0)  # supercritical cycles for b1 > 0, subcritical for b1 < 0
    radius = np.sqrt(-beta / sigma)
    np.testing.assert_allclose(branch.maximum['x'], radius, rtol=1e-7)
    np.testing.assert_allclose(branch.period, 2 * np.pi, rtol=1e-9)
    np.testing.assert_allclose(np.abs(branch.multipliers[:, 1]), np.exp(-4 * np.pi * beta), rtol=1e-6)
    assert np.all(branch.stable == (sigma < 0))
    assert np.max(np.abs(branch.par)) == pytest.approx(0.5, abs=1e-9)  # ended on the range's boundary
    assert "end of the parameter range" in branch.stopped


def test_bautin_normal_form_fold_of_cycles_and_generalised_hopf_point():
    b2 = 0.4
    an = bp.BifurcationAnalyzer(bautin_normal_form(), {'b1': [-0.3, 0.3]}, BOX, par_resolution=0.02,
                                fixed_vars={'b2': b2})
    (branch,) = an.cycle_branches()
    (fold,) = [p for p in branch.special if p.label == "LPC"]
    # Cycles of radius r where b1 + b2 r^2 - r^4 = 0: they fold at r^2 = b2 / 2, b1 = -b2^2 / 4.
    assert fold.par['b1'] == pytest.approx(-b2 ** 2 / 4, rel=1e-7)
    assert fold.period == pytest.approx(2 * np.pi, rel=1e-9)
    two = bp.BifurcationAnalyzer(bautin_normal_form(), {'b1': [-0.3, 0.3], 'b2': [-0.5, 0.5]}, BOX,
                                 par_resolution=0.02)
    curves = two.codim2_curves(time_budget=LOADED)
    (hopf_curve,) = [c for c in curves.curves if c.label == "H"]
    np.testing.assert_allclose(hopf_curve.values[:, 0], 0.0, atol=1e-10)
    assert hopf_curve.values[:, 1].min() < -0.45 and hopf_curve.values[:, 1].max() > 0.45
    (gh,) = [p for p in hopf_curve.special if p.label == "GH"]
    assert gh.par['b2'] == pytest.approx(0.0, abs=1e-7)
    # The folds of cycles lie on b1 = -b2^2 / 4 and end at the generalised Hopf point.
    (lpc_curve,) = [c for c in two.codim2_curves(cycles=True, time_budget=LOADED).curves if c.label == "LPC"]
    np.testing.assert_allclose(lpc_curve.values[:, 0], -lpc_curve.values[:, 1] ** 2 / 4, atol=1e-9)
    assert lpc_curve.values[:, 1].min() < 1e-3 and lpc_curve.values[:, 1].max() > 0.45
    assert "generalised Hopf" in lpc_curve.stopped
    np.testing.assert_allclose(lpc_curve.period, 2 * np.pi, rtol=1e-8)


def test_bogdanov_takens_normal_form_fold_and_hopf_curves_meet_at_bt():
    an = bp.BifurcationAnalyzer(bogdanov_takens_normal_form(), {'b1': [-0.5, 0.5], 'b2': [-1., 1.]}, BOX,
                                par_resolution=0.02)
    curves = an.codim2_curves(time_budget=LOADED)
    folds = [c for c in curves.curves if c.label == "LP"]
    hopfs = [c for c in curves.curves if c.label == "H"]
    assert folds and hopfs
    for curve in folds:
        np.testing.assert_allclose(curve.values[:, 0], curve.values[:, 1] ** 2 / 4, atol=1e-9)
    bts = [p for c in folds for p in c.special if p.label == "BT"]
    assert bts and all(np.hypot(p.par['b1'], p.par['b2']) < 1e-6 for p in bts)
    for curve in hopfs:
        np.testing.assert_allclose(curve.values[:, 0], 0.0, atol=1e-9)
        assert np.all(curve.values[:, 1] < 1e-6)
        assert "Bogdanov-Takens" in curve.stopped


def test_bogdanov_takens_cycles_end_on_a_homoclinic_orbit():
    b2 = -0.2
    an = bp.BifurcationAnalyzer(bogdanov_takens_normal_form(), {'b1': [-0.1, 0.1]}, BOX, par_resolution=0.005,
                                fixed_vars={'b2': b2})
    (branch,) = an.cycle_branches()
    (end,) = [p for p in branch.special if p.label == "HOM"]
    # Kuznetsov: the homoclinic curve is b1 = -6/25 b2^2 + o(b2^2).
    assert end.par['b1'] == pytest.approx(-6 / 25 * b2 ** 2, rel=0.1)
    # Followed until only rounding moved the parameter: the period law -log|b1 - b1_c| has run its course.
    assert branch.period[-1] > 5 * branch.period[0] and abs(branch.par[-1] - end.par['b1']) < 1e-10


def test_neimark_sacker_point_of_a_cycle_with_a_turning_transverse_flow():
    kappa = 1.7
    an = bp.BifurcationAnalyzer(torus_model(kappa), {'c': [0., 4.]}, {'x': [-2., 2.], 'y': [-2., 2.], 'z': [-2., 2.]},
                                par_resolution=0.05)
    branch = an.cycles_from_simulation(1.0, start={'x': 0.5, 'y': 0.0, 'z': 0.1}, duration=200.)
    (ns,) = [p for p in branch.special if p.label == "NS"]
    assert ns.par['c'] == pytest.approx(2.0, abs=1e-7)
    assert ns.period == pytest.approx(2 * np.pi, rel=1e-9)
    others = ns.eigenvalues[1:]
    np.testing.assert_allclose(np.abs(others), 1.0, atol=1e-6)
    # At c = 2 the transverse eigenvalues are +-i sqrt(8 kappa^2 - 16) / 2: the multipliers turn by 2 pi that.
    turn = 2 * np.pi * np.sqrt(8 * kappa ** 2 - 16) / 2
    assert np.abs(np.angle(others[0])) == pytest.approx(abs(np.angle(np.exp(1j * turn))), rel=1e-6)
    assert np.all(branch.stable[branch.par < 1.99]) and not np.any(branch.stable[branch.par > 2.01])


def test_rossler_period_doubling_has_a_multiplier_of_minus_one():
    an = bp.BifurcationAnalyzer(rossler_model(), {'c': [0.2, 4.5]},
                                {'x': [-15., 15.], 'y': [-15., 15.], 'z': [-1., 30.]}, par_resolution=0.05)
    (branch,) = an.cycle_branches()
    (pd,) = [p for p in branch.special if p.label == "PD"]
    assert 2.8 < pd.par['c'] < 2.87
    compiled = an.field.compiled
    p = np.array([pd.par['c']])
    x0 = np.array([pd.state[v] for v in ('x', 'y', 'z')])

    def rhs(t, y):
        m = y[3:].reshape(3, 3)
        return np.concatenate([compiled.f1(y[:3], p), (compiled.jac1(y[:3], p) @ m).ravel()])

    sol = solve_ivp(rhs, (0, pd.period), np.concatenate([x0, np.eye(3).ravel()]), method="DOP853", rtol=1e-12,
                    atol=1e-12)
    multipliers = np.linalg.eigvals(sol.y[3:, -1].reshape(3, 3))
    assert np.min(np.abs(multipliers + 1)) < 1e-5


def test_fold_of_the_saddle_node_normal_form():
    @bp.integrate
    def int_x(x, t, r):
        return r + x * x

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t, 0.)

    model = bp.NeuType(name='saddle_node', ST=bp.types.NeuState('x'), steps=update)
    an = bp.BifurcationAnalyzer(model, {'r': [-1., 1.]}, {'x': [-2., 2.]}, par_resolution=0.01)
    (fold,) = an.bifurcation_points()
    assert fold.label == "LP" and fold.par['r'] == pytest.approx(0.0, abs=1e-10)
    assert abs(fold.coefficient) == pytest.approx(1.0, rel=1e-6)
    (branch,) = an.branches()
    stable = branch.states[branch.stable, 0]
    assert np.all(stable < 0) and np.all(branch.states[~branch.stable, 0] > 0)


def test_morris_lecar_equilibria_are_one_branch_not_copies():
    case = CASES["ml_snic"]
    an = analyzer(case)
    branches = an.branches()
    assert len(branches) == 2  # the lower fold is below the range: two pieces of the S, each once
    labels = sorted(p.label for p in an.bifurcation_points())
    assert labels == ["H", "LP"]


def test_a_branch_keeps_its_end_located_on_the_range_boundary_and_is_traced_once():
    """Sel'kov's glycolysis model has one equilibrium for every b. The end of its branch, located on the range's
    upper boundary 2.1e-11 past it (the locator's precision), was dropped as out of range, so the branch stopped
    a step short (at b = 1.1715) and the seed at b = 1.2 started the same branch again: two branches."""
    from examples.auto import selkov

    an = bp.BifurcationAnalyzer(selkov.model(), {selkov.PAR: list(selkov.PAR_RANGE)}, selkov.VARIABLES,
                                par_resolution=selkov.RESOLUTION)
    (branch,) = an.branches()
    lo, hi = selkov.PAR_RANGE
    assert abs(branch.par.min() - lo) < 1e-9 and abs(branch.par.max() - hi) < 1e-9
    end = int(np.argmax(branch.par))
    assert np.allclose(branch.states[end], [branch.par[end], branch.par[end] / (0.08 + branch.par[end] ** 2)],
                       rtol=1e-9)


def test_cycle_at_takes_a_branch_end_located_on_the_range_boundary():
    """The Bautin normal form's stable cycles (r^4 - r^2 = beta1, period 2 pi) run to the range's end, located
    1.3e-15 past beta1 = 0.5: ``cycle_at`` at the branch's own last value said it was outside the range. A value
    within the locator's precision of the range is the boundary; one further out is still an error."""
    from examples.auto import bautin

    an = bp.BifurcationAnalyzer(bautin.model(), {bautin.PAR: list(bautin.PAR_RANGE)}, bautin.VARIABLES,
                                par_resolution=bautin.RESOLUTION)
    (branch,) = an.cycle_branches()
    last = float(branch.par[np.argmax(branch.par)])
    assert last >= 0.5
    orbit = an.cycle_at(last, branch)
    assert abs(orbit.par[0] - 0.5) < 1e-12 and abs(orbit.period[0] - 2 * np.pi) < 1e-8
    assert abs(orbit.maximum["x"][0] ** 2 - (1 + np.sqrt(3)) / 2) < 1e-6
    with pytest.raises(ModelUseError, match="outside its range"):
        an.cycle_at(0.5 + 1e-6, branch)


# -- against AUTO-07p --------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=sorted(set(REFERENCE) & set(CASES)))
def diagram(request):
    name = request.param
    an = analyzer(CASES[name])
    return name, an, an.special_points(), an.cycle_branches()


def _crowded(point, others):
    """An AUTO LPC with another within 1e-6 of its parameter (the folds of a canard explosion)."""
    return sum(abs(q["par"] - point["par"]) < 1e-6 * abs(point["par"]) for q in others
               if (q["type"], q["periodic"]) == (point["type"], point["periodic"])) > 1


def _at_branch_point(point, others):
    """An AUTO LP of equilibria with an AUTO BP of equilibria at the same parameter (to 1e-8)."""
    return any(q["type"] == "BP" and not q["periodic"] and
               abs(q["par"] - point["par"]) < 1e-8 * max(1., abs(point["par"])) for q in others)


def test_special_points_match_auto(diagram):
    name, an, points, _ = diagram
    reference = REFERENCE[name]["points"]
    checked = 0
    for ref in reference:
        label = next((k for k, v in AUTO_TYPES.items() if v == (ref["type"], ref["periodic"])), None)
        if label is None:
            continue  # AUTO's branch points and no-convergence marks have no counterpart here
        hopfs = [p.par[an.par_names[0]] for p in points if p.label == "H"]
        if label == "LPC" and any(abs(h - ref["par"]) < 1e-6 * abs(h) for h in hopfs):
            continue  # AUTO marks the turn of its branch through a Hopf point (zero amplitude) as a fold
        if label == "LP" and _at_branch_point(ref, reference):
            # AUTO labels both BP and LP at a pitchfork (the symmetric branch turns where it crosses the
            # other); f_p lies in the range of f_x there, so it is no fold, and bp_core labels it BP only.
            label = "BP"
        ours = [p for p in points if p.label == label]
        assert ours, f"{name}: AUTO-07p has {label} at {ref['par']}, bp_core none"
        best = min(ours, key=lambda p: abs(p.par[an.par_names[0]] - ref["par"]))
        assert best.par[an.par_names[0]] == pytest.approx(ref["par"], rel=1e-4), (name, label)
        if ref["periodic"] and not _crowded(ref, reference):
            periods = [p.period for p in ours if abs(p.par[an.par_names[0]] - ref["par"]) < 1e-4 * abs(ref["par"])]
            assert min(abs(t - ref["period"]) for t in periods) < 1e-3 * ref["period"], (name, label)
        checked += 1
    assert checked >= 2


def test_lyapunov_signs_and_floquet_stability_match_auto(diagram):
    name, an, points, branches = diagram
    samples = np.array(REFERENCE[name]["samples"], dtype=float)
    par_span = np.ptp(CASES[name].par_range)
    special = [p.par[an.par_names[0]] for p in points]
    compared = 0
    for par, period, stable in samples:
        if min(abs(par - s) for s in special) < 2e-3 * par_span:
            continue  # stability changes at special points: compare away from them
        # The nearest segment of our branches in the (parameter, log period) plane.
        best = (np.inf, None)
        for branch in branches:
            pts = np.column_stack([branch.par / par_span, np.log(branch.period)])
            target = np.array([par / par_span, np.log(period)])
            for k in range(len(pts) - 1):
                if branch.stable[k] != branch.stable[k + 1]:
                    continue
                distance = polyline_distance(pts[k:k + 2], target)
                if distance < best[0]:
                    best = (distance, bool(branch.stable[k]))
        if best[0] > 3e-3:
            continue
        assert best[1] == bool(stable), (name, par, period)
        compared += 1
    assert compared >= 0.3 * len(samples)
    for hopf in (p for p in points if p.label == "H"):
        h = hopf.par[an.par_names[0]]
        period = 2 * np.pi / np.max(hopf.eigenvalues.imag)
        # AUTO's first point, the Hopf point itself, has a multiplier on the unit circle, and so do its
        # branch points (BP): skip those.
        branch_points = [q["par"] for q in REFERENCE[name]["points"] if q["type"] == "BP"]
        near = [s for s in samples if 1e-6 * par_span < abs(s[0] - h) < 0.02 * par_span and
                abs(s[1] - period) < 0.05 * period and
                all(abs(s[0] - b) > 1e-6 * par_span for b in branch_points)]
        if near and np.all(other_eigenvalues(hopf.eigenvalues, 2).real < 0):
            # With the other eigenvalues stable, the cycles born at a supercritical Hopf point are stable
            # and those at a subcritical one unstable.
            nearest = min(near, key=lambda s: abs(s[0] - h) / par_span + abs(s[1] - period) / period)
            assert hopf.supercritical == bool(nearest[2]), (name, hopf.par)


@pytest.mark.parametrize("name", sorted(set(REFERENCE) & set(CODIM2_CASES)))
def test_codim2_points_of_a_four_variable_model_match_auto(name):
    case = CODIM2_CASES[name]
    result = codim2_analyzer(case).codim2_curves(time_budget=LOADED)
    reference = [q for q in REFERENCE[name]["points"] if q["type"] in ("GH", "BT", "ZH", "CP")]
    assert reference
    for ref in reference:
        ours = [p for p in result.special if p.label == ref["type"]]
        assert ours, (name, ref)
        best = min(ours, key=lambda p: abs(p.par[case.pars[0]] - ref["par"]))
        assert best.par[case.pars[0]] == pytest.approx(ref["par"], rel=1e-4)
        assert best.par[case.pars[1]] == pytest.approx(ref["par2"], rel=1e-4)


def test_floquet_multipliers_match_a_variational_integration():
    an = analyzer(CASES["hh_gL0.3"])
    (branch,) = an.cycle_branches()
    compiled = an.field.compiled
    # Forward integration follows an orbit only while its multipliers are moderate (some reach 1e8 here).
    moderate = np.nonzero(np.max(np.abs(branch.multipliers), axis=1) < 1e2)[0]
    assert moderate.size > 10
    for k in moderate[np.linspace(1, moderate.size - 2, 5).astype(int)]:
        p = np.array([branch.par[k]])
        x0 = branch.orbits[k][0]

        def jacobian(x):
            # The rate alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55) / 10)) is 0/0 at V = -55 (removable), and
            # its derivative cancels catastrophically within 1e-5 of it: there DOP853's error control on the
            # variational part stalls. The Jacobian is smooth across, so take it from either side.
            if abs(x[0] + 55.) >= 1e-5:
                return compiled.jac1(x, p)
            below, above = x.copy(), x.copy()
            below[0], above[0] = -55. - 1e-5, -55. + 1e-5
            w = (x[0] - below[0]) / 2e-5
            return (1. - w) * compiled.jac1(below, p) + w * compiled.jac1(above, p)

        def rhs(t, y):
            m = y[4:].reshape(4, 4)
            return np.concatenate([compiled.f1(y[:4], p), (jacobian(y[:4]) @ m).ravel()])

        sol = solve_ivp(rhs, (0, branch.period[k]), np.concatenate([x0, np.eye(4).ravel()]), method="DOP853",
                        rtol=1e-12, atol=1e-12)
        assert np.linalg.norm(sol.y[:4, -1] - x0) < 1e-3  # the orbit closes
        expected = np.sort(np.abs(np.linalg.eigvals(sol.y[4:, -1].reshape(4, 4))))
        ours = np.sort(np.abs(branch.multipliers[k]))
        big = expected > 1e-6
        np.testing.assert_allclose(ours[big], expected[big], rtol=1e-4)


def test_collocation_converges_at_high_order():
    case = CASES["ml_hopf"]
    an = analyzer(case)
    value = 110.0
    compiled = an.field.compiled
    p = np.array([value])
    sol = solve_ivp(lambda t, y: compiled.f1(y, p), (0, 3000), [-20., 0.3], method="DOP853", rtol=1e-12,
                    atol=1e-12, dense_output=True, events=lambda t, y: y[0] + 10.0)
    up = [t for t, y in zip(sol.t_events[0], sol.y_events[0]) if compiled.f1(y, p)[0] > 0]
    exact = up[-1] - up[-2]
    times = np.linspace(up[-2], up[-1], 4001)
    errors = []
    for intervals in (8, 16, 32):
        settings = CycleSettings(intervals=intervals, adapt_every=0, max_steps=1)
        branch = cycles_from_orbit(an.field, times, sol.sol(times).T, p, 0, case.par_range,
                                   list(an.var_ranges.values()), settings=settings, par_names=an.par_names)
        errors.append(abs(branch.period[0] - exact) / exact)
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert errors[-1] < 1e-7 and np.all(orders > 3.5), (errors, orders)


def test_a_cycle_found_by_simulation_is_continued():
    an = analyzer(CASES["fhn"])
    branch = an.cycles_from_simulation(0.8, start={'v': -2.8, 'w': -1.8})
    k = int(np.argmin(abs(branch.par - 0.8)))
    assert branch.par[k] == pytest.approx(0.8, abs=1e-12) and branch.stable[k]
    compiled = an.field.compiled
    p = np.array([0.8])
    sol = solve_ivp(lambda t, y: compiled.f1(y, p), (0, 1000), [-2.8, -1.8], method="DOP853", rtol=1e-12,
                    atol=1e-12, events=lambda t, y: y[0])
    up = [t for t, y in zip(sol.t_events[0], sol.y_events[0]) if compiled.f1(y, p)[0] > 0]
    assert branch.period[k] == pytest.approx(up[-1] - up[-2], rel=1e-7)
    assert branch.par.max() > 1.0 and branch.par.min() <= 0.8  # it went on from there


def test_just_past_the_hopf_point_the_cycle_is_the_relaxation_oscillation_not_a_transient():
    an = bp.BifurcationAnalyzer(CASES["fhn"].model(), {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]},
                                par_resolution=0.001)
    cycles = an.limit_cycles()
    near = np.abs(cycles.par - 0.3316) < 0.002
    assert np.all(cycles.period[near & cycles.stable] > 40)  # nothing near the Hopf period 22.8
    (branch,) = an.cycle_branches()
    stable = np.nonzero(branch.stable)[0]
    at = an.cycle_at(0.3316, branch, int(stable[np.argmin(abs(branch.par[stable] - 0.3316))]))
    compiled = an.field.compiled
    p = np.array([0.3316])
    sol = solve_ivp(lambda t, y: compiled.f1(y, p), (0, 3000), [-2.0, -0.5], method="DOP853", rtol=1e-11,
                    atol=1e-12, events=lambda t, y: y[0])
    up = [t for t, y in zip(sol.t_events[0], sol.y_events[0]) if compiled.f1(y, p)[0] > 0]
    assert at.period[0] == pytest.approx(up[-1] - up[-2], rel=1e-6) and at.stable[0]


def test_bad_requests_say_what_to_do():
    model = CASES["fhn"].model()
    with pytest.raises(ModelUseError, match="no parameter 'gamma'|'gamma'"):
        bp.BifurcationAnalyzer(model, {'gamma': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]})
    with pytest.raises(ModelUseError, match="'u' is not a variable"):
        bp.BifurcationAnalyzer(model, {'Iext': [0., 1.]}, {'u': [-3, 3], 'w': [-3, 3]})
    with pytest.raises(ModelUseError, match="min < max"):
        bp.BifurcationAnalyzer(model, {'Iext': [1., 1.]}, {'v': [-3, 3], 'w': [-3, 3]})
    an = bp.BifurcationAnalyzer(model, {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3, 3]})
    with pytest.raises(ModelUseError, match="did not settle on a periodic orbit.*try"):
        an.cycles_from_simulation(0.1, start={'v': -1.2, 'w': -0.6}, duration=200.)
    with pytest.raises(ModelUseError, match="outside its range"):
        an.cycles_from_simulation(2.0)


def test_the_compiled_field_gives_inf_far_out_even_with_jit_off():
    import sympy

    from bp_core.dynamics.compiled_field import CompiledField

    bp.profile.set(jit=False)  # a model debugged as NumPy: the analysis kernels still compile
    x, a = sympy.symbols("x a")
    field = CompiledField([a * sympy.cosh(x)], [x], [a])
    value = field.f(np.array([[1.0e3]]), np.array([1.0]))
    assert np.isinf(value[0, 0])  # a Newton step rejected, not an OverflowError
