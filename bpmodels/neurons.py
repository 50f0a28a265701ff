"""Neuron models of ``bpmodels.neurons``: those of ``bp_core.models``."""

from bp_core.models import get_FitzHughNagumo, get_HH, get_Izhikevich, get_LIF, get_MorrisLecar, get_WangBuzsaki

__all__ = ["get_LIF", "get_HH", "get_Izhikevich", "get_FitzHughNagumo", "get_MorrisLecar", "get_WangBuzsaki"]
