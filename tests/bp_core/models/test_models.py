"""The model library against known behaviour: references computed here, formulas, published classes."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import bp_core as bp
from bp_core import models


def _hh_rhs(I):
    def rhs(t, y):
        V, m, h, n = y
        am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
        bm = 4.0 * np.exp(-(V + 65) / 18)
        ah = 0.07 * np.exp(-(V + 65) / 20.)
        bh = 1 / (1 + np.exp(-(V + 35) / 10))
        an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
        bn = 0.125 * np.exp(-(V + 65) / 80)
        dV = -120. * m ** 3 * h * (V - 50.) - 36. * n ** 4 * (V + 77.) - 0.3 * (V + 54.387) + I
        return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    return rhs


def _scipy_fires(I):
    sol = solve_ivp(_hh_rhs(I), (0, 50), [-65., 0.053, 0.596, 0.318], rtol=1e-8, atol=1e-8, max_step=0.05)
    return sol.y[0].max() > 20.


def test_hh_rheobase_matches_solve_ivp():
    lo, hi = 0.0, 10.0
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if _scipy_fires(mid) else (mid, hi)
    reference = hi
    bp.profile.set(dt=0.01)
    currents = np.linspace(reference - 0.5, reference + 0.5, 41)
    group = bp.NeuGroup(models.get_HH(), len(currents), monitors=['spike'])
    group.run(50., inputs=('input', currents))
    fired = group.mon.spike.sum(axis=0) > 0
    rheobase = currents[np.argmax(fired)]
    assert not fired[0] and fired[-1]
    assert abs(rheobase - reference) <= 0.05


def test_hh_fires_repetitively_above_its_hopf_current():
    bp.profile.set(dt=0.01)
    group = bp.NeuGroup(models.get_HH(), 2, monitors=['spike'])
    group.run(200., inputs=('input', np.array([2.0, 10.0])))
    counts = group.mon.spike.sum(axis=0)
    assert counts[0] == 0 and 12 <= counts[1] <= 16  # about 70 Hz at 10 uA/cm^2


def test_lif_rate_matches_the_formula(jit):
    bp.profile.set(dt=0.01)
    drive = np.array([25., 30., 40.])
    for mode in ("scalar", "vector"):
        group = bp.NeuGroup(models.get_LIF(mode=mode), 3, monitors=['spike'])
        group.run(1000., inputs=('input', drive))
        expected = 1000. / (5. + 10. * np.log((drive + 5.) / (drive - 20.)))
        np.testing.assert_allclose(group.mon.spike.sum(axis=0), expected, atol=1.0)


def isis(kind, current=10.0):
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(models.get_Izhikevich(type=kind), 1, monitors=['spike'])
    group.run(500., inputs=('input', current))
    return np.diff(group.mon.ts[group.mon.spike[:, 0] > 0])


def test_izhikevich_firing_classes():
    regular, fast, chattering = isis('regular'), isis('fast_spiking'), isis('chattering')
    assert regular[-1] > 1.5 * regular[0]          # spike-frequency adaptation
    assert len(fast) > 4 * len(regular)            # fast spiking
    assert np.std(fast[3:]) < 0.5                  # ... and regular once adapted
    assert chattering.min() < 3.0 and chattering.max() > 20.0  # bursts separated by pauses


def clamp_update(ST, _t):
    ST['input'] = 0.


def test_nmda_current_follows_the_mg_block_curve(jit):
    bp.profile.set(dt=0.1)
    voltages = np.array([-80., -60., -40., -20., 20.])
    clamp = bp.NeuType(name='Clamp', ST=bp.types.NeuState('V', 'spike', 'input'), steps=clamp_update, mode='vector')
    post = bp.NeuGroup(clamp, len(voltages), monitors=['input'])
    post.ST['V'] = voltages
    post.runner.set_schedule(['input', 'monitor', 'clamp_update'])  # record the synaptic current, then clear it
    pre = bp.inputs.SpikeTimeInput(1, times=[1.0])
    syn = bp.SynConn(models.get_NMDA(), pre_group=pre, post_group=post, conn=bp.connect.All2All(), monitors=['s'])
    bp.Network(pre, syn, post).run(20.)
    currents = post.mon.input[-1]
    s = syn.mon.s[-1]
    expected = -0.15 * s * (voltages - 0.) * models.mg_block(voltages)
    np.testing.assert_allclose(currents, expected, rtol=1e-10)
    block = models.mg_block(voltages)
    assert np.all(np.diff(block) > 0) and block[0] < 0.1 and block[-1] > 0.7


def _stp_steady_ratio(U, tau_f, tau_d, interval):
    e_f, e_d = np.exp(-interval / tau_f), np.exp(-interval / tau_d)
    u_plus = U / (1 - (1 - U) * e_f)
    x_minus = (1 - e_d) / (1 - (1 - u_plus) * e_d)
    return u_plus * x_minus / U


@pytest.mark.parametrize("U, tau_f, tau_d, kind", [(0.5, 50., 750., "depressing"), (0.15, 750., 50., "facilitating")])
def test_stp_steady_state_efficacy_matches_tsodyks_markram(U, tau_f, tau_d, kind, jit):
    bp.profile.set(dt=0.1)
    pre = bp.inputs.FreqInput(1, 20., start_time=1.0)
    post = bp.NeuGroup(bp.NeuType(name='Sink', ST=bp.types.NeuState('V', 'input'), steps=clamp_update,
                                  mode='vector'), 1)
    syn = bp.SynConn(models.get_STP(U=U, tau_f=tau_f, tau_d=tau_d), pre_group=pre, post_group=post,
                     conn=bp.connect.One2One(), monitors=['efficacy'])
    bp.Network(pre, syn, post).run(3000.)
    efficacies = np.unique(syn.mon.efficacy[:, 0])
    first = syn.mon.efficacy[:, 0][np.argmax(syn.mon.efficacy[:, 0] > 0)]
    last = syn.mon.efficacy[-1, 0]
    assert first == pytest.approx(U)
    ratio = last / first
    assert ratio == pytest.approx(_stp_steady_ratio(U, tau_f, tau_d, 50.0), rel=0.02)
    assert (ratio < 1) if kind == "depressing" else (ratio > 1)
    assert efficacies.size > 3


def test_gap_junction_coupling_coefficient(jit):
    bp.profile.set(dt=0.05)
    lif = models.get_LIF(V_rest=0., V_th=1e9, t_refractory=0.)
    cells = bp.NeuGroup(lif, 2)
    g = 0.5
    gap = bp.SynConn(models.get_GapJunction(g=g), pre_group=cells, post_group=cells,
                     conn=bp.connect.All2All(include_self=False))
    bp.Network(cells, gap).run(200., inputs=(cells, 'input', np.array([10., 0.])))
    v1, v2 = cells.ST['V']
    assert v2 / v1 == pytest.approx(g / (1 + g), rel=1e-6)


@pytest.mark.parametrize("factory, tau", [(models.get_AMPA1, 2.0), (models.get_GABAa1, 6.0)])
def test_fast_synapses_decay_exponentially(factory, tau):
    bp.profile.set(dt=0.1)
    pre = bp.inputs.SpikeTimeInput(1, times=[1.0])
    post = bp.NeuGroup(models.get_LIF(V_rest=-65., V_th=1e9), 1)
    syn = bp.SynConn(factory(), pre_group=pre, post_group=post, conn=bp.connect.One2One(), monitors=['s'])
    bp.Network(pre, syn, post).run(20.)
    s = syn.mon.s[:, 0]
    peak = int(np.argmax(s))
    assert s[peak] == pytest.approx(1.0)
    np.testing.assert_allclose(s[peak:peak + 50], np.exp(-np.arange(50) * 0.1 / tau), rtol=1e-9)


def test_the_library_gamma_network_is_the_quickstart_as_the_spec_writes_it():
    import importlib.util

    from tests.bp_core.simulation import spec_models

    # the Quickstart sets the method before it defines its integrators, which read it then
    previous = bp.profile.get_numerical_method()
    bp.profile.set(numerical_method='exponential')
    try:
        spec = importlib.util.spec_from_file_location("quickstart_exponential", spec_models.__file__)
        quickstart = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(quickstart)
    finally:
        bp.profile.set(numerical_method=previous)
    spikes = []
    for build in (models.gamma_network, quickstart.gamma_network):
        bp.profile.set(dt=0.04)
        net, neu, _ = build(40, seed=5)
        net.run(150., inputs=(neu, 'ST.input', 1.2))
        spikes.append((neu.mon.spike_index.copy(), neu.mon.spike_time.copy()))
    assert len(spikes[0][0]) > 50
    # the same spikes; the spec's formulas round differently in the last bits, which can swap two
    # neurons spiking within a step of each other
    for k in range(40):
        ours, spec = (times[index == k] for index, times in spikes)
        assert ours.shape == spec.shape and np.allclose(ours, spec, atol=0.04 + 1e-9), k
    V = np.linspace(-80., 20., 11)
    h, n = models.wang_buzsaki_gates(V)
    assert np.all((0 < h) & (h < 1) & (0 < n) & (n < 1)) and np.all(np.diff(h) < 0) and np.all(np.diff(n) > 0)


def test_wang_buzsaki_in_scalar_mode_is_the_vector_step_one_neuron_at_a_time(jit):
    traces = {}
    for mode in ('vector', 'scalar'):
        bp.profile.set(dt=0.01)
        group = bp.NeuGroup(models.get_WangBuzsaki(mode=mode), 3, monitors=['spike', 'V'])
        group.ST['V'], group.ST['h'], group.ST['n'] = np.array([-70., -60., -65.]), 1., 0.
        bp.Network(group).run(30., inputs=(group, 'ST.input', np.array([0.5, 2., 5.])))
        traces[mode] = (np.asarray(group.mon.V), group.mon.spike_index.copy(), group.mon.spike_time.copy())
    assert traces['scalar'][1].size >= 3
    # the same arithmetic, except divisions by parameters made multiplications by their reciprocals
    np.testing.assert_allclose(traces['scalar'][0], traces['vector'][0], rtol=0, atol=1e-8)
    np.testing.assert_array_equal(traces['scalar'][1], traces['vector'][1])
    np.testing.assert_array_equal(traces['scalar'][2], traces['vector'][2])
    with pytest.raises(bp.errors.ModelDefError, match="mode must be 'scalar' or 'vector'"):
        models.get_WangBuzsaki(mode='matrix')
