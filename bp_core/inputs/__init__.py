"""Inputs: current arrays, spike-source neuron groups (the ``brainpy.inputs`` API) and summed Poisson drives."""

from bp_core.inputs.currents import constant_current, ramp_current, spike_current
from bp_core.inputs.drives import poisson_drive
from bp_core.inputs.groups import FreqInput, PoissonInput, SpikeTimeInput

__all__ = ["constant_current", "spike_current", "ramp_current", "PoissonInput", "SpikeTimeInput", "FreqInput",
           "poisson_drive"]
