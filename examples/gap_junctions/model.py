"""Neurons coupled all-to-all by gap junctions (Brian2's ``synapses/gapjunctions`` example).

Each neuron integrates ``tau dv/dt = v0 - v + I_gap`` and fires at ``v > 1`` (reset to 0); with
``v0 = 1.05`` an isolated neuron fires regularly, and the electrical coupling
``I_gap = sum_pre w (v_pre - v_post)`` pulls their phases together. ``I_gap`` is a summed variable
(Brian2's ``Igap_post = w * (v_pre - v_post) : 1 (summed)``), set before each step from the state the
previous step left.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

tau = 10.   # ms
v0 = 1.05   # drive (dimensionless potential)
w = 0.02    # gap-junction conductance, relative to the leak


@bp.integrate(method='exponential')
def int_v(v, t, I_gap):
    return (v0 - v + I_gap) / tau


def neuron_update(ST, _t):
    ST['spike'] = 0.
    v = int_v(ST['V'], _t, ST['I_gap'])
    if v > 1.:
        v = 0.
        ST['spike'] = 1.
    ST['V'] = v


def gap_step(ST):
    """Nothing changes in a gap junction: the synapses only feed the summed gap current."""
    pass


neuron = bp.NeuType(name='gap_LIF', ST=bp.types.NeuState({'V': 0., 'spike': 0., 'I_gap': 0.}),
                    steps=neuron_update, mode='scalar')
gap = bp.SynType(name='gap_junction', ST=bp.types.SynState({'w': w}),
                 requires=dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'I_gap'])),
                 steps=gap_step, mode='scalar', summed={'I_gap': "ST['w'] * (pre['V'] - post['V'])"})


def run(duration: float = 500., n: int = 10, w: float = w, seed: int = 0) -> dict:
    """Build ``n`` neurons with potentials spread evenly over [0, 1], couple every pair (both ways, and each
    neuron to itself, which adds nothing) with conductance ``w`` and run ``duration`` ms at dt = 0.1 ms.

    Returns the monitors: spike indices and times (ms), the potential of neurons 0 and 5 and its times, and
    the run time in seconds (``run_s``). The model is deterministic: ``seed`` only seeds the network.
    """
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(neuron, geometry=n, monitors=['spike', ('V', [0, min(5, n - 1)])])
        group.ST['V'] = np.arange(n) / (n - 1)
        synapses = bp.SynConn(gap, pre_group=group, post_group=group, conn=bp.connect.All2All(include_self=True))
        synapses.ST['w'] = w
        net = bp.Network(group, synapses)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'V': np.asarray(group.mon.V), 'ts': np.asarray(group.mon.ts), 'n': n, 'duration': duration,
            'run_s': run_s}


if __name__ == '__main__':
    out = run()
    print(f"{out['spike_time'].size} spikes, {out['spike_time'].size / out['n'] / 0.5:.1f} Hz")
