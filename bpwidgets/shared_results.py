"""Analysis results shared between kernels: a phase portrait or a bifurcation diagram, computed once.

Every student's kernel of a lecture dashboard opens on the same phase portrait and the same bifurcation diagram.
The warm-up's kernel records them with :meth:`bpwidgets.first_pass.FirstPasses.computed` (keyed by the installed
code and everything the analysis is given); a later kernel reads them instead of computing them, and builds its
analyzer only when a slider or a click asks for something new.

A result (dataclasses of ``bp_core.dynamics``, lists, dicts, numbers, strings and arrays) is stored as named
arrays: its arrays under ``a<k>``, and a JSON skeleton (``skeleton``) that names them. Reading builds only the
dataclasses listed in :data:`TYPES` and checks each field against its declared kind, so a damaged or foreign file
is a miss (computed again), never a crash or a wrong figure. Fields declared ``compare=False`` are working data
of the analyzer (``SpecialPoint.located``, from which branches are switched) and are not stored.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Callable

import numpy as np

import bp_core as bp
from bpwidgets.first_pass import FirstPasses, model_code

__all__ = ["TYPES", "to_arrays", "from_arrays", "shared"]

TYPES = {cls.__name__: cls for cls in (
    bp.dynamics.Branch, bp.dynamics.CycleBranch, bp.dynamics.SpecialPoint, bp.dynamics.FixedPoint,
    bp.dynamics.Nullcline, bp.dynamics.VectorFieldGrid, bp.dynamics.Trajectory)}
"""The dataclasses a stored result may hold."""


def to_arrays(value: Any) -> dict[str, np.ndarray]:
    """``value`` as named arrays (see the module's description); raises TypeError for what it cannot store."""
    arrays: dict[str, np.ndarray] = {}

    def skeleton(item: Any) -> Any:
        if dataclasses.is_dataclass(item) and type(item).__name__ in TYPES:
            return {"@type": type(item).__name__, **{f.name: skeleton(getattr(item, f.name))
                                                     for f in dataclasses.fields(item) if f.compare}}
        if isinstance(item, np.ndarray):
            if item.dtype.kind not in "biufc":
                raise TypeError(f"an array of {item.dtype} is not stored")
            name = f"a{len(arrays)}"
            arrays[name] = item
            return {"@array": name}
        if isinstance(item, dict):
            if not all(isinstance(key, str) and not key.startswith("@") for key in item):
                raise TypeError("a dict whose keys are not plain strings is not stored")
            return {key: skeleton(entry) for key, entry in item.items()}
        if isinstance(item, (list, tuple)):
            return [skeleton(entry) for entry in item]
        if isinstance(item, (bool, np.bool_)):
            return bool(item)
        if isinstance(item, (int, np.integer)):
            return int(item)
        if isinstance(item, (float, np.floating)):
            return float(item)
        if item is None or isinstance(item, str):
            return item
        raise TypeError(f"a {type(item).__name__} is not stored")

    tree = skeleton(value)
    arrays["skeleton"] = np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8)
    return arrays


def _check(cls: type, name: str, annotation: str, value: Any) -> None:
    # the kind each field declares: an array where an array belongs, and so on (annotations are strings here)
    if value is None and "None" in annotation:
        return
    kinds = [("ndarray", np.ndarray), ("dict", dict), ("list", list), ("tuple", list), ("float", (float, int)),
             ("str", str)]
    for word, kind in kinds:
        if annotation.startswith(word) or annotation.startswith(f"np.{word}"):
            if not isinstance(value, kind) or isinstance(value, bool) and kind != bool:
                raise ValueError(f"{cls.__name__}.{name} is a {type(value).__name__}, not {annotation}")
            return


def _consistent(item: Any) -> None:
    # the per-point arrays of a branch are as long as its parameter values: the figure zips them
    if isinstance(item, (bp.dynamics.Branch, bp.dynamics.CycleBranch)):
        n = item.par.shape[0] if item.par.ndim == 1 else -1
        per_point = [item.states, item.eigenvalues, np.asarray(item.stability)] \
            if isinstance(item, bp.dynamics.Branch) else \
            [item.period, item.multipliers, item.stable, item.mesh, item.orbits,
             *item.minimum.values(), *item.maximum.values()]
        if n < 0 or any(a is not None and np.ndim(a) >= 1 and len(a) != n for a in per_point):
            raise ValueError(f"a {type(item).__name__}'s arrays differ in length")


def from_arrays(arrays: dict[str, np.ndarray]) -> Any:
    """The value :func:`to_arrays` stored; raises ValueError (or KeyError) where the arrays are not such a value."""
    tree = json.loads(bytes(np.asarray(arrays["skeleton"], dtype=np.uint8)).decode())

    def build(node: Any) -> Any:
        if isinstance(node, list):
            return [build(entry) for entry in node]
        if not isinstance(node, dict):
            return node
        if "@array" in node:
            array = arrays[node["@array"]]
            if array.dtype.kind not in "biufc":
                raise ValueError(f"array {node['@array']} is of {array.dtype}")
            return array
        if "@type" in node:
            cls = TYPES[node["@type"]]
            fields = {f.name: f for f in dataclasses.fields(cls) if f.compare}
            given = {key: build(entry) for key, entry in node.items() if key != "@type"}
            required = {name for name, f in fields.items()
                        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
            if not required <= set(given) <= set(fields):
                raise ValueError(f"the fields of a stored {cls.__name__} are not its fields")
            for name, entry in given.items():
                _check(cls, name, str(fields[name].type), entry)
            item = cls(**given)
            _consistent(item)
            return item
        return {key: build(entry) for key, entry in node.items()}

    return build(tree)


def shared(name: str, model: bp.NeuType, parts: Any, compute: Callable[[], Any],
           valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """What ``compute()`` returns for ``model`` (an analysis result, see :func:`to_arrays`), computed once for
    every kernel: read from the warm-up's recording under ``name``, the model's code and parameters and ``parts``
    (everything else that decides the result) when there is one that reads back whole and that ``valid``
    accepts, else computed (and recorded, in the warm-up's kernels). A result that cannot be stored is returned
    as computed."""
    kept: list[Any] = []

    def computed() -> dict[str, np.ndarray]:
        kept.append(compute())
        return to_arrays(kept[0])

    def readable(arrays: dict[str, np.ndarray]) -> bool:
        try:
            return bool(valid(from_arrays(arrays)))
        except Exception:  # noqa: BLE001 - a damaged or foreign file is computed again
            return False

    key = [model_code(model), {key: model.pars[key] for key in model.pars.keys()}, parts]
    try:
        arrays = FirstPasses().computed(name, key, computed, readable)
    except TypeError:
        if kept:  # computed, but not storable: shown anyway
            return kept[0]
        raise
    # the value computed here is the one shown (arrays read back are equal to it, array for array)
    return kept[0] if kept else from_arrays(arrays)
