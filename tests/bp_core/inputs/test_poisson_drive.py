"""bp.inputs.poisson_drive: the summed input of N Poisson sources, one binomial draw per neuron and step."""

import numpy as np
import pytest
from scipy import stats

import bp_core as bp
from bp_core.errors import ModelDefError, RunError

N_SOURCES, RATE, WEIGHT, DT = 1000, 50., 0.5, 0.1
NEURONS, STEPS = 100, 1000


def probe(mode):
    """A model that moves what the drive added to ``x`` into ``seen`` each step (so ``seen`` is one draw)."""
    def take(ST):
        ST['seen'] = ST['x']
        ST['x'] = 0.

    return bp.NeuType(name='probe', ST=bp.types.NeuState({'x': 0., 'seen': 0.}), steps=take, mode=mode)


def draws(mode, seed, neurons=NEURONS, steps=STEPS, **pars):
    bp.profile.set(dt=DT, seed=seed)
    model = bp.inputs.poisson_drive(probe(mode), 'x', N=N_SOURCES, rate=RATE, weight=WEIGHT)
    group = bp.NeuGroup(model, neurons, monitors=['seen'])
    for key, value in pars.items():
        group.pars[key] = value
    group.run(steps * DT)
    return group.mon.seen


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_mean_and_variance_are_binomial(jit, mode):
    seen = draws(mode, seed=11)
    p = RATE * DT / 1000.
    reference = stats.binom(N_SOURCES, p)
    mean, var = WEIGHT * reference.mean(), WEIGHT ** 2 * reference.var()  # N p w and N p (1 - p) w^2
    n = seen.size  # 1e5 independent draws
    # standard errors of the sample mean and variance; 5 of them bound a false failure at about 6e-7
    se_mean = np.sqrt(var / n)
    se_var = var * np.sqrt((reference.stats(moments='k') + 2) / n)  # (mu4 - sigma^4) / n for a binomial
    assert abs(seen.mean() - mean) < 5 * se_mean
    assert abs(seen.var() - var) < 5 * se_var
    # every value is a whole number of source spikes
    counts = seen / WEIGHT
    np.testing.assert_array_equal(counts, np.round(counts))
    assert counts.min() >= 0 and counts.max() <= N_SOURCES
    # one draw per neuron: the mean over neurons of a step varies as var / neurons (the same draw for every
    # neuron would leave var); its sample variance over 1000 steps is within 5 standard errors (sqrt(2/999))
    per_step = seen.mean(axis=1)
    assert abs(per_step.var() / (var / NEURONS) - 1) < 5 * np.sqrt(2 / (STEPS - 1))


def test_same_seed_same_draws_on_both_backends():
    runs = {}
    for jit in (True, False):
        bp.profile.set(jit=jit)
        runs[jit] = draws("scalar", seed=5, neurons=20, steps=200)
    again = draws("scalar", seed=5, neurons=20, steps=200)
    other = draws("scalar", seed=6, neurons=20, steps=200)
    np.testing.assert_array_equal(runs[True], runs[False])
    np.testing.assert_array_equal(runs[False], again)
    assert not np.array_equal(again, other)


def test_scalar_mode_takes_one_rate_per_neuron(jit):
    rates = np.array([0., 10., 100., 1000.])
    seen = draws("scalar", seed=2, neurons=4, steps=2000, drive_rate=rates)
    expected = N_SOURCES * rates * DT / 1000. * WEIGHT
    sd = WEIGHT * np.sqrt(N_SOURCES * rates * DT / 1000. * (1 - rates * DT / 1000.) / 2000)
    assert np.all(np.abs(seen.mean(axis=0) - expected) <= 5 * sd)
    assert seen[:, 0].max() == 0.


def test_parameters_change_without_recompiling():
    bp.profile.set(dt=DT, seed=1)
    model = bp.inputs.poisson_drive(probe("vector"), 'x', N=N_SOURCES, rate=RATE, weight=WEIGHT)
    group = bp.NeuGroup(model, 10, monitors=['seen'])
    net = bp.Network(group)
    net.run(1.)
    compiled = net.compile_count
    group.pars['drive_weight'] = 0.
    net.run(1.)
    assert net.compile_count == compiled
    assert np.all(group.mon.seen == 0.)


def test_drive_is_added_before_the_models_steps_and_fires_a_lif():
    bp.profile.set(dt=DT, seed=0)
    lif = bp.models.get_LIF(V_rest=0., V_reset=0., V_th=20., tau=20., t_refractory=2.)
    driven = bp.inputs.poisson_drive(lif, 'V', N=1000, rate=20., weight=0.2)  # mean drive 0.4 mV per step
    assert [s.name for s in driven.steps] == ['drive'] + [s.name for s in lif.steps]
    assert driven.units['drive_rate'] == 'Hz'
    group = bp.NeuGroup(driven, 50, monitors=['spike'])
    group.run(100.)
    assert group.mon.spike.sum() > 0  # mean input 0.4 mV/0.1 ms x tau = 80 mV steady state, far over threshold


@pytest.mark.parametrize("key, value, message", [
    ('drive_rate', 2e4, "at most one spike per source and step"),  # 2 spikes per source and step
    ('drive_rate', -1., "drive_rate must be >= 0"),
    ('drive_N', 10.5, "whole number of sources"),
    ('drive_N', -2., "whole number of sources"),
])
def test_parameters_set_out_of_range_stop_the_run(jit, key, value, message):
    # numba's binomial draw would give N for p > 1 and no error: the step checks what it is given
    bp.profile.set(dt=DT, seed=1)
    group = bp.NeuGroup(bp.inputs.poisson_drive(probe("vector"), 'x', N=10, rate=10., weight=1.), 3)
    group.pars[key] = value
    with pytest.raises(RunError, match=message):
        group.run(1.)


@pytest.mark.parametrize("kwargs, message", [
    (dict(field='y'), "no state field 'y'"),
    (dict(N=-1), "non-negative integer"),
    (dict(N=10.5), "non-negative integer"),
    (dict(rate=-1.), "non-negative"),
    (dict(rate=float('nan')), "finite"),
    (dict(weight='big'), "finite number"),
    (dict(name='take'), "already has 'take'"),
    (dict(name='x y'), "identifier"),
])
def test_bad_arguments_are_refused(kwargs, message):
    args = dict(field='x', N=10, rate=5., weight=1.) | kwargs
    with pytest.raises(ModelDefError, match=message):
        bp.inputs.poisson_drive(probe("scalar"), **args)


def test_two_drives_need_two_names():
    once = bp.inputs.poisson_drive(probe("scalar"), 'x', N=10, rate=5., weight=1.)
    with pytest.raises(ModelDefError, match="another name"):
        bp.inputs.poisson_drive(once, 'x', N=10, rate=5., weight=-1.)
    twice = bp.inputs.poisson_drive(once, 'x', N=10, rate=5., weight=-1., name='inh')
    assert {'drive_N', 'inh_N', 'inh_weight'} <= set(twice.pars)
    with pytest.raises(ModelDefError, match="bp.NeuType"):
        bp.inputs.poisson_drive(bp.NeuGroup(once, 2), 'x', N=1, rate=1., weight=1.)
