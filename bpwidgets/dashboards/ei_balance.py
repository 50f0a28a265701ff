"""Dashboard: an excitation/inhibition balanced network of LIF neurons."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import bp_core as bp
from bpwidgets.apps import NetworkExplorer
from bpwidgets.dashboards.common import NetworkDashboard, title

__all__ = ["explorer", "dashboard", "app", "PRESETS", "STATES"]

PRESETS = {"balanced": {'JE': 60.0, 'JI': -300.0, 'input0': 20.0},
           "weak coupling": {'JE': 1.0, 'JI': -1.0, 'input0': 3.0},
           "runaway excitation": {'JE': 60.0, 'JI': 0.0, 'input0': 3.0}}
"""Preset name -> JE and JI in units of the network's own weight 1/sqrt(K) (K = prob num/2 inputs from each
half), and the input (mV).

Irregular firing in a deterministic network needs each neuron's recurrent input to be large and to cancel on
average (van Vreeswijk & Sompolinsky 1996; Brunel 2000): with weights of 1/sqrt(K) a spike moves V by about
0.05 mV, so the suprathreshold input alone drives every neuron like a clock. Sixty times that (a few mV per
spike), inhibition five times stronger and an input far above threshold leave the mean of V below threshold
(about -77 mV at p = 0.1) and the spikes to its fluctuations (SD about 19 mV). The synapses are currents, with no
reversal potential, so V goes well below the reset (its traces reach about -130 mV): the price of fluctuations
large beside the 10 mV from reset to threshold, which irregular firing needs in this model."""

STATES = {"balanced": "asynchronous irregular: CV of ISIs near 0.7, low coherence, about 20 Hz at p = 0.1",
          "weak coupling": "each neuron a clock (CV near 0) at its own phase: asynchronous but regular",
          "runaway excitation": "no inhibition: synchronous bursts at well over 100 Hz"}
"""What each preset shows, as the page says it (tests/bpwidgets/test_ei_states.py checks it)."""


def explorer(num: int = 400, prob: float = 0.1, duration: float = 300.) -> NetworkExplorer:
    """A NetworkExplorer with JE, JI and the input as sliders, starting at the balanced preset; every kernel's
    first pass is the same (seed 0), so it is shared between kernels (:mod:`bpwidgets.first_pass`)."""
    net, group, exc, inh = bp.models.ei_network(num, prob)
    je = exc.pars['w']
    presets = {name: {'JE': v['JE'] * je, 'JI': v['JI'] * je, 'input0': v['input0']} for name, v in PRESETS.items()}
    # the first pass shows the balanced state: only parameter values change, the kernel is the same
    exc.pars['w'], inh.pars['w'] = presets["balanced"]['JE'], presets["balanced"]['JI']
    return NetworkExplorer(net, inputs=[(group, 'ST.input', presets["balanced"]['input0'])], duration=duration,
                           setup=f"net, group, exc, inh = bp.models.ei_network({num}, {prob!r})",
                           names={group: 'group', exc: 'exc', inh: 'inh'},
                           params={exc: ['w'], inh: ['w']},
                           ranges={'w': (-400 * je, 400 * je), 'input0': (0.0, 40.0)},
                           labels={exc: {'w': 'JE'}, inh: {'w': 'JI'}, 'inputs': {'input0': 'input'}}, traces=(0,),
                           presets=presets, seed=0, share="ei_balance")


def dashboard(projector: bool | None = None) -> NetworkDashboard:
    """The dashboard: connection probability (rebuilds), JE, JI, input (re-run), in its lecture frame."""
    prob = widgets.FloatSlider(value=0.1, min=0.02, max=0.5, step=0.02, description="p", continuous_update=False)
    states = "; ".join(f"{name}: {text}" for name, text in STATES.items())
    return NetworkDashboard("ei_balance", title("E/I balanced network", "400 LIF neurons, half excitatory; strong "
                                                f"excitation held by stronger inhibition. Presets: {states}."),
                            prob, lambda p: explorer(400, float(np.clip(p, 0.02, 0.5))), projector)


def app() -> widgets.Widget:
    """The dashboard's widget."""
    return dashboard().widget
