"""Concrete models and their simulation: NeuGroup, SynConn, Network."""

from bp_core.simulation.ensemble import Ensemble, Runner
from bp_core.simulation.monitors import Events, Monitor, MonitorResults
from bp_core.simulation.network import Network
from bp_core.simulation.neu_group import NeuGroup
from bp_core.simulation.snapshot import NetworkSnapshot
from bp_core.simulation.sub_group import NeuSubGroup
from bp_core.simulation.syn_conn import SynConn

__all__ = ["Ensemble", "Runner", "Events", "Monitor", "MonitorResults", "Network", "NetworkSnapshot", "NeuGroup",
           "NeuSubGroup", "SynConn"]
