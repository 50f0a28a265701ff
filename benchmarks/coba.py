"""COBA network (Vogels & Abbott 2005, in the Brette et al. 2007 form) written with the public API.

4000 LIF neurons (80 % excitatory), 2 % connectivity, conductances in units of the
leak conductance (we=0.6, wi=6.7), constant drive I=20, refractory 5 ms, forward
Euler, dt=0.1 ms. Prints the build, compile and run times and the firing rate.

    python benchmarks/coba.py [N] [duration_ms]
"""

from __future__ import annotations

import sys
import time

import numpy as np

import bp_core as bp

taum, taue, taui = 20., 5., 10.
Vt, Vr, El, Ee, Ei = -50., -60., -60., 0., -80.
we, wi, t_ref, I_drive = 0.6, 6.7, 5., 20.

ST = bp.types.NeuState({'V': -60., 'ge': 0., 'gi': 0., 'spike': 0., 't_last_spike': -1e7, 'count': 0.})


@bp.integrate(method='euler')
def int_V(V, t, ge, gi):
    return (ge * (Ee - V) + gi * (Ei - V) - (V - El) + I_drive) / taum


@bp.integrate(method='euler')
def int_ge(ge, t):
    return -ge / taue


@bp.integrate(method='euler')
def int_gi(gi, t):
    return -gi / taui


def neuron_update(ST, _t):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > t_ref:
        V = int_V(ST['V'], _t, ST['ge'], ST['gi'])
        if V >= Vt:
            V = Vr
            ST['spike'] = 1.
            ST['count'] += 1.
            ST['t_last_spike'] = _t
        ST['V'] = V
    ST['ge'] = int_ge(ST['ge'], _t)
    ST['gi'] = int_gi(ST['gi'], _t)


def exc_update(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['ge'][j] += we


def inh_update(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['gi'][j] += wi


def reset(group: bp.NeuGroup) -> None:
    """Put the neurons back to the initial condition (time restarts at 0 each run)."""
    group.ST['V'] = np.random.randn(group.num) * 5. - 55.
    for key, value in (('ge', 0.), ('gi', 0.), ('spike', 0.), ('t_last_spike', -1e7), ('count', 0.)):
        group.ST[key] = value


def build(N: int, seed: int = 1) -> tuple[bp.Network, bp.NeuGroup]:
    """Return the COBA network of N neurons and its neuron group."""
    bp.profile.set(dt=0.1, seed=seed)
    lif = bp.NeuType(name='COBA_LIF', ST=ST, steps=neuron_update, mode='scalar')
    exc = bp.SynType(name='exc', ST=bp.types.SynState(), steps=exc_update, mode='vector')
    inh = bp.SynType(name='inh', ST=bp.types.SynState(), steps=inh_update, mode='vector')
    Ne = int(0.8 * N)
    group = bp.NeuGroup(lif, N)  # spikes are counted in ST['count']: a 1 s spike monitor would take 320 MB
    reset(group)
    prob = 80. / N
    e = bp.SynConn(exc, pre_group=group[:Ne], post_group=group, conn=bp.connect.FixedProb(prob))
    i = bp.SynConn(inh, pre_group=group[Ne:], post_group=group, conn=bp.connect.FixedProb(prob))
    return bp.Network(group, e, i), group


def main() -> None:
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.
    start = time.perf_counter()
    net, group = build(N)
    built = time.perf_counter()
    net.run(1.0)  # compiles (or loads from the on-disk cache)
    compiled = time.perf_counter()
    runs = []
    for _ in range(3):
        reset(group)
        t0 = time.perf_counter()
        net.run(duration)
        runs.append(time.perf_counter() - t0)
    rate = group.ST['count'].sum() / N / (duration / 1000.)
    print(f"COBA N={N} {duration:.0f} ms: build {built - start:.2f} s, first run incl. compile "
          f"{compiled - built:.2f} s, run median {np.median(runs):.3f} s (min {min(runs):.3f}), "
          f"rate {rate:.1f} Hz, compile_count {net.compile_count}")


if __name__ == "__main__":
    main()
