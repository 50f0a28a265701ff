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
# # Inputs
#
# Currents as arrays with one value per step, and groups of spike sources.

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

# %%
fig, gs = bp.visualize.get_figure(3, 1, 2.5, 8)
current, duration = bp.inputs.constant_current([(0, 100), (1, 300), (0, 100)], 0.1)
fig.add_subplot(gs[0, 0])
plt.plot(np.arange(0, duration, 0.1), current)
current = bp.inputs.spike_current([10, 20, 30, 200, 300], 1., 0.5, 500, 0.1)
fig.add_subplot(gs[1, 0])
plt.plot(np.arange(0, 500, 0.1), current)
current = bp.inputs.ramp_current(0, 1, 500, 100, 400, 0.1)
fig.add_subplot(gs[2, 0])
plt.plot(np.arange(0, 500, 0.1), current)
plt.show()

# %%
bp.profile.set(dt=0.1)
source = bp.inputs.SpikeTimeInput(2, times=[10, 20, 30], indices=[0, [0, 1], 1], monitors=['spike'])
source.run(40.)
bp.visualize.raster_plot(source.mon.ts, source.mon.spike, show=True)
