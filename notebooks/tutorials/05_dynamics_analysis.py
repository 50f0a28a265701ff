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
# # Dynamics analysis of the FitzHugh-Nagumo neuron
#
# The analyzers read the model's own derivative functions: no second copy of the equations.

# %%
import numpy as np

import bp_core as bp

bp.profile.set(dt=0.02, numerical_method='rk4')


# %%
def get_FNmodel(a=0.7, b=0.8, tau=12.5, Vth=1.9):
    state = bp.types.NeuState({'v': 0., 'w': 1., 'spike': 0., 'input': 0.})

    @bp.integrate
    def int_w(w, t, v):
        return (v + a - b * w) / tau

    @bp.integrate
    def int_v(v, t, w, Iext):
        return v - v * v * v / 3 - w + Iext

    def update(ST, _t):
        ST['w'] = int_w(ST['w'], _t, ST['v'])
        v = int_v(ST['v'], _t, ST['w'], ST['input'])
        ST['spike'] = np.logical_and(v >= Vth, ST['v'] < Vth)
        ST['v'] = v
        ST['input'] = 0.

    return bp.NeuType(name='FitzHugh_Nagumo', ST=state, steps=update)

neuron = get_FNmodel(a=0.7, b=0.8, tau=12.5)

# %%
analyzer = bp.PhasePortraitAnalyzer(model=neuron, target_vars={'v': [-3, 3], 'w': [-3., 3.]},
                                    fixed_vars={'Iext': 0.8})
analyzer.plot_nullcline()
analyzer.plot_vector_field()
analyzer.plot_fixed_point()
analyzer.plot_trajectory([(-2.8, -1.8, 100.)], show=True)

# %% [markdown]
# The same results as data, and the limit cycle the trajectory settles on:

# %%
point = analyzer.fixed_points()[0]
print(point.position, point.stability, point.eigenvalues)
print(analyzer.limit_cycle({'v': -2.8, 'w': -1.8}, 1000.))

# %%
bif = bp.BifurcationAnalyzer(model=neuron, target_pars={'Iext': [0., 1.]},
                              dynamical_vars={'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.001)
print(bif.bifurcation_points())
bif.plot_bifurcation(plot_vars=['v'], show=True)

# %%
bif2 = bp.BifurcationAnalyzer(model=neuron, target_pars={'a': [0.5, 1.], 'Iext': [0., 1.]},
                               dynamical_vars={'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.05)
bif2.plot_bifurcation(show=True)

# %% [markdown]
# ## Live
#
# Move Iext and watch the fixed point lose stability; click the plane to start trajectories.

# %%
from bpwidgets import PhasePlaneExplorer

PhasePlaneExplorer(neuron, {'v': [-3, 3], 'w': [-3, 3]}, fixed_vars={'Iext': 0.8}, params=['a', 'b'])
