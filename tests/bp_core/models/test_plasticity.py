"""Event-driven STDP against clock-driven references computed here and against the pair rule's analytic window."""

import numpy as np
import pytest

import bp_core as bp
from bp_core import models

DT = 0.1
N_PRE, N_POST = 20, 5
DRIVE = np.array([9.0, 9.4, 9.8, 10.2, 10.6])  # constant input to the LIF neurons, around threshold


def _run_network(syn_type, w_max: float, duration: float = 300., seed: int = 3):
    """20 Poisson sources -> 5 LIF neurons, all to all, with random initial weights; spikes monitored."""
    bp.profile.set(dt=DT, seed=seed)
    pre = bp.inputs.PoissonInput(N_PRE, freqs=30., monitors=['spike'])
    lif = models.get_LIF(V_rest=-60., V_reset=-65., V_th=-50., tau=10., t_refractory=2.)
    post = bp.NeuGroup(lif, N_POST, monitors=['spike'])
    syn = bp.SynConn(syn_type, pre_group=pre, post_group=post, conn=bp.connect.All2All())
    w0 = np.random.default_rng(seed).uniform(0., w_max, syn.num)
    syn.ST['w'] = w0
    net = bp.Network(pre, post, syn)
    net.run(duration, inputs=(post, 'input', DRIVE))
    i, j = np.asarray(syn.pre_ids), np.asarray(syn.post_ids)
    return {'w0': w0, 'i': i, 'j': j, 'pre': np.asarray(pre.mon.spike) > 0, 'post': np.asarray(post.mon.spike) > 0,
            'ts': np.asarray(pre.mon.ts), 'ST': {k: np.asarray(syn.ST[k]).copy() for k in syn.ST.keys()}}


def _clock_driven(run: dict, taus: dict, on_pre, on_post) -> dict:
    """Integrate every synapse's traces at every step (``x *= exp(-dt / tau)``), then apply the spikes of the
    step: presynaptic first (``on_pre``), then postsynaptic (``on_post``), each on the synapses it reaches."""
    traces = {name: np.zeros(run['w0'].size) for name in taus}
    w = run['w0'].copy()
    factors = {name: np.exp(-DT / tau) for name, tau in taus.items()}
    for k in range(run['ts'].size):
        for name in traces:
            traces[name] *= factors[name]
        at_pre = run['pre'][k][run['i']]
        on_pre(w, traces, at_pre)
        at_post = run['post'][k][run['j']]
        on_post(w, traces, at_post)
    return {'w': w, **traces}


def _event_traces_now(run: dict, taus: dict) -> dict:
    """The stored event-driven traces decayed from each synapse's last update to the last step's time."""
    elapsed = run['ts'][-1] - run['ST']['t_last']
    return {name: run['ST'][name] * np.exp(-elapsed / tau) for name, tau in taus.items()}


def _check_against_reference(run: dict, taus: dict, reference: dict, w_max: float) -> None:
    assert run['pre'].sum() > 50 and run['post'].sum() > 10  # the rule was exercised from both sides
    assert np.all(run['ST']['w'] >= 0.) and np.all(run['ST']['w'] <= w_max)
    np.testing.assert_allclose(run['ST']['w'], reference['w'], rtol=0, atol=1e-12)
    assert np.any(np.abs(run['ST']['w'] - run['w0']) > 1e-3)
    for name, value in _event_traces_now(run, taus).items():
        np.testing.assert_allclose(value, reference[name], rtol=0, atol=1e-12)
        assert np.any(value > 0.) or np.any(value < 0.)


def test_pair_stdp_equals_the_clock_driven_traces(jit):
    w_max, A_pre, A_post = 20., 0.8, -0.84
    syn_type = models.get_STDP(A_pre=A_pre, A_post=A_post, tau_pre=17., tau_post=34., w_max=w_max)
    run = _run_network(syn_type, w_max)
    taus = {'a_pre': 17., 'a_post': 34.}

    def on_pre(w, tr, at):
        tr['a_pre'][at] += A_pre
        w[at] = np.clip(w[at] + tr['a_post'][at], 0., w_max)

    def on_post(w, tr, at):
        tr['a_post'][at] += A_post
        w[at] = np.clip(w[at] + tr['a_pre'][at], 0., w_max)

    _check_against_reference(run, taus, _clock_driven(run, taus, on_pre, on_post), w_max)
    assert np.any(run['ST']['w'] == 0.) or np.any(run['ST']['w'] == w_max)  # clipping was exercised


@pytest.mark.parametrize("interaction", ['all-to-all', 'nearest'])
def test_triplet_stdp_equals_the_clock_driven_traces(interaction, jit):
    """The full rule (r2 and A3_minus included) against every trace integrated at every step."""
    w_max, keep = 20., 1. if interaction == 'all-to-all' else 0.
    p = dict(A2_plus=0.3, A3_plus=0.4, A2_minus=0.35, A3_minus=0.2)
    taus = {'r1': 16.8, 'r2': 101., 'o1': 33.7, 'o2': 125.}
    syn_type = models.get_TripletSTDP(**p, tau_plus=taus['r1'], tau_x=taus['r2'], tau_minus=taus['o1'],
                                      tau_y=taus['o2'], interaction=interaction, w_max=w_max)
    run = _run_network(syn_type, w_max)

    def on_pre(w, tr, at):
        w[at] = np.clip(w[at] - tr['o1'][at] * (p['A2_minus'] + p['A3_minus'] * tr['r2'][at]), 0., w_max)
        for name in ('r1', 'r2'):
            tr[name][at] = keep * tr[name][at] + 1.

    def on_post(w, tr, at):
        w[at] = np.clip(w[at] + tr['r1'][at] * (p['A2_plus'] + p['A3_plus'] * tr['o2'][at]), 0., w_max)
        for name in ('o1', 'o2'):
            tr[name][at] = keep * tr[name][at] + 1.

    reference = _clock_driven(run, taus, on_pre, on_post)
    _check_against_reference(run, taus, reference, w_max)
    # r2's term is exercised: without it the weights differ
    p['A3_minus'] = 0.
    assert np.abs(_clock_driven(run, taus, on_pre, on_post)['w'] - reference['w']).max() > 1e-3


def _timed_neuron() -> bp.NeuType:
    """A neuron that spikes once, in the step whose time is ``t_spike``; it has an ``input`` field."""

    def update(ST, _t):
        if abs(_t - ST['t_spike']) < 0.5 * DT:
            ST['spike'] = 1.
        else:
            ST['spike'] = 0.
        ST['input'] = 0.

    return bp.NeuType(name='timed', ST=bp.types.NeuState({'spike': 0., 'input': 0., 't_spike': -1e7}),
                      steps=update, mode='scalar')


def test_pair_stdp_follows_the_analytic_window(jit):
    """One presynaptic spike at t0 and one postsynaptic spike at t0 + d: w changes by A_pre exp(-d / tau_pre)
    for d >= 0 and by A_post exp(d / tau_post) for d < 0."""
    A_pre, A_post, tau_pre, tau_post, w_max = 0.01, -0.0105, 17., 34., 1.
    lags = np.arange(-40., 40.5, 2.5)
    bp.profile.set(dt=DT)
    pre = bp.NeuGroup(_timed_neuron(), lags.size)
    post = bp.NeuGroup(_timed_neuron(), 1)
    syn = bp.SynConn(models.get_STDP(A_pre=A_pre, A_post=A_post, tau_pre=tau_pre, tau_post=tau_post,
                                     w_max=w_max), pre_group=pre, post_group=post, conn=bp.connect.All2All())
    t_post = 60.
    pre.ST['t_spike'] = t_post - lags
    post.ST['t_spike'] = t_post
    syn.ST['w'] = 0.5
    bp.Network(pre, post, syn).run(120.)
    expected = np.where(lags >= 0., A_pre * np.exp(-lags / tau_pre), A_post * np.exp(lags / tau_post))
    np.testing.assert_allclose(np.asarray(syn.ST['w'])[np.argsort(syn.pre_ids)] - 0.5, expected, rtol=1e-9,
                               atol=1e-15)
    assert expected[lags > 0].min() > 0. and expected[lags < 0].max() < 0.


@pytest.mark.parametrize("getter", [models.get_STDP, models.get_TripletSTDP])
def test_plastic_weights_stay_between_zero_and_w_max(getter):
    """Large amplitudes drive weights to both bounds; none leaves [0, w_max]."""
    w_max = 2.
    syn_type = getter(w_max=w_max, **({'A_pre': 3., 'A_post': -3.} if getter is models.get_STDP
                                      else {'A2_plus': 3., 'A2_minus': 3.}))
    run = _run_network(syn_type, w_max, duration=150.)
    w = run['ST']['w']
    assert w.min() >= 0. and w.max() <= w_max
    assert np.any(w == 0.) and np.any(w == w_max)


def test_event_driven_stp_equals_the_clock_driven_recovery(jit):
    """Tsodyks-Markram at Poisson spikes: u and x recovered exactly between spikes equal u and x integrated
    every step (``u *= exp(-dt / tau_f)``, ``x = 1 - (1 - x) exp(-dt / tau_d)``)."""
    U, tau_f, tau_d = 0.2, 300., 150.
    bp.profile.set(dt=DT, seed=5)
    pre = bp.inputs.PoissonInput(N_PRE, freqs=40., monitors=['spike'])
    post = bp.NeuGroup(models.get_LIF(), N_POST)
    syn = bp.SynConn(models.get_STP(U=U, tau_f=tau_f, tau_d=tau_d, event_driven=True), pre_group=pre,
                     post_group=post, conn=bp.connect.FixedProb(0.5, seed=1))
    bp.Network(pre, post, syn).run(400.)
    spikes, ts, i = np.asarray(pre.mon.spike) > 0, np.asarray(pre.mon.ts), np.asarray(syn.pre_ids)
    u, x, efficacy = np.zeros(i.size), np.ones(i.size), np.zeros(i.size)
    for k in range(ts.size):
        u *= np.exp(-DT / tau_f)
        x = 1. - (1. - x) * np.exp(-DT / tau_d)
        at = spikes[k][i]
        u[at] += U * (1. - u[at])
        efficacy[at] = u[at] * x[at]
        x[at] -= u[at] * x[at]
    elapsed = ts[-1] - np.asarray(syn.ST['t_last'])
    assert spikes.sum() > 200 and np.all(elapsed < 200.)
    np.testing.assert_allclose(np.asarray(syn.ST['u']) * np.exp(-elapsed / tau_f), u, rtol=0, atol=1e-12)
    np.testing.assert_allclose(1. - (1. - np.asarray(syn.ST['x'])) * np.exp(-elapsed / tau_d), x, rtol=0,
                               atol=1e-12)
    np.testing.assert_allclose(np.asarray(syn.ST['efficacy']), efficacy, rtol=0, atol=1e-12)


@pytest.mark.parametrize("U, tau_f, tau_d", [(0.5, 50., 750.), (0.15, 750., 50.)])
def test_event_driven_stp_reaches_the_analytic_steady_state(U, tau_f, tau_d, jit):
    """A regular 20 Hz train: the first efficacy is U and the last the Tsodyks-Markram steady state."""
    bp.profile.set(dt=DT)
    pre = bp.inputs.FreqInput(1, 20., start_time=1.0)
    post = bp.NeuGroup(models.get_LIF(), 1)
    syn = bp.SynConn(models.get_STP(U=U, tau_f=tau_f, tau_d=tau_d, event_driven=True), pre_group=pre,
                     post_group=post, conn=bp.connect.One2One(), monitors=['efficacy'])
    bp.Network(pre, post, syn).run(5000.)
    trace = np.asarray(syn.mon.efficacy)[:, 0]
    e_f, e_d = np.exp(-50. / tau_f), np.exp(-50. / tau_d)
    u_plus = U / (1 - (1 - U) * e_f)
    steady = u_plus * (1 - e_d) / (1 - (1 - u_plus) * e_d)
    assert trace[np.argmax(trace > 0)] == pytest.approx(U, abs=1e-15)
    assert trace[-1] == pytest.approx(steady, rel=1e-9)


def test_triplet_stdp_refuses_an_unknown_interaction():
    with pytest.raises(bp.errors.ModelUseError, match="get_TripletSTDP: interaction must be one of.*'nearest'"):
        models.get_TripletSTDP(interaction='nearest-neighbour')
