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
# # Numerical integrators
#
# Ten methods, chosen by keyword. Their convergence orders, measured:

# %%
import matplotlib.pyplot as plt
import numpy as np

import bp_core as bp


# %%
def rhs(x, t):
    return x * np.cos(t)

exact = np.exp(np.sin(2.0))
dts = np.array([0.1, 0.05, 0.025, 0.0125])
for method in ['euler', 'midpoint', 'heun', 'rk2', 'rk3', 'rk4', 'rk4_alternative', 'exponential']:
    integrator = bp.integrate(rhs, method=method)
    errors = []
    for dt in dts:
        x = 1.0
        for i in range(int(round(2.0 / dt))):
            x = integrator.step(x, i * dt, dt=dt)
        errors.append(abs(x - exact))
    plt.loglog(dts, errors, 'o-', label=method)
    print(method, round(np.polyfit(np.log(dts), np.log(errors), 1)[0], 2))
plt.xlabel('dt')
plt.ylabel('error at t = 2')
plt.legend(fontsize=7)
plt.show()


# %%
@bp.integrate(method='rk4')
def decay(x, t, k):
    return -k * x

print(decay.update_code)
