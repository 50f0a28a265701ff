"""A leaky integrate-and-fire neuron whose threshold rises by 3 mV at each spike and relaxes back to 10 mV
(Brian2's ``adaptive_threshold`` example), driven by Poisson spikes at 500 Hz that each add 3 mV to ``v``.

    dv/dt = -v / tau_v,   dvt/dt = (vt_rest - vt) / tau_vt,   v > vt: v <- 0, vt <- vt + 3 mV

The adaptation spreads the membrane potential at the threshold crossings over 10-20 mV. The original has one
neuron; here ``N`` independent copies, each with its own Poisson input, give the same statistics sooner.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau_v, tau_vt = 10., 15.  # ms
vt_rest = 10.  # mV
dvt = 3.  # mV, the threshold's rise at a spike
w = 3.  # mV, the jump of v at an input spike
rate = 500.  # Hz


@bp.integrate(method='exponential')
def int_v(v, t):
    return -v / tau_v


@bp.integrate(method='exponential')
def int_vt(vt, t):
    return (vt_rest - vt) / tau_vt


def update(ST, _t):
    v = int_v(ST['v'], _t)
    vt = int_vt(ST['vt'], _t)
    ST['spike'] = 0.
    if v > vt:
        ST['v_cross'] = v  # v at the crossing, which the original's spike monitor records
        v = 0.
        vt += dvt
        ST['spike'] = 1.
    ST['v'] = v
    ST['vt'] = vt


def on_pre(ST, _t, pre, post):
    if pre['spike'] > 0.:
        post['v'] += ST['w']


neuron = bp.NeuType(name='AdaptiveThresholdIF',
                    ST=bp.types.NeuState({'v': 0., 'vt': vt_rest, 'v_cross': 0., 'spike': 0.}),
                    steps=update, mode='scalar')
jump = bp.SynType(name='VoltageJump', ST=bp.types.SynState({'w': w}),
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['v'])),
                  steps=on_pre, mode='scalar')


def run(duration: float = 2000., N: int = 1, seed: int = 0) -> dict:
    """``N`` neurons from ``v = 0``, ``vt = 10`` mV, each driven by its own 500 Hz Poisson input, dt 0.1 ms;
    returns the spikes, ``v`` at each spike's crossing, ``vt`` every 1 ms and the run time (s)."""
    with bp.profile.override(dt=0.1, seed=seed):
        inputs = bp.inputs.PoissonInput(N, freqs=rate)
        group = bp.NeuGroup(neuron, N, monitors=['spike', 'v_cross', bp.Monitor('vt', interval=1.)])
        synapses = bp.SynConn(jump, pre_group=inputs, post_group=group, conn=bp.connect.One2One())
        net = bp.Network(inputs, group, synapses)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    index = np.asarray(group.mon.spike_index, dtype=int)
    spike_time = np.asarray(group.mon.spike_time)
    steps = np.round(spike_time / 0.1).astype(int)
    v_cross = np.asarray(group.mon.v_cross)[steps, index]
    return {'spike_index': index, 'spike_time': spike_time, 'v_cross': v_cross, 'vt': np.asarray(group.mon.vt),
            'N': N, 'duration': duration, 'run_s': run_s}


def statistics(out: dict) -> dict:
    """Mean rate (Hz), mean and standard deviation of ``v`` at the crossings (mV), mean threshold (mV) and the
    coefficient of variation of the interspike intervals (pooled over neurons)."""
    isis = np.concatenate([np.diff(out['spike_time'][out['spike_index'] == k]) for k in range(out['N'])])
    return {'rate_hz': out['spike_index'].size / out['N'] / (out['duration'] / 1000.),
            'v_cross_mean_mV': float(out['v_cross'].mean()), 'v_cross_std_mV': float(out['v_cross'].std()),
            'vt_mean_mV': float(out['vt'].mean()), 'cv_isi': float(isis.std() / isis.mean())}


if __name__ == '__main__':
    result = run()
    print({k: round(v, 4) for k, v in statistics(result).items()}, f"run {result['run_s']:.3f} s")
