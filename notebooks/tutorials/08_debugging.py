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
# # Debugging
#
# With `jit=False` the generated code runs as plain Python, so `pdb.set_trace()` inside a step function stops there. The breakpoint below is guarded by `DEBUG` so the notebook runs through; set it to True to step through the update.

# %%
import pdb

import bp_core as bp

bp.profile.set(show_code=True, jit=False, dt=0.1)
DEBUG = False

# %%
tau, V_rest = 10., -65.

@bp.integrate
def int_V(V, _t, I):
    return (-(V - V_rest) + I) / tau

def update(ST, _t):
    V = int_V(ST['V'], _t, ST['input'])
    if DEBUG:
        pdb.set_trace()
    ST['V'] = V
    ST['input'] = 0.

neuron = bp.NeuType(name='Leaky', ST=bp.types.NeuState({'V': -65., 'input': 0.}), steps=update)
group = bp.NeuGroup(neuron, 1, monitors=['V'])
group.run(20., inputs=('input', 5.))

# %%
bp.visualize.line_plot(group.mon.ts, group.mon.V, ylabel='V', show=True)
bp.profile.set(jit=True, show_code=False)
