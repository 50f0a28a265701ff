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
# # Building neurons
#
# A `NeuType` is an abstract model; a `NeuGroup` is a concrete population of it. Step functions see either one neuron (`mode='scalar'`) or the whole group (`mode='vector'`).

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

bp.profile.set(dt=0.01)

# %%
C, g_Na, E_Na, E_K, g_K, E_Leak, g_Leak, Vth = 1.0, 120., 50., -77., 36., -54.402, 0.3, 20.

@bp.integrate
def int_m(m, t, V):
    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    beta = 4.0 * np.exp(-(V + 65) / 18)
    return alpha * (1 - m) - beta * m

@bp.integrate
def int_h(h, t, V):
    alpha = 0.07 * np.exp(-(V + 65) / 20.)
    beta = 1 / (1 + np.exp(-(V + 35) / 10))
    return alpha * (1 - h) - beta * h

@bp.integrate
def int_n(n, t, V):
    alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    beta = 0.125 * np.exp(-(V + 65) / 80)
    return alpha * (1 - n) - beta * n

@bp.integrate
def int_V(V, t, m, h, n, Isyn):
    INa = g_Na * m ** 3 * h * (V - E_Na)
    IK = g_K * n ** 4 * (V - E_K)
    IL = g_Leak * (V - E_Leak)
    return (- INa - IK - IL + Isyn) / C

def update(ST, _t):
    m = np.clip(int_m(ST['m'], _t, ST['V']), 0., 1.)
    h = np.clip(int_h(ST['h'], _t, ST['V']), 0., 1.)
    n = np.clip(int_n(ST['n'], _t, ST['V']), 0., 1.)
    V = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], ST['input'])
    ST['spike'] = np.logical_and(ST['V'] < Vth, V >= Vth)
    ST['V'], ST['m'], ST['h'], ST['n'], ST['input'] = V, m, h, n, 0.

ST = bp.types.NeuState('m', 'h', 'n', 'spike', 'input', V=-65.)
HH = bp.NeuType(name='HH_neuron', ST=ST, steps=update, mode='vector')
group = bp.NeuGroup(HH, geometry=10, monitors=['V', 'm', 'n', 'h'])
group.run(100., inputs=('ST.input', 5.), report=True)

# %% [markdown]
# The same LIF model in the two modes. Scalar mode reads like the equations; vector mode works on arrays.

# %%
tau_m, Vr, Vth_lif, tau_ref = 10., 0., 10., 2.

@bp.integrate
def int_f(V, t, Isyn):
    return (-V + Vr + Isyn) / tau_m

def lif_scalar(ST, _t):
    ST['spike'] = 0.
    if _t - ST['t_last_spike'] > tau_ref:
        V = int_f(ST['V'], _t, ST['input'])
        if V >= Vth_lif:
            V = Vr
            ST['t_last_spike'] = _t
            ST['spike'] = 1.
        ST['V'] = V
    ST['input'] = 0.

LIF_ST = bp.types.NeuState('V', 'input', 'spike', t_last_spike=-1e7)
lif = bp.NeuGroup(bp.NeuType(name='LIF', ST=LIF_ST, steps=lif_scalar, mode='scalar'), 5, monitors=['V', 'spike'])
lif.run(100., inputs=('input', np.linspace(11, 20, 5)))
lif.mon.spike.sum(axis=0)


# %% [markdown]
# Data a model needs is declared with `requires` and given with `satisfies` (or as an attribute); `hand_overs` gives every group data or functions of the model, here a spike counter.

# %%
def counting(ST, _t, spike_num):
    V = int_f(ST['V'], _t, ST['input'])
    is_spike = V > Vth_lif
    spike_num[0] += np.sum(is_spike)
    ST['V'] = np.where(is_spike, Vr, V)
    ST['spike'] = is_spike
    ST['input'] = 0.

counter = bp.NeuType(name='LIF', ST=LIF_ST, steps=counting, mode='vector', hand_overs={'spike_num': np.array([0])})
g = bp.NeuGroup(counter, 10, monitors=['spike'])
g.run(100., inputs=('input', 15.))
print(g.spike_num[0], g.mon.spike.sum())

# %%
bp.visualize.line_plot(group.mon.ts, group.mon.V, legend='V')
plt.figure()
bp.visualize.line_plot(group.mon.ts, group.mon.m, legend='m')
bp.visualize.line_plot(group.mon.ts, group.mon.h, legend='h')
bp.visualize.line_plot(group.mon.ts, group.mon.n, legend='n', show=True)
