"""Values of a step that hold for a whole run are computed once per kernel call (``passes.run_values``)."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen import step_translation
from bp_core.codegen.kernel_ops import steps

tau = 5.
scale = 2.
gain = 1.
calls = []


@bp.integrate(method='exponential')
def int_x(x, t):
    return -x / tau


def decay(ST, _t):
    ST['x'] = int_x(ST['x'], _t)


def _decay_group(n=4):
    model = bp.NeuType(name='RunDecay', ST=bp.types.NeuState({'x': 1.}), steps=decay, mode='scalar')
    return bp.NeuGroup(model, n, monitors=['x'])


def table(gain):
    calls.append(gain)  # counted with jit=False: how often the kernel computes it
    return np.arange(3.) * gain


table.bp_pure = True


def reads_table(ST, _t):
    tab = table(scale)
    mine = table(gain)  # gain per element: one table per element, per run
    late = _t * scale  # reads the time: computed at every step
    twice = scale * 3.
    twice = twice + 1.  # assigned twice: stays in the step
    ST['x'] += tab[1] + mine[2] + late * 0. + twice * 0.


def test_a_pure_helper_of_uniform_parameters_is_computed_once_per_kernel_call():
    bp.profile.set(jit=False, dt=0.1)
    model = bp.NeuType(name='RunTable', ST=bp.types.NeuState({'x': 0.}), steps=reads_table, mode='scalar')
    group = bp.NeuGroup(model, 3)
    group.pars['gain'] = np.array([0., 1., 2.])
    net = bp.Network(group)
    net.build(1.)
    calls.clear()
    net.run(1.)  # ten steps
    # once per kernel call (the ten steps are one call), not per step: the uniform table once, then one per element
    assert calls == [2., 0., 1., 2.]
    np.testing.assert_array_equal(group.ST['x'], 10 * (2. + 2 * group.pars['gain']))
    step, kernel = net.code.split("def ")[1:3]
    prologue = kernel.split("for _k in")[0]
    assert "= table(" not in step and "= table(NeuGroup0_scale)" in prologue
    assert "late = _t * scale" in step and "twice = twice + 1.0" in step  # time-dependent, assigned twice: per step
    group.pars['scale'] = 3.  # a parameter is read at each call: the new value takes effect, no recompiling
    count = net.compile_count
    calls.clear()
    net.run((1., 2.))
    assert calls == [3., 0., 1., 2.] and net.compile_count == count  # again once for the call
    np.testing.assert_array_equal(group.ST['x'], 20. + 10 * 3. + 40 * group.pars['gain'])


def test_per_run_values_follow_parameter_changes(jit):
    bp.profile.set(dt=0.1)
    group = _decay_group()
    net = bp.Network(group)
    net.build(2.)
    # exponential Euler's factor, once per run
    assert "exprel(_dt * _run_NeuGroup0_decay__A_x)" in net.code.split("def run_kernel")[1].split("for _k in")[0]
    net.run(2.)
    np.testing.assert_allclose(group.ST['x'], np.exp(-2. / tau), rtol=1e-12)
    group.pars['tau'] = 1.
    net.run((2., 4.))
    np.testing.assert_allclose(group.ST['x'], np.exp(-2. / tau - 2.), rtol=1e-12)
    group.pars['tau'] = np.array([1., 2., 4., 8.])  # per element: inside the loop, not a run value
    net.run((4., 5.))
    np.testing.assert_allclose(group.ST['x'], np.exp(-2. / tau - 2. - 1. / group.pars['tau']), rtol=1e-12)


def _drive_network(seed, rate):
    lif = bp.NeuType(name='RunLIF', ST=bp.types.NeuState({'v': 0., 'ge': 0., 'spike': 0.}),
                     steps=_lif_update, mode='scalar')
    model = bp.inputs.poisson_drive(lif, 'ge', N=2000, rate=5., weight=0.4, name='exc')
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(model, 6, monitors=['spike', 'v'])
        group.pars['exc_weight'] = 0.5
        group.pars['exc_rate'] = rate
        net = bp.Network(group)
        net.run(100.)
    return group, net.code


@bp.integrate(method='linear')
def int_lif(v, ge, t):
    return (ge - v) / 10., -ge / 3.


def _lif_update(ST, _t):
    ST['v'], ST['ge'] = int_lif(ST['v'], ST['ge'], _t)
    ST['spike'] = 0.
    if ST['v'] > 1.:
        ST['v'] = 0.
        ST['spike'] = 1.


@pytest.fixture
def without_run_values(monkeypatch):
    """Translate steps as before this pass: every value in the step, computed at each step."""
    def switch():
        monkeypatch.setattr(step_translation, "lift_run_values", lambda tree: None)
        monkeypatch.setattr(steps, "_TRANSLATIONS", {})
    return switch


@pytest.mark.parametrize("rate", [5., np.linspace(3., 8., 6)], ids=["uniform", "per element"])
def test_results_are_bit_for_bit_those_of_computing_the_values_every_step(jit, without_run_values, rate):
    lifted, code = _drive_network(3, rate)
    without_run_values()
    plain, plain_code = _drive_network(3, rate)
    # a uniform rate: one table per run; one per neuron: a list of tables, one per neuron, per run
    made = "_run_NeuGroup0_exc_table = binomial_cdf(" if np.ndim(rate) == 0 else \
        "_run_NeuGroup0_exc_table_run = [binomial_cdf(NeuGroup0_exc_N, NeuGroup0_exc_rate[_run_j] * _dt"
    assert made in code and "_run_" not in plain_code
    assert lifted.mon.spike_index.size > 20  # the drive makes them fire
    np.testing.assert_array_equal(lifted.mon.spike_index, plain.mon.spike_index)
    np.testing.assert_array_equal(lifted.mon.spike_time, plain.mon.spike_time)
    np.testing.assert_array_equal(lifted.mon.v, plain.mon.v)
    np.testing.assert_array_equal(lifted.ST['ge'], plain.ST['ge'])


# -- fields that hold for the run ---------------------------------------------------------------------------------

def _facilitating(ST, _t, pre, post):
    # each synapse's own time constant, a field the user sets: exp(-dt / tau) holds for the run
    decay = np.exp(-DT_MS / ST['tau'])
    f = decay * ST['f']
    if pre['spike'] > 0.:
        f += 0.1
        post['ge'] += ST['w'] * f
    ST['f'] = f


def _tau_drift(ST, _t):
    ST['tau'] += 0.01  # a step writes the time constant: it is per step, not per run


DT_MS = 0.1


def _synapse_network(steps, seed=2, inputs=()):
    lif = bp.NeuType(name='RunLIFg', ST=bp.types.NeuState({'v': 0., 'ge': 0., 'spike': 0.}), steps=_lif_ge,
                     mode='scalar')
    syn_type = bp.SynType(name=f'RunFacil_{len(steps)}', ST=bp.types.SynState({'w': 0.3, 'tau': 5., 'f': 0.}),
                          steps=steps, mode='scalar')
    with bp.profile.override(dt=DT_MS, seed=seed):
        group = bp.NeuGroup(lif, 20, monitors=['spike'])
        group.ST['v'] = np.random.default_rng(seed).uniform(0., 1., 20)
        syn = bp.SynConn(syn_type, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.3, seed=seed))
        syn.ST['tau'] = np.random.default_rng(seed).uniform(2., 20., syn.num)
        net = bp.Network(group, syn)
        net.run(50., inputs=[(group, 'ST.v', 0.021, '+')] + [(syn, key, value(syn), op) for key, value, op in inputs])
    return net, group, syn


def _lif_ge(ST, _t):
    v = ST['v'] * 0.99 + ST['ge']
    ST['ge'] = 0.
    ST['spike'] = 0.
    if v > 1.:
        v = 0.
        ST['spike'] = 1.
    ST['v'] = v


def test_a_call_on_a_field_that_holds_for_the_run_is_computed_once_per_run_per_synapse(jit, without_run_values):
    net, group, syn = _synapse_network([_facilitating])
    kernel = net.code.split("def run_kernel")[1]
    assert "for _run_j in range(SynConn1_ST_tau.shape[0])]" in kernel.split("for _k in")[0]
    without_run_values()
    _, plain_group, plain_syn = _synapse_network([_facilitating])
    assert group.mon.spike.sum() > 20
    np.testing.assert_array_equal(group.mon.spike, plain_group.mon.spike)
    np.testing.assert_array_equal(syn.ST['f'], plain_syn.ST['f'])


@pytest.mark.parametrize("case", ["a step writes it", "an input sets it"])
def test_a_field_that_changes_during_the_run_is_read_per_step(case):
    steps = [_tau_drift, _facilitating] if case == "a step writes it" else [_facilitating]
    # one value per synapse (one for all would make the field uniform, read once per step: passes.uniform_fields)
    inputs = [] if case == "a step writes it" else [('ST.tau', lambda syn: np.full(syn.num, 4.), '=')]
    net, _, syn = _synapse_network(steps, inputs=inputs)
    assert "_run_j" not in net.code
    expected = 4. if inputs else None
    if expected is not None:
        np.testing.assert_array_equal(syn.ST['tau'], expected)


# -- parts of a statement that hold for the run ----------------------------------------------------------------------

@bp.integrate(method='exponential')
def int_u_own(u, t, F):
    return -u / F


def _own_recovery(ST, _t, pre, post):
    # exponential Euler: u + _dt * exprel(_dt * A) * du with A = -1 / F, F each synapse's own constant: the part
    # _dt * exprel(_dt * A) holds for the run inside a statement that does not (it reads u)
    u = int_u_own(ST['u'], _t, ST['F'])
    if pre['spike'] > 0.:
        u += 0.2 * (1. - u)
        post['ge'] += ST['w'] * u
    ST['u'] = u


def _recovery_network():
    syn_type = bp.SynType(name='RunOwnRecovery', ST=bp.types.SynState({'w': 0.3, 'u': 0., 'F': 50.}),
                          steps=_own_recovery, mode='scalar')
    with bp.profile.override(dt=DT_MS, seed=3):
        lif = bp.NeuType(name='RunLIFg', ST=bp.types.NeuState({'v': 0., 'ge': 0., 'spike': 0.}), steps=_lif_ge,
                         mode='scalar')
        group = bp.NeuGroup(lif, 20, monitors=['spike'])
        group.ST['v'] = np.random.default_rng(3).uniform(0., 1., 20)
        syn = bp.SynConn(syn_type, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.3, seed=3))
        syn.ST['F'] = np.random.default_rng(3).uniform(20., 200., syn.num)
        net = bp.Network(group, syn)
        net.run(50., inputs=[(group, 'ST.v', 0.021, '+')])
    return net, group, syn


def test_a_costly_part_of_a_statement_that_holds_for_the_run_is_computed_once_per_run(jit, without_run_values):
    """Maass et al.'s synapses computed ``_dt * exprel(_dt * (-1 / F))`` and two divisions by their own constants
    at every step: once per run, the liquid ran 0.074 -> 0.026 s, with the same bits."""
    net, group, syn = _recovery_network()
    step = [s for s in net.passes(syn)][0].stage("generated function")
    assert "_part_run[_obj_i]" in step and "exprel(" not in step
    assert "exprel(" in net.code.split("def run_kernel")[1].split("for _k in")[0]  # before the time loop
    without_run_values()
    _, plain_group, plain_syn = _recovery_network()
    assert group.mon.spike.sum() > 20
    np.testing.assert_array_equal(group.mon.spike, plain_group.mon.spike)
    np.testing.assert_array_equal(syn.ST['u'], plain_syn.ST['u'])
