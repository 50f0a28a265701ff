"""bp_core: a numba-compiled engine for neuronal dynamics with the BrainPy 0.3 API.

Use it as ``import bp_core as bp``.

The analyzers (``dynamics``: scipy, sympy), the measures and plots (``measure``: scipy; ``visualize``:
matplotlib), the sweeps (``running``: dask), the file formats (``io``: pynwb) and the connectors built on
networkx are imported on first use (PEP 562): every kernel of a served lecture imports this package, and a
dashboard that only simulates needs none of them to show its first figure.
"""

import importlib

from bp_core import (
    connect,
    core,
    errors,
    inputs,
    integration,
    models,
    profile,
    tools,
    types,
)
from bp_core.integration import integrate
from bp_core.model import NeuType, ObjType, ParsUpdate, SynType, delayed
from bp_core.simulation import (Ensemble, Events, Monitor, MonitorResults, Network, NetworkSnapshot, NeuGroup,
                                NeuSubGroup, SynConn)
from bp_core.types import NeuState, ObjState, SynState

__version__ = "0.1.0"

_LAZY_MODULES = ("dynamics", "io", "measure", "running", "visualize")
_LAZY_NAMES = {"PhasePortraitAnalyzer": "bp_core.dynamics", "BifurcationAnalyzer": "bp_core.dynamics"}


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        value = importlib.import_module(f"bp_core.{name}")
    elif name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    else:
        raise AttributeError(f"module 'bp_core' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))


__all__ = ["connect", "core", "dynamics", "errors", "inputs", "integration", "io", "measure", "models", "profile",
           "running", "tools", "types", "visualize", "PhasePortraitAnalyzer", "BifurcationAnalyzer", "integrate",
           "NeuType",
           "ObjType", "ParsUpdate", "SynType", "delayed", "Ensemble", "Events", "Monitor", "MonitorResults",
           "NeuState", "ObjState", "SynState",
           "Network", "NetworkSnapshot", "NeuGroup", "NeuSubGroup", "SynConn",
           "__version__"]
