"""Wang's (2002) decision-making network, reduced to 100 neurons, as a BrainPy 0.3 user writes it, in the
formulation of Brian2's ``frompapers/Wang_2002`` example.

Integrate-and-fire excitatory (two selective populations A and B, a non-selective one) and inhibitory
neurons. Every gate is a field of the neuron that receives it (AMPA, GABA_A, external AMPA: conductances in nS
that jump by a synapse's weight when a spike arrives) or of the neuron that emits it (NMDA: ``x`` jumps by 1
0.5 ms after the neuron's own spike, ``s_NMDA`` follows it with second-order saturating kinetics). The NMDA
synapses sum ``w * s_NMDA`` of their presynaptic neurons onto ``s_NMDA_tot`` of their targets every step; the
AMPA and GABA_A synapses deliver spikes 0.5 ms late (``@bp.delayed``). All recurrent pathways are all-to-all,
autapses included, as the Brian2 example connects them. The external input is one Poisson source per neuron
(background and, for A and B, the stimulus' constant rate) through an AMPA synapse.
Conductances are Wang's, scaled up by the factor the network is smaller.
Units: mV, ms, nS, pF (so nS mV / pF = mV / ms).
"""

import numpy as np

import bp_core as bp

N_E, N_I = 80, 20  # the default size
f = 0.15
w_plus = 1.7
w_minus = 1. - f * (w_plus - 1.) / (1. - f)
V_L, V_th, V_reset = -70., -50., -55.
E_AMPA = E_NMDA = 0.
E_GABA = -70.
tau_AMPA, tau_NMDA_rise, tau_NMDA_decay, alpha_NMDA, tau_GABA = 2., 2., 100., 0.5, 5.
Mg = 1.
rate_ext = 2400.  # Hz, per neuron
mu0 = 40.  # Hz, the stimulus' mean rate per selective neuron
delay = 0.5

# neurons ---------------------------------------------------------------------------------------------------
Cm, g_L, tau_ref, g_NMDA = 500., 25., 2., 0.165  # excitatory; the inhibitory group's pars: INHIBITORY
INHIBITORY = {'Cm': 200., 'g_L': 20., 'tau_ref': 1., 'g_NMDA': 0.13}

neu_ST = bp.types.NeuState({'V': V_L, 's_ext': 0., 's_AMPA': 0., 's_GABA': 0., 'x': 0., 's_NMDA': 0.,
                            's_NMDA_tot': 0., 'spike': 0., 't_last_spike': -1e7})


@bp.integrate
def int_V(V, t, s_ext, s_AMPA, s_GABA, s_NMDA_tot):
    I_NMDA = g_NMDA * s_NMDA_tot * (V - E_NMDA) / (1 + Mg * np.exp(-0.062 * V) / 3.57)
    I_syn = (s_ext + s_AMPA) * (V - E_AMPA) + s_GABA * (V - E_GABA) + I_NMDA
    return (-g_L * (V - V_L) - I_syn) / Cm


@bp.integrate
def int_s_AMPA(s, t):
    return -s / tau_AMPA


@bp.integrate
def int_s_GABA(s, t):
    return -s / tau_GABA


@bp.integrate
def int_x(x, t):
    return -x / tau_NMDA_rise


@bp.integrate
def int_s_NMDA(s, t, x):
    return -s / tau_NMDA_decay + alpha_NMDA * x * (1 - s)


def neu_update(ST, _t, _dt):
    # every equation steps from the values the step starts with (Euler, as Brian2's)
    s_ext, s_AMPA, s_GABA, x = ST['s_ext'], ST['s_AMPA'], ST['s_GABA'], ST['x']
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > tau_ref - 0.5 * _dt:  # V is clamped while refractory
        V = int_V(ST['V'], _t, s_ext, s_AMPA, s_GABA, ST['s_NMDA_tot'])
        if V > V_th:
            V = V_reset
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = V
    ST['s_ext'] = int_s_AMPA(s_ext, _t)
    ST['s_AMPA'] = int_s_AMPA(s_AMPA, _t)
    ST['s_GABA'] = int_s_GABA(s_GABA, _t)
    ST['s_NMDA'] = int_s_NMDA(ST['s_NMDA'], _t, x)
    ST['x'] = int_x(x, _t)
    ST['s_NMDA_tot'] = 0.  # the NMDA synapses sum into it for the next step


LIF = bp.NeuType(name='WangLIF', ST=neu_ST, steps=neu_update, mode='scalar')

# synapses --------------------------------------------------------------------------------------------------
pre_ST = bp.types.NeuState(['spike'])


def ext_update(ST, pre, post):
    post['s_ext'] += ST['w'] * pre['spike']


External = bp.SynType(name='External', ST=bp.types.SynState({'w': 1.}), steps=ext_update,
                      requires=dict(pre=pre_ST, post=bp.types.NeuState(['s_ext'])), mode='scalar')


def copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def ampa_output(ST, post):
    post['s_AMPA'] += ST['w'] * ST['s']


AMPA = bp.SynType(name='AMPA', ST=bp.types.SynState({'s': 0., 'w': 1.}), steps=(copy_spike, ampa_output),
                  requires=dict(pre=pre_ST, post=bp.types.NeuState(['s_AMPA'])), mode='scalar')


@bp.delayed
def gaba_output(ST, post):
    post['s_GABA'] += ST['w'] * ST['s']


GABA = bp.SynType(name='GABAa', ST=bp.types.SynState({'s': 0., 'w': 1.}), steps=(copy_spike, gaba_output),
                  requires=dict(pre=pre_ST, post=bp.types.NeuState(['s_GABA'])), mode='scalar')


@bp.delayed
def open_nmda(ST, post):
    post['x'] += ST['s']


NMDAOpen = bp.SynType(name='NMDAOpen', ST=bp.types.SynState({'s': 0.}), steps=(copy_spike, open_nmda),
                      requires=dict(pre=pre_ST, post=bp.types.NeuState(['x'])), mode='scalar')
"""A neuron's own spike opens its NMDA gate 0.5 ms later (one-to-one from E onto itself)."""


def nmda_sum(ST, pre, post):
    post['s_NMDA_tot'] += ST['w'] * pre['s_NMDA']


NMDA = bp.SynType(name='NMDA', ST=bp.types.SynState({'w': 1.}), steps=nmda_sum,
                  requires=dict(pre=bp.types.NeuState(['s_NMDA']), post=bp.types.NeuState(['s_NMDA_tot'])),
                  mode='scalar')
"""Sums the presynaptic neurons' NMDA gates, weighted, onto ``s_NMDA_tot`` of the target."""


# the network -----------------------------------------------------------------------------------------------
def conductances(n_e):
    """Wang's conductances (nS) for targets E and I, the recurrent AMPA and GABA ones scaled to ``n_e``
    excitatory neurons (NMDA's are the neurons' ``g_NMDA``, scaled by :func:`make`)."""
    scale = 1600. / n_e  # Wang's network has 1600 excitatory and 400 inhibitory neurons
    return {'ext': (2.1, 1.62), 'AMPA': (0.05 * scale, 0.04 * scale), 'GABA': (1.3 * scale, 1.0 * scale)}


def population(index, n_e):
    """0 for A, 1 for B, 2 for the non-selective excitatory neurons."""
    n_sel = int(f * n_e)
    return np.where(index < n_sel, 0, np.where(index < 2 * n_sel, 1, 2))


def weight(pre, post, n_e):
    """Wang's structured excitatory weights: w+ within a selective population, w- from the others."""
    same = (population(pre, n_e) == population(post, n_e)) & (population(post, n_e) < 2)
    return np.where(population(post, n_e) == 2, 1., np.where(same, w_plus, w_minus))


def rates(coherence, n_e, n_i):
    """Poisson rate of each neuron's external input: background, plus the stimulus for A and B."""
    n_sel = int(f * n_e)
    out = np.full(n_e + n_i, rate_ext)
    out[:n_sel] += mu0 * (1 + coherence)
    out[n_sel:2 * n_sel] += mu0 * (1 - coherence)
    return out


def make(coherence=0.5, dt=0.1, n_e=N_E, n_i=N_I, seed=0):
    """Groups and synapses of the network (E and I groups, a Poisson group of the external input); the
    membrane potentials start uniformly between rest and threshold, drawn from ``seed``."""
    bp.profile.set(dt=dt, numerical_method='euler')
    N_E, N_I, G = n_e, n_i, conductances(n_e)
    E = bp.NeuGroup(LIF, geometry=N_E, monitors=['spike', 'V'])
    I = bp.NeuGroup(LIF, geometry=N_I, monitors=['spike', 'V'])
    for name, value in INHIBITORY.items():
        I.pars[name] = value
    E.pars['g_NMDA'] = g_NMDA * 1600. / N_E
    I.pars['g_NMDA'] = INHIBITORY['g_NMDA'] * 1600. / N_E
    rng = np.random.RandomState(seed)
    for group in (E, I):
        group.ST['V'] = V_L + rng.rand(group.num) * (V_th - V_L)
    ext = bp.inputs.PoissonInput(N_E + N_I, freqs=rates(coherence, N_E, N_I), monitors=['spike'])
    everyone = bp.connect.All2All(include_self=True)
    syns = [bp.SynConn(External, pre_group=ext[:N_E], post_group=E, conn=bp.connect.One2One()),
            bp.SynConn(External, pre_group=ext[N_E:], post_group=I, conn=bp.connect.One2One()),
            bp.SynConn(NMDAOpen, pre_group=E, post_group=E, conn=bp.connect.One2One(), delay=delay)]
    syns[0].ST['w'], syns[1].ST['w'] = G['ext']
    for model, pre, target, g in [(AMPA, E, E, G['AMPA'][0]), (AMPA, E, I, G['AMPA'][1]),
                                  (NMDA, E, E, 1.), (NMDA, E, I, 1.),
                                  (GABA, I, E, G['GABA'][0]), (GABA, I, I, G['GABA'][1])]:
        syn = bp.SynConn(model, pre_group=pre, post_group=target, conn=everyone,
                         delay=0. if model is NMDA else delay)
        syn.ST['w'] = g * (weight(syn.pre_ids, syn.post_ids, N_E) if pre is E and target is E else 1.)
        syns.append(syn)
    return E, I, ext, syns


def run(duration, coherence=0.5, dt=0.1, n_e=N_E, n_i=N_I, seed=0):
    """Run the network; returns (E, I, ext, syns, initial V of E and I)."""
    E, I, ext, syns = make(coherence, dt, n_e, n_i, seed)
    V0 = (E.ST['V'].copy(), I.ST['V'].copy())
    net = bp.Network(ext, E, I, *syns)
    net.reseed(seed)  # the Poisson input too comes from the seed
    net.run(duration)
    return E, I, ext, syns, V0


def reference(E, I, V0, ext_spikes, syns, ts, dt=0.1):
    """The same network in numpy, driven by the recorded external spikes: (V, spikes) of E and I.

    ``syns`` (in :func:`make`'s order) give the weights (``ST['w']``) and connections; every gate is one
    value per neuron, as in the model.
    """
    n_steps, D = len(ts), int(round(delay / dt))
    n = {'E': E.num, 'I': I.num}
    pars = {'E': (Cm, g_L, tau_ref, float(E.pars['g_NMDA'])),
            'I': (INHIBITORY['Cm'], INHIBITORY['g_L'], INHIBITORY['tau_ref'], float(I.pars['g_NMDA']))}
    V = {'E': np.array(V0[0], dtype=float), 'I': np.array(V0[1], dtype=float)}
    state = {k: {g: np.zeros(n[k]) for g in ('s_ext', 's_AMPA', 's_GABA', 'x', 's_NMDA', 's_NMDA_tot')}
             for k in n}
    last = {k: np.full(n[k], -1e7) for k in n}
    fired_at = {k: np.zeros((n_steps + D, n[k])) for k in n}  # spikes, to deliver D steps later

    def dense(syn):
        pre_n, post_n = syn.pre_group.num, syn.post_group.num
        M = np.zeros((pre_n, post_n))
        M[syn.pre_ids - syn.pre_ids.min() * (syn.pre_group is I), syn.post_ids] = np.asarray(syn.ST['w'])
        return M

    w_ext = {'E': np.asarray(syns[0].ST['w']), 'I': np.asarray(syns[1].ST['w'])}
    names = [('AMPA', 'E', 'E'), ('AMPA', 'E', 'I'), ('NMDA', 'E', 'E'), ('NMDA', 'E', 'I'), ('GABA', 'I', 'E'),
             ('GABA', 'I', 'I')]
    mats = [(kind, pre, post, dense(syn)) for (kind, pre, post), syn in zip(names, syns[3:])]
    out_V = {k: np.empty((n_steps, n[k])) for k in n}
    out_spikes = {k: np.zeros((n_steps, n[k])) for k in n}
    for step, t in enumerate(ts):
        for k in ('E', 'I'):
            C, gL, ref, gN = pars[k]
            s = state[k]
            active = t - last[k] > ref - 0.5 * dt
            v = V[k]
            I_syn = ((s['s_ext'] + s['s_AMPA']) * (v - E_AMPA) + s['s_GABA'] * (v - E_GABA)
                     + gN * s['s_NMDA_tot'] * (v - E_NMDA) / (1 + Mg * np.exp(-0.062 * v) / 3.57))
            V_new = v + dt * (-gL * (v - V_L) - I_syn) / C
            fired = active & (V_new > V_th)
            V_new[fired] = V_reset
            last[k] = np.where(fired, t, last[k])
            V[k] = np.where(active, V_new, v)
            x = s['x']
            s['s_ext'] = s['s_ext'] - dt * s['s_ext'] / tau_AMPA
            s['s_AMPA'] = s['s_AMPA'] - dt * s['s_AMPA'] / tau_AMPA
            s['s_GABA'] = s['s_GABA'] - dt * s['s_GABA'] / tau_GABA
            s['s_NMDA'] = s['s_NMDA'] + dt * (-s['s_NMDA'] / tau_NMDA_decay + alpha_NMDA * x * (1 - s['s_NMDA']))
            s['x'] = x - dt * x / tau_NMDA_rise
            s['s_NMDA_tot'] = np.zeros(n[k])
            fired_at[k][step + D] = fired
            out_V[k][step], out_spikes[k][step] = V[k], fired
        state['E']['s_ext'] += w_ext['E'] * ext_spikes[step][:n['E']]
        state['I']['s_ext'] += w_ext['I'] * ext_spikes[step][n['E']:]
        state['E']['x'] += fired_at['E'][step]  # the spikes of D steps ago open the NMDA gates
        for kind, pre, post, M in mats:
            if kind == 'NMDA':
                state[post]['s_NMDA_tot'] += state[pre]['s_NMDA'] @ M
            else:
                state[post][f's_{kind}'] += fired_at[pre][step] @ M
    return [out_V['E'], out_V['I']], [out_spikes['E'], out_spikes['I']]
