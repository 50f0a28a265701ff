"""bpwidgets: live Jupyter widgets for the bp_core engine.

``ParameterPanel`` edits parameters, ``LiveRunner`` re-runs a compiled network on a
worker thread and streams its monitors, and the explorers assemble them with bqplot
figures and the canvas-drawn ``RasterCanvas``.
"""

import importlib

__version__ = "0.1.0"

_MODULE_OF = {"ParameterPanel": "bpwidgets.params", "LiveRunner": "bpwidgets.runner", "Frame": "bpwidgets.runner",
              "NetworkExplorer": "bpwidgets.apps", "PhasePlaneExplorer": "bpwidgets.apps",
              "BifurcationExplorer": "bpwidgets.apps", "SweepExplorer": "bpwidgets.apps",
              "RasterCanvas": "bpwidgets.raster_canvas"}


def __getattr__(name: str):
    # imported on first use: the ``bpwidgets`` command, the server and the gallery's kernel need none of
    # these, and importing them (bp_core, bqplot, scipy) is seconds of every start
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'bpwidgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value

__all__ = ["ParameterPanel", "LiveRunner", "Frame", "NetworkExplorer", "PhasePlaneExplorer", "BifurcationExplorer",
           "SweepExplorer",
           "RasterCanvas", "__version__"]
