"""Dashboard: gamma oscillation in a network of interneurons (Wang & Buzsaki 1996)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards.common import Rebuilder, title

__all__ = ["build_network", "explorer", "app"]

V_th, C, gLeak, ELeak, gNa, ENa, gK, EK, phi = 0., 1.0, 0.1, -65., 35., 55., 9., -90., 5.0
g_max, E, alpha, beta = 0.1, -75., 12., 0.1


@bp.integrate(method='exponential')
def int_h(h, t, V):
    """Sodium inactivation gate."""
    alpha = 0.07 * np.exp(-(V + 58) / 20)
    beta = 1 / (np.exp(-0.1 * (V + 28)) + 1)
    return phi * (alpha * (1 - h) - beta * h)


@bp.integrate(method='exponential')
def int_n(n, t, V):
    """Potassium activation gate."""
    alpha = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1)
    beta = 0.125 * np.exp(-(V + 44) / 80)
    return phi * (alpha * (1 - n) - beta * n)


@bp.integrate(method='exponential')
def int_V(V, t, h, n, Isyn):
    """Membrane potential with instantaneous sodium activation."""
    m_alpha = -0.1 * (V + 35) / (np.exp(-0.1 * (V + 35)) - 1)
    m_beta = 4 * np.exp(-(V + 60) / 18)
    m = m_alpha / (m_alpha + m_beta)
    INa = gNa * m ** 3 * h * (V - ENa)
    IK = gK * n ** 4 * (V - EK)
    IL = gLeak * (V - ELeak)
    return (- INa - IK - IL + Isyn) / C


def neuron_update(ST, _t):
    """Advance V, h, n; a spike is an upward crossing of V_th."""
    h = int_h(ST['h'], _t, ST['V'])
    n = int_n(ST['n'], _t, ST['V'])
    V = int_V(ST['V'], _t, ST['h'], ST['n'], ST['input'])
    ST['spike'] = np.logical_and(ST['V'] < V_th, V >= V_th)
    ST['V'] = V
    ST['h'] = h
    ST['n'] = n
    ST['input'] = 0.


@bp.integrate(method='exponential')
def int_s(s, t, TT):
    """GABA_A gate driven by the transmitter concentration TT."""
    return alpha * TT * (1 - s) - beta * s


def synapse_update(ST, _t, pre):
    """Transmitter from the pre-synaptic voltage; advance the gate."""
    T = 1 / (1 + np.exp(-(pre['V'] - V_th) / 2))
    ST['s'] = int_s(ST['s'], _t, T)


@bp.delayed
def synapse_output(ST, post):
    """Inhibitory current into the post-synaptic neuron."""
    post['input'] -= g_max * ST['s'] * (post['V'] - E)


HH = bp.NeuType(name='HH_interneuron', ST=bp.types.NeuState({'V': -55., 'h': 0., 'n': 0., 'spike': 0., 'input': 0.}),
                steps=neuron_update, mode='vector')
GABAa = bp.SynType(name='GABAa', ST=bp.types.SynState(['s']), steps=(synapse_update, synapse_output), mode='scalar',
                   requires=dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input'])))


def build_network(num: int = 100, seed: int = 0):
    """The quickstart network of ``num`` neurons: (net, neurons, synapses)."""
    bp.profile.set(dt=0.04)
    neu = bp.NeuGroup(HH, geometry=num, monitors=['spike', 'V'])
    syn = bp.SynConn(GABAa, pre_group=neu, post_group=neu, conn=bp.connect.All2All(include_self=False), delay=0.5)
    rng = np.random.default_rng(seed)
    v = -70. + rng.random(num) * 20
    h_a, h_b = 0.07 * np.exp(-(v + 58) / 20), 1 / (np.exp(-0.1 * (v + 28)) + 1)
    n_a, n_b = -0.01 * (v + 34) / (np.exp(-0.1 * (v + 34)) - 1), 0.125 * np.exp(-(v + 44) / 80)
    neu.ST['V'], neu.ST['h'], neu.ST['n'] = v, h_a / (h_a + h_b), n_a / (n_a + n_b)
    syn.pars['g_max'] = 0.1 / num
    return bp.Network(neu, syn), neu, syn


def explorer(num: int = 100, duration: float = 300.) -> NetworkExplorer:
    """A NetworkExplorer on the gamma network with g_max and the input current as sliders."""
    net, neu, syn = build_network(num)
    return NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=duration, params={syn: ['g_max']},
                           ranges={'g_max': (0.0, 0.4 / num), 'input0': (0.0, 3.0)},
                           labels={syn: {'g_max': 'g_max'}, 'inputs': {'input0': 'input'}}, traces=(0, 1))


def app() -> widgets.Widget:
    """The dashboard: network size (rebuilds), g_max and input (re-run), streaming raster, rate, coherence."""
    size = widgets.IntSlider(value=100, min=10, max=300, step=10, description="neurons", continuous_update=False)
    rebuilder = Rebuilder(lambda num: explorer(int(np.clip(num, 10, 300))), [size])
    return widgets.VBox([title("Gamma oscillation", "HH interneurons with all-to-all GABA_A inhibition; raise "
                                                    "g_max to synchronise them."), rebuilder.widget])
