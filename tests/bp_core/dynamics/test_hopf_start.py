"""The first orbit of a cycle branch from a Hopf point is checked against the Hopf point's own multipliers
(bp_core/dynamics/hopf_start.py): a first step that passes a period doubling is taken again, shorter, so
the period doubling is located on the branch."""

import numpy as np

import bp_core as bp
from bp_core.dynamics.cycles import CycleSettings
from bp_core.dynamics.hopf_start import hopf_multipliers, multiplier_tests, passes_nothing
from examples.auto import fhh
from tests.examples.shooting import flow


def test_hopf_multipliers_are_the_exponentials_of_the_other_eigenvalues_over_one_period():
    omega, lam = 0.5, np.array([0.3, -2.0])
    jacobian = np.zeros((4, 4))
    jacobian[:2, :2] = [[0.0, -omega], [omega, 0.0]]
    jacobian[2:, 2:] = np.diag(lam)
    q = np.linalg.qr(np.arange(16.0).reshape(4, 4) + np.eye(4))[0]  # a change of coordinates changes nothing
    found = hopf_multipliers(q @ jacobian @ q.T, omega)
    assert found[0] == 1
    assert np.allclose(np.sort(found[1:].real), np.sort(np.exp(2 * np.pi * lam / omega)), rtol=1e-10)


def test_multiplier_tests_change_sign_at_minus_one_and_at_the_unit_circle():
    assert list(multiplier_tests(np.array([1.0, -0.9, -400.0]))) == [-1, 1]  # one multiplier past -1: PD
    assert list(multiplier_tests(np.array([1.0, -1.1, -400.0]))) == [1, 1]
    inside = np.array([1.0, 0.5 + 0.5j, 0.5 - 0.5j])
    outside = np.array([1.0, 0.9 + 0.9j, 0.9 - 0.9j])
    assert multiplier_tests(inside)[1] != multiplier_tests(outside)[1]  # the pair crossed the unit circle


def test_passes_nothing_compares_signs_unless_the_multipliers_are_inaccurate():
    at_hopf = np.array([1.0, 256.0])
    assert passes_nothing(at_hopf, np.array([1.0, 0.999, 260.0]))
    assert not passes_nothing(at_hopf, np.array([1.0, -0.9, -430.0]))
    assert passes_nothing(at_hopf, np.array([1.2, -0.9, -430.0]))  # trivial multiplier 0.2 off: no verdict


def travelling_waves():
    """FitzHugh-Nagumo's travelling-wave equations (AUTO-07p's fhh demo, ``examples/auto/fhh.py``) at c = 0.21,
    b = 0.0025, in a: the rest state has a Hopf point at a = -b / c^2 = -0.0567, and 0.018 in a from it the wave
    trains' complex pair of multipliers (modulus about 19) splits on the negative axis, one multiplier passing
    -1."""
    return fhh.model(c=0.21, b=0.0025)


def test_period_doubling_between_the_hopf_point_and_the_first_step_is_found():
    """The default first step (0.01 of the scaled amplitude) lands past the period doubling at a = -0.0386;
    the branch now starts short of it and locates it, where a variational integration (scipy's DOP853 at
    1e-12) of the orbit has a multiplier of -1."""
    an = bp.BifurcationAnalyzer(travelling_waves(), {"a": [-0.3, 0.0]},
                                {"u1": [-1.0, 2.0], "u2": [-1.0, 1.0], "u3": [-1.0, 1.0]}, par_resolution=0.005)
    (branch,) = an.cycle_branches(settings=CycleSettings(max_steps=30))
    assert branch.par[0] < -0.0386  # the first orbit lies between the Hopf point and the period doubling
    (pd,) = [q for q in branch.special if q.label == "PD"]
    assert abs(pd.par["a"] + 0.03861385) < 1e-6
    p = an._par_vector(None).copy()
    p[0] = pd.par["a"]
    x0 = np.array([pd.state[v] for v in an.field.variables])
    end, monodromy, _ = flow(an.field.compiled, x0, p, pd.period)
    assert np.max(np.abs(end - x0)) < 1e-6  # the other multiplier is -430
    assert np.min(np.abs(np.linalg.eigvals(monodromy) + 1)) < 1e-4
