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
# # Connectivity
#
# Connectors turn two sets of neuron indices into synapse index pairs, sparse from the start.

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

# %%
pre_ids, post_ids = bp.connect.GridFour()((5, 5))
print(len(pre_ids), 'grid-four pairs')
i, j = bp.connect.FixedProb(prob=0.1, include_self=True, seed=123)(np.arange(100), np.arange(100))
print(len(i), 'fixed-probability pairs')
i, j = bp.connect.FixedPreNum(num=10, seed=123)(np.arange(50), np.arange(50))
print(np.bincount(j)[:5])


# %%
def show_weight(pre_ids, post_ids, weights, geometry, neu_id, ax):
    height, width = geometry
    Z = np.zeros(geometry)
    for post, w in zip(post_ids[pre_ids == neu_id], weights[pre_ids == neu_id]):
        Z[post // width, post % width] = w
    ax.imshow(Z, cmap='coolwarm')

fig, axes = plt.subplots(1, 2, figsize=(9, 4))
grid = np.arange(30 * 30).reshape((30, 30))
pre_ids, post_ids, weights = bp.connect.GaussianWeight(sigma=0.1, w_max=1., w_min=0.)(grid, grid)
show_weight(pre_ids, post_ids, weights, (30, 30), 465, axes[0])
grid = np.arange(40 * 40).reshape((40, 40))
pre_ids, post_ids, weights = bp.connect.DOG(sigmas=[0.08, 0.15], ws_max=[1.0, 0.7], w_min=0.01)(grid, grid)
show_weight(pre_ids, post_ids, weights, (40, 40), 820, axes[1])
plt.show()
