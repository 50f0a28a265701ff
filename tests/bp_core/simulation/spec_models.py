"""Models written as the spec's chapters write them, shared by the simulation tests."""

import numpy as np

import bp_core as bp

get_LIF = bp.models.get_LIF  # the spec's E/I-network LIF, parameters as arguments


# AMPA synapses of "Build Synapses", in its three modes
tau_decay = 2.
g_max = .10
E = 0.


@bp.integrate
def ints(s, t):
    return - s / tau_decay


def ampa(mode):
    """The chapter's AMPA SynType in 'scalar', 'matrix' or 'vector' mode."""
    pre = bp.types.NeuState(['spike'], help='Presynaptic neuron state must have "sp" item.')
    post = bp.types.NeuState(['V', 'input'], help='Postsynaptic neuron state must have "V" and "inp" item.')
    if mode == 'scalar':
        def update(ST, _t, pre):
            s = ints(ST['s'], _t)
            if pre['spike'] == True:  # noqa: E712  (as the chapter writes it)
                s += 1
            ST['s'] = s

        @bp.delayed
        def output(ST, post):
            I_syn = - g_max * ST['s'] * (post['V'] - E)
            post['input'] += I_syn

        return bp.SynType(name='AMPA_synapse', ST=bp.types.SynState(['s'], help='AMPA synapse state.'),
                          requires=dict(pre=pre, post=post), steps=(update, output), mode='scalar')
    if mode == 'matrix':
        def update(ST, _t, pre, conn_mat):
            s = ints(ST['s'], _t)
            s += pre['spike'].reshape((-1, 1)) * conn_mat
            ST['s'] = s
            ST['g'] = g_max * s

        @bp.delayed
        def output(ST, post):
            g = np.sum(ST['g'], axis=0)
            post['input'] -= g * (post['V'] - E)

        return bp.SynType(name='AMPA_synapse', ST=bp.types.SynState(['s', 'g']),
                          requires=dict(pre=pre, post=post, conn_mat=bp.types.MatConn()),
                          steps=(update, output), mode='matrix')

    def update(ST, _t, pre, pre2syn):
        s = ints(ST['s'], _t)
        spikeike_idx = np.where(pre['spike'] > 0.)[0]
        for i in spikeike_idx:
            syn_idx = pre2syn[i]
            s[syn_idx] += 1.
        ST['s'] = s

    @bp.delayed
    def output(ST, post, post2syn):
        post_cond = np.zeros(len(post2syn), dtype=np.float_)
        for post_id, syn_ids in enumerate(post2syn):
            post_cond[post_id] = np.sum(g_max * ST['s'][syn_ids])
        post['input'] -= post_cond * (post['V'] - E)

    return bp.SynType(name='AMPA_synapse', ST=bp.types.SynState(['s']),
                      requires=dict(pre=pre, post=post, pre2syn=bp.types.ListConn(), post2syn=bp.types.ListConn()),
                      steps=(update, output), mode='vector')


# the quickstart's Wang-Buzsaki network
V_th = 0.
C = 1.0
gLeak = 0.1
ELeak = -65
gNa = 35.
ENa = 55.
gK = 9.
EK = -90.
phi = 5.0


@bp.integrate
def int_h(h, t, V):
    alpha = 0.07 * np.exp(-(V + 58) / 20)
    beta = 1 / (np.exp(-0.1 * (V + 28)) + 1)
    dhdt = alpha * (1 - h) - beta * h
    return phi * dhdt


@bp.integrate
def int_n(n, t, V):
    alpha = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1)
    beta = 0.125 * np.exp(-(V + 44) / 80)
    dndt = alpha * (1 - n) - beta * n
    return phi * dndt


@bp.integrate
def int_V(V, t, h, n, Isyn):
    m_alpha = -0.1 * (V + 35) / (np.exp(-0.1 * (V + 35)) - 1)
    m_beta = 4 * np.exp(-(V + 60) / 18)
    m = m_alpha / (m_alpha + m_beta)
    INa = gNa * m ** 3 * h * (V - ENa)
    IK = gK * n ** 4 * (V - EK)
    IL = gLeak * (V - ELeak)
    dvdt = (- INa - IK - IL + Isyn) / C
    return dvdt


def hh_update(ST, _t):
    h = int_h(ST['h'], _t, ST['V'])
    n = int_n(ST['n'], _t, ST['V'])
    V = int_V(ST['V'], _t, ST['h'], ST['n'], ST['input'])
    sp = np.logical_and(ST['V'] < V_th, V >= V_th)
    ST['spike'] = sp
    ST['V'] = V
    ST['h'] = h
    ST['n'] = n
    ST['input'] = 0.


def hh_neuron():
    """The quickstart's HH NeuType (vector mode)."""
    HH_ST = bp.types.NeuState({'V': -55., 'h': 0., 'n': 0., 'spike': 0., 'input': 0.})
    return bp.NeuType(ST=HH_ST, name='HH_neuron', steps=hh_update)


alpha = 12.
beta = 0.1
E_gaba = -75.


@bp.integrate
def int_s(s, t, TT):
    return alpha * TT * (1 - s) - beta * s


def gaba_update(ST, _t, pre):
    T = 1 / (1 + np.exp(-(pre['V'] - V_th) / 2))
    s = int_s(ST['s'], _t, T)
    ST['s'] = s


@bp.delayed
def gaba_output(ST, post):
    post['input'] -= g_max * ST['s'] * (post['V'] - E_gaba)


def gaba_synapse():
    """The quickstart's GABA_A SynType (scalar mode, delayed output)."""
    requires = dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input']))
    return bp.SynType(ST=bp.types.SynState(['s']), name='GABAa', steps=(gaba_update, gaba_output),
                      requires=requires, mode='scalar')


def hh_initial_state(num, rng):
    """The quickstart's random initial V with h and n at their steady state."""
    v_init = -70. + rng.random(num) * 20
    h_alpha = 0.07 * np.exp(-(v_init + 58) / 20)
    h_beta = 1 / (np.exp(-0.1 * (v_init + 28)) + 1)
    n_alpha = -0.01 * (v_init + 34) / (np.exp(-0.1 * (v_init + 34)) - 1)
    n_beta = 0.125 * np.exp(-(v_init + 44) / 80)
    return v_init, h_alpha / (h_alpha + h_beta), n_alpha / (n_alpha + n_beta)


def gamma_network(num=100, seed=0, mode='once'):
    """Build the quickstart network; returns (net, neurons, synapses)."""
    neu = bp.NeuGroup(hh_neuron(), geometry=num, monitors=['spike', 'V'])
    syn = bp.SynConn(model=gaba_synapse(), pre_group=neu, post_group=neu,
                     conn=bp.connect.All2All(include_self=False), delay=0.5)
    v, h, n = hh_initial_state(num, np.random.default_rng(seed))
    neu.ST['V'] = v
    neu.ST['h'] = h
    neu.ST['n'] = n
    syn.pars['g_max'] = 0.1 / num
    return bp.Network(neu, syn, mode=mode), neu, syn
