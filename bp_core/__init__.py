"""bp_core: a numba-compiled engine for neuronal dynamics with the BrainPy 0.3 API.

Use it as ``import bp_core as bp``.
"""

from bp_core import (
    connect,
    core,
    dynamics,
    errors,
    inputs,
    integration,
    io,
    measure,
    models,
    profile,
    running,
    tools,
    types,
    visualize,
)
from bp_core.dynamics import BifurcationAnalyzer, PhasePortraitAnalyzer
from bp_core.integration import integrate
from bp_core.model import NeuType, ObjType, ParsUpdate, SynType, delayed
from bp_core.simulation import Ensemble, Events, Monitor, Network, NetworkSnapshot, NeuGroup, NeuSubGroup, SynConn
from bp_core.types import NeuState, ObjState, SynState

__version__ = "0.1.0"

__all__ = ["connect", "core", "dynamics", "errors", "inputs", "integration", "io", "measure", "models", "profile",
           "running", "tools", "types", "visualize", "PhasePortraitAnalyzer", "BifurcationAnalyzer", "integrate",
           "NeuType",
           "ObjType", "ParsUpdate", "SynType", "delayed", "Ensemble", "Events", "Monitor", "NeuState", "ObjState",
           "SynState",
           "Network", "NetworkSnapshot", "NeuGroup", "NeuSubGroup", "SynConn",
           "__version__"]
