"""Abstract models: state types, NeuType/SynType, step functions, parameters."""

from bp_core.model.obj_type import NeuType, ObjType, SynType
from bp_core.model.parameters import ParsUpdate
from bp_core.model.step_function import delayed

__all__ = ["NeuType", "ObjType", "SynType", "ParsUpdate", "delayed"]
