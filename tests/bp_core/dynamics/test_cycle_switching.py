"""Branch points of cycles (BPC) and branch switching on cycle branches, on a pitchfork of cycles with a
closed-form answer: a Hopf cycle of radius sqrt(mu) and period 2 pi in (x, y), whose transverse
direction z has the multiplier exp(2 pi (mu - a)); at mu = a cycles with z^2 = mu - a branch off."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics.cycle_points import branch_test
from bp_core.dynamics.cycles import CycleSettings
from bp_core.errors import ModelUseError

A = 0.3


@bp.integrate
def int_x(x, t, y, mu):
    return -y + x * (mu - x ** 2 - y ** 2)


@bp.integrate
def int_y(y, t, x, mu):
    return x + y * (mu - x ** 2 - y ** 2)


@bp.integrate
def int_z(z, t, x, y):
    return z * (x ** 2 + y ** 2 - A) - z ** 3


def update(ST, _t):
    x = int_x(ST['x'], _t, ST['y'], 0.)
    y = int_y(ST['y'], _t, ST['x'], 0.)
    ST['z'] = int_z(ST['z'], _t, ST['x'], ST['y'])
    ST['x'], ST['y'] = x, y


@pytest.fixture(scope="module")
def analyzer():
    model = bp.NeuType(name="cycle_pitchfork", ST=bp.types.NeuState('x', 'y', 'z'), steps=update)
    return bp.BifurcationAnalyzer(model, {'mu': [-0.2, 0.6]}, {'x': [-1, 1], 'y': [-1, 1], 'z': [-1, 1]},
                                  par_resolution=0.01)


@pytest.fixture(scope="module")
def branches(analyzer):
    (branch,) = analyzer.cycle_branches(settings=CycleSettings(ds_max=0.1))
    (point,) = [q for q in branch.special if q.label == "BPC"]
    return branch, point, analyzer.switch_cycle_branch(point)


def test_branch_point_of_cycles_is_where_the_transverse_multiplier_is_one(branches):
    branch, point, _ = branches
    assert [q.label for q in branch.special] == ["BPC"]  # no fold of cycles: the parameter never turns
    assert point.kind == "branch point of cycles"
    assert point.par['mu'] == pytest.approx(A, abs=1e-7)
    assert point.period == pytest.approx(2 * np.pi, rel=1e-8)
    assert np.sort(np.abs(point.eigenvalues - 1))[:2] == pytest.approx([0, 0], abs=1e-6)


def test_switching_follows_the_cycles_with_z_squared_equal_mu_minus_a(branches):
    _, point, other = branches
    z = np.concatenate([other.minimum['z'], other.maximum['z']])
    assert np.all(np.abs(z) > 0) and (np.all(z > 0) or np.all(z < 0))  # one of the two mirror images
    far = np.abs(other.par - A) > 0.01
    assert far.sum() > 5
    assert np.abs(other.maximum['z'][far]) == pytest.approx(np.sqrt(other.par[far] - A), rel=1e-6)
    assert np.abs(other.minimum['z'][far]) == pytest.approx(np.sqrt(other.par[far] - A), rel=1e-6)
    assert other.maximum['x'][far] == pytest.approx(np.sqrt(other.par[far]), rel=1e-6)
    assert other.period == pytest.approx(2 * np.pi, rel=1e-8)
    assert np.all(other.par > A - 1e-9) and other.stable[far].all()
    assert not any(q.label == "BPC" for q in other.special)  # the point it started at is not reported again


def test_the_other_direction_gives_the_mirror_image(analyzer, branches):
    _, point, other = branches
    mirror = analyzer.switch_cycle_branch(point, direction=-1.0)
    assert np.sign(mirror.maximum['z'][-1]) == -np.sign(other.maximum['z'][-1])


def test_branch_test_changes_sign_at_a_branch_point_not_at_a_fold():
    # Multipliers (trivial 1, crossing one, a stable one): the crossing one passes 1 as the parameter's
    # tangent component keeps its sign (branch point) or turns with it (fold).
    before, after = np.array([1.0, 0.9, 0.2]), np.array([1.0, 1.1, 0.2])
    assert branch_test(before, 0.5) * branch_test(after, 0.5) < 0
    assert branch_test(before, 0.5) * branch_test(after, -0.5) > 0


def test_switching_is_refused_at_other_points(analyzer, branches):
    branch, _, _ = branches
    hopf = next(q for q in analyzer.bifurcation_points() if q.label == "H")
    with pytest.raises(ModelUseError, match="BPC and PD"):
        analyzer.switch_cycle_branch(hopf)


def test_cycle_branches_with_switch_add_the_branch_through_each_branch_point(analyzer):
    hopf_branch, switched = analyzer.cycle_branches(settings=CycleSettings(ds_max=0.1), switch=True)
    assert [q.label for q in hopf_branch.special] == ["BPC"]
    far = np.abs(switched.par - A) > 0.01
    assert np.abs(switched.maximum['z'][far]) == pytest.approx(np.sqrt(switched.par[far] - A), rel=1e-6)
