"""Dashboard: an excitation/inhibition balanced network of LIF neurons."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards.common import Rebuilder, title

__all__ = ["build_network", "explorer", "app"]

V_rest, V_reset, V_th, tau, t_refractory = -52., -60., -50., 10., 5.
tau_decay = 2.
w = 0.1


@bp.integrate(method='exponential')
def int_s(s, t):
    """Exponential decay of the synaptic trace."""
    return -s / tau_decay


def synapse_update(ST, _t, pre):
    """Decay the trace and add the pre-synaptic spike."""
    ST['s'] = int_s(ST['s'], _t) + pre['spike']


def synapse_output(ST, post):
    """Add the weighted trace to the post-synaptic input."""
    post['input'] += w * ST['s']


LIF = bp.models.get_LIF(V_rest=V_rest, V_reset=V_reset, V_th=V_th, tau=tau, t_refractory=t_refractory)
EXP_SYN = bp.SynType(name='exponential_synapse', ST=bp.types.SynState(['s']), steps=(synapse_update, synapse_output),
                     mode='scalar')


def build_network(num: int = 400, prob: float = 0.1, seed: int = 0):
    """Half excitatory, half inhibitory, weights 1/sqrt(p N/2): (net, group, exc, inh)."""
    half = num // 2
    group = bp.NeuGroup(LIF, geometry=num, monitors=['spike', 'V'])
    group.ST['V'] = np.random.default_rng(seed).random(num) * (V_th - V_rest) + V_rest
    exc = bp.SynConn(EXP_SYN, pre_group=group[:half], post_group=group, conn=bp.connect.FixedProb(prob, seed=seed))
    inh = bp.SynConn(EXP_SYN, pre_group=group[half:], post_group=group,
                     conn=bp.connect.FixedProb(prob, seed=seed + 1))
    scale = 1 / np.sqrt(prob * half)
    exc.pars['w'], inh.pars['w'] = scale, -scale
    with bp.profile.override(dt=0.1):  # the network's own time step; the global profile stays as it is
        return bp.Network(group, exc, inh), group, exc, inh


def explorer(num: int = 400, prob: float = 0.1, duration: float = 300.) -> NetworkExplorer:
    """A NetworkExplorer with JE, JI and the input as sliders."""
    net, group, exc, inh = build_network(num, prob)
    je = exc.pars['w']
    return NetworkExplorer(net, inputs=[(group, 'ST.input', 3.0)], duration=duration,
                           params={exc: ['w'], inh: ['w']},
                           ranges={'w': (-4 * je, 4 * je), 'input0': (0.0, 8.0)},
                           labels={exc: {'w': 'JE'}, inh: {'w': 'JI'}, 'inputs': {'input0': 'input'}}, traces=(0,),
                           presets={"balanced": {'JE': je, 'JI': -je, 'input0': 3.0},
                                    "runaway excitation": {'JE': 2 * je, 'JI': 0.0, 'input0': 3.0}})


def app() -> widgets.Widget:
    """The dashboard: connection probability (rebuilds), JE, JI, input (re-run)."""
    prob = widgets.FloatSlider(value=0.1, min=0.02, max=0.5, step=0.02, description="p", continuous_update=False)
    rebuilder = Rebuilder(lambda p: explorer(400, float(np.clip(p, 0.02, 0.5))), [prob])
    return widgets.VBox([title("E/I balanced network", "400 LIF neurons, half excitatory; move JE, JI and the "
                                                       "input and watch the rhythm change."), rebuilder.widget])
