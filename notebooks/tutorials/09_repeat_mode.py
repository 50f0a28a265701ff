# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Repeat mode
#
# A network in repeat mode is compiled once and run many times: here a search over g_max. Parameters are kernel arguments, so `syn.pars` may change between runs too.

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

bp.profile.set(jit=True, dt=0.04, numerical_method='exponential')

# %%
V_th, C, gLeak, ELeak, gNa, ENa, gK, EK, phi = 0., 1.0, 0.1, -65., 35., 55., 9., -90., 5.0

@bp.integrate
def int_h(h, t, V):
    alpha = 0.07 * np.exp(-(V + 58) / 20)
    beta = 1 / (np.exp(-0.1 * (V + 28)) + 1)
    return phi * (alpha * (1 - h) - beta * h)

@bp.integrate
def int_n(n, t, V):
    alpha = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1)
    beta = 0.125 * np.exp(-(V + 44) / 80)
    return phi * (alpha * (1 - n) - beta * n)

@bp.integrate
def int_V(V, t, h, n, Isyn):
    m_alpha = -0.1 * (V + 35) / (np.exp(-0.1 * (V + 35)) - 1)
    m_beta = 4 * np.exp(-(V + 60) / 18)
    m = m_alpha / (m_alpha + m_beta)
    INa = gNa * m ** 3 * h * (V - ENa)
    IK = gK * n ** 4 * (V - EK)
    IL = gLeak * (V - ELeak)
    return (- INa - IK - IL + Isyn) / C

def update(ST, _t):
    h = int_h(ST['h'], _t, ST['V'])
    n = int_n(ST['n'], _t, ST['V'])
    V = int_V(ST['V'], _t, ST['h'], ST['n'], ST['input'])
    ST['spike'] = np.logical_and(ST['V'] < V_th, V >= V_th)
    ST['V'] = V
    ST['h'] = h
    ST['n'] = n
    ST['input'] = 0.

HH = bp.NeuType(ST=bp.types.NeuState({'V': -55., 'h': 0., 'n': 0., 'spike': 0., 'input': 0.}),
                name='HH_neuron', steps=update)

g_max, E, alpha, beta = 0.1, -75., 12., 0.1

@bp.integrate
def int_s(s, t, TT):
    return alpha * TT * (1 - s) - beta * s

def syn_update(ST, _t, pre):
    T = 1 / (1 + np.exp(-(pre['V'] - V_th) / 2))
    ST['s'] = int_s(ST['s'], _t, T)

@bp.delayed
def syn_output(ST, post):
    post['input'] -= g_max * ST['s'] * (post['V'] - E)

GABAa = bp.SynType(ST=bp.types.SynState(['s']), name='GABAa', steps=(syn_update, syn_output), mode='scalar',
                   requires=dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input'])))

def initial_state(num, seed=0):
    v = -70. + np.random.default_rng(seed).random(num) * 20
    h_a, h_b = 0.07 * np.exp(-(v + 58) / 20), 1 / (np.exp(-0.1 * (v + 28)) + 1)
    n_a, n_b = -0.01 * (v + 34) / (np.exp(-0.1 * (v + 34)) - 1), 0.125 * np.exp(-(v + 44) / 80)
    return v, h_a / (h_a + h_b), n_a / (n_a + n_b)


# %%
num = 60
group = bp.NeuGroup(HH, geometry=num, monitors=['spike'])
conn = bp.SynConn(GABAa, pre_group=group, post_group=group, conn=bp.connect.All2All(include_self=False))
net = bp.Network(group, conn, mode='repeat')
v, h, n = initial_state(num)
all_g_max = np.linspace(0.02, 0.2, 6) / num
all_cc = []
for g in all_g_max:
    group.ST['V'], group.ST['h'], group.ST['n'] = v, h, n
    group.ST['spike'] = 0.
    group.ST['input'] = 0.
    conn.ST['s'] = 0.
    conn.pars['g_max'] = g
    net.run(duration=200., inputs=[group, 'ST.input', 1.2])
    all_cc.append(bp.measure.cross_correlation(group.mon.spike, bin_size=int(0.5 / bp.profile.get_dt())))
print('compilations:', net.compile_count)
plt.plot(all_g_max, all_cc, 'o-')
plt.xlabel('g_max')
plt.ylabel('coherence')
plt.show()
