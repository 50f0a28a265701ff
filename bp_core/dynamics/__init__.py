"""Dynamics analysis: phase planes and bifurcation diagrams (the ``brainpy.dynamics`` API)."""

from bp_core.dynamics.bifurcation import BifurcationAnalyzer, Codim2Curves, LimitCycleEnvelope
from bp_core.dynamics.diagram import Branch, Codim2Curve, CycleBranch, SpecialPoint
from bp_core.dynamics.fixed_points import STABILITY_CLASSES, FixedPoint, classify
from bp_core.dynamics.phase_plane import Nullcline, PhasePortraitAnalyzer, VectorFieldGrid
from bp_core.dynamics.trajectory import LimitCycle, Trajectory, detect_limit_cycle
from bp_core.dynamics.vector_field import VectorField

__all__ = ["PhasePortraitAnalyzer", "BifurcationAnalyzer", "VectorField", "FixedPoint", "classify",
           "STABILITY_CLASSES", "Nullcline", "VectorFieldGrid", "Trajectory", "LimitCycle", "detect_limit_cycle",
           "Branch", "BifurcationPoint", "SpecialPoint", "CycleBranch", "Codim2Curve", "LimitCycleEnvelope",
           "Codim2Curves"]

#: The name earlier releases gave special points.
BifurcationPoint = SpecialPoint
