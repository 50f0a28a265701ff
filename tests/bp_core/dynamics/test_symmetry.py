"""Cycle branches carried onto the mirror image of their Hopf point under a symmetry of the equations
(Lorenz's pair), checked against the branch computed from that Hopf point directly."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics.cycles import CycleSettings, cycles_from_hopf
from bp_core.dynamics.diagram import SpecialPoint, polyline_distance
from bp_core.dynamics.symmetry import mirror_branch, symmetry_between
from examples.auto import lrz


def lorenz_analyzer(model=None):
    return bp.BifurcationAnalyzer(model or lrz.model(), {lrz.PAR: list(lrz.PAR_RANGE)}, lrz.VARIABLES,
                                  par_resolution=lrz.RESOLUTION)


def spans(an):
    return np.array([hi - lo for lo, hi in an.var_ranges.values()])


@pytest.fixture(scope="module")
def lorenz():
    an = lorenz_analyzer()
    hopfs = [q for q in an.bifurcation_points() if q.label == "H"]
    assert len(hopfs) == 2
    return an, hopfs


def test_lorenz_symmetry_is_found_between_its_hopf_points(lorenz):
    an, (a, b) = lorenz
    s = symmetry_between(an.field, a, b, an._par_vector(None), 0, lrz.PAR_RANGE, spans(an))
    assert s is not None
    assert list(s.order) == [0, 1, 2] and list(s.signs) == [-1.0, -1.0, 1.0]


def test_no_symmetry_where_the_equations_break_it(lorenz):
    """The same two points, on equations with a term that breaks the mirror symmetry: no map."""
    an, (a, b) = lorenz

    @bp.integrate
    def int_x(x, t, y, rho):
        return 10.0 * (y - x) + 1e-3 * x * x

    @bp.integrate
    def int_y(y, t, x, z, rho):
        return rho * x - y - x * z

    @bp.integrate
    def int_z(z, t, x, y, rho):
        return x * y - 8.0 / 3.0 * z

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'], 0.)
        ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'], 0.)
        ST['x'], ST['y'] = x, y

    broken = lorenz_analyzer(bp.NeuType(name="broken_lorenz", ST=bp.types.NeuState('x', 'y', 'z'), steps=update))
    assert symmetry_between(broken.field, a, b, broken._par_vector(None), 0, lrz.PAR_RANGE, spans(broken)) is None
    shifted = SpecialPoint("H", {"rho": a.par["rho"] + 1e-3}, b.state)  # a mirror state at another parameter
    assert symmetry_between(an.field, a, shifted, an._par_vector(None), 0, lrz.PAR_RANGE, spans(an)) is None


def test_a_swap_of_two_variables_is_found():
    @bp.integrate
    def int_x(x, t, y, p):
        return -x + p * y - x ** 3

    @bp.integrate
    def int_y(y, t, x, p):
        return -y + p * x - y ** 3

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        ST['y'] = int_y(ST['y'], _t, ST['x'], 0.)
        ST['x'] = x

    an = bp.BifurcationAnalyzer(bp.NeuType(name="swap", ST=bp.types.NeuState('x', 'y'), steps=update),
                                {"p": [0.0, 3.0]}, {"x": [-2.0, 2.0], "y": [-2.0, 2.0]})
    a = SpecialPoint("H", {"p": 1.0}, {"x": 0.3, "y": -0.7})
    b = SpecialPoint("H", {"p": 1.0}, {"x": -0.7, "y": 0.3})
    s = symmetry_between(an.field, a, b, an._par_vector(None), 0, (0.0, 3.0), spans(an))
    assert s is not None and list(s.order) == [1, 0] and list(s.signs) == [1.0, 1.0]


def test_mirrored_branch_equals_the_branch_computed_from_the_other_hopf_point(lorenz):
    an, (a, b) = lorenz
    p, names = an._par_vector(None), an.field.variables
    settings = CycleSettings(max_steps=25)
    ranges = list(an.var_ranges.values())
    s = symmetry_between(an.field, a, b, p, 0, lrz.PAR_RANGE, spans(an))
    mirrored = mirror_branch(cycles_from_hopf(an.field, a, p, 0, lrz.PAR_RANGE, ranges, settings, an.par_names), s)
    direct = cycles_from_hopf(an.field, b, p, 0, lrz.PAR_RANGE, ranges, settings, an.par_names)
    assert len(mirrored.par) == len(direct.par) > 10
    # Both are computed to Newton's tolerance (1e-9 of the scaled unknowns): they agree to a few times that.
    np.testing.assert_allclose(mirrored.par, direct.par, rtol=1e-7)
    np.testing.assert_allclose(mirrored.period, direct.period, rtol=1e-7)
    # An orbit's phase is free (fixed by the Hopf eigenvector's, which is not the mirror's): each mirrored
    # orbit lies on the direct one, within the chords between its mesh nodes.
    for k in range(0, len(direct.par), 4):
        assert max(polyline_distance(direct.orbits[k], x) for x in mirrored.orbits[k]) < 0.05
    for v in names:  # extremes over the mesh nodes, which sit at other phases
        np.testing.assert_allclose(mirrored.minimum[v], direct.minimum[v], atol=1e-3)
        np.testing.assert_allclose(mirrored.maximum[v], direct.maximum[v], atol=1e-3)
    assert np.any(mirrored.minimum["x"] != mirrored.minimum["x"][0])  # the orbits grow: the check has teeth
    assert [q.label for q in mirrored.special] == [q.label for q in direct.special]
    for q, r in zip(mirrored.special, direct.special):
        assert q.par["rho"] == pytest.approx(r.par["rho"], rel=1e-7)
        assert q.period == pytest.approx(r.period, rel=1e-7)
        state = np.array([q.state[v] for v in names])
        assert polyline_distance(direct.orbit_at(r.par["rho"])[1], state) < 0.05


def test_a_symmetry_that_reflects_the_parameter_carries_kpr_branch_onto_its_mirror():
    """kpr's equations commute with (u, lambda) -> (-u, -lambda): its Hopf points at -+lambda_H map onto each
    other with the parameter reflected. The branch carried over equals the one computed from the other Hopf
    point, at the reflected parameters; a range that is not its own mirror image gets no such map."""
    from examples.auto import kpr

    an = bp.BifurcationAnalyzer(kpr.model(), {kpr.PAR: list(kpr.PAR_RANGE)}, kpr.VARIABLES,
                                par_resolution=kpr.RESOLUTION)
    a, b = [q for q in an.bifurcation_points() if q.label == "H"]
    p, names = an._par_vector(None), an.field.variables
    s = symmetry_between(an.field, a, b, p, 0, kpr.PAR_RANGE, spans(an))
    assert s is not None and s.reflect == 0.0 and list(s.signs) == [-1.0, -1.0, -1.0]
    assert symmetry_between(an.field, a, b, p, 0, (-3.0, 2.5), spans(an)) is None
    settings = CycleSettings(max_steps=20)
    ranges = list(an.var_ranges.values())
    mirrored = mirror_branch(cycles_from_hopf(an.field, a, p, 0, kpr.PAR_RANGE, ranges, settings, an.par_names), s)
    direct = cycles_from_hopf(an.field, b, p, 0, kpr.PAR_RANGE, ranges, settings, an.par_names)
    assert len(mirrored.par) == len(direct.par) > 10
    assert np.all(direct.par > 0) and np.ptp(direct.par) > 0  # on the other side, and moving: the check has teeth
    np.testing.assert_allclose(mirrored.par, direct.par, rtol=1e-7)
    np.testing.assert_allclose(mirrored.period, direct.period, rtol=1e-7)
    for v in names:
        np.testing.assert_allclose(mirrored.minimum[v], direct.minimum[v], atol=1e-3)
        np.testing.assert_allclose(mirrored.maximum[v], direct.maximum[v], atol=1e-3)
    assert [q.label for q in mirrored.special] == [q.label for q in direct.special]
    for q, r in zip(mirrored.special, direct.special):
        assert q.par[kpr.PAR] == pytest.approx(r.par[kpr.PAR], rel=1e-7)
        assert q.located.p[0] == pytest.approx(r.located.p[0], rel=1e-7)
