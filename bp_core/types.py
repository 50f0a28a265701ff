"""State and data types of models (the ``brainpy.types`` API)."""

from bp_core.model.types import (
    Array,
    Dict,
    Float,
    Int,
    List,
    ListConn,
    MatConn,
    NeuState,
    ObjState,
    StateArray,
    SynState,
    TypeChecker,
)

__all__ = ["Array", "Dict", "Float", "Int", "List", "ListConn", "MatConn", "NeuState", "ObjState", "StateArray",
           "SynState", "TypeChecker"]
