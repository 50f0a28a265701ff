"""Fields whose values the kernel knows do not vary: across elements after a uniform input, or over a run.

``changing_fields`` lists what may change a field during a run: a step of the network that writes it (in
every state it reaches; a scalar-mode step reads a field of a two-dimensional state as a number, so only its
stores and its uses of a whole state write, where ``analyses.written_fields`` also counts a field handed to a
function, which a vector step may write through), a summed variable computed into it, a second input.

- **Uniform fields.** An input of one value per step, or of one value, applied with ``'='``
  (``(group, 'ST.direction', values, '=')``, ``values`` one number per step) gives every element the same
  value; when nothing else changes the field, the steps that run after the input in the same time step read
  one value, Brian2's shared variables. Such a step may read it once per step instead of once per element
  (``passes.uniform_fields``), and compute what depends on it alone once per step too (``np.cos`` of a moving
  stimulus's direction).
- **Constant fields.** A synapse's field that nothing changes and no input reaches holds its values for the
  whole run (a per-synapse time constant the user set): what a step computes from it through a call may be
  computed once per run (``passes.run_values``).
"""

from __future__ import annotations

import ast
from collections import Counter

import numpy as np

from bp_core.codegen.analyses import written_fields
from bp_core.codegen.kernel_ops.plans import InputPlan, ObjectPlan
from bp_core.codegen.step_inputs import StateAccess
from bp_core.model.step_function import StepFunction

__all__ = ["changing_fields", "uniform_after", "offered_uniform", "constant_fields"]


def changing_fields(objects: list[ObjectPlan], inputs: list[InputPlan]) -> set[tuple[str, str]]:
    """The ``(state data, field)`` pairs something besides one uniform input may change during a run."""
    changing: set[tuple[str, str]] = set()
    for obj in objects:
        states = {name: access for name, (_, access) in obj.states.items()}
        for step in obj.steps.values():
            written = _scalar_stores(step.node.body, states) if _scalar(obj) else \
                written_fields(step.node.body, states, obj.model.mode != "scalar")
            changing |= {(obj.states[state][0], key) for state, key in written}
        if "post" in obj.states:
            changing |= {(obj.states["post"][0], summed.target) for summed in obj.summed}
    reached = Counter((inp.target.states["ST"][0], _field(inp)) for inp in inputs)
    changing |= {pair for pair, count in reached.items() if count > 1}
    return changing


def uniform_after(inp: InputPlan, changing: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The ``(state data, field)`` that ``inp`` leaves uniform, if it does (None otherwise)."""
    obj = inp.target
    data, access = obj.states["ST"]
    pair = (data, _field(inp))
    # an empty group has no element to read the value from; other float types would read it as float64
    if not inp.uniform or pair in changing or access.ndim != 2 or np.dtype(obj.float_type) != np.float64 or \
            obj.variables[data]().shape[1] == 0:
        return None
    return pair


def offered_uniform(obj: ObjectPlan, step: StepFunction, uniform: set[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """The ``(state, field)`` pairs of ``obj`` that hold one value in every element when ``step`` runs."""
    if obj.model.mode != "scalar":
        return frozenset()
    offered = set()
    for state, (data, access) in obj.states.items():
        for key in access.fields:
            # a delayed step reads these from the delay buffer, not from the field
            delayed = step.is_delayed and key in obj.delay_rows and state == obj.delay_state
            if (data, key) in uniform and access.ndim <= 2 and not delayed:
                offered.add((state, key))
    return frozenset(offered)


def constant_fields(obj: ObjectPlan, changing: set[tuple[str, str]], inputs: list[InputPlan]) -> frozenset[str]:
    """The ST fields of a scalar-mode synapse object that hold their values for a whole run: no step writes them,
    no input reaches them, no summed variable is computed into them (a synapse's ``D`` and ``F`` of short-term
    plasticity, set by the user). What a step computes from them alone through a function call, it may compute
    once per run (``passes.run_values``: a list of one value per synapse, as for per-element parameters).
    Neuron groups are left out: the blocked kernel, which runs neuron steps on slices, takes no such list."""
    if not _scalar(obj) or "pre" not in obj.states:
        return frozenset()
    data, access = obj.states["ST"]
    if access.ndim != 2 or np.dtype(obj.float_type) != np.float64:
        return frozenset()
    reached = {_field(inp) for inp in inputs if inp.target is obj}
    return frozenset(key for key in access.fields if (data, key) not in changing and key not in reached)


def _scalar(obj: ObjectPlan) -> bool:
    return obj.model.mode == "scalar" and all(access.ndim <= 2 for _, access in obj.states.values())


def _scalar_stores(body: list[ast.stmt], states: dict[str, StateAccess]) -> set[tuple[str, str]]:
    """The fields a scalar-mode step stores, and every field of a state it uses whole (hands on, aliases)."""
    written: set[tuple[str, str]] = set()
    keyed = set()
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)) else []
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id in states:
                    key = sub.slice.value if isinstance(sub.slice, ast.Constant) else None
                    written |= {(sub.value.id, k) for k in states[sub.value.id].fields if key in (None, k)}
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            keyed.add(id(node.value))
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Name) and node.id in states and id(node) not in keyed:
            written |= {(node.id, key) for key in states[node.id].fields}
    return written


def _field(inp: InputPlan) -> str:
    return next(k for k, row in inp.target.states["ST"][1].fields.items() if row == inp.row)
