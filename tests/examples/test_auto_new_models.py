"""Independent checks on the corpus models added last (sib, snh, pen, inapik_m, rinzel_hh, bautin, selkov,
rosenzweig, rossler, wilson_cowan, butera_fast, goodwin in examples/auto/; inapik_low matches AUTO-07p and has no check here), where
bp_core and AUTO-07p differ or where the points have a closed form: analytic values, scipy's root finding
and variational integration (tests/examples/shooting.py). Their AUTO-07p comparison is in
test_auto_demos.py (AGREEING and OPEN)."""

import json
from pathlib import Path

import numpy as np
from scipy.optimize import fsolve

import bp_core as bp
from benchmarks.continuation_auto_demos import analyzer, relative
from examples.auto import butera_fast
from tests.examples.shooting import flow

REFERENCE = json.loads((Path(__file__).parent / "auto_reference.json").read_text())


def _jacobian_by_differences(an, x: np.ndarray, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The Jacobian by central differences of the right-hand side (not bp_core's Jacobian)."""
    f = an.field.compiled.f
    return np.array([(f((x + h * e)[:, None], p)[:, 0] - f((x - h * e)[:, None], p)[:, 0]) / (2 * h)
                     for e in np.eye(x.size)]).T


def _parameters(an, value: float) -> np.ndarray:
    p = an._par_vector(None).copy()
    p[0] = value
    return p


def test_pen_folds_and_branch_points_are_the_analytic_ones():
    """pen: the in-phase rest states sin(phi) = I fold at I = +-1; the out-of-phase mode's eigenvalue
    -cos(phi) - 2 gamma vanishes at I = +-sqrt(1 - 4 gamma^2) (the pitchfork, AUTO's BP within 4e-10 of it);
    the out-of-phase branches (which AUTO does not switch to) fold where scipy's fsolve of the equilibrium
    equations with a vanishing Jacobian determinant puts them."""
    an = analyzer("pen")
    points = an.bifurcation_points()
    gamma = 0.175
    folds = sorted({round(q.par["I"], 9) for q in points if q.label == "LP" and abs(abs(q.par["I"]) - 1) < 1e-6})
    assert folds == [-1.0, 1.0]
    assert all(abs(abs(q.par["I"]) - 1) < 1e-12 for q in points if q.label == "LP" and abs(abs(q.par["I"]) - 1) < 1e-6)
    branch_points = [q for q in points if q.label == "BP"]
    assert branch_points
    for q in branch_points:
        assert abs(abs(q.par["I"]) - np.sqrt(1 - 4 * gamma ** 2)) < 1e-10
    for q in REFERENCE["pen"]["points"]:
        if q["type"] == "BP":
            assert abs(abs(q["par"]) - np.sqrt(1 - 4 * gamma ** 2)) < 1e-8

    def fold(z):
        phi1, phi2, current = z
        return [np.sin(phi1) - current - gamma * (phi2 - phi1), np.sin(phi2) - current - gamma * (phi1 - phi2),
                (np.cos(phi1) + gamma) * (np.cos(phi2) + gamma) - gamma ** 2]

    inner = [q for q in points if q.label == "LP" and abs(abs(q.par["I"]) - 1) > 1e-3]
    assert len(inner) >= 2 and {np.sign(q.par["I"]) for q in inner} == {-1.0, 1.0}
    for q in inner:
        guess = [q.state["phi1"], q.state["phi2"], q.par["I"]]
        solution, _, ok, _ = fsolve(fold, guess, xtol=1e-14, full_output=True)
        assert ok == 1 and abs(solution[2] - q.par["I"]) < 1e-9


def test_snh_family_joins_its_hopf_points_and_auto07p_branch_point_beside_one_is_none():
    """snh: the equilibria sit at x = y = 0, cos(phi) = -nu2 / 2, with Hopf points at nu1 = -+sin(phi); one
    family of cycles joins the two, through a torus bifurcation and a fold of cycles both programs place
    alike. bp_core's branch used to step through the far Hopf point and back along its own orbits and label
    that turn a fold (at nu1 = 0.6892, T = 2 pi): a branch that ends at a Hopf point now drops the folds and
    branch points it locates past its orbit of least amplitude. AUTO-07p labels a branch point of cycles at
    nu1 = -0.68097, 0.0025 from the other Hopf point (its small-orbit artefact, examples/auto/README.md):
    scipy's variational integration of bp_core's orbit there has no multiplier but the trivial one near 1."""
    an = analyzer("snh")
    hopfs = sorted(q.par["nu1"] for q in an.bifurcation_points() if q.label == "H")
    sine = np.sqrt(1 - 0.73 ** 2)
    assert np.allclose(hopfs, [-sine, sine], rtol=0, atol=1e-12)
    (branch,) = an.cycle_branches()
    assert min(abs(branch.par[0] - hopfs[0]), abs(branch.par[0] - hopfs[1])) < 0.01
    assert min(abs(branch.par[-1] - hopfs[0]), abs(branch.par[-1] - hopfs[1])) < 0.01
    labels = [(q.label, q.par["nu1"]) for q in branch.special]
    assert [label for label, _ in labels] == ["NS", "LPC"], labels
    assert all(min(abs(value - h) for h in hopfs) > 0.05 for _, value in labels)
    auto = next(p for p in REFERENCE["snh"]["points"] if p["type"] == "BP" and p["periodic"])
    orbit = an.cycle_at(auto["par"], branch)
    x0 = orbit.orbits[0][0]
    p = _parameters(an, auto["par"])
    end, monodromy, _ = flow(an.field.compiled, x0, p, float(orbit.period[0]))
    assert np.max(np.abs(end - x0)) < 1e-7
    mu = np.linalg.eigvals(monodromy)
    others = np.delete(mu, np.argmin(np.abs(mu - 1)))
    assert np.min(np.abs(others - 1)) > 0.02, mu


def test_inapik_m_spiking_ends_at_auto07p_homoclinic_orbit():
    """I_Na,p+I_K with a slow M current: the spiking family from the Hopf point at I = 76.74 (period 0.5) grows
    its period 150-fold by I = 1.72 while the parameter still moves 0.4 % a step; cut there, bp_core took its end
    from that tail and labelled HOM at I = 1.7258. It now goes on past the relative period limit until the
    parameter steps shrink as a homoclinic orbit's law makes them, and its HOM lies within 1e-6 of where
    AUTO-07p's branch stands still (LP and BP of cycles at T = 2e3 to 1.6e8, I = 1.69206047). On the way it
    claims no branch point of cycles (the model has no symmetry; at T = 124 and 126 two were labelled where the
    monodromy matrix's trivial multiplier was 1.013 and 0.40, which decides nothing)."""
    an = analyzer("inapik_m")
    (branch,) = an.cycle_branches()
    (end,) = [q for q in branch.special if q.label == "HOM"]
    assert not [q for q in branch.special if q.label == "BPC"]
    auto = [p for p in REFERENCE["inapik_m"]["points"] if p["periodic"] and p["period"] > 1e8]
    assert auto
    for p in auto:
        assert relative(end.par["I"], p["par"]) <= 1e-6, (end.par, p)
    assert end.period > 200  # the old end was at T = 76.8, 150 times the Hopf orbit's period


def test_sib_hopf_points_match_auto07p_and_are_on_the_imaginary_axis():
    """sib: the mirror-image Hopf points at alpha = -+0.3184268700 (the equations commute with
    (alpha, z) -> (-alpha, -z)) agree with AUTO-07p's to 2e-8, and the Jacobian there, by finite differences,
    has a pair on the imaginary axis. Its cycles towards the origin's homoclinic orbit are not compared
    (examples/auto/README.md)."""
    an = analyzer("sib")
    hopfs = [q for q in an.bifurcation_points() if q.label == "H"]
    assert len(hopfs) == 2
    theirs = [p["par"] for p in REFERENCE["sib"]["points"] if p["type"] == "HB"]
    for q in hopfs:
        assert min(relative(q.par["alpha"], t) for t in theirs) <= 1e-7
        x = np.array([q.state[v] for v in an.field.variables])
        lam = np.linalg.eigvals(_jacobian_by_differences(an, x, _parameters(an, q.par["alpha"])))
        pair = lam[np.argmin(np.abs(lam.real))]
        assert abs(pair.real) < 1e-7 * abs(pair.imag)
    assert abs(hopfs[0].par["alpha"] + hopfs[1].par["alpha"]) < 1e-10


def _trace_integral(an, orbit: np.ndarray, mesh: np.ndarray, period: float, value: float, h: float = 1e-6) -> float:
    """int_0^T trace J dt along an orbit (rows of states at the phases ``mesh``), the trace by central
    differences of the right-hand side: the log of a planar cycle's one nontrivial multiplier."""
    f, p = an.field.compiled.f, _parameters(an, value)
    traces = sum((f((orbit + h * e).T, p)[j] - f((orbit - h * e).T, p)[j]) / (2 * h)
                 for j, e in enumerate(np.eye(orbit.shape[1])))
    return period * float(np.trapezoid(traces, mesh))


def test_rinzel_hh_canard_turns_are_no_folds_but_one():
    """Rinzel's reduced Hodgkin-Huxley neuron: the unstable cycles from the subcritical Hopf point at
    I = 8.8167 and the stable spiking ones meet in a canard family that stays within 4e-8 of I = 6.3610985
    while the period runs from 22 to 40 and back. The parameter wobbles there by the continuation's rounding,
    and bp_core labelled 13 folds of cycles at these turns (AUTO-07p turns there too, unlabelled). In a plane
    the one nontrivial multiplier is exp(int trace J dt), 1 at a fold: at every turn of the branch in that
    stretch the integral (by finite differences, not bp_core's monodromy) is far from 0, so none is a fold.
    The integral changes sign once along the family, between T = 22.3 and 23.5, at the real fold, where the
    stability changes; bp_core now keeps the one fold nearest that crossing (the flat parameter places it
    no better) and drops the others."""
    an = analyzer("rinzel_hh")
    (branch,) = an.cycle_branches()
    integrals = np.array([_trace_integral(an, branch.orbits[k], branch.mesh[k], branch.period[k], branch.par[k])
                          for k in range(len(branch.par))])
    turns = [k for k in range(1, len(branch.par) - 1)
             if (branch.par[k] - branch.par[k - 1]) * (branch.par[k + 1] - branch.par[k]) < 0]
    assert len(turns) >= 5
    for k in turns:
        assert abs(branch.par[k] - 6.3610985) < 5e-8 and abs(integrals[k]) > 1.0, (k, branch.par[k], integrals[k])
    changes = np.nonzero(np.diff(np.sign(integrals)))[0]
    assert len(changes) == 1
    k = int(changes[0])
    assert 22.0 < min(branch.period[k], branch.period[k + 1]) and max(branch.period[k], branch.period[k + 1]) < 24.0
    (fold,) = [q for q in branch.special if q.label == "LPC"]
    assert abs(fold.par["I"] - 6.3610985) < 5e-8
    lo, hi = sorted((branch.period[k], branch.period[k + 1]))
    assert lo - 1.5 < fold.period < hi + 1.5


def test_bautin_hopf_point_and_fold_of_cycles_are_the_normal_forms():
    """The Bautin normal form r' = r (beta1 + r^2 - r^4): the Hopf point at beta1 = 0 and the fold of cycles at
    beta1 = -1/4 (r^2 = 1/2), every orbit of period 2 pi. bp_core's are there to rounding; AUTO-07p's Hopf point
    is 1e-7 from 0 (its location tolerance), its fold of cycles agrees to 1e-6 and 1e-4 in the period."""
    an = analyzer("bautin")
    points = [q for q in an.special_points() if q.label in ("H", "LPC")]
    assert [q.label for q in points] == ["LPC", "H"]
    fold, hopf = points
    assert abs(hopf.par["beta1"]) < 1e-12
    assert abs(fold.par["beta1"] + 0.25) < 1e-9 and abs(fold.period - 2 * np.pi) < 1e-8
    theirs = REFERENCE["bautin"]["points"]
    assert sorted((p["type"], p["periodic"]) for p in theirs) == [("HB", False), ("LP", True)]
    for p in theirs:
        if p["periodic"]:
            assert relative(fold.par["beta1"], p["par"]) <= 1e-6 and relative(fold.period, p["period"]) <= 1e-4
        else:
            assert abs(p["par"] - hopf.par["beta1"]) <= 1e-6


def test_selkov_hopf_points_are_where_the_trace_vanishes():
    """Sel'kov: at the equilibrium (b, b / (a + b^2)) the trace of the Jacobian vanishes where u = b^2 solves
    u^2 + (2a - 1) u + a + a^2 = 0 (the determinant a + b^2 stays positive): the two Hopf points, which both
    programs place there. One family of cycles joins them; in a plane a branch point of cycles cannot occur, and
    bp_core labels none (AUTO-07p's at 0.346498, 9e-5 from a Hopf point, is its small-orbit artefact)."""
    a = 0.08
    exact = np.sqrt(np.sort(np.roots([1.0, 2 * a - 1, a + a ** 2]).real))
    an = analyzer("selkov")
    hopfs = [q.par["b"] for q in an.bifurcation_points() if q.label == "H"]
    assert np.allclose(hopfs, exact, rtol=0, atol=1e-12)
    theirs = sorted(p["par"] for p in REFERENCE["selkov"]["points"] if p["type"] == "HB")
    assert np.allclose(theirs, exact, rtol=1e-7, atol=0)
    (branch,) = an.cycle_branches()
    assert sorted(min(abs(end - exact)) for end in (branch.par[0], branch.par[-1]))[-1] < 0.01
    assert not [q for q in branch.special if q.label in ("BPC", "LPC", "PD", "NS")]


def test_rosenzweig_macarthur_invasion_and_enrichment_points_are_the_closed_forms():
    """Rosenzweig-MacArthur with unit half-saturation: the predator invades (transcritical point) at
    K = d / (1 - d) and the coexistence state loses stability (Hopf point) at K = (1 + d) / (1 - d)."""
    d = 0.4
    points = analyzer("rosenzweig").bifurcation_points()
    assert {q.label for q in points} == {"BP", "H"}
    for q in points:
        assert abs(q.par["K"] - (d if q.label == "BP" else 1 + d) / (1 - d)) < 1e-9, q


def test_rossler_hopf_point_sits_on_the_fold():
    """Rossler at a = b = 0.2: the equilibria x^2 - c x + a b = 0 meet at the fold c = 2 sqrt(a b) = 0.4, where
    the trace a + x - c = a - sqrt(a b) also vanishes: a zero eigenvalue and a pair +-i sqrt(1.96) at once (a
    fold-Hopf point, codimension one here because a = b). bp_core labels both there and continues the cycles
    born at it (their period doubling is checked by variational integration in
    tests/bp_core/dynamics/test_continuation.py); AUTO-07p labels the fold only and so computes no cycles."""
    an = analyzer("rossler")
    points = an.bifurcation_points()
    assert sorted(q.label for q in points) == ["H", "LP"]
    for q in points:
        assert abs(q.par["c"] - 0.4) < 1e-10
    x = np.array([0.2, -1.0, 1.0])
    lam = np.linalg.eigvals(_jacobian_by_differences(an, x, _parameters(an, 0.4)))
    assert np.allclose(np.sort(lam.imag), [-1.4, 0, 1.4], atol=1e-7) and np.max(np.abs(lam.real)) < 1e-7
    theirs = REFERENCE["rossler"]["points"]
    assert [p["type"] for p in theirs] == ["LP"] and abs(theirs[0]["par"] - 0.4) < 1e-9


def test_wilson_cowan_lower_fold_is_where_auto07p_finds_a_saddle():
    """Wilson-Cowan: bp_core's folds of the rest states solve the fold equations (equilibrium, vanishing
    Jacobian determinant) by scipy's fsolve to 1e-9. AUTO-07p places the lower one at P = 1.0854948, 1.7e-3 off
    (its step of 0.02 crosses this sharp turn): its recorded state there is an equilibrium whose Jacobian has
    determinant -0.06 (a saddle), no fold. Both programs' Hopf point agrees; the cycles end at an orbit homoclinic
    to the saddle, bp_core's HOM within 1e-8 of AUTO-07p's fold and branch point of cycles there (its branch
    stands still at periods 200 to 5e8)."""
    an = analyzer("wilson_cowan")
    f = an.field.compiled.f

    def fold(z):
        x, value = z[:2], z[2]
        p = _parameters(an, value)
        return list(f(x[:, None], p)[:, 0]) + [np.linalg.det(_jacobian_by_differences(an, x, p))]

    folds = [q for q in an.bifurcation_points() if q.label == "LP"]
    assert len(folds) == 2
    for q in folds:
        guess = [q.state["E"], q.state["I"], q.par["P"]]
        solution = fsolve(fold, guess, xtol=1e-13)
        assert np.max(np.abs(fold(solution))) < 1e-9 and abs(solution[2] - q.par["P"]) < 1e-9
    lower = max(q.par["P"] for q in folds)
    auto = next(p for p in REFERENCE["wilson_cowan"]["points"] if p["type"] == "LP" and not p["periodic"]
                and abs(p["par"] - lower) < 0.01)
    assert relative(lower, auto["par"]) > 1e-3
    x, p = np.array(auto["state"]), _parameters(an, auto["par"])
    assert np.max(np.abs(f(x[:, None], p)[:, 0])) < 1e-9
    assert np.linalg.det(_jacobian_by_differences(an, x, p)) < -0.05
    (branch,) = an.cycle_branches()
    (end,) = [q for q in branch.special if q.label == "HOM"]
    ends = [p for p in REFERENCE["wilson_cowan"]["points"] if p["periodic"]]
    assert ends and all(relative(end.par["P"], p["par"]) < 1e-8 for p in ends)


def test_butera_fast_subsystem_reports_no_point_past_the_range():
    """Butera's pre-Botzinger fast subsystem over h in [0, 1]: the cycles from the Hopf point at h = 0.72305 (as
    AUTO-07p's, 1.3e-9) run to h = 1, and their fold lies just past it. The step that left the range crossed the
    fold, which was located at h = 1.0032 and reported although the range ends at 1; a cycle branch now keeps
    no point located past its range's end, as equilibrium branches did. Over [0, 1.1] the fold is there."""
    an = analyzer("butera_fast")
    assert all(0.0 <= q.par["h"] <= 1.0 for q in an.special_points())
    (branch,) = an.cycle_branches()
    assert abs(branch.par[-1] - 1.0) < 1e-9 and not branch.special
    (hopf,) = [q for q in an.bifurcation_points() if q.label == "H"]
    auto = next(p for p in REFERENCE["butera_fast"]["points"] if p["type"] == "HB")
    assert relative(hopf.par["h"], auto["par"]) <= 1e-8
    wider = bp.BifurcationAnalyzer(butera_fast.model(), {"h": [0.0, 1.1]}, butera_fast.VARIABLES,
                                   par_resolution=butera_fast.RESOLUTION)
    (fold,) = [q for q in wider.cycle_branches()[0].special if q.label == "LPC"]
    assert 1.0 < fold.par["h"] < 1.01


def test_goodwin_hopf_point_is_where_the_loop_gain_reaches_eight():
    """Goodwin's three-stage repression loop with equal degradation rates b: at the equilibrium
    (x, y, z) = (b^2 z, b z, z) the loop's gain n z^n / (1 + z^n) reaches sec(pi / 3)^3 = 8 at the Hopf point,
    z^n = 4, b^3 = a / (5 z): b = 0.5583947574 (a = 1, n = 10), where both programs place it (1e-9)."""
    exact = (1 / (5 * 4 ** 0.1)) ** (1 / 3)
    (hopf,) = [q for q in analyzer("goodwin").bifurcation_points() if q.label == "H"]
    assert abs(hopf.par["b"] - exact) < 1e-10
    assert abs(hopf.state["z"] - 4 ** 0.1) < 1e-8
    (auto,) = [p for p in REFERENCE["goodwin"]["points"] if p["type"] == "HB"]
    assert relative(auto["par"], exact) <= 1e-8
