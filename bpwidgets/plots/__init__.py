"""bqplot figure builders: one per kind of result. They draw data; they never simulate."""

from bpwidgets.plots.bifurcation import BifurcationFigure
from bpwidgets.plots.figures import line_figure, set_lines
from bpwidgets.plots.phase import PhasePlaneFigure

__all__ = ["line_figure", "set_lines", "PhasePlaneFigure", "BifurcationFigure"]
