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
# # Quickstart: a gamma rhythm from mutual inhibition
#
# A hundred Hodgkin-Huxley-type interneurons inhibit each other through GABA_A synapses (Wang & Buzsaki 1996). With enough inhibition they fire together in a 20-80 Hz rhythm. We define the neuron and the synapse, connect them and run.

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

bp.profile.set(jit=True, device='cpu', dt=0.04, numerical_method='exponential')

# %% [markdown]
# A neuron model is a state (`NeuState`), derivative functions made into integrators by `@bp.integrate`, and a step function that moves the state from `t` to `t + dt`.

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

# %% [markdown]
# The synapse has one gating variable per connection. Its `output` is `@bp.delayed`: it sees the gate as it was `delay` ms earlier.

# %%
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


# %% [markdown]
# Concrete objects: a group of 100 neurons, all-to-all synapses without self-connections, a network. Parameters are per object (`syn.pars`) and are data: changing them does not recompile.

# %%
def initial_state(num, seed=0):
    v = -70. + np.random.default_rng(seed).random(num) * 20
    h_a, h_b = 0.07 * np.exp(-(v + 58) / 20), 1 / (np.exp(-0.1 * (v + 28)) + 1)
    n_a, n_b = -0.01 * (v + 34) / (np.exp(-0.1 * (v + 34)) - 1), 0.125 * np.exp(-(v + 44) / 80)
    return v, h_a / (h_a + h_b), n_a / (n_a + n_b)

num = 100
neu = bp.NeuGroup(HH, geometry=num, monitors=['spike', 'V'])
syn = bp.SynConn(model=GABAa, pre_group=neu, post_group=neu,
                 conn=bp.connect.All2All(include_self=False), delay=0.5)
neu.ST['V'], neu.ST['h'], neu.ST['n'] = initial_state(num)
syn.pars['g_max'] = 0.1 / num
net = bp.Network(neu, syn)
net.run(duration=300., inputs=[neu, 'ST.input', 1.2], report=True)

# %%
fig, gs = bp.visualize.get_figure(2, 1, 3, 10)
fig.add_subplot(gs[0, 0])
plt.plot(net.ts, neu.mon.V[:, 0])
plt.ylabel('V of neuron 0 (mV)')
fig.add_subplot(gs[1, 0])
index, time = bp.measure.raster_plot(neu.mon.spike, net.ts)
plt.plot(time, index, '.', markersize=2)
plt.xlabel('time (ms)')
plt.ylabel('neuron')
plt.show()

# %% [markdown]
# ## Live
#
# `NetworkExplorer` re-runs the compiled network whenever a slider moves and streams the raster as it is computed.

# %%
from bpwidgets import NetworkExplorer

explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=200., params={syn: ['g_max']},
                           ranges={'g_max': (0.0, 0.004)})
explorer.runner.wait()
explorer
