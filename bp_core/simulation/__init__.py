"""Concrete models and their simulation: NeuGroup, SynConn, Network."""

from bp_core.simulation.ensemble import Ensemble, Runner
from bp_core.simulation.network import Network
from bp_core.simulation.neu_group import NeuGroup, NeuSubGroup
from bp_core.simulation.syn_conn import SynConn

__all__ = ["Ensemble", "Runner", "Network", "NeuGroup", "NeuSubGroup", "SynConn"]
