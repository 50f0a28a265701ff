"""Abstract models: NeuType and SynType (state, step functions, requirements, hand-overs)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from bp_core.errors import ModelDefError, close_matches
from bp_core.model.event_fields import binary_fields
from bp_core.model.step_function import SCALAR_INDEX_NAMES, SYSTEM_NAMES, StepFunction
from bp_core.model.summed import SummedVariable, parse_summed
from bp_core.model.types import NeuState, ObjState, SynState, TypeChecker

__all__ = ["ObjType", "NeuType", "SynType", "MODES", "CONNECTIVITY_DATA"]

CONNECTIVITY_DATA = ("pre2syn", "post2syn", "pre2post", "post2pre", "conn_mat", "pre_ids", "post_ids", "weights")
"""Data a synapse step may take by name; computed from the connectivity unless assigned."""

MODES = ("scalar", "vector", "matrix")


class ObjType:
    """The abstract model of a neuron or a synapse.

    Parameters
    ----------
    ST : ObjState
        State fields and their defaults.
    name : str
        Model name, used in messages.
    steps : callable or sequence of callables
        Step functions run each time step, in order.
    requires : dict, optional
        Name -> type (``NeuState``, ``Array``, ``ListConn``, ...) of data the steps need.
    mode : {'scalar', 'vector', 'matrix'}
        Whether a step sees one element, the vector of all elements, or matrices (synapses).
    hand_overs : dict, optional
        Data or functions given to every group made from this model.
    heter_params_replace : dict, optional
        Accepted for compatibility; parameters are runtime data here, so it has no effect.
    units : dict, optional
        Parameter or state field -> its unit (``{'g_Na': 'mS/cm2', 'V': 'mV'}``), shown by widgets and axes.
    descriptions : dict, optional
        Parameter or state field -> one line saying what it is.
    """

    kind = "object"

    def __init__(self, ST: ObjState, name: str, steps: Callable | Sequence[Callable], requires: dict | None = None,
                 mode: str = "vector", hand_overs: dict | None = None, heter_params_replace: dict | None = None,
                 units: dict | None = None, descriptions: dict | None = None):
        if not isinstance(name, str) or not name:
            raise ModelDefError(f"a {type(self).__name__} needs a name (a non-empty string), got {name!r}.")
        self.name = name
        if not isinstance(ST, ObjState):
            raise ModelDefError(f"ST of model {name!r} must be a {self._state_class().__name__}, got {ST!r}.")
        self.ST = ST
        if mode not in self.allowed_modes():
            raise ModelDefError(f"mode of model {name!r} must be one of {self.allowed_modes()}, got {mode!r}.")
        self.mode = mode
        self.requires: dict[str, TypeChecker] = dict(requires or {})
        for key, value in self.requires.items():
            if not isinstance(value, TypeChecker):
                raise ModelDefError(f"requires[{key!r}] of model {name!r} must be a type from bp.types "
                                    f"(NeuState, Array, ListConn, MatConn, ...), got {value!r}.")
        self.hand_overs = dict(hand_overs or {})
        self.heter_params_replace = dict(heter_params_replace or {})
        if not callable(steps) and not isinstance(steps, (list, tuple)):
            raise ModelDefError(f"steps of model {name!r} must be a step function or a list or tuple of them, "
                                f"got {steps!r}.")
        funcs = [steps] if callable(steps) else list(steps)
        if not funcs:
            raise ModelDefError(f"model {name!r} has no step function.")
        self.steps = [StepFunction(f, name) for f in funcs]
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ModelDefError(f"step functions of model {name!r} must have distinct names, got {names}.")
        self._check_steps()
        self.pars = self._collect_parameters()
        self.units = self._annotations("units", units)
        self.descriptions = self._annotations("descriptions", descriptions)
        self.binary_fields = frozenset(binary_fields((s.node for s in self.steps), self.ST.defaults))
        """Fields every step only sets to 0 or 1: monitored, they are recorded as events."""

    def _annotations(self, what: str, given: dict | None) -> dict[str, str]:
        """``units`` or ``descriptions``: strings for names the model has (a parameter or a state field)."""
        known = set(self.pars) | set(self.ST.defaults)
        out = {}
        for key, text in (given or {}).items():
            if key not in known:
                raise ModelDefError(f"{what} of model {self.name!r} names {key!r}, which is neither a parameter nor "
                                    f"a state field.{close_matches(key, known)}")
            if not isinstance(text, str):
                raise ModelDefError(f"{what}[{key!r}] of model {self.name!r} must be a string, got {text!r}.")
            out[key] = text
        return out

    def _state_class(self) -> type:
        return ObjState

    def allowed_modes(self) -> tuple[str, ...]:
        """Modes this kind of model accepts."""
        return MODES

    def step_argument_kinds(self) -> set[str]:
        """Argument names with a built-in meaning for this kind of model."""
        return {"ST", *SYSTEM_NAMES}

    def _check_steps(self) -> None:
        builtin = self.step_argument_kinds()
        for step in self.steps:
            for field in step.fields_used.get("ST", []):
                if field not in self.ST.defaults:
                    raise ModelDefError(f"{step.where()} uses ST[{field!r}], which is not a field of its "
                                        f"state.{close_matches(field, self.ST.fields)}")
            for arg in step.args:
                if arg in SCALAR_INDEX_NAMES:
                    raise ModelDefError(f"{step.where()} takes {arg!r} as an argument; it is a loop index "
                                        f"available in scalar mode without being passed.")
            if self.mode != "scalar":
                for node_name in SCALAR_INDEX_NAMES:
                    if any(getattr(n, "id", None) == node_name for n in _walk(step)):
                        raise ModelDefError(f"{step.where()} uses {node_name!r}, which exists only in scalar mode.")
            step.data_args = [a for a in step.args if a not in builtin]

    def resolve_late(self) -> dict[str, Any]:
        """Look up the names the steps read that were not defined with the model (before its first run).

        Returns
        -------
        dict
            The parameters found now, also added to ``pars`` (groups made before add them at their build).

        Raises
        ------
        ModelDefError
            When a name is still not defined.
        """
        if not any(step.late for step in self.steps):
            return {}
        for step in self.steps:
            step.resolve_late()
        found = {key: value for key, value in self._collect_parameters().items() if key not in self.pars}
        self.pars.update(found)
        return found

    def _collect_parameters(self) -> dict[str, Any]:
        pars: dict[str, Any] = {}
        for step in self.steps:
            for key, value in step.all_parameters().items():
                if key in pars and pars[key] is not value and repr(pars[key]) != repr(value):
                    raise ModelDefError(f"parameter {key!r} of model {self.name!r} has two values: "
                                        f"{pars[key]!r} and {value!r}.")
                pars[key] = value
        return pars

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} mode={self.mode!r} steps={[s.name for s in self.steps]}>"


def _walk(step: StepFunction):
    import ast

    return ast.walk(step.node)


class NeuType(ObjType):
    """An abstract neuron model (see :class:`ObjType` for the parameters)."""

    kind = "neuron"

    def __init__(self, name: str, ST: NeuState, steps: Callable | Sequence[Callable], mode: str = "vector",
                 requires: dict | None = None, hand_overs: dict | None = None,
                 heter_params_replace: dict | None = None, units: dict | None = None,
                 descriptions: dict | None = None):
        super().__init__(ST=ST, name=name, steps=steps, requires=requires, mode=mode, hand_overs=hand_overs,
                         heter_params_replace=heter_params_replace, units=units, descriptions=descriptions)

    def _state_class(self) -> type:
        return NeuState

    def allowed_modes(self) -> tuple[str, ...]:
        return ("scalar", "vector")


class SynType(ObjType):
    """An abstract synapse model (see :class:`ObjType`); steps may also take ``pre`` and ``post``.

    Parameters
    ----------
    summed : dict, optional
        Summed variables: postsynaptic field -> synapse field or expression of one synapse.
        ``summed={'g': 'g_syn'}`` sets each postsynaptic neuron's ``g`` to the sum of ``ST['g_syn']`` over
        its synapses, at the start of every time step (see ``bp_core.model.summed``);
        ``summed={'I_gap': "ST['w'] * (pre['V'] - post['V'])"}`` sums an expression. Scalar and vector mode.
    """

    kind = "synapse"

    def __init__(self, name: str, ST: SynState, steps: Callable | Sequence[Callable], mode: str = "vector",
                 requires: dict | None = None, hand_overs: dict | None = None,
                 heter_params_replace: dict | None = None, units: dict | None = None,
                 descriptions: dict | None = None, summed: dict | None = None):
        super().__init__(ST=ST, name=name, steps=steps, requires=requires, mode=mode, hand_overs=hand_overs,
                         heter_params_replace=heter_params_replace, units=units, descriptions=descriptions)
        declared_post = self.requires.get("post")
        self.summed: tuple[SummedVariable, ...] = parse_summed(
            name, summed, self.ST.fields, getattr(declared_post, "fields", None), mode, self.steps,
            getattr(self.requires.get("pre"), "fields", None))
        for step in self.steps:
            if step.is_delayed and "ST" not in step.args:
                raise ModelDefError(f"{step.where()} is marked @delayed but does not take ST.")
        delayed = [s for s in self.steps if s.is_delayed]
        named = [s.pathway for s in delayed if s.pathway is not None]
        if len(delayed) > 1 and len(named) != len(delayed) or len(set(named)) != len(named):
            listing = ", ".join(f"{s.name!r} (pathway {s.pathway!r})" for s in delayed)
            raise ModelDefError(f"SynType {name!r} has several @delayed steps, {listing}: give each its own pathway, "
                                f"@bp.delayed(pathway='up'), and the SynConn one delay per pathway "
                                f"(delay={{'up': 1., 'down': 5.}}).")
        for step in delayed:
            if step.on == "post" and "spike" not in step.fields_used.get("post", ()):
                raise ModelDefError(f"{step.where()} is marked @bp.delayed(on='post'), a pathway of postsynaptic "
                                    f"spikes, but does not read post['spike']; test post['spike'] in it, or mark it "
                                    f"@bp.delayed(pathway={step.pathway!r}) for a presynaptic pathway.")

    @property
    def pathways(self) -> tuple[str, ...]:
        """Names of the delayed steps' pathways (``@bp.delayed(pathway=...)``), in step order."""
        return tuple(s.pathway for s in self.steps if s.is_delayed and s.pathway is not None)

    @property
    def post_pathways(self) -> tuple[str, ...]:
        """Names of the pathways of postsynaptic spikes (``@bp.delayed(pathway=..., on='post')``)."""
        return tuple(s.pathway for s in self.steps if s.is_delayed and s.on == "post")

    def _state_class(self) -> type:
        return SynState

    def step_argument_kinds(self) -> set[str]:
        return {"ST", "pre", "post", *SYSTEM_NAMES}
