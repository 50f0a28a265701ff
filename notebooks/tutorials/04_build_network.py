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
# # Building a network: excitation and inhibition in balance
#
# One group of LIF neurons, split in an excitatory and an inhibitory half by slicing; each half projects to all neurons with probability p.

# %%
import numpy as np
import matplotlib.pyplot as plt
import bp_core as bp
bp.profile.set(jit=True, numerical_method='exponential', dt=0.1)
num_exc, num_inh, prob = 200, 200, 0.1
V_rest, V_reset, V_th, tau, t_refractory = -52., -60., -50., 10., 5.
tau_decay = 2.


# %%
@bp.integrate
def int_V(V, _t, I_ext):
    return (- (V - V_rest) + I_ext) / tau

def update(ST, _t):
    ST['spike'] = 0
    if _t - ST['t_last_spike'] > t_refractory:
        V = int_V(ST['V'], _t, ST['input'])
        if V >= V_th:
            V = V_reset
            ST['spike'] = 1
            ST['t_last_spike'] = _t
        ST['V'] = V

def reset(ST):
    ST['input'] = 0.

neu = bp.NeuType(name='LIF', ST=bp.types.NeuState({'V': 0, 'input': 0, 'spike': 0, 't_last_spike': -1e7}),
                 steps=(update, reset), mode='scalar')

@bp.integrate
def ints(s, t):
    return - s / tau_decay

def syn_update(ST, _t, pre):
    s = ints(ST['s'], _t)
    s += pre['spike']
    ST['s'] = s
    ST['g'] = ST['w'] * s

def syn_output(ST, post):
    post['input'] += ST['g']

syn = bp.SynType(name='exponential', ST=bp.types.SynState({'s': 0., 'w': .1, 'g': 0.}),
                 steps=(syn_update, syn_output), mode='scalar')

# %%
group = bp.NeuGroup(neu, geometry=num_exc + num_inh, monitors=['spike'])
group.ST['V'] = np.random.random(num_exc + num_inh) * (V_th - V_rest) + V_rest
exc = bp.SynConn(syn, pre_group=group[:num_exc], post_group=group, conn=bp.connect.FixedProb(prob=prob))
exc.ST['w'] = 1 / np.sqrt(prob * num_exc)
inh = bp.SynConn(syn, pre_group=group[num_exc:], post_group=group, conn=bp.connect.FixedProb(prob=prob))
inh.ST['w'] = -1 / np.sqrt(prob * num_inh)
net = bp.Network(group, exc, inh)
net.run(duration=300., inputs=(group, 'ST.input', 3.), report=True)

# %%
fig, gs = bp.visualize.get_figure(4, 1, 2, 10)
fig.add_subplot(gs[:3, 0])
bp.visualize.raster_plot(net.ts, group.mon.spike, xlim=(50, 300))
fig.add_subplot(gs[3, 0])
plt.plot(net.ts, bp.measure.firing_rate(group.mon.spike, 5.))
plt.xlim(50, 300)
plt.show()

# %% [markdown]
# ## What to record
#
# A `spike` field (any field the steps only set to 0 or 1) is recorded as events: `group.mon.spike_index` and `group.mon.spike_time` hold one entry per spike, and memory grows with the spikes, not with neurons x steps. `group.mon.spike` is the dense (steps, neurons) array, built when first asked for. `bp.measure` takes the events directly (`group.mon.spike_events`).
#
# Other fields can be recorded for chosen neurons (`('V', [0, 1, 2])`) or every few ms and in float32 (`bp.Monitor('V', indices=..., interval=1., dtype='float32')`).

# %%
group = bp.NeuGroup(neu, geometry=num_exc + num_inh,
                    monitors=['spike', bp.Monitor('V', indices=[0, 1, 2], interval=1., dtype='float32')])
group.ST['V'] = np.random.random(num_exc + num_inh) * (V_th - V_rest) + V_rest
exc = bp.SynConn(syn, pre_group=group[:num_exc], post_group=group, conn=bp.connect.FixedProb(prob=prob))
exc.ST['w'] = 1 / np.sqrt(prob * num_exc)
inh = bp.SynConn(syn, pre_group=group[num_exc:], post_group=group, conn=bp.connect.FixedProb(prob=prob))
inh.ST['w'] = -1 / np.sqrt(prob * num_inh)
net = bp.Network(group, exc, inh)
net.run(duration=300., inputs=(group, 'ST.input', 3.))
print(len(group.mon.spike_events), 'spikes;', group.mon.V.shape, 'V samples of', group.mon.V_index)
plt.plot(group.mon.V_time, group.mon.V)
plt.xlabel('time (ms)')
plt.ylabel('V')
plt.show()
bp.measure.cross_correlation(group.mon.spike_events, bin_size=20)
