"""Synapse models of ``bpmodels.synapses``: those of ``bp_core.models``."""

from bp_core.models import get_AMPA1, get_GABAa1, get_GABAa2, get_GapJunction, get_NMDA, get_STDP, get_STP

get_STDP1 = get_STDP
"""``bpmodels``' name of the pair-based STDP synapse."""

__all__ = ["get_AMPA1", "get_GABAa1", "get_GABAa2", "get_NMDA", "get_STP", "get_GapJunction", "get_STDP",
           "get_STDP1"]
