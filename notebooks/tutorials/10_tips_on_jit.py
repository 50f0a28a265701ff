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
# # Tips on JIT programming
#
# Compiled step functions get module-level numbers as parameters (changeable per group without recompiling) but cannot change module-level arrays: pass the array as an argument (declared in `requires`, given with `satisfies`) and it is shared.

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

bp.profile.set(dt=0.1)


# %%
def update(ST, _t, _i, array_to_store):
    array_to_store[_i] = np.random.random()
    ST['x'] = _i

model = bp.NeuType(name='Store', ST=bp.types.NeuState('x'), steps=update,
                   requires={'array_to_store': bp.types.Array(dim=1)})
store = np.zeros(100)
group = bp.NeuGroup(model, 1, satisfies={'array_to_store': store})
group.run(10.)
print(store[:5], (store > 0).sum())
plt.plot(store)
plt.show()
