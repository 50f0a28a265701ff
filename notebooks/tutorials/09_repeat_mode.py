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

# %% [markdown]
# The Quickstart's interneuron and synapse are in the model library: `bp.models.get_WangBuzsaki()` and `bp.models.get_GABAa2()` (the Quickstart chapter shows how they are written). `net.snapshot()` keeps the starting state; `net.restore(start, parameters=False)` puts it back before each run and keeps the new `g_max`.

# %%
num = 60
group = bp.NeuGroup(bp.models.get_WangBuzsaki(), geometry=num, monitors=['spike'])
conn = bp.SynConn(bp.models.get_GABAa2(), pre_group=group, post_group=group,
                  conn=bp.connect.All2All(include_self=False))
net = bp.Network(group, conn, mode='repeat')
v = -70. + np.random.default_rng(0).random(num) * 20
group.ST['V'] = v
group.ST['h'], group.ST['n'] = bp.models.wang_buzsaki_gates(v)
start = net.snapshot()
all_g_max = np.linspace(0.02, 0.2, 6) / num
all_cc = []
for g in all_g_max:
    net.restore(start, parameters=False)
    conn.pars['g_max'] = g
    net.run(duration=200., inputs=[group, 'ST.input', 1.2])
    all_cc.append(bp.measure.cross_correlation(group.mon.spike, bin_size=int(0.5 / net.dt)))
print('compilations:', net.compile_count)
plt.plot(all_g_max, all_cc, 'o-')
plt.xlabel('g_max')
plt.ylabel('coherence')
plt.show()
