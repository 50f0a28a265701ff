"""Wang's (2002) decision-making network, reduced to 100 neurons, as a BrainPy 0.3 user writes it.

Integrate-and-fire excitatory (two selective populations A and B, a non-selective one) and inhibitory
neurons; recurrent AMPA, NMDA (second-order kinetics, magnesium block) and GABA_A synapses in scalar mode,
each with its ``@bp.delayed`` output and a 0.5 ms delay; background and stimulus as Poisson input through
external AMPA synapses. Conductances are Wang's, scaled up by the factor the network is smaller.
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
Cm, g_L, tau_ref = 500., 25., 2.  # excitatory; the inhibitory group's pars: 200., 20., 1.

neu_ST = bp.types.NeuState({'V': V_L, 'input': 0., 'spike': 0., 't_last_spike': -1e7})


@bp.integrate
def int_V(V, t, I_syn):
    return (-g_L * (V - V_L) + I_syn) / Cm


def neu_update(ST, _t):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] >= tau_ref:
        V = int_V(ST['V'], _t, ST['input'])
        if V >= V_th:
            V = V_reset
            ST['spike'] = 1.
            ST['t_last_spike'] = _t
        ST['V'] = V
    ST['input'] = 0.


LIF = bp.NeuType(name='WangLIF', ST=neu_ST, steps=neu_update, mode='scalar')

# synapses --------------------------------------------------------------------------------------------------
pre_ST = bp.types.NeuState(['spike'])
post_ST = bp.types.NeuState(['V', 'input'])
g_max = 1.
E_syn = 0.


@bp.integrate
def int_s_AMPA(s, t):
    return -s / tau_AMPA


def ampa_update(ST, _t, pre):
    s = int_s_AMPA(ST['s'], _t)
    if pre['spike'] > 0.:
        s += 1.
    ST['s'] = s


@bp.delayed
def output(ST, post):
    post['input'] -= g_max * ST['w'] * ST['s'] * (post['V'] - E_syn)


AMPA = bp.SynType(name='AMPA', ST=bp.types.SynState({'s': 0., 'w': 1.}), steps=(ampa_update, output),
                  requires=dict(pre=pre_ST, post=post_ST), mode='scalar')


@bp.integrate
def int_s_GABA(s, t):
    return -s / tau_GABA


def gaba_update(ST, _t, pre):
    s = int_s_GABA(ST['s'], _t)
    if pre['spike'] > 0.:
        s += 1.
    ST['s'] = s


GABA = bp.SynType(name='GABAa', ST=bp.types.SynState({'s': 0., 'w': 1.}), steps=(gaba_update, output),
                  requires=dict(pre=pre_ST, post=post_ST), mode='scalar')


@bp.integrate
def int_x(x, t):
    return -x / tau_NMDA_rise


@bp.integrate
def int_s_NMDA(s, t, x):
    return -s / tau_NMDA_decay + alpha_NMDA * x * (1 - s)


def nmda_update(ST, _t, pre):
    x = int_x(ST['x'], _t)
    s = int_s_NMDA(ST['s'], _t, ST['x'])
    if pre['spike'] > 0.:
        x += 1.
    ST['x'] = x
    ST['s'] = s


@bp.delayed
def nmda_output(ST, post):
    g = g_max * ST['w'] * ST['s'] / (1 + Mg * np.exp(-0.062 * post['V']) / 3.57)
    post['input'] -= g * (post['V'] - E_NMDA)


NMDA = bp.SynType(name='NMDA', ST=bp.types.SynState({'s': 0., 'x': 0., 'w': 1.}), steps=(nmda_update, nmda_output),
                  requires=dict(pre=pre_ST, post=post_ST), mode='scalar')

# the network -----------------------------------------------------------------------------------------------
def conductances(n_e):
    """Wang's conductances (nS), for targets E and I, the recurrent ones scaled to ``n_e`` excitatory neurons."""
    scale = 1600. / n_e  # Wang's network has 1600 excitatory and 400 inhibitory neurons
    return {'ext': (2.1, 1.62), 'AMPA': (0.05 * scale, 0.04 * scale), 'NMDA': (0.165 * scale, 0.13 * scale),
            'GABA': (1.3 * scale, 1.0 * scale)}


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
    N_E, N_I, CONDUCTANCES = n_e, n_i, conductances(n_e)
    E = bp.NeuGroup(LIF, geometry=N_E, monitors=['spike', 'V'])
    I = bp.NeuGroup(LIF, geometry=N_I, monitors=['spike', 'V'])
    I.pars['Cm'], I.pars['g_L'], I.pars['tau_ref'] = 200., 20., 1.
    rng = np.random.RandomState(seed)
    for group in (E, I):
        group.ST['V'] = V_L + rng.rand(group.num) * (V_th - V_L)
    ext = bp.inputs.PoissonInput(N_E + N_I, freqs=rates(coherence, N_E, N_I), monitors=['spike'])
    syns = []
    for (kind, model), (pre, target) in zip(
            [('ext', AMPA), ('ext', AMPA), ('AMPA', AMPA), ('AMPA', AMPA), ('NMDA', NMDA), ('NMDA', NMDA),
             ('GABA', GABA), ('GABA', GABA)],
            [(ext[:N_E], E), (ext[N_E:], I), (E, E), (E, I), (E, E), (E, I), (I, E), (I, I)]):
        conn = bp.connect.One2One() if kind == 'ext' else bp.connect.All2All(include_self=pre is not target)
        syn = bp.SynConn(model, pre_group=pre, post_group=target, conn=conn, delay=0. if kind == 'ext' else delay)
        syn.pars['g_max'] = CONDUCTANCES[kind][0 if target is E else 1]
        if model is not NMDA:
            syn.pars['E_syn'] = E_GABA if kind == 'GABA' else E_AMPA
        if kind in ('AMPA', 'NMDA') and target is E:
            syn.ST['w'] = weight(syn.pre_ids, syn.post_ids, N_E)
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

    ``syns`` give the weights (``ST['w']``, ``pars['g_max']``) and connections; the synapses of one presynaptic
    neuron share their gating variables, so the numpy network keeps one per presynaptic neuron.
    """
    n_steps, D = len(ts), int(round(delay / dt))
    N_E, N_I, CONDUCTANCES = E.num, I.num, conductances(E.num)
    groups = [(E, 500., 25., 2.), (I, 200., 20., 1.)]
    V = [np.array(V0[0], dtype=float), np.array(V0[1], dtype=float)]
    last = [np.full(N_E, -1e7), np.full(N_I, -1e7)]
    inp = [np.zeros(N_E), np.zeros(N_I)]
    s_ext = np.zeros(N_E + N_I)
    s_ampa, x_nmda, s_nmda, s_gaba = np.zeros(N_E), np.zeros(N_E), np.zeros(N_E), np.zeros(N_I)
    history = {k: np.zeros((n_steps + D, n)) for k, n in (('AMPA', N_E), ('NMDA', N_E), ('GABA', N_I))}
    mats = []
    for syn in syns[2:]:  # dense weight matrices of the recurrent pathways, (pre, post)
        pre_n, post_n = syn.pre_group.num, syn.post_group.num
        M = np.zeros((pre_n, post_n))
        M[syn.pre_ids - syn.pre_ids.min() * (syn.pre_group is I), syn.post_ids] = np.asarray(syn.ST['w'])
        mats.append((M, float(syn.pars['g_max']), syn.post_group is E))
    out_V = [np.empty((n_steps, N_E)), np.empty((n_steps, N_I))]
    out_spikes = [np.zeros((n_steps, N_E)), np.zeros((n_steps, N_I))]
    for n, t in enumerate(ts):
        spikes = []
        for k, (_, C, gL, ref) in enumerate(groups):
            active = t - last[k] >= ref
            V_new = V[k] + dt * (-gL * (V[k] - V_L) + inp[k]) / C
            fired = active & (V_new >= V_th)
            V_new[fired] = V_reset
            last[k] = np.where(fired, t, last[k])
            V[k] = np.where(active, V_new, V[k])
            inp[k] = np.zeros_like(inp[k])
            spikes.append(fired.astype(float))
            out_V[k][n], out_spikes[k][n] = V[k], fired
        s_ext = s_ext * (1 - dt / tau_AMPA) + ext_spikes[n]
        inp[0] -= CONDUCTANCES['ext'][0] * s_ext[:N_E] * (V[0] - E_AMPA)
        inp[1] -= CONDUCTANCES['ext'][1] * s_ext[N_E:] * (V[1] - E_AMPA)
        s_ampa = s_ampa * (1 - dt / tau_AMPA) + spikes[0]
        s_nmda = s_nmda + dt * (-s_nmda / tau_NMDA_decay + alpha_NMDA * x_nmda * (1 - s_nmda))
        x_nmda = x_nmda * (1 - dt / tau_NMDA_rise) + spikes[0]
        s_gaba = s_gaba * (1 - dt / tau_GABA) + spikes[1]
        history['AMPA'][n + D], history['NMDA'][n + D], history['GABA'][n + D] = s_ampa, s_nmda, s_gaba
        for (M, g, to_E), kind in zip(mats, ('AMPA', 'AMPA', 'NMDA', 'NMDA', 'GABA', 'GABA')):
            k = 0 if to_E else 1
            g_post = g * (history[kind][n] @ M)
            if kind == 'NMDA':
                g_post = g_post / (1 + Mg * np.exp(-0.062 * V[k]) / 3.57)
            inp[k] -= g_post * (V[k] - (E_GABA if kind == 'GABA' else E_AMPA))
    return out_V, out_spikes
