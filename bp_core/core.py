"""Models and simulation (the ``brainpy.core`` API)."""

from bp_core.model import NeuType, ObjType, ParsUpdate, SynType, delayed
from bp_core.simulation import Ensemble, Network, NeuGroup, NeuSubGroup, SynConn

__all__ = ["NeuType", "ObjType", "ParsUpdate", "SynType", "delayed", "Ensemble", "Network", "NeuGroup",
           "NeuSubGroup", "SynConn"]
