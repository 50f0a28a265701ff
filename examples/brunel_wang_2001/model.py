"""Object working memory in a network dominated by recurrent inhibition (Brunel & Wang 2001, Fig. 6b;
Brian2's ``frompapers/Brunel_Wang_2001`` example).

1,000 leaky integrate-and-fire neurons, 800 pyramidal (E) and 200 interneurons (I), all-to-all. A neuron's
potential follows

    C_m dv/dt = -g_m (v - V_L) - I_AMPA,ext - I_AMPA,rec - I_NMDA - I_GABA     (not while refractory)

with AMPA and GABA_A gates that jump by a synapse's weight at a presynaptic spike and decay (2 and 10 ms),
and an NMDA current ``g_NMDA (v - V_E) s_NMDA,tot / (1 + [Mg] exp(-0.062 v) / 3.57)``: ``s_NMDA,tot`` sums,
over a neuron's excitatory synapses, ``w s_NMDA`` of each synapse, whose gate saturates,

    ds_NMDA/dt = -s_NMDA / 100 ms + 0.5/ms x (1 - s_NMDA),   dx/dt = -x / 2 ms,   x += 1 at a spike.

Each neuron receives 800 background Poisson sources at 3 Hz. Five subpopulations of 10 % of the E neurons
are "selective": within one the recurrent weights are w+ = 2.1, from the others into it w- < 1. Population 1
is stimulated from 1.0 to 1.05 s, population 2 from 2.0 s, every neuron at 3.0 s: each stimulated population
keeps firing after its stimulus (persistent activity), until the next takes over; the common stimulus at 3 s
resets the network.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp

# potentials (mV), capacitance (pF), conductances (nS), times (ms): nS * mV / pF = mV / ms
V_L, V_thr, V_reset, V_E, V_I = -70., -50., -55., 0., -70.
Mg2 = 1.
tau_AMPA, tau_GABA, tau_NMDA_rise, tau_NMDA_decay, alpha = 2., 10., 2., 100., 0.5   # alpha in 1/ms
rate_ext, C_ext = 3., 800          # background: Hz per source, sources per neuron
rate_selection = 25.               # stimulus: Hz per source (C_ext / 10 sources for a selective population)
f, p, w_plus = 0.1, 5, 2.1         # share of E in each selective population, populations, potentiated weight
w_minus = 1. - f * (w_plus - 1.) / (1. - f)
# a pyramidal neuron's parameters; the interneurons' are set through group.pars (INTERNEURON below)
C_m, g_m, tau_rp = 500., 25., 2.
g_AMPA_ext, g_AMPA_rec, g_NMDA, g_GABA = 2.08, 0.104, 0.327, 1.25


@bp.integrate(method='euler')
def int_v(v, t, s_ext, s_AMPA, s_NMDA_tot, s_GABA):
    I_AMPA = (g_AMPA_ext * s_ext + g_AMPA_rec * s_AMPA) * (v - V_E)
    I_NMDA = g_NMDA * (v - V_E) / (1. + Mg2 * np.exp(-0.062 * v) / 3.57) * s_NMDA_tot
    I_GABA = g_GABA * (v - V_I) * s_GABA
    return (-g_m * (v - V_L) - I_AMPA - I_NMDA - I_GABA) / C_m


@bp.integrate(method='euler')
def int_s_AMPA(s, t):
    return -s / tau_AMPA


@bp.integrate(method='euler')
def int_s_GABA(s, t):
    return -s / tau_GABA


@bp.integrate(method='euler')
def int_s_NMDA(s, t, x):
    return -s / tau_NMDA_decay + alpha * x * (1. - s)


@bp.integrate(method='euler')
def int_x(x, t):
    return -x / tau_NMDA_rise


def neuron_update(ST, _t, _dt):
    s_ext, s_AMPA, s_GABA = ST['s_ext'], ST['s_AMPA'], ST['s_GABA']
    ST['s_ext'] = int_s_AMPA(s_ext, _t)
    ST['s_AMPA'] = int_s_AMPA(s_AMPA, _t)
    ST['s_GABA'] = int_s_GABA(s_GABA, _t)
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > tau_rp - 0.5 * _dt:   # v is clamped while refractory
        v = int_v(ST['V'], _t, s_ext, s_AMPA, ST['s_NMDA_tot'], s_GABA)
        if v > V_thr:
            v = V_reset
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = v


def glutamate_update(ST, _t, pre, post):
    # the NMDA gates step from the old x (Euler, as Brian2's clock-driven equations), then a presynaptic
    # spike of this step opens x and the AMPA gate of the target
    s = int_s_NMDA(ST['s_NMDA'], _t, ST['x'])
    ST['x'] = int_x(ST['x'], _t)
    ST['s_NMDA'] = s
    if pre['spike'] > 0.:
        ST['x'] += 1.
        post['s_AMPA'] += ST['w']


def gaba_update(ST, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['s_GABA'][pre2post[i]] += 1.


_state = bp.types.NeuState({'V': V_L, 's_ext': 0., 's_AMPA': 0., 's_NMDA_tot': 0., 's_GABA': 0., 'spike': 0.,
                            't_last_spike': -1e7})
_neuron = bp.NeuType(name='BrunelWang_LIF', ST=_state, steps=neuron_update, mode='scalar')
# the background, the selective stimuli (C_ext / 10 sources, per-neuron rates) and the common reset stimulus
neuron = bp.inputs.poisson_drive(
    bp.inputs.poisson_drive(bp.inputs.poisson_drive(_neuron, 's_ext', C_ext, rate_ext, 1., name='background'),
                            's_ext', int(f * C_ext), 0., 1., name='selection'),
    's_ext', C_ext, 0., 1., name='reset')
glutamate = bp.SynType(name='BrunelWang_glutamate', ST=bp.types.SynState({'s_NMDA': 0., 'x': 0., 'w': 1.}),
                       requires=dict(pre=bp.types.NeuState(['spike']),
                                     post=bp.types.NeuState(['s_AMPA', 's_NMDA_tot'])),
                       steps=glutamate_update, mode='scalar', summed={'s_NMDA_tot': "ST['w'] * ST['s_NMDA']"})
gaba = bp.SynType(name='BrunelWang_GABA', ST=bp.types.SynState([]),
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['s_GABA']),
                                pre2post=bp.types.ListConn()),
                  steps=gaba_update, mode='vector')
INTERNEURON = {'C_m': 200., 'g_m': 20., 'tau_rp': 1., 'g_AMPA_ext': 1.62, 'g_AMPA_rec': 0.081, 'g_NMDA': 0.258,
               'g_GABA': 0.973}
"""The interneurons' parameters (pF, nS, ms) where they differ from the pyramidal neurons'."""
#: (start, end, stimulated population: 1, 2 or 'all') of each stimulus, in ms
STIMULI = ((1000., 1050., 1), (2000., 2050., 2), (3000., 3050., 'all'))


def populations(N_E: int) -> tuple[int, int]:
    """The number of nonselective E neurons (the first ones) and of each selective population's."""
    return int(N_E * (1. - f * p)), int(N_E * f)


def run(duration: float = 4000., N: int = 1000, seed: int = 0) -> dict:
    """Build the network of ``N`` neurons (recurrent conductances scaled by 800 / N_E and 200 / N_I, as the
    original) and run ``duration`` ms at dt 0.1 ms, the stimuli of ``STIMULI`` on their windows.

    Returns the E and I spikes (indices, times in ms), the sizes and the run time in seconds (``run_s``).
    """
    N_E, N_I = int(N * 0.8), int(N * 0.2)
    N_non, N_sub = populations(N_E)
    with bp.profile.override(dt=0.1, seed=seed):
        E = bp.NeuGroup(neuron, N_E, monitors=['spike'])
        I = bp.NeuGroup(neuron, N_I, monitors=['spike'])
        for name, value in INTERNEURON.items():
            I.pars[name] = value
        for group in (E, I):
            group.pars['g_AMPA_rec'] = group.pars['g_AMPA_rec'] * 800. / N_E
            group.pars['g_NMDA'] = group.pars['g_NMDA'] * 800. / N_E
            group.pars['g_GABA'] = group.pars['g_GABA'] * 200. / N_I
        E_E = bp.SynConn(glutamate, pre_group=E, post_group=E, conn=bp.connect.All2All(include_self=False))
        pre, post = E_E.pre_ids, E_E.post_ids
        w = np.ones(E_E.num)
        for start in range(N_non, N_non + p * N_sub, N_sub):
            w[(post >= start) & (post < start + N_sub)] = w_minus
            w[(pre >= start) & (pre < start + N_sub) & (post >= start) & (post < start + N_sub)] = w_plus
        E_E.ST['w'] = w
        E_I = bp.SynConn(glutamate, pre_group=E, post_group=I, conn=bp.connect.All2All())
        I_I = bp.SynConn(gaba, pre_group=I, post_group=I, conn=bp.connect.All2All(include_self=False))
        I_E = bp.SynConn(gaba, pre_group=I, post_group=E, conn=bp.connect.All2All())
        net = bp.Network(E, I, E_E, E_I, I_I, I_E)
        # per-neuron stimulus rates before the build: a parameter that turns from one value into an array
        # after it recompiles the kernel at the next run
        _stimulate(E, I, None, N_non, N_sub)
        net.build(duration)
        run_s, t = 0., 0.
        spikes = {'E_index': [], 'E_time': [], 'I_index': [], 'I_time': []}
        for start, end, target in STIMULI + ((duration, duration, None),):
            start, end = min(start, duration), min(end, duration)
            for window_end, stimulated in ((start, None), (end, target)):
                if window_end > t:
                    _stimulate(E, I, stimulated, N_non, N_sub)
                    t0 = time.perf_counter()
                    net.run((t, window_end))
                    run_s += time.perf_counter() - t0
                    t = window_end
                    # a run's monitors hold that run only: keep each window's spikes
                    for name, group in (('E', E), ('I', I)):
                        spikes[f'{name}_index'].append(np.asarray(group.mon.spike_index))
                        spikes[f'{name}_time'].append(np.asarray(group.mon.spike_time))
    return {**{key: np.concatenate(parts) for key, parts in spikes.items()},
            'N_E': N_E, 'N_I': N_I, 'N_non': N_non, 'N_sub': N_sub, 'duration': duration, 'run_s': run_s}


def statistics(out: dict) -> dict:
    """Rates (Hz): inhibitory and nonselective neurons from 200 ms on; the selective populations before the
    stimuli (200-1000 ms), populations 1 and 2 in the delays after stimuli 1 (1100-2000 ms) and 2 (2100-3000
    ms), the selective populations after the reset (3100-4000 ms); the windows only of a 4-s run."""
    N_non, N_sub, end = out['N_non'], out['N_sub'], out['duration']
    i_E, t_E, i_I, t_I = out['E_index'], out['E_time'], out['I_index'], out['I_time']
    pops = [np.arange(N_non + k * N_sub, N_non + (k + 1) * N_sub) for k in range(p)]
    stats = {'rate_I_hz': window_rate(i_I, t_I, np.arange(out['N_I']), 200., end),
             'rate_nonselective_hz': window_rate(i_E, t_E, np.arange(N_non), 200., end)}
    if end >= 4000.:
        stats.update({'rate_selective_spont_hz': window_rate(i_E, t_E, np.concatenate(pops), 200., 1000.),
                      'rate_pop1_delay1_hz': window_rate(i_E, t_E, pops[0], 1100., 2000.),
                      'rate_pop2_delay1_hz': window_rate(i_E, t_E, pops[1], 1100., 2000.),
                      'rate_pop1_delay2_hz': window_rate(i_E, t_E, pops[0], 2100., 3000.),
                      'rate_pop2_delay2_hz': window_rate(i_E, t_E, pops[1], 2100., 3000.),
                      'rate_selective_reset_hz': window_rate(i_E, t_E, np.concatenate(pops), 3100., 4000.)})
    return stats


def window_rate(index: np.ndarray, times: np.ndarray, members: np.ndarray, start: float, end: float) -> float:
    """Mean firing rate in Hz of the neurons ``members`` over ``[start, end)`` ms."""
    keep = np.isin(index, members) & (times >= start) & (times < end)
    return float(np.sum(keep) / len(members) / ((end - start) / 1000.))


def _stimulate(E, I, target, N_non: int, N_sub: int) -> None:
    """Set the stimuli's rates for the next window: ``target`` a selective population (1-5), 'all' or None."""
    selection = np.zeros(E.num)
    if isinstance(target, int):
        selection[N_non + (target - 1) * N_sub:N_non + target * N_sub] = rate_selection
    E.pars['selection_rate'] = selection
    for group in (E, I):
        group.pars['reset_rate'] = rate_selection if target == 'all' else 0.


if __name__ == '__main__':
    out = run()
    print(statistics(out), f"run {out['run_s']:.1f} s")
