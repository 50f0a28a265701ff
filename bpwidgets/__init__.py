"""bpwidgets: live Jupyter widgets for the bp_core engine.

``ParameterPanel`` edits parameters, ``LiveRunner`` re-runs a compiled network on a
worker thread and streams its monitors, and the explorers assemble them with bqplot
figures and the canvas-drawn ``RasterCanvas``.
"""

from bpwidgets.apps import BifurcationExplorer, NetworkExplorer, PhasePlaneExplorer, SweepExplorer
from bpwidgets.params import ParameterPanel
from bpwidgets.raster_canvas import RasterCanvas
from bpwidgets.runner import Frame, LiveRunner

__version__ = "0.1.0"

__all__ = ["ParameterPanel", "LiveRunner", "Frame", "NetworkExplorer", "PhasePlaneExplorer", "BifurcationExplorer",
           "SweepExplorer",
           "RasterCanvas", "__version__"]
