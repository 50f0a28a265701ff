"""The model library: neurons and synapses written only with the public API."""

from bp_core.models.networks import ei_network, gamma_network, get_trace_synapse
from bp_core.models.neurons import (
    IZHIKEVICH_TYPES,
    MORRIS_LECAR_SETS,
    get_FitzHughNagumo,
    get_HH,
    get_Izhikevich,
    get_LIF,
    get_MorrisLecar,
    get_WangBuzsaki,
    wang_buzsaki_gates,
)
from bp_core.models.plasticity import TRIPLET_STDP_FITS, get_STDP, get_TripletSTDP
from bp_core.models.synapses import get_AMPA1, get_GABAa1, get_GABAa2, get_GapJunction, get_NMDA, get_STP, mg_block

__all__ = ["get_HH", "get_LIF", "get_Izhikevich", "get_FitzHughNagumo", "get_WangBuzsaki", "wang_buzsaki_gates",
           "get_MorrisLecar", "MORRIS_LECAR_SETS",
           "IZHIKEVICH_TYPES", "get_AMPA1", "get_GABAa1", "get_GABAa2", "get_NMDA", "get_STP", "get_GapJunction",
           "mg_block", "get_STDP", "get_TripletSTDP", "TRIPLET_STDP_FITS", "gamma_network", "ei_network",
           "get_trace_synapse"]
