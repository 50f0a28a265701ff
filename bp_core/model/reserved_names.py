"""Names a step may not read from its module because generated code binds them itself.

The generated function of a step keeps the user's names, and binds names of its own beside them: the flag of
a non-finite store (``_nonfinite``), the random generator (``_rng``), the runtime helpers it calls (``exprel``,
``floor_divide``, ...). A module-level value of one of those names read
by a step was silently replaced by the engine's (``_nonfinite = 5.`` read as ``0``, ``_dt = 42.`` as the
step size) or broke the compile with words about the helper. Such a name is refused where the step or its
derivative function is defined, naming it and the fix.
"""

from __future__ import annotations

from typing import Any, Mapping

from bp_core.backend.runtime import RUNTIME_SCOPE
from bp_core.errors import ModelDefError

__all__ = ["SYSTEM_KEYWORDS", "check_free_names"]

SYSTEM_KEYWORDS = frozenset({"_t", "_i", "_dt"})
"""BrainPy's system keywords: the time, the step number and the step size, which the engine provides."""


def check_free_names(where: str, parameters: Mapping[str, Any], scope: Mapping[str, Any]) -> None:
    """Refuse a module-level name a function reads that generated code binds itself.

    A number whose name starts with ``_`` is refused: generated code binds such names beside the user's, and the
    parameter, passed under its own name, would be overwritten without a word (a module-level ``_dt`` read by a
    step was the engine's step size, not the user's number).
    A function or module so named stays allowed (were generated code to bind its name, calling it fails aloud).
    Any value under the name of one of the runtime helpers is refused unless it is that helper.

    Parameters
    ----------
    where : str
        The function that reads them, as messages name it (``"step function 'update' of model 'LIF'"``).
    parameters, scope : mapping
        The numbers, and the other values, it reads from outside its body, by name.

    Raises
    ------
    ModelDefError
        Naming the function, the name and the fix.
    """
    for name, value in {**parameters, **scope}.items():
        if name in SYSTEM_KEYWORDS and name in parameters:
            why = (f"{name!r} is a system keyword whose value the engine gives: take it as an argument of the "
                   f"function to read the engine's")
        elif name.startswith("_") and name in parameters:
            why = "names that start with '_' belong to the generated code"
        elif name in RUNTIME_SCOPE and value is not RUNTIME_SCOPE[name]:
            why = f"the generated code calls bp_core's own {name!r} there"
        else:
            continue
        raise ModelDefError(
            f"{where} reads {name!r} from its module, but {why}: the engine's value would stand in for yours; "
            f"rename it (for example {name.strip('_') + '_value'!r}).")
