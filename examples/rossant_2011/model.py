"""Coincidence detection by a noisy leaky integrate-and-fire neuron (Rossant et al. 2011, Fig. 14; Brian2's
``frompapers/Rossant_et_al_2011bis``).

5,000 independent Poisson inputs (4,000 excitatory, 1,000 inhibitory, 1 Hz each) drive a LIF neuron through
exponential synaptic potentials. In the second condition 15 of the excitatory spikes are moved to common
events at 40 Hz: less than 1 % of the synapses fire in synchrony, and the output rate rises about threefold.
The membrane and its two synaptic variables form a linear system, integrated exactly (``method='linear'``).
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

theta = -55.   # mV, threshold
El = -65.      # mV, rest and reset
vmean = -65.   # mV, mean potential the inhibitory weight is chosen for
taum = 5.      # ms
taue = 3.      # ms
taui = 10.     # ms
t_ref = 5.     # ms
p = 15         # excitatory inputs moved into each synchronous event
ne, ni = 4000, 1000
lambdac = 40.  # Hz, rate of the synchronous events
lambdae = lambdai = 1.  # Hz, rate of each input

we = .5 / (taum / taue) ** (taum / (taue - taum))           # mV: a PSP peak of 0.5 mV
wi = (vmean - El - lambdae * ne * we * taue / 1000.) / (lambdai * ni * taui / 1000.)  # mV: mean input at vmean


@bp.integrate(method='linear')
def int_neuron(v, ge, gi, t):
    dv = (ge + gi - (v - El)) / taum
    return dv, -ge / taue, -gi / taui


def neuron_update(ST, _t, _dt):
    ST['v'], ST['ge'], ST['gi'] = int_neuron(ST['v'], ST['ge'], ST['gi'], _t)
    ST['spike'] = 0.
    # threshold gated by refractoriness, the potential itself never clamped (as Brian2's refractory=...)
    if ST['v'] > theta and _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
        ST['v'] = El
        ST['spike'] = 1.
        ST['t_last_spike'] = _t


lif = bp.NeuType(name='rossant_LIF', ST=bp.types.NeuState({'v': El, 'ge': 0., 'gi': 0., 'spike': 0.,
                                                           't_last_spike': -1e7}),
                 steps=neuron_update, mode='scalar')
# Brian2's PoissonInput: one binomial draw per neuron and step for each group of sources
neuron = bp.inputs.poisson_drive(lif, 'ge', N=ne, rate=lambdae, weight=we, name='exc')
neuron = bp.inputs.poisson_drive(neuron, 'gi', N=ni, rate=lambdai, weight=wi, name='inh')
neuron = bp.inputs.poisson_drive(neuron, 'ge', N=1, rate=lambdac, weight=p * we, name='sync')


def run(duration: float = 1000., n: int = 1, seed: int = 0, sync: bool = True) -> dict:
    """Simulate ``n`` neurons with independent inputs and ``n`` with synchronous events, ``duration`` ms at
    dt = 0.1 ms (the original has ``n = 1``). ``sync=False`` leaves out the synchronous events (the second
    half then gets only the reduced independent excitation).

    Returns the spike indices (``< n``: uncorrelated inputs) and times (ms), ``n``, ``duration`` and the run
    time in seconds (``run_s``).
    """
    with bp.profile.override(dt=0.1, seed=seed):
        group = bp.NeuGroup(neuron, geometry=2 * n, monitors=['spike'])
        correlated = np.arange(2 * n) >= n
        # the synchronous events replace p of the excitatory spikes: the total excitatory rate is unchanged
        group.pars['exc_rate'] = np.where(correlated, lambdae - p / ne * lambdac, lambdae)
        group.pars['sync_weight'] = np.where(correlated & sync, p * we, 0.)
        net = bp.Network(group)
        net.build(duration)
        t0 = time.perf_counter()
        net.run(duration)
        run_s = time.perf_counter() - t0
    return {'spike_index': np.asarray(group.mon.spike_index), 'spike_time': np.asarray(group.mon.spike_time),
            'n': n, 'duration': duration, 'run_s': run_s}


def rates(out: dict) -> tuple[float, float]:
    """Mean output rates (Hz) with uncorrelated and with synchronous inputs."""
    index = out['spike_index']
    seconds = out['duration'] / 1000.
    return (float(np.sum(index < out['n']) / out['n'] / seconds),
            float(np.sum(index >= out['n']) / out['n'] / seconds))


if __name__ == '__main__':
    print("rates (Hz): uncorrelated %.1f, correlated %.1f" % rates(run()))
