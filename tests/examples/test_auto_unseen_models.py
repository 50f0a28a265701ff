"""Independent checks on the six models ported to test the continuation on models it had not met (ml_snic, hh_gk,
bru2, allee, lengyel_epstein, hastings_powell in examples/auto/): closed forms, scipy's integration of the orbits
and their variational equations, and shooting for the heteroclinic cycle, where bp_core and AUTO-07p differ or
where the points have a closed form. Their AUTO-07p comparison is in test_auto_demos.py."""

import json
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from benchmarks.continuation_auto_demos import analyzer, relative
from tests.examples.shooting import flow
from tests.examples.test_auto_new_models import _parameters, _trace_integral

REFERENCE = json.loads((Path(__file__).parent / "auto_reference.json").read_text())


def _first_crossing(field, z0: np.ndarray, par: float, backwards: bool, level: float, sense: int) -> float:
    """x where the orbit of ``z0`` (forwards or backwards in time) first crosses y = ``level`` with y falling
    (``sense`` -1) or rising (+1) as the integration goes; inf if it does not within 300 time units."""
    def section(t, z, par):
        return z[1] - level
    section.terminal, section.direction = True, sense
    solution = solve_ivp(field, (0, -300 if backwards else 300), z0, args=(par,), events=section, rtol=1e-12,
                         atol=1e-14, method="DOP853")
    return solution.y_events[0][0][0] if solution.y_events[0].size else np.inf


def _labelled(an, label: str, name: str) -> list[float]:
    return sorted(q.par[name] for q in an.bifurcation_points() if q.label == label)


def test_ml_snic_fold_of_cycles_auto07p_steps_over_is_a_fold():
    """Morris-Lecar's SNIC set: the folds of the rest states and the Hopf point agree with AUTO-07p's; the
    subcritical Hopf point's cycles turn at a fold at I = 116.1095 that AUTO-07p (steps up to 2 in I) passes
    unlabelled, its branch turning within 1e-4 of it. In a plane the one nontrivial multiplier is
    exp(int trace J dt): it is 1 on bp_core's orbit at the fold. The spiking family ends in a SNIC at the upper
    fold of the rest states."""
    an = analyzer("ml_snic")
    (branch,) = an.cycle_branches()
    (fold,) = [q for q in branch.special if q.label == "LPC"]
    (snic,) = [q for q in branch.special if q.label == "SNIC"]
    assert abs(snic.par["I"] - max(_labelled(an, "LP", "I"))) < 1e-9
    assert not [p for p in REFERENCE["ml_snic"]["points"] if p["periodic"] and p["type"] == "LP"]
    turn = min(REFERENCE["ml_snic"]["turns"], key=lambda t: abs(t["par"] - fold.par["I"]))
    assert relative(turn["par"], fold.par["I"]) < 1e-4
    k = int(np.argmin(np.abs(branch.par - fold.par["I"]) + np.abs(branch.period - fold.period)))
    assert branch.par[k] == fold.par["I"]
    assert abs(_trace_integral(an, branch.orbits[k], branch.mesh[k], branch.period[k], fold.par["I"])) < 1e-3
    # Either side of the fold along the branch the multiplier is away from 1 by more than that.
    sides = [_trace_integral(an, branch.orbits[j], branch.mesh[j], branch.period[j], branch.par[j])
             for j in (k - 3, k + 3)]
    assert min(abs(s) for s in sides) > 1e-2 and np.sign(sides[0]) != np.sign(sides[1])


def test_bru2_turing_pitchfork_and_hopf_point_are_the_closed_forms():
    """Two diffusively coupled Brusselator cells: the homogeneous state (A, B / A) breaks its symmetry where the
    antisymmetric mode's determinant vanishes, B = (1 + 2 Dx)(A^2 + 2 Dy) / (2 Dy), and oscillates from
    B = 1 + A^2; the branch switched to at the pitchfork runs to the range's end both ways, its two ends mirror
    images under exchanging the cells."""
    A, Dx, Dy = 2.0, 0.05, 2.0
    an = analyzer("bru2")
    assert np.allclose(_labelled(an, "BP", "B"), [(1 + 2 * Dx) * (A ** 2 + 2 * Dy) / (2 * Dy)], rtol=0, atol=1e-10)
    assert np.allclose(_labelled(an, "H", "B"), [1 + A ** 2], rtol=0, atol=1e-10)
    (switched,) = [b for b in an.branches() if abs(b.states[0][0] - b.states[0][2]) > 1e-3]
    assert np.allclose(switched.states[0], switched.states[-1][[2, 3, 0, 1]], atol=1e-8)


def test_allee_points_closed_forms_and_the_heteroclinic_end():
    """Predator-prey with a strong Allee effect: transcritical points at m = a and m = 1, the Hopf point at
    m = (1 + a) / 2 (AUTO-07p's within 1e-8). The cycles end at the heteroclinic cycle (1, 0) -> (a, 0) -> (1, 0):
    shooting (scipy at 1e-12) from the saddle (1, 0) along its unstable manifold and back from (a, 0) along its
    stable one, to the section y = 0.01, finds the connection within 1e-8 of bp_core's HOM. At m = 0 the
    coexistence branch x = m crosses the line of equilibria x = 0 (which exists at m = 0 only): there
    [f_x | f_m] has rank 1, so it is a branch point, which bp_core labels BP and AUTO-07p LP."""
    a = 0.2
    an = analyzer("allee")
    branch_points = _labelled(an, "BP", "m")
    assert np.allclose([m for m in branch_points if m > 0.1], [a, 1.0], rtol=0, atol=1e-10)
    assert np.allclose(_labelled(an, "H", "m"), [(1 + a) / 2], rtol=0, atol=1e-10)
    auto_hopf = next(p["par"] for p in REFERENCE["allee"]["points"] if p["type"] == "HB")
    assert abs(auto_hopf - (1 + a) / 2) < 1e-8

    def field(t, z, m):
        return [z[0] * (z[0] - a) * (1 - z[0]) - z[0] * z[1], z[1] * (z[0] - m)]

    def gap(m):
        unstable = np.array([-1.0, (1 - a) + (1 - m)])
        stable = np.array([a, a * (1 - a) - (a - m)])
        leaving = _first_crossing(field, np.array([1.0, 0.0]) + 1e-9 * unstable / np.linalg.norm(unstable), m,
                                  backwards=False, level=0.01, sense=-1)
        arriving = _first_crossing(field, np.array([a, 0.0]) + 1e-9 * stable / np.linalg.norm(stable), m,
                                   backwards=True, level=0.01, sense=1)
        return min(leaving - arriving, 1.0)  # inf: the unstable manifold never comes down (it passes outside)

    (end,) = [q for b in an.cycle_branches() for q in b.special if q.label == "HOM"]
    assert abs(brentq(gap, 0.52, 0.56, xtol=1e-13) - end.par["m"]) < 1e-8
    (lp,) = [p for p in REFERENCE["allee"]["points"] if p["type"] == "LP"]
    assert abs(lp["par"]) < 1e-12
    fx = np.array([[-a - (-a), 0.0], [-a, 0.0]])  # at (x, y) = (0, -a), m = 0
    fm = np.array([[0.0], [a]])  # d/dm of (x', y') = (0, -y)
    assert np.linalg.matrix_rank(np.hstack([fx, fm])) == 1


def test_lengyel_epstein_hopf_point_is_the_closed_form():
    """CIMA reaction: the equilibrium x = a / 5, y = 1 + x^2 loses stability at b = 3 a / 5 - 25 / a."""
    a = 10.0
    assert np.allclose(_labelled(analyzer("lengyel_epstein"), "H", "b"), [3 * a / 5 - 25 / a], rtol=0, atol=1e-10)


def test_hastings_powell_points_auto07p_does_not_label_are_real():
    """Hastings & Powell's food chain: bp_core's nine points on the three-species cycles agree with AUTO-07p's.
    It also labels the Hopf point of the predator-free branch (z = 0), which AUTO-07p does not start on, where the
    prey-consumer pair's trace vanishes: x* = d1 / (a1 - d1 b1) = (b1 - 1) / (2 b1), and a period doubling at
    b1 = 2.8714 (T = 99.40), beside the fold at 2.8958, that AUTO-07p steps over: scipy's variational integration
    (DOP853, 1e-12) of bp_core's orbit there has a multiplier of -1 to 1e-6."""
    a1, d1 = 5.0, 0.4
    an = analyzer("hastings_powell")
    predator_free = (4.6 - np.sqrt(4.6 ** 2 - 4 * 0.4 * 5)) / 0.8  # 0.4 b1^2 - 4.6 b1 + 5 = 0
    assert abs(d1 / (a1 - d1 * predator_free) - (predator_free - 1) / (2 * predator_free)) < 1e-14
    assert min(abs(h - predator_free) for h in _labelled(an, "H", "b1")) < 1e-9
    branch, doubling = next((b, q) for b in an.cycle_branches() for q in b.special
                            if q.label == "PD" and abs(q.par["b1"] - 2.8714) < 1e-3)
    assert not [p for p in REFERENCE["hastings_powell"]["points"] if abs(p["par"] - doubling.par["b1"]) < 1e-3]
    k = int(np.argmin(np.abs(branch.par - doubling.par["b1"]) + np.abs(branch.period - doubling.period)))
    x0 = branch.orbits[k][0]
    end, monodromy, _ = flow(an.field.compiled, x0, _parameters(an, branch.par[k]), float(branch.period[k]))
    assert np.max(np.abs(end - x0)) < 1e-8
    assert np.min(np.abs(np.linalg.eigvals(monodromy) + 1)) < 1e-6


def test_ml_pair_torus_bifurcation_of_the_antiphase_cycles():
    """Two Morris-Lecar cells coupled by a gap junction: the antiphase family's torus bifurcation at
    I = 100.0684967 (AUTO-07p's TR, T = 76.97684) was missed: its pair of multipliers crosses the unit circle
    beside a multiplier of 400 that grows 25-fold across the step, and the Neimark-Sacker test, a product over
    pairs of mu_i mu_j - 1, was so curved there that the locator's secant crept from one side and gave up far
    from the root. Each factor is now scaled into the unit disc. scipy's variational integration of bp_core's
    orbit there has a complex pair of modulus 1 to 1e-4."""
    an = analyzer("ml_pair")
    (auto,) = [p for p in REFERENCE["ml_pair"]["points"] if p["type"] == "TR"]
    branch, torus = next((b, q) for b in an.cycle_branches() for q in b.special if q.label == "NS")
    assert relative(torus.par["I"], auto["par"]) < 1e-8 and relative(torus.period, auto["period"]) < 1e-6
    k = int(np.argmin(np.abs(branch.par - torus.par["I"]) + np.abs(branch.period - torus.period)))
    x0 = branch.orbits[k][0]
    end, monodromy, _ = flow(an.field.compiled, x0, _parameters(an, branch.par[k]), float(branch.period[k]))
    assert np.max(np.abs(end - x0)) < 1e-5
    mu = np.linalg.eigvals(monodromy)
    pair = mu[np.abs(mu.imag) > 0.1]
    assert pair.size == 2 and np.allclose(np.abs(pair), 1, rtol=0, atol=1e-4)


def test_bogdanov_takens_points_and_homoclinic_end():
    """The Bogdanov-Takens normal form at beta2 = -1: the fold at beta1 = 1/4 and the Hopf point at beta1 = 0
    exactly (AUTO-07p's within 1e-9 of 0, which the relative comparison cannot pair). The cycles end at the
    saddle's homoclinic orbit, where AUTO-07p's branch stands still (its LP of cycles at T = 2000 within 1e-9
    of bp_core's HOM), and shooting (scipy at 1e-12: the saddle's unstable and stable manifolds to the section
    y = 0 left of the focus) puts the homoclinic orbit within 1e-9 of it."""
    an = analyzer("bogdanov_takens")
    assert np.allclose(_labelled(an, "LP", "beta1"), [0.25], rtol=0, atol=1e-12)
    assert np.allclose(_labelled(an, "H", "beta1"), [0.0], rtol=0, atol=1e-12)
    (auto_hopf,) = [p["par"] for p in REFERENCE["bogdanov_takens"]["points"] if p["type"] == "HB"]
    assert abs(auto_hopf) < 1e-9
    (end,) = [q for b in an.cycle_branches() for q in b.special if q.label == "HOM"]
    ends = [p for p in REFERENCE["bogdanov_takens"]["points"] if p["periodic"] and p["period"] < 1e4]
    assert ends and all(abs(p["par"] - end.par["beta1"]) < 1e-9 for p in ends)

    def field(t, z, beta1):
        return [z[1], beta1 - z[0] + z[0] ** 2 + z[0] * z[1]]

    def gap(beta1):
        saddle = (1 + np.sqrt(1 - 4 * beta1)) / 2
        root = np.sqrt(saddle ** 2 + 4 * (2 * saddle - 1))
        unstable, stable = (saddle + root) / 2, (saddle - root) / 2
        leaving = _first_crossing(field, np.array([saddle - 1e-9, -1e-9 * unstable]), beta1, backwards=False,
                                  level=0.0, sense=1)
        arriving = _first_crossing(field, np.array([saddle - 1e-9, -1e-9 * stable]), beta1, backwards=True,
                                   level=0.0, sense=-1)
        return leaving - arriving

    assert abs(brentq(gap, -0.25, -0.18, xtol=1e-14) - end.par["beta1"]) < 1e-9


def _variational(an, orbit: np.ndarray, mesh: np.ndarray, period: float, value: float, duration: float,
                 block=None) -> tuple[np.ndarray, float]:
    """The monodromy over ``duration`` of the linearisation along bp_core's orbit (a periodic cubic spline through
    its samples; the Jacobian by central differences, optionally reduced by ``block``), and the integral of its
    trace (the log of its determinant, exact by Liouville's formula however large the matrix)."""
    from scipy.interpolate import CubicSpline

    f, p = an.field.compiled.f, _parameters(an, value)
    times = mesh * period
    keep = np.concatenate([[True], np.diff(times) > 0])
    spline = CubicSpline(times[keep], orbit[keep], bc_type="periodic")
    n = 2 if block else orbit.shape[1]

    steps = np.hstack([1e-6 * np.eye(orbit.shape[1]), -1e-6 * np.eye(orbit.shape[1])])

    def rhs(t, y):
        values = f(spline(t)[:, None] + steps, p)  # the field at x +- h e_j, one call
        jac = (values[:, :steps.shape[0]] - values[:, steps.shape[0]:]) / 2e-6
        a = block(jac) if block else jac
        return np.concatenate([(a @ y[:-1].reshape(n, n)).ravel(), [np.trace(a)]])

    solution = solve_ivp(rhs, (0, duration), np.concatenate([np.eye(n).ravel(), [0.0]]), rtol=1e-10, atol=1e-12,
                         method="DOP853")
    return solution.y[:-1, -1].reshape(n, n), float(solution.y[-1, -1])


def test_ml_pair_branch_points_and_period_doubling_auto07p_does_not_label_are_real():
    """ml_pair: bp_core labels a branch point (88.3511, T = 166.11) and a period doubling (88.3505) on the in-phase
    cycles and a branch point on the antiphase ones (84.3717, T = 112.15) that AUTO-07p does not (their
    orbits' multipliers reach 1e8 to 1e9). The exchange of the cells makes both generic. On the in-phase orbit
    the linearisation splits: its antiphase part (the cell's Jacobian less twice the coupling) has multipliers
    4e4 and det / 4e4, the latter +1 at the branch point and -1 at the period doubling (to 1e-4). The antiphase
    orbit is its own image under the exchange S half a period on, and S times the half-period monodromy has the
    eigenvalue -1 there (a symmetry-breaking pitchfork of the orbit)."""
    an = analyzer("ml_pair")
    found = {(q.label, round(q.par["I"], 3)): (b, q) for b in an.cycle_branches() for q in b.special}
    assert not [p for p in REFERENCE["ml_pair"]["points"] if p["periodic"] and p["type"] in ("BP", "PD")
                and min(abs(p["par"] - 88.351), abs(p["par"] - 84.372)) < 1e-2]

    def at(label, value):
        branch, q = found[(label, value)]
        k = int(np.argmin(np.abs(branch.par - q.par["I"]) + np.abs(branch.period - q.period)))
        return branch.orbits[k], branch.mesh[k], float(branch.period[k]), float(branch.par[k])

    def antiphase_part(jac):
        return jac[:2, :2] - jac[:2, 2:]

    for label, value, sign in (("BPC", 88.351, 1.0), ("PD", 88.351, -1.0)):
        orbit, mesh, period, par = at(label, value)
        assert np.max(np.abs(orbit[:, 0] - orbit[:, 2])) < 1e-8  # in phase
        monodromy, log_det = _variational(an, orbit, mesh, period, par, period, antiphase_part)
        mu = np.linalg.eigvals(monodromy)
        large = mu[np.argmax(np.abs(mu))].real
        assert abs(large) > 1e3 and abs(np.exp(log_det) / large - sign) < 1e-4
    orbit, mesh, period, par = at("BPC", 84.372)
    exchange = np.eye(4)[[2, 3, 0, 1]]
    half, _ = _variational(an, orbit, mesh, period, par, period / 2)
    assert np.min(np.abs(np.linalg.eigvals(exchange @ half) + 1)) < 1e-4
