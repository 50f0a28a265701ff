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
# # Differential equations
#
# Write only the right-hand side. Return `f` for an ODE, `f, g` for an SDE `dx = f dt + g dW`, and `(f,), extras` or `(f, g), extras` to also get intermediate values back.

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp

bp.profile.set(dt=0.01, seed=1)

# %%
gNa, gK, gLeak, ENa, EK, ELeak, C, noise = 120., 36., 0.3, 50., -77., -54.387, 1.0, 1.0

@bp.integrate(method='euler')
def func(V, t, m, h, n, Iext):
    INa = gNa * m ** 3 * h * (V - ENa)
    IK = gK * n ** 4 * (V - EK)
    IL = gLeak * (V - ELeak)
    f = (- INa - IK - IL + Iext) / C
    g = noise / C
    return (f, g), INa, IK, IL

V, INa, IK, IL = func(-65., 0., 0.05, 0.6, 0.32, 10.)
print(V, INa, IK, IL)
print(func.update_code)

# %%
tau, sigma = 5., 0.8

@bp.integrate(method='euler')
def ou(x, t):
    return -x / tau, sigma

x = np.zeros(2000)
trace = []
for i in range(4000):
    x = ou(x, i * 0.01)
    trace.append(x[:3].copy())
print('variance', x.var(), 'theory', sigma ** 2 * tau / 2)
plt.plot(np.arange(4000) * 0.01, trace)
plt.xlabel('time (ms)')
plt.show()
