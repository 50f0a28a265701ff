"""AUTO-07p's own demos (ported in examples/auto/) as the continuation's conformance corpus: bp_core's
special points against the values AUTO-07p computed on the demos' own equations and constants files,
recorded by ``python -m benchmarks.continuation_auto_demos --demos AUTO_DEMOS --record``.

A parameter matches within 1e-6 relative, a period within 1e-4 relative. The demos where bp_core finds
every point AUTO finds, and no other, are held to exactly that; on those with known gaps
(examples/auto/README.md) every point both find is held to the same tolerances."""

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from benchmarks.continuation_auto_demos import (
    DEMOS,
    analyzer,
    comparable,
    discrepancies,
    match,
    ours,
    relative,
    unlabelled_turn,
)
from benchmarks.continuation_auto_switching import analyzer as tor_analyzer
from benchmarks.continuation_auto_switching import lor_ours, nu_at
from bp_core.dynamics.cycles import CycleSettings, cycles_from_hopf
from bp_core.errors import ModelUseError
from tests.examples.shooting import flow, multiple_shooting, orbit_of_period
from tests.time_budgets import LOADED

REFERENCE = json.loads((Path(__file__).parent / "auto_reference.json").read_text())
#: AUTO-07p's cycle points on a finer mesh (recorded by ``python -m benchmarks.continuation_fine_mesh --record``).
FINE = json.loads((Path(__file__).parent / "auto_fine_mesh_reference.json").read_text())
#: bp_core finds every special point of these and places it as AUTO-07p does.
MATCHING = ["ab", "apbp", "bru", "cusp", "fhn", "ops", "tfc", "rinzel_hh", "rosenzweig", "inapik_low",
            "goodwin", "bru2", "lengyel_epstein", "hh_temperature"]
#: bp_core misses or adds points on these (branch points of cycles, symmetric copies; examples/auto/README.md,
#: "known gaps", lists each), and every point both programs find agrees.
AGREEING = ["abc", "abcb", "enz", "lrz", "plp", "pp2", "pp3", "ppp", "wav", "she", "fhh", "ml_homoclinic",
            "connor_stevens", "snh", "pen", "inapik_m", "selkov", "rossler", "wilson_cowan", "butera_fast",
            "ml_snic", "hh_gk", "allee", "hastings_powell", "ml_pair"]
#: Held on their equilibria, where AUTO-07p's points are (its run labels no Hopf point, so no cycles): kpr (its
#: cycles, 9 s to the homoclinic orbit at T = 1619, are compared by the benchmark).
EQUILIBRIA = ["kpr"]
#: Vertical Hopf bifurcations: the whole cycle family lies at p = 0, where both programs label folds of
#: cycles at parameter values of 1e-13 (rounding), so these are held to the family being vertical.
VERTICAL = ["phs", "vhb"]
#: Held to AUTO-07p's points on a finer mesh of its cycles (``benchmarks/continuation_fine_mesh.py``), where the
#: demo's own mesh misplaces folds of cycles near a homoclinic orbit, with shooting as the check where both differ.
FINER_MESH = ["chu"]
#: Not held to AUTO-07p until the gaps README.md lists close: tor (a fold at T = 119 and branch points of cycles
#: beside folds that AUTO does not label; its folds' periods, where the two differ, are checked by multiple
#: shooting below), pla (minutes; its disputed period doublings are checked below) and sib (its cycles towards the
#: origin's homoclinic orbit; tests/examples/test_auto_new_models.py). The benchmark compares them.
OPEN = ["pla", "tor", "sib"]
#: Held in tests/examples/test_auto_new_models.py (bautin) and test_auto_unseen_models.py (bogdanov_takens) to closed
#: forms and to AUTO-07p's points: their Hopf points are at beta1 = 0 exactly (bp_core's to 1e-14, AUTO's 1e-7 and
#: 4e-10 off), where a relative tolerance compares nothing.
AT_ZERO = ["bautin", "bogdanov_takens"]


def test_every_demo_has_a_reference():
    assert {name for name in REFERENCE if not name.startswith("_")} == set(DEMOS)
    assert all(REFERENCE[name]["points"] for name in DEMOS)


@pytest.mark.parametrize("name", MATCHING)
def test_special_points_match_auto07p(name):
    assert discrepancies(comparable(name, ours(name)), REFERENCE[name]) == []


def test_every_demo_is_in_one_group():
    assert sorted(MATCHING + AGREEING + EQUILIBRIA + VERTICAL + FINER_MESH + OPEN + AT_ZERO) == sorted(DEMOS)


@pytest.mark.parametrize("name", AGREEING)
def test_points_found_by_both_agree(name):
    pairs = [(a, b) for a, b in match(comparable(name, ours(name)), REFERENCE[name]["points"])
             if a is not None and b is not None]
    assert pairs, f"{name}: no special point in common with AUTO-07p"
    for a, b in pairs:
        assert relative(a["par"], b["par"]) <= 1e-6, (a, b)
        if b["periodic"]:
            assert relative(a["period"], b["period"]) <= 1e-4, (a, b)


@pytest.mark.parametrize("name", VERTICAL)
def test_vertical_hopf_family_stays_at_zero(name):
    mine = ours(name)
    theirs = REFERENCE[name]["points"]
    assert [p["type"] for p in mine if p["type"] == "H"] == ["H"]
    hopf = next(p for p in mine if p["type"] == "H")
    assert abs(hopf["par"] - next(q["par"] for q in theirs if q["type"] == "HB")) < 1e-8
    cycles = [p for p in mine if np.isfinite(p["period"])]
    assert cycles and all(abs(p["par"]) < 1e-9 for p in cycles)
    assert all(abs(q["par"]) < 1e-9 for q in theirs if q["periodic"])


def test_discrepancies_names_missed_extra_and_misplaced_points():
    theirs = [{"type": "HB", "par": 1.0, "periodic": False},
              {"type": "LP", "par": 2.0, "periodic": True, "period": 10.0},
              {"type": "BP", "par": 3.0, "periodic": False}]
    mine = [{"type": "H", "par": 1.0 + 1e-9, "period": np.nan},
            {"type": "LPC", "par": 2.0, "period": 10.01},
            {"type": "LP", "par": 3.0, "period": np.nan}]
    assert discrepancies(mine, {"points": theirs, "turns": []}) == [
        "LPC period 10.01, AUTO 10 (rel. 1.0e-03)", "extra LP at 3", "missed BP at 3"]
    assert discrepancies(mine[:1], {"points": theirs[:1], "turns": []}) == []


def test_a_fold_of_cycles_auto_stepped_over_counts_where_its_branch_turns():
    mine = [{"type": "LPC", "par": 0.43051824, "period": 16.64}]
    assert discrepancies(mine, {"points": [], "turns": [{"par": 0.430518237, "period": 16.8}]}) == []
    assert discrepancies(mine, {"points": [], "turns": [{"par": 0.4305, "period": 16.8}]}) == [
        "extra LPC at 0.43051824 (T = 16.64)"]


# -- tor's own script: branch switching at a branch point of cycles, and torus and period-doubling curves --
#: AUTO-07p's numbers from the runs of the demo's tor.auto (recorded by benchmarks/continuation_auto_switching.py).
TOR = REFERENCE["_tor_switching"]


@pytest.fixture(scope="module")
def tor_switching():
    """The symmetric cycles from the Hopf point up to T = 9, their branch point, and the branch of asymmetric
    cycles switched to there (AUTO's ISW = -1) up to T = 10, past its torus bifurcation and period doubling."""
    an = tor_analyzer()
    (branch,) = an.cycle_branches({"beta": 0.5}, settings=CycleSettings(max_period=9.0))
    point = next(q for q in branch.special if q.label == "BPC")
    return an, point, an.switch_cycle_branch(point, CycleSettings(max_period=10.0))


def test_tor_branch_point_of_cycles_matches_auto07p(tor_switching):
    _, point, _ = tor_switching
    assert relative(point.par["nu"], TOR["branch_point"]["par"]) <= 1e-6
    assert relative(point.period, TOR["branch_point"]["period"]) <= 1e-4


@pytest.mark.parametrize("auto_type, label", [("TR", "NS"), ("PD", "PD")])
def test_tor_switched_branch_has_auto07p_torus_and_period_doubling(tor_switching, auto_type, label):
    _, _, switched = tor_switching
    reference = next(p for p in TOR["switched"] if p["type"] == auto_type)
    (mine,) = [q for q in switched.special if q.label == label]
    assert relative(mine.par["nu"], reference["par"]) <= 1e-6
    assert relative(mine.period, reference["period"]) <= 1e-4


@pytest.mark.parametrize("label, name, points", [("PD", "pd_curve", 25), ("NS", "torus_curve", 12)])
def test_tor_period_doubling_and_torus_curves_match_auto07p(tor_switching, label, name, points):
    an, _, switched = tor_switching
    curve = an.cycle_bifurcation_curve(next(q for q in switched.special if q.label == label), max_points=points,
                                     time_budget=LOADED)
    assert curve.label == label
    compared = 0
    for nu, beta, period in TOR[name]:
        found = nu_at(curve, beta)
        if found:
            mine, mine_period = min(found, key=lambda f: abs(f[0] - nu))
            assert relative(mine, nu) <= 1e-6, (beta, mine, nu)
            assert relative(mine_period, period) <= 1e-4, (beta, mine_period, period)
            compared += 1
    assert compared >= 2


def test_tor_period_doubled_branch_starts_at_twice_the_period(tor_switching):
    an, _, switched = tor_switching
    pd = next(q for q in switched.special if q.label == "PD")
    doubled = an.switch_cycle_branch(pd, CycleSettings(max_steps=12))
    assert relative(doubled.period[0], 2 * pd.period) < 1e-2  # one step of the branch from the PD point
    assert abs(doubled.par[0] - pd.par["nu"]) < 1e-2
    # Away from the PD point the orbit is no longer the old one traversed twice: its halves differ.
    times, orbit = doubled.mesh[-1], doubled.orbits[-1]
    shifted = np.column_stack([np.interp((times + 0.5) % 1.0, times, orbit[:, k]) for k in range(3)])
    assert np.max(np.abs(shifted - orbit)) > 1e-2


# -- lor's own script: a period-doubling cascade followed by switching at each period doubling --
LOR = REFERENCE["_lor_switching"]


def test_lor_period_doubling_cascade_matches_auto07p():
    """The demo's orbit at rho = 280 continued down, switched at its period doubling onto the doubled cycles,
    and again at theirs: each branch's period doubling as AUTO-07p places it. AUTO's third, on the demo's
    mesh of 60 intervals, lies 2.3e-6 from where AUTO puts it on 120 (and bp_core on its adapted mesh):
    that one is compared with AUTO's finer mesh."""
    found = lor_ours(lowest=215.0)
    reference = LOR["pd"][:2] + [LOR["pd_fine_mesh"]]
    for point, (rho, period) in zip(found, reference):
        assert relative(point.par["rho"], rho) <= 1e-6, (point.par, rho)
        assert relative(point.period, period) <= 1e-4, (point.period, period)
    assert relative(LOR["pd"][2][0], LOR["pd_fine_mesh"][0]) > 1e-6  # why the finer mesh is the reference
    assert [p.period for p in found] == pytest.approx([LOR["pd"][0][1] * 2 ** k for k in range(3)], rel=0.05)


def test_tor_period_doubling_beside_a_fold_that_auto07p_does_not_label_is_real(tor_switching):
    """On the switched branch bp_core labels a period doubling 2.5e-6 in nu before the fold of cycles at
    T = 13.91, which AUTO-07p labels alone: an independent variational integration (scipy, 1e-12) of the
    orbit over its period has a multiplier of -1 there (and the orbit closes)."""
    an, point, _ = tor_switching
    longer = an.switch_cycle_branch(point, CycleSettings(max_period=14.5))
    pd = next(q for q in longer.special if q.label == "PD" and q.period > 13)
    p = np.array([pd.par["nu"], pd.par["beta"]])
    x0 = np.array([pd.state[v] for v in an.field.variables])
    f = an.field.compiled

    def rhs(t, y):
        x, m = y[:3], y[3:].reshape(3, 3)
        return np.concatenate([f.f(x[:, None], p)[:, 0], (f.jac1(x, p) @ m).ravel()])

    end = solve_ivp(rhs, (0, pd.period), np.concatenate([x0, np.eye(3).ravel()]), method="DOP853", rtol=1e-12,
                    atol=1e-12).y[:, -1]
    assert np.max(np.abs(end[:3] - x0)) < 1e-8
    mu = np.linalg.eigvals(end[3:].reshape(3, 3))
    assert np.min(np.abs(mu + 1)) < 1e-5
    fold = next(q for q in longer.special if q.label == "LPC" and abs(q.period - pd.period) < 0.1)
    assert 0 < abs(fold.par["nu"] - pd.par["nu"]) < 1e-5


# -- chu and wav: folds of cycles towards a homoclinic orbit, against AUTO-07p on a finer mesh and shooting --
@pytest.fixture(scope="module")
def chu():
    """The chu demo's analyzer and bp_core's points on its cycle branches (one of each mirror-image pair)."""
    an = analyzer("chu")
    points = []
    for q in an.special_points():
        point = {"type": q.label, "par": float(q.par["alpha"]), "period": float(q.period)}
        if np.isfinite(point["period"]) and point not in points:
            points.append(point)
    return an, points


def test_chu_cycle_points_match_auto07p_on_a_finer_mesh(chu):
    """On the demo's 50 mesh intervals AUTO-07p places chu's folds of cycles up to 8e-5 off in alpha and 6e-2
    in the period (its fold at T = 9.559 lies where shooting finds alpha still rising with the period); on
    200 it places them where bp_core does: every point AUTO labels there is found, within 1e-6 in alpha and
    1e-4 in the period. bp_core's other points are each of a known kind: a period doubling beside a fold (the
    Shilnikov snake's), a fold deeper in the snake than AUTO labels (past T = 11, where AUTO's branch turns
    unlabelled; their places are checked against the snake's asymptotics in the next test), or the fold at
    10.9022 AUTO steps over (checked by shooting below)."""
    _, everything = chu
    reference = FINE["chu"]
    assert reference["ntst"] == 200
    mine = comparable("chu", everything)
    folds = [p for p in mine if p["type"] == "LPC"]
    for gap in discrepancies(mine, reference):
        assert gap.startswith("extra"), gap
    extra = [a for a, b in match(mine, reference["points"]) if b is None]
    hom = next(p for p in everything if p["type"] == "HOM")
    deep = [a for a in extra if a["type"] == "LPC" and a["period"] > 11 and relative(a["par"], hom["par"]) < 1e-5]
    assert len(deep) >= 2  # the snake is followed past the folds AUTO labels
    beside = [p for p in extra if p["type"] == "PD" and any(
        relative(p["par"], q["par"]) < 1e-4 and relative(p["period"], q["period"]) < 5e-3 for q in folds)]
    # Every period doubling found sits beside a fold. Past T = 9 a doubling lies within 1e-8 of its fold in alpha
    # and 1e-2 in the period, where the collocation's monodromy matrix (norm 1e5 and more) keeps no digit of the
    # multipliers near 1 (examples/auto/README.md): whether one is labelled there follows rounding (a reordered
    # condensed solve, one ulp of the Gauss-Legendre nodes), so only the shallow five are required.
    assert len(beside) == len([p for p in extra if p["type"] == "PD"])
    assert {round(p["period"], 1) for p in beside} >= {3.5, 4.6, 5.9, 7.1, 8.3}
    assert [(p["type"], round(p["par"], 4)) for p in extra if p not in beside and p not in deep] == [
        ("LPC", 10.9022)]
    # The snake: a fold every pi / omega = 1.213 in the period (omega = 2.59, the origin's stable pair) up to
    # T = 15.5, and none in the last stretch, where the branch's alpha wobbles by 3.6e-7 (unresolved_turns.py).
    periods = sorted(p["period"] for p in folds if p["period"] > 5)
    assert np.allclose(np.diff(periods), np.pi / 2.5946, rtol=0.02), periods
    assert 14 < periods[-1] < 17


def test_chu_snake_folds_follow_the_shilnikov_asymptotics(chu):
    """Towards the homoclinic orbit of the saddle-focus at the origin (eigenvalues ``lambda_u`` and
    ``-rho +- i omega``) the folds of cycles lie on alternate sides of its parameter ``alpha_h``, each fold's
    distance ``exp(-rho pi / omega)`` times the last one's, every ``pi / omega`` in the period (Shilnikov's
    snake; the eigenvalues by finite differences, not bp_core's Jacobian). This holds bp_core's folds past what
    AUTO-07p labels on 200 mesh intervals to a reference independent of any mesh. The ratio is held within 5 %
    while the distance exceeds 1e-5 (the folds' mesh error, at most the 1.4e-7 in alpha between bp_core's and
    AUTO's on 200 intervals at T = 13.1, is then below 2 % of it), and within 30 % deeper, where the distance
    is 3e-6 to 8e-7 and the mesh's error could be a tenth of it (bp_core's ratios are within 2.1 % at T = 5.9,
    where the asymptotics are not yet reached, and 0.3 % past it)."""
    an, everything = chu
    hom = next(p for p in everything if p["type"] == "HOM")
    lam = _finite_difference_eigenvalues(an, {"x": 0.0, "y": 0.0, "z": 0.0}, hom["par"])
    pair = lam[np.argmax(lam.imag)]
    assert np.sum(lam.real > 0) == 1 and pair.real < 0
    rho, omega = -pair.real, pair.imag
    folds = sorted((p for p in comparable("chu", everything) if p["type"] == "LPC" and p["period"] > 5),
                   key=lambda p: p["period"])
    distance = np.array([p["par"] - hom["par"] for p in folds])
    assert len(distance) >= 8
    assert np.all(np.sign(distance[1:]) == -np.sign(distance[:-1])), distance
    ratio = -distance[1:] / distance[:-1]
    resolved = np.abs(distance[:-1]) > 1e-5
    assert resolved.sum() >= 5
    assert np.allclose(ratio[resolved], np.exp(-rho * np.pi / omega), rtol=0.05), (ratio, rho, omega)
    assert np.allclose(ratio[~resolved], np.exp(-rho * np.pi / omega), rtol=0.3), (ratio, rho, omega)


def test_chu_fold_auto07p_steps_over_is_a_fold_with_a_period_doubling_beside_it(chu):
    """AUTO-07p passes alpha's minimum at T = 4.63 without a label (its branch turns at 10.91503, a sampled
    point 0.0128 above it, on either mesh). Shooting (scipy at 1e-13) at bp_core's fold period gives bp_core's
    alpha and a double multiplier 1, and alpha larger at periods 0.019 either side; across that interval the
    nontrivial multiplier goes from above +1 to below -1: through the fold and a period doubling, which
    bp_core labels at T = 4.6337."""
    an, mine = chu
    fold = next(p for p in mine if p["type"] == "LPC" and abs(p["par"] - 10.9022) < 1e-3)
    pd = next(p for p in mine if p["type"] == "PD" and abs(p["par"] - 10.9022) < 1e-3)
    branch = an.cycle_branches()[0]
    k = int(np.argmin(np.abs(branch.period - fold["period"])))
    start, p0 = branch.orbits[k][0], np.array([branch.par[k]])
    found = {}
    for period in (fold["period"] - 0.019, fold["period"], fold["period"] + 0.017):
        p, mu, gap = orbit_of_period(an.field.compiled, start, p0, period)
        assert gap < 1e-9
        found[period] = (p[0], np.sort(mu.real), mu)
    before, at, after = found.values()
    assert relative(at[0], fold["par"]) < 1e-8
    assert np.sum(np.abs(at[2] - 1) < 1e-2) == 2
    assert before[0] > at[0] + 1e-4 and after[0] > at[0] + 1e-4
    assert before[1][-1] > 1 + 1 and after[1][0] < -1 - 1
    assert fold["period"] - 0.019 < pd["period"] < fold["period"] + 0.017
    turn = min(FINE["chu"]["turns"], key=lambda t: abs(t["period"] - 4.5))
    assert 1e-2 < turn["par"] - fold["par"] < 2e-2


def test_wav_ends_at_a_saddle_homoclinic_orbit_without_folds_as_auto07p_on_a_finer_mesh():
    """On the demo's mesh AUTO-07p labels two folds of cycles at a0 = 648.3013001 (T = 69.7 and 385.8) where
    its branch's a0 stands still to 1e-10; on 200 intervals it labels none, nor turns. bp_core's branch
    approaches the homoclinic orbit of a saddle at 648.3013054 monotonically and ends there (not at a SNIC
    at the fold of equilibria 17.8 away)."""
    assert FINE["wav"]["points"] == [] and FINE["wav"]["turns"] == []
    an = analyzer("wav")
    (branch,) = an.cycle_branches()
    assert [q.label for q in branch.special] == ["HOM"]
    end = branch.special[0]
    assert abs(end.par["a0"] - 648.3013054) < 1e-6
    assert np.all(np.diff(branch.par[branch.period > 20]) < 0)
    assert np.sum(end.eigenvalues.real > 0) == 1 and np.sum(end.eigenvalues.real < 0) == 1


def test_pla_period_doubling_is_where_bp_core_places_it_not_auto07p():
    """pla's cycles from the Hopf point at gI = 15.2 (up to T = 900): bp_core's period doubling is at
    27.6442677 (T = 872.80), AUTO-07p's at 27.6436091 (T = 885.66) on 150 and on 300 mesh intervals alike.
    scipy's variational integration (DOP853, 1e-11) over one period from bp_core's orbits: a multiplier of
    -1 to 2e-3 at its point, and already below -1.05 on its orbit at AUTO's parameter."""
    an = analyzer("pla")
    hopf = next(q for q in an.bifurcation_points() if q.label == "H" and q.par["gI"] > 0)
    lo, hi = an.par_ranges["gI"]
    branch = cycles_from_hopf(an.field, hopf, an._par_vector(None), 0, (lo, hi), list(an.var_ranges.values()),
                              CycleSettings(max_period=900.0), an.par_names)
    (pd,) = [q for q in branch.special if q.label == "PD"]
    auto = next(p for p in REFERENCE["pla"]["points"] if p["type"] == "PD" and p["par"] > 20)
    assert relative(pd.par["gI"], auto["par"]) > 1e-5 and relative(pd.period, auto["period"]) > 1e-2
    f, n = an.field.compiled, len(an.field.variables)

    def smallest_multiplier(x0, gI, period):
        p = an._par_vector(None).copy()
        p[0] = gI

        def rhs(t, y):
            x, m = y[:n], y[n:].reshape(n, n)
            return np.concatenate([f.f(x[:, None], p)[:, 0], (f.jac1(x, p) @ m).ravel()])

        end = solve_ivp(rhs, (0, period), np.concatenate([x0, np.eye(n).ravel()]), method="DOP853", rtol=1e-11,
                        atol=1e-11).y[:, -1]
        assert np.max(np.abs(end[:n] - x0)) < 1e-5
        return np.min(np.linalg.eigvals(end[n:].reshape(n, n)).real)

    assert abs(smallest_multiplier(np.array([pd.state[v] for v in an.field.variables]), pd.par["gI"],
                                   pd.period) + 1) < 2e-3
    # The branch's orbit at AUTO's parameter (its steps need not sample it; cycle_at restarted a 170-interval
    # orbit on 40 intervals and failed): AUTO's period, so the two programs disagree on its multiplier only.
    at = an.cycle_at(auto["par"], branch)
    assert relative(at.period[0], auto["period"]) < 1e-4
    assert smallest_multiplier(at.orbits[0][0], at.par[0], at.period[0]) < -1.05


def test_pla_period_doublings_auto07p_does_not_label_are_real():
    """On pla's cycles from the Hopf point at gI = -103.78 bp_core labels period doublings at 1.3702514
    (T = 9817.31, beside its fold at T = 9817.29) and 1.3715671 (T = 9818.16) that AUTO-07p does not.
    scipy's variational integration (DOP853, 1e-11) over one period from bp_core's orbit: a multiplier of -1
    to 2e-3 at each."""
    an = analyzer("pla")
    hopf = next(q for q in an.bifurcation_points() if q.label == "H" and q.par["gI"] < 0)
    lo, hi = an.par_ranges["gI"]
    branch = cycles_from_hopf(an.field, hopf, an._par_vector(None), 0, (lo, hi), list(an.var_ranges.values()),
                              CycleSettings(max_steps=36), an.par_names)
    doublings = [q for q in branch.special if q.label == "PD" and 1.36 < q.par["gI"] < 1.38]
    assert [round(q.par["gI"], 5) for q in doublings] == [1.37025, 1.37157]
    assert not any(p["type"] == "PD" and abs(p["par"] - 1.37) < 0.01 for p in REFERENCE["pla"]["points"])
    f, n = an.field.compiled, len(an.field.variables)
    for pd in doublings:
        p = an._par_vector(None).copy()
        p[0] = pd.par["gI"]
        x0 = np.array([pd.state[v] for v in an.field.variables])

        def rhs(t, y):
            x, m = y[:n], y[n:].reshape(n, n)
            return np.concatenate([f.f(x[:, None], p)[:, 0], (f.jac1(x, p) @ m).ravel()])

        end = solve_ivp(rhs, (0, pd.period), np.concatenate([x0, np.eye(n).ravel()]), method="DOP853", rtol=1e-11,
                        atol=1e-11).y[:, -1]
        assert np.max(np.abs(end[:n] - x0)) < 1e-6
        assert np.min(np.abs(np.linalg.eigvals(end[n:].reshape(n, n)) + 1)) < 2e-3


@pytest.fixture(scope="module")
def tor_diagram():
    """The tor demo's analyzer and its cycle branches."""
    an = analyzer("tor")
    return an, an.cycle_branches()


def test_tor_branch_points_of_cycles_are_auto07ps(tor_diagram):
    """Each of the five branch points of cycles AUTO-07p labels on tor's branch is found, within 1e-6 in nu and
    1e-3 in the period (the one at T = 59.35 is 1.9e-4 from AUTO's in the period, where nu is flat in the
    period). The locator once lost the one at T = 19.6: Newton's method failed within 1e-8 of it, where the
    bordered Jacobian is singular."""
    _, branches = tor_diagram
    mine = [q for b in branches for q in b.special if q.label == "BPC"]
    theirs = [p for p in REFERENCE["tor"]["points"] if p["type"] == "BP" and p["periodic"]]
    assert len(theirs) == 5
    for p in theirs:
        assert any(relative(q.par["nu"], p["par"]) < 1e-6 and relative(q.period, p["period"]) < 1e-3
                   for q in mine), p


def test_tor_fold_of_cycles_at_period_99_is_where_bp_core_places_it(tor_diagram):
    """tor's fold of cycles near T = 99 (on the snake towards the Shilnikov orbit): bp_core's at
    -0.7975204535 (T = 99.30671), AUTO-07p's at -0.79752047315 (T = 99.286112). Multiple shooting (scipy, 20
    segments: the orbit's largest multiplier is 1e8 and more, which defeats single shooting) at fixed period
    with nu free gives d nu / dT along the family of cycles: at bp_core's period it is below 5 % of its value
    at AUTO's, so the fold (d nu / dT = 0) is within 1e-3 in the period of bp_core's and 0.02 from AUTO's."""
    an, branches = tor_diagram
    branch, fold = next((b, q) for b in branches for q in b.special
                        if q.label == "LPC" and abs(q.period - 99.3) < 0.5)
    auto = next(p for p in REFERENCE["tor"]["points"] if p["type"] == "LP" and abs(p["period"] - 99.3) < 0.5)
    assert relative(fold.period, auto["period"]) > 1e-4
    k = int(np.argmin(np.abs(branch.period - fold.period) + np.abs(branch.par - fold.par["nu"])))
    p0 = an._par_vector(None).copy()
    p0[0] = branch.par[k]
    slopes = []
    for period in (fold.period, auto["period"]):
        p, slope, _, gap = multiple_shooting(an.field.compiled, branch.mesh[k], branch.orbits[k], p0, period,
                                             segments=20, rtol=1e-10)
        assert gap < 1e-9
        slopes.append(slope)
        if period == fold.period:
            assert abs(p[0] - fold.par["nu"]) < 1e-10
    assert abs(slopes[0]) < 0.05 * abs(slopes[1])


# -- demos and neuron models ported last: bru, kpr, she, fhh, Morris-Lecar's homoclinic set, Connor-Stevens --
def _finite_difference_eigenvalues(an, state: dict, par: float, h: float = 1e-6) -> np.ndarray:
    """Eigenvalues of the Jacobian by central differences of the right-hand side (not bp_core's Jacobian)."""
    p = an._par_vector(None).copy()
    p[0] = par
    x = np.array([state[v] for v in an.field.variables])
    f = an.field.compiled.f
    assert np.max(np.abs(f(x[:, None], p)[:, 0])) < 1e-9  # an equilibrium
    columns = [(f((x + h * e)[:, None], p)[:, 0] - f((x - h * e)[:, None], p)[:, 0]) / (2 * h)
               for e in np.eye(x.size)]
    return np.linalg.eigvals(np.array(columns).T)


def test_bru_hopf_point_is_at_one_plus_a_squared():
    (hopf,) = [p for p in ours("bru") if p["type"] == "H"]
    assert abs(hopf["par"] - 5.0) < 1e-10  # B = 1 + A^2 at A = 2


def test_kpr_folds_match_auto07p_and_its_hopf_points_auto07p_steps_over_are_real():
    """kpr's equilibria u1 = u2 = u3 = u, 2.85 u - u^3 = lambda: both folds as AUTO-07p places them. bp_core
    also labels a Hopf point 5.2e-4 past each fold, which AUTO-07p's step (from the fold onto the outer branch)
    passes without a label: the Routh-Hurwitz condition c1 c2 = c3 of the Jacobian's characteristic polynomial,
    solved by brentq, puts it at the same lambda to 1e-10, and the pair crosses there."""
    an = analyzer("kpr")
    points = [{"type": q.label, "par": float(q.par["lam"]), "period": np.nan} for q in an.bifurcation_points()]
    theirs = REFERENCE["kpr"]["points"]
    assert sorted(q["type"] for q in theirs) == ["LP", "LP"]
    for a, b in match(points, theirs):
        assert b is None or relative(a["par"], b["par"]) <= 1e-9, (a, b)
        assert b is not None or a["type"] == "H", a

    def hurwitz(u):
        c = np.poly(np.array([[10 * (3 - 3 * u * u), -1.5, 0], [1, -2, 1], [0, 1, -1]]))
        return c[1] * c[2] - c[3]

    u = brentq(hurwitz, -0.995, -0.98, xtol=1e-14)
    exact = 2.85 * u - u ** 3
    hopfs = sorted(p["par"] for p in points if p["type"] == "H")
    assert hopfs == pytest.approx([exact, -exact], abs=1e-10)


def test_she_points_on_branches_auto07p_does_not_switch_to_are_real():
    """she: AUTO-07p's run from the demo's equilibrium stays on the convecting branch P11 = +-sqrt(mu); its
    branch points at mu = 3/76 (where the P12-P01 mode goes critical: the 2x2 block's determinant
    -(mu - 3/4) / 8 - 9 mu / 4 vanishes) are bp_core's, and bp_core's label of the pitchfork at mu = 0 is BP
    where AUTO's is LP (as tor's). bp_core also switches branches there: the conduction state's branch point
    at mu = 9 sigma / (4 (sigma + 1)) = 3/4 and four mirror-image Hopf points on the secondary branches, where
    the Jacobian has a pair on the imaginary axis."""
    an = analyzer("she")
    mine = an.bifurcation_points()
    theirs = REFERENCE["she"]["points"]
    for q in theirs:
        if q["type"] == "BP":
            assert relative(q["par"], 3 / 76) <= 1e-6
            assert any(p.label == "BP" and abs(p.par["mu"] - 3 / 76) < 1e-12 for p in mine)
        else:
            assert q["type"] == "LP" and abs(q["par"]) < 1e-12
            assert any(p.label == "BP" and abs(p.par["mu"]) < 1e-12 for p in mine)
    assert sum(p.label == "BP" and abs(p.par["mu"] - 0.75) < 1e-12 for p in mine) >= 1
    hopfs = [p for p in mine if p.label == "H"]
    assert len(hopfs) == 4
    for p in hopfs:
        lam = _finite_difference_eigenvalues(an, p.state, p.par["mu"])
        pair = lam[np.argsort(np.abs(lam.real))[:2]]
        assert np.max(np.abs(pair.real)) < 1e-8 and np.min(np.abs(pair.imag)) > 1e-2


def test_fhh_hopf_and_period_doubling_next_to_it():
    """fhh: the Hopf point of the rest state at a = -b / c^2 exactly (AUTO-07p's is 4.1e-7 off, its location
    tolerance), and the period doubling 0.018 in a from it, which bp_core's first orbit from the Hopf point used
    to step over (bp_core/dynamics/hopf_start.py) and AUTO-07p finds: both programs' period doublings agree, and
    scipy's variational integration (DOP853, 1e-12) from bp_core's orbit has a multiplier of -1 there."""
    an = analyzer("fhh")
    (branch,) = an.cycle_branches()
    (hopf,) = [q for q in an.bifurcation_points() if q.label == "H"]
    assert abs(hopf.par["a"] + 0.0025 / 0.21 ** 2) < 1e-12
    (pd,) = [q for q in branch.special if q.label == "PD"]
    auto = next(p for p in REFERENCE["fhh"]["points"] if p["type"] == "PD")
    assert relative(pd.par["a"], auto["par"]) <= 1e-6 and relative(pd.period, auto["period"]) <= 1e-4
    p = an._par_vector(None).copy()
    p[0] = pd.par["a"]
    x0 = np.array([pd.state[v] for v in an.field.variables])
    end, monodromy, _ = flow(an.field.compiled, x0, p, pd.period)
    assert np.max(np.abs(end - x0)) < 1e-6  # the orbit's other multiplier is -430
    assert np.min(np.abs(np.linalg.eigvals(monodromy) + 1)) < 1e-4


def test_ml_homoclinic_spiking_starts_at_a_saddle_homoclinic_orbit_where_auto07p_labels_rounding():
    """Morris-Lecar's homoclinic set: the cycles from the Hopf point at I = 36.32 turn at the fold of cycles at
    40.59 (both as AUTO-07p places them) and end at the orbit homoclinic to the saddle at I = 35.0067342, far from
    the fold of the rest state at 39.963 (no SNIC). AUTO-07p's branch runs on to periods of 1e8 there and labels
    a branch point of cycles (T = 2000) and a fold (T = 1.9e8) at that same parameter: in a plane a cycle has one
    nontrivial multiplier, exp(int trace J) > 0, so no branch point of cycles exists, and the two are AUTO's end
    of the branch at the homoclinic orbit (bp_core's HOM), within 1e-8."""
    an = analyzer("ml_homoclinic")
    (branch,) = an.cycle_branches()
    end = branch.special[-1]
    assert end.label == "HOM" and abs(end.par["I"] - 35.0067342) < 1e-6
    lam = _finite_difference_eigenvalues(an, end.state, end.par["I"])
    assert lam.real.min() < 0 < lam.real.max() and np.all(np.abs(lam.imag) < 1e-12)  # a saddle
    (fold,) = [q for q in branch.special if q.label == "LPC"]
    rest_fold = next(p for p in REFERENCE["ml_homoclinic"]["points"] if p["type"] == "LP" and p["par"] > 0)
    assert rest_fold["par"] - end.par["I"] > 4
    auto_end = [p for p in REFERENCE["ml_homoclinic"]["points"] if p["periodic"] and p["period"] > 1999]
    assert sorted(p["type"] for p in auto_end) == ["BP", "LP"]
    assert all(abs(p["par"] - end.par["I"]) < 1e-8 for p in auto_end)
    auto_fold = next(p for p in REFERENCE["ml_homoclinic"]["points"] if p["periodic"] and p["period"] < 1999)
    assert relative(fold.par["I"], auto_fold["par"]) <= 1e-6 and relative(fold.period, auto_fold["period"]) <= 1e-4


def test_connor_stevens_fires_from_a_snic_at_the_rest_state_fold():
    """Connor-Stevens (type I through the A-current): the spiking cycles from the Hopf point at I = 177.2 come
    down to the fold of the rest state at I = 8.114053315 (AUTO-07p's LP to 1e-9) and end there in a SNIC. A
    simulation (scipy's DOP853 at 1e-10) at I = 8.5 fires with the period bp_core's cycle there has."""
    an = analyzer("connor_stevens")
    branch = next(b for b in an.cycle_branches() if b.par.max() > 100)
    end = branch.special[-1]
    auto = next(p for p in REFERENCE["connor_stevens"]["points"] if p["type"] == "LP" and abs(p["par"] - 8.11) < 0.01)
    assert end.label == "SNIC" and relative(end.par["I"], auto["par"]) < 1e-9
    (cycle,) = an.cycle_at(8.5, branch).period
    p = an._par_vector(None).copy()
    p[0] = 8.5
    f = an.field.compiled.f
    start = np.array([end.state[v] for v in an.field.variables])
    run = solve_ivp(lambda t, x: f(x[:, None], p)[:, 0], (0, 12 * cycle), start, method="DOP853", rtol=1e-10,
                    atol=1e-10, events=lambda t, x: x[0], dense_output=True)
    ups = [t for t, x in zip(run.t_events[0], run.y_events[0]) if f(x[:, None], p)[0, 0] > 0]
    assert len(ups) >= 6
    assert np.diff(ups[-4:]) == pytest.approx(cycle, rel=1e-6)


def test_connor_stevens_hopf_point_auto07p_steps_over_is_real():
    """Between the folds of the rest states at I = 7.8699 and 7.9125 bp_core labels a Hopf point at
    7.881645894 that AUTO-07p does not: the Jacobian by finite differences there has a pair on the imaginary
    axis (real part below 1e-6 of its imaginary part), which crosses it (real parts of opposite sign at the
    branch's equilibria either side)."""
    an = analyzer("connor_stevens")
    (hopf,) = [q for q in an.bifurcation_points() if q.label == "H" and q.par["I"] < 10]
    assert not any(p["type"] == "HB" and p["par"] < 10 for p in REFERENCE["connor_stevens"]["points"])
    lam = _finite_difference_eigenvalues(an, hopf.state, hopf.par["I"])
    pair = lam[np.argmin(np.abs(lam.real))]
    assert abs(pair.real) < 1e-6 * abs(pair.imag)
    branch = next(b for b in an.branches() if np.any(np.abs(b.par - hopf.par["I"]) < 1e-3))
    k = int(np.argmin(np.abs(branch.par - hopf.par["I"]) + np.abs(branch.states[:, 0] - hopf.state["V"])))
    sides = []
    for j in (k - 1, k + 1):
        state = dict(zip(an.field.variables, branch.states[j]))
        lam = _finite_difference_eigenvalues(an, state, branch.par[j])
        complex_pair = lam[np.abs(lam.imag) > 1e-3]
        sides.append(complex_pair.real.max())
    assert sides[0] * sides[1] < 0


def test_cycle_at_says_why_there_is_no_orbit_past_a_fold_or_at_an_orbit_of_infinite_period():
    """Morris-Lecar's homoclinic set: past the fold of cycles at I = 40.59 the branch has no orbit, and at its
    end the period grows from 303 to 335 while I stands still to 1e-10 (the homoclinic orbit): cycle_at says
    so (it said that the orbit 'does not converge to a periodic orbit; give it exactly one period of a settled
    cycle', which is about orbits from simulations)."""
    an = analyzer("ml_homoclinic")
    (branch,) = an.cycle_branches()
    with pytest.raises(ModelUseError, match="beyond the orbits of this branch"):
        an.cycle_at(41.0, branch)
    with pytest.raises(ModelUseError, match="an orbit of infinite period is near"):
        an.cycle_at(float(branch.par[-1]), branch)
    (middle,) = an.cycle_at(37.8, branch).period  # inside, as before
    assert 20 < middle < 40
