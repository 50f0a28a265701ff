"""Explorers: a runner or an analyzer, parameter panels and figures, assembled into one widget."""

from bpwidgets.apps.bifurcation import BifurcationExplorer
from bpwidgets.apps.network import NetworkExplorer
from bpwidgets.apps.phase_plane import PhasePlaneExplorer
from bpwidgets.apps.sweep import SweepExplorer

__all__ = ["NetworkExplorer", "PhasePlaneExplorer", "BifurcationExplorer", "SweepExplorer"]
