"""The code cells of "Quickstart", "Build Neurons", "Build Synapses", "Build Network" and "Repeat Mode",
run under ``import bp_core as bp`` (durations shortened), with the outcomes the chapters document."""

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

from . import spec_models as m


def population_peak_frequency(spikes, dt, skip_ms=100.0):
    rate = spikes[int(skip_ms / dt):].mean(axis=1)
    kernel = np.exp(-0.5 * (np.arange(-50, 51) * dt) ** 2)
    smooth = np.convolve(rate, kernel / kernel.sum(), mode="same")
    freqs = np.fft.rfftfreq(smooth.size, dt * 1e-3)
    power = np.abs(np.fft.rfft(smooth - smooth.mean())) ** 2
    return freqs[1 + np.argmax(power[1:])]


def test_quickstart_gamma_network_oscillates_in_the_gamma_band():
    bp.profile.set(jit=True, device='cpu', dt=0.04, numerical_method='exponential')
    net, neu, syn = m.gamma_network(num=100)
    net.run(duration=400., inputs=[neu, 'ST.input', 1.2], report=False)
    assert neu.mon.spike.shape == (10000, 100) and neu.mon.V.shape == (10000, 100)
    assert np.allclose(net.ts[:3], [0.0, 0.04, 0.08])
    assert 20.0 <= population_peak_frequency(neu.mon.spike, 0.04) <= 80.0
    assert "def run_kernel(" in net.code and "for _k in range(_n_steps):" in net.code


# "Build Neurons": the vector-mode LIF with spike_num handed over
tau_m = 10.
Vr = 0.
Vth = 10.
tau_ref = 0.
LIF_ST = bp.types.NeuState('V', 'input', 'spike', t_last_spike=-1e7)


@bp.integrate
def int_f(V, t, Isyn):
    return (-V + Vr + Isyn) / tau_m


def lif_update(ST, _t, spike_num):
    V = int_f(ST['V'], _t, ST['input'])
    is_spike = V > Vth
    spike_idx = np.where(is_spike)[0]
    num_sp = len(spike_idx)
    spike_num[0] += num_sp
    if num_sp > 0:
        V[spike_idx] = Vr
        ST['t_last_spike'][spike_idx] = _t
    ST['V'] = V
    ST['spike'] = is_spike
    ST['input'] = 0.


def test_hand_overs_data_counts_the_monitored_spikes(jit):
    bp.profile.set(dt=0.01)
    lif2 = bp.NeuType(name='LIF', ST=LIF_ST, steps=lif_update, mode='vector', hand_overs={'spike_num': np.array([0])})
    group = bp.NeuGroup(lif2, geometry=10, monitors=['spike'])
    group.run(100., inputs=('input', np.random.random(10) * 5 + 10.))
    assert group.spike_num[0] > 0
    assert group.spike_num[0] == group.mon.spike.sum()


def init_state(ST, Vr):
    ST['V'] = Vr
    V = ST['V']
    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    beta = 4.0 * np.exp(-(V + 65) / 18)
    ST['m'] = alpha / (alpha + beta)


def noop(ST, _t):
    ST['input'] = 0.


def test_hand_overs_functions_initialise_the_state():
    neuron = bp.NeuType(name='HH_neuron', ST=bp.types.NeuState('V', 'm', 'spike', 'input'), steps=noop,
                        mode='vector', hand_overs={'init_state': init_state})
    group = bp.NeuGroup(neuron, geometry=10)
    v = np.linspace(-75, -65, 10)
    group.init_state(group.ST, v)
    np.testing.assert_allclose(group.ST['V'], v)
    assert np.all((group.ST['m'] > 0.01) & (group.ST['m'] < 0.06))


def needs_data(ST, _t, data1, data2):
    ST['V'] += data1.sum() + data2.sum()


def test_requires_satisfied_by_argument_or_attribute(jit):
    neu = bp.NeuType('test', ST=bp.types.NeuState('V'), steps=needs_data,
                     requires={'data1': bp.types.Array(dim=1), 'data2': bp.types.Array(dim=2)})
    by_argument = bp.NeuGroup(neu, geometry=1, satisfies={'data1': np.ones(10), 'data2': np.ones((10, 10))})
    by_attribute = bp.NeuGroup(neu, geometry=1)
    by_attribute.data1 = np.ones(10)
    by_attribute.data2 = np.ones((10, 10))
    for group in (by_argument, by_attribute):
        group.run(1.0)
        np.testing.assert_allclose(group.ST['V'], 110.0 * int(round(1.0 / bp.profile.get_dt())))
    missing = bp.NeuGroup(neu, geometry=1)
    with pytest.raises(ModelUseError, match="lacks the data 'data1'.*satisfies"):
        missing.run(1.0)
    with pytest.raises(bp.errors.TypeMismatchError, match="2-D"):
        missing.data2 = np.ones(3)


def run_ampa(mode, delay, jit):
    bp.profile.set(dt=0.1, jit=jit)
    lif = m.get_LIF(V_rest=-65., V_reset=-65., V_th=-55.)
    pre = bp.NeuGroup(lif, 1, monitors=['spike', 'V'])
    pre.ST['V'] = -65.
    post = bp.NeuGroup(lif, 1, monitors=['V'])
    post.ST['V'] = -65.
    syn = bp.SynConn(model=m.ampa(mode), pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                     monitors=['s'], delay=delay)
    syn.runner.set_schedule(['input', 'update', 'output', 'monitor'])
    net = bp.Network(pre, syn, post)
    net.run(duration=60., inputs=(pre, "ST.input", 20.))
    return pre.mon.spike[:, 0], post.mon.V[:, 0]


@pytest.mark.parametrize("mode", ["scalar", "vector", "matrix"])
def test_ampa_modes_give_the_same_postsynaptic_trace(mode, jit):
    reference_spikes, reference_v = run_ampa("scalar", 1.5, True)
    spikes, v = run_ampa(mode, 1.5, jit)
    assert reference_spikes.sum() >= 3
    np.testing.assert_array_equal(spikes, reference_spikes)
    np.testing.assert_allclose(v, reference_v, rtol=1e-12)


@pytest.mark.parametrize("mode", ["scalar", "vector", "matrix"])
def test_delay_shifts_the_response_by_delay_over_dt_steps(mode):
    spikes, v_now = run_ampa(mode, 0.0, True)
    _, v_late = run_ampa(mode, 1.5, True)
    first_spike = int(np.argmax(spikes > 0))
    onset_now = first_spike + int(np.argmax(np.abs(v_now[first_spike:] + 65.0) > 1e-9))
    onset_late = first_spike + int(np.argmax(np.abs(v_late[first_spike:] + 65.0) > 1e-9))
    assert onset_late - onset_now == 15
    np.testing.assert_allclose(v_late[onset_late:onset_late + 20], v_now[onset_now:onset_now + 20], rtol=1e-12)


# "Build Network": the E/I balance network
V_rest = -52.
V_reset = -60.
V_th_ei = -50.
R = 1.
tau = 10.
t_refractory = 5.
noise = 0.
tau_decay_ei = 2.


@bp.integrate
def int_V_ei(V, _t, I_ext):
    return (- (V - V_rest) + R * I_ext) / tau, noise / tau


def ei_update(ST, _t):
    ST['spike'] = 0
    if _t - ST['t_last_spike'] <= t_refractory:
        ST['refractory'] = 1.
    else:
        ST['refractory'] = 0.
        V = int_V_ei(ST['V'], _t, ST['input'])
        if V >= V_th_ei:
            V = V_reset
            ST['spike'] = 1
            ST['t_last_spike'] = _t
        ST['V'] = V


def ei_reset(ST):
    ST['input'] = 0.


@bp.integrate
def ints_ei(s, t):
    return - s / tau_decay_ei


def ei_syn_update(ST, _t, pre):
    s = ints_ei(ST['s'], _t)
    s += pre['spike']
    ST['s'] = s
    ST['g'] = ST['w'] * s


def ei_syn_output(ST, post):
    post['input'] += ST['g']


def test_ei_balance_network_fires(jit):
    bp.profile.set(numerical_method='exponential', dt=0.1)
    num_exc, num_inh, prob = (200, 200, 0.1) if jit else (40, 40, 0.2)
    neu = bp.NeuType(name='LIF', ST=bp.types.NeuState({'V': 0, 'input': 0, 'spike': 0, 'refractory': 0,
                                                        't_last_spike': -1e7}),
                     steps=(ei_update, ei_reset), mode='scalar')
    syn = bp.SynType(name='alpha_synapse', ST=bp.types.SynState({'s': 0., 'w': .1, 'g': 0.}),
                     steps=(ei_syn_update, ei_syn_output), mode='scalar')
    group = bp.NeuGroup(neu, geometry=num_exc + num_inh, monitors=['spike'])
    group.ST['V'] = np.random.random(num_exc + num_inh) * (V_th_ei - V_rest) + V_rest
    exc_conn = bp.SynConn(syn, pre_group=group[:num_exc], post_group=group, conn=bp.connect.FixedProb(prob=prob))
    exc_conn.ST['w'] = 1 / np.sqrt(prob * num_exc)
    inh_conn = bp.SynConn(syn, pre_group=group[num_exc:], post_group=group, conn=bp.connect.FixedProb(prob=prob))
    inh_conn.ST['w'] = -1 / np.sqrt(prob * num_inh)
    net = bp.Network(group, exc_conn, inh_conn)
    duration = 200. if jit else 50.
    net.run(duration=duration, inputs=(group, 'ST.input', 3.), report=True)
    rate = group.mon.spike.sum() / (num_exc + num_inh) / (duration / 1000)
    assert 1.0 < rate < 200.0


def test_repeat_mode_parameter_search_compiles_once():
    bp.profile.set(jit=True, dt=0.04, numerical_method='exponential')
    net, neu, syn = m.gamma_network(num=40, mode='repeat')
    v, h, n = (neu.ST['V'].copy(), neu.ST['h'].copy(), neu.ST['n'].copy())
    spike_counts = []
    for g in (0.05, 0.1, 0.15):
        neu.ST['V'], neu.ST['h'], neu.ST['n'] = v, h, n
        neu.ST['spike'] = 0.
        neu.ST['input'] = 0.
        syn.ST['s'] = 0.
        syn.pars['g_max'] = g / 40
        net.run(duration=50., inputs=[neu, 'ST.input', 1.2])
        spike_counts.append(neu.mon.spike.sum())
    assert net.compile_count == 1
    assert len(set(spike_counts)) > 1  # the parameter reached the compiled kernel


def test_repeat_mode_refuses_a_new_duration_or_input_shape():
    bp.profile.set(dt=0.04, numerical_method='exponential')
    net, neu, _ = m.gamma_network(num=10, mode='repeat')
    net.run(duration=(0., 5.), inputs=[neu, 'ST.input', 1.2])
    net.run(duration=(5., 10.), inputs=[neu, 'ST.input', 1.2])
    assert net.t_start == 5.0 and net.ts[0] == 5.0
    with pytest.raises(ModelUseError, match='same duration, but got 5.0 != 10.0'):
        net.run(duration=(10., 20.), inputs=[neu, 'ST.input', 1.2])
    with pytest.raises(ModelUseError, match=r'input shape for "ST.input" should keep the same.*\(\).*\(10,\)'):
        net.run(duration=(10., 15.), inputs=[neu, 'ST.input', np.ones(10) * 1.2])


# "Debugging" and "Build Neurons": the HH neuron with clipped gates and a noisy V
E_Na = 50.
E_K = -77.
E_leak = -54.387
g_Na = 120.
g_K = 36.
g_leak = 0.03
V_th_hh = 20.
noise_hh = 1.
C = 1.0


@bp.integrate
def int_m(m, _t, V):
    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    beta = 4.0 * np.exp(-(V + 65) / 18)
    return alpha * (1 - m) - beta * m


@bp.integrate
def int_h_dbg(h, _t, V):
    alpha = 0.07 * np.exp(-(V + 65) / 20.)
    beta = 1 / (1 + np.exp(-(V + 35) / 10))
    return alpha * (1 - h) - beta * h


@bp.integrate
def int_n_dbg(n, _t, V):
    alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    beta = 0.125 * np.exp(-(V + 65) / 80)
    return alpha * (1 - n) - beta * n


@bp.integrate
def int_V_dbg(V, _t, m, h, n, I_ext):
    I_Na = (g_Na * np.power(m, 3.0) * h) * (V - E_Na)
    I_K = (g_K * np.power(n, 4.0)) * (V - E_K)
    I_leak = g_leak * (V - E_leak)
    dVdt = (- I_Na - I_K - I_leak + I_ext) / C
    return dVdt, noise_hh / C


def hh_noisy_update(ST, _t):
    m = np.clip(int_m(ST['m'], _t, ST['V']), 0., 1.)
    h = np.clip(int_h_dbg(ST['h'], _t, ST['V']), 0., 1.)
    n = np.clip(int_n_dbg(ST['n'], _t, ST['V']), 0., 1.)
    V = int_V_dbg(ST['V'], _t, m, h, n, ST['input'])
    spike = np.logical_and(ST['V'] < V_th_hh, V >= V_th_hh)
    ST['spike'] = spike
    ST['V'] = V
    ST['m'] = m
    ST['h'] = h
    ST['n'] = n
    ST['input'] = 0.


@pytest.mark.parametrize("mode", ["vector", "scalar"])
def test_noisy_hh_neuron_of_the_debugging_chapter_fires(mode, jit):
    bp.profile.set(dt=0.02, seed=1)
    ST = bp.types.NeuState({'V': -65., 'm': 0.05, 'h': 0.60, 'n': 0.32, 'spike': 0., 'input': 0.})
    HH = bp.NeuType(ST=ST, name='HH_neuron', steps=hh_noisy_update, mode=mode)
    group = bp.NeuGroup(HH, geometry=4, monitors=['spike', 'V'])
    group.run(100., inputs=('input', 10.))
    counts = group.mon.spike.sum(axis=0)
    assert np.all(counts >= 4)
    assert len(set(group.mon.V[-1])) == 4  # the noise differs between neurons


# "Build Neurons": the vector-mode LIF with refractoriness
def lif_vector_update(ST, _t):
    V = int_f(ST['V'], _t, ST['input'])
    is_ref = _t - ST['t_last_spike'] < tau_ref
    V = np.where(is_ref, ST['V'], V)
    is_spike = V > Vth
    spike_idx = np.where(is_spike)[0]
    if len(spike_idx):
        V[spike_idx] = Vr
        is_ref[spike_idx] = 1.
        ST['t_last_spike'][spike_idx] = _t
    ST['V'] = V
    ST['spike'] = is_spike
    ST['refractory'] = is_ref
    ST['input'] = 0.


def test_vector_lif_of_build_neurons_fires_regularly(jit):
    bp.profile.set(dt=0.01)
    ST = bp.types.NeuState('V', 'input', 'spike', 'refractory', t_last_spike=-1e7)
    lif = bp.NeuType(name='LIF', ST=ST, steps=lif_vector_update, mode='vector')
    group = bp.NeuGroup(lif, 10, monitors=['V', 'spike'])
    group.run(100., inputs=('ST.input', 12.), report=True)
    # V relaxes to 12 with tau_m = 10 and resets at 10: one spike every 10 ln(6) ms
    assert group.mon.spike.sum(axis=0).tolist() == [int(100 // (10 * np.log(6)))] * 10


QUICKSTART = Path(__file__).with_name("quickstart_as_written.py")
REPORT = """
import json
print("RESULT", json.dumps({
    "spike_shape": neu.mon.spike.shape, "s_shape": syn.mon.s.shape, "V_shape": neu.mon.V.shape,
    "s_finite": bool(np.isfinite(syn.mon.s).all()), "s_max": float(syn.mon.s.max()),
    "raster": [int(index.size), float(time.min()), float(time.max())],
    "peak_frequency": float(peak(neu.mon.spike)),
}))
"""


@pytest.mark.parametrize("seed", [0, 1])
def test_quickstart_as_written_runs_with_its_synapse_monitor(tmp_path, seed):
    """The chapter's own cells (only the import changed, 400 ms instead of 500 ms), in a fresh process."""
    source = QUICKSTART.read_text()
    assert source.count("duration=500.") == 1 and "monitors=['s']" in source
    script = tmp_path / "quickstart.py"
    peak = inspect.getsource(population_peak_frequency)
    # the chapter draws its initial potentials unseeded; the harness seeds NumPy first so the check is stable
    script.write_text(f"import numpy\nnumpy.random.seed({seed})\n" + source.replace("duration=500.", "duration=400.")
                      + peak + "peak = lambda s: population_peak_frequency(s, 0.04, 100.)\n" + REPORT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.split("RESULT", 1)[1])
    assert result["spike_shape"] == [10000, 100] and result["V_shape"] == [10000, 100]
    assert result["s_shape"] == [10000, 9900] and result["s_finite"] and 0 < result["s_max"] < 1
    assert result["raster"][0] > 100 and 0 <= result["raster"][1] < result["raster"][2] <= 400
    assert 20.0 <= result["peak_frequency"] <= 80.0
