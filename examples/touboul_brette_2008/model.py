"""Touboul & Brette (2008), Fig. 8B: chaos in the adaptive exponential integrate-and-fire (AdEx) model as the
reset potential varies (Brian2's ``frompapers/Touboul_Brette_2008``).

    C dvm/dt = gL (EL - vm) + gL DeltaT exp((vm - VT) / DeltaT) + I - w,   tauw dw/dt = a (vm - EL) - w

with a spike when ``vm > VT + 5 DeltaT`` (then ``vm <- Vr``, ``w <- w + b``). ``N`` neurons, identical but
for their reset ``Vr``, spread over [-48.3, -47.7] mV: periodic firing of various periods and chaotic windows
in between. Units: mV, ms, nS, pF, pA (pA / pF = mV / ms, nS mV = pA).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

C, gL, EL, VT, DeltaT, tauw, a, b, I = 281., 30., -70.6, -50.4, 2., 40., 4., 80., 800.  # pF, nS, mV, ms, pA
Vcut = VT + 5 * DeltaT
VR_RANGE = (-48.3, -47.7)  # mV


@bp.integrate(method='euler')
def int_vm(vm, t, w):
    return (gL * (EL - vm) + gL * DeltaT * np.exp((vm - VT) / DeltaT) + I - w) / C


@bp.integrate(method='euler')
def int_w(w, t, vm):
    return (a * (vm - EL) - w) / tauw


def update(ST, _t):
    vm = int_vm(ST['vm'], _t, ST['w'])
    w = int_w(ST['w'], _t, ST['vm'])
    ST['spike'] = 0.
    if vm > Vcut:
        vm = ST['Vr']
        w += b
        ST['spike'] = 1.
    ST['vm'] = vm
    ST['w'] = w


AdEx = bp.NeuType(name='Touboul_AdEx', ST=bp.types.NeuState({'vm': EL, 'w': 0., 'Vr': -48., 'spike': 0.}),
                  steps=update, mode='scalar')


def run(duration: float = 2000., N: int = 500, transient: float = 3000., seed: int = 0) -> dict:
    """``N`` neurons with resets spread over ``VR_RANGE``, from ``vm = EL``, ``w = 0``, dt 0.01 ms: run
    ``transient`` ms unrecorded, then ``duration`` ms recording spikes. Returns the resets, the spikes of the
    recorded part (indices, times in ms from its start) and the run time of both parts (s)."""
    with bp.profile.override(dt=0.01, seed=seed):
        group = bp.NeuGroup(AdEx, N, monitors=['spike'])
        group.ST['Vr'] = np.linspace(*VR_RANGE, N)
        net = bp.Network(group)
        net.build(transient)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(transient)
        net.rewind()  # the recorded part's times start at 0 again, on purpose
        net.run(duration)
        run_s = time.perf_counter() - t0
    # the monitors hold the last run, with times from its start
    return {'Vr': np.asarray(group.ST['Vr']), 'spike_index': np.asarray(group.mon.spike_index),
            'spike_time': np.asarray(group.mon.spike_time),
            'n': N, 'duration': duration, 'run_s': run_s}


if __name__ == '__main__':
    out = run(duration=500., N=20, transient=1000.)
    print(np.bincount(out['spike_index'], minlength=out['n']), f"run {out['run_s']:.3f} s")
