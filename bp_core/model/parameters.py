"""Parameters of a concrete group: the model's numbers, overridden per group, scalar or per element."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from bp_core.errors import ModelDefError, ModelUseError, close_matches

__all__ = ["ParsUpdate"]


class ParsUpdate:
    """The runtime parameters of a NeuGroup or SynConn.

    Reading gives the value in use; setting validates and stores it. A value is a
    number (the same for every element) or an array with one value per element
    (heterogeneous). Parameters are passed to the compiled kernel as data, so
    changing them never changes the generated code.

    Parameters
    ----------
    all_pars : dict
        The model's parameters and their values (the origins).
    num : int or tuple
        Number (or shape) of elements.
    model : ObjType
        The model, for messages.
    """

    def __init__(self, all_pars: dict[str, Any], num: int | tuple, model: Any):
        self.origins = dict(all_pars)
        self.num = num
        self.model = model
        self.updates: dict[str, Any] = {}

    @property
    def shape(self) -> tuple:
        """Element shape a heterogeneous value must have."""
        return (self.num,) if np.isscalar(self.num) else tuple(self.num)

    def _check_key(self, key: str) -> None:
        if key not in self.origins and key in self._late_names():
            self._take_late(key)
        if key not in self.origins:
            hint = close_matches(key, self.origins) if self.origins else " The model has no parameters."
            raise ModelUseError(f"model {self.model.name!r} has no parameter {key!r}.{hint}")

    def _late_names(self) -> set[str]:
        """Names the model's steps read that were not defined when the model was (see ``ObjType.resolve_late``)."""
        return {name for step in getattr(self.model, "steps", ()) for name in step.late}

    def _take_late(self, key: str) -> None:
        # a late name is the model's parameter once it is defined, as at the first run: look it up now, so that
        # pars can set it before that run
        try:
            self.model.resolve_late()
        except ModelDefError:
            if key not in self._late_names():
                raise
            steps = [step.where() for step in self.model.steps if key in step.late]
            raise ModelUseError(
                f"model {self.model.name!r} reads {key!r} ({', '.join(steps)}), which is not defined: define it as "
                f"a number where the model is defined ({key} = ...), then set it per group with pars[{key!r}]; "
                f"the number becomes the model's parameter, which pars overrides.") from None
        for name, value in self.model.pars.items():
            self.origins.setdefault(name, value)

    def __getitem__(self, key: str) -> Any:
        self._check_key(key)
        return self.updates.get(key, self.origins[key])

    get = __getitem__

    def __setitem__(self, key: str, value: Any) -> None:
        self._check_key(key)
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise ModelUseError(f"parameter {key!r} of model {self.model.name!r} must be numeric, got {value!r}.")
        if arr.dtype.kind == "f" and np.isnan(arr).any():
            # a NaN threshold or conductance silently ends every spike or poisons the state: refuse it here
            raise ModelUseError(f"parameter {key!r} of model {self.model.name!r} got NaN; give a number "
                                f"(the value in use is kept).")
        if arr.ndim == 0:
            # keep the origin's kind so compiled code keeps its types (no recompilation)
            origin_is_int = isinstance(self.origins[key], (int, np.integer)) and not isinstance(self.origins[key], bool)
            value = arr.item()
            self.updates[key] = int(value) if origin_is_int and float(value).is_integer() else float(value)
            return
        if arr.size != int(np.prod(self.shape)):
            raise ModelUseError(
                f"parameter {key!r} of model {self.model.name!r}: a per-element value needs {int(np.prod(self.shape))} "
                f"values (one per element), got shape {arr.shape}.")
        self.updates[key] = np.array(arr, dtype=float).reshape(self.shape)

    def update(self, values: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """Set several parameters."""
        for key, value in {**(values or {}), **kwargs}.items():
            self[key] = value

    def keys(self) -> list[str]:
        """All parameter names."""
        return list(self.origins)

    def items(self) -> list[tuple[str, Any]]:
        """(name, value in use) pairs."""
        return [(k, self[k]) for k in self.origins]

    def values(self) -> list[Any]:
        """Values in use."""
        return [self[k] for k in self.origins]

    def __iter__(self) -> Iterator[str]:
        return iter(self.origins)

    def __len__(self) -> int:
        return len(self.origins)

    def __contains__(self, key: str) -> bool:
        return key in self.origins

    @property
    def heters(self) -> dict[str, np.ndarray]:
        """Parameters whose value differs per element."""
        return {k: v for k, v in self.updates.items() if isinstance(v, np.ndarray)}

    @property
    def all(self) -> dict[str, Any]:
        """Every parameter with its value in use."""
        return dict(self.items())

    def kernel_value(self, key: str, scalar_mode: bool, float_type: type = np.float64) -> Any:
        """The value handed to compiled code, in ``float_type`` (the state's, so arithmetic does not promote).

        A number stays a number (a NumPy float in scalar mode, where steps do arithmetic on it
        with NumPy's rules, e.g. division by zero gives inf under numba and NumPy alike);
        per-element values become a contiguous float array (flat in scalar mode, where
        steps index it by element).
        """
        value = self[key]
        if np.ndim(value) == 0:
            if scalar_mode or not isinstance(value, (int, np.integer)):
                return float_type(value)
            return int(value)
        array = np.ascontiguousarray(value, dtype=float_type)
        return array.reshape(-1) if scalar_mode else array

    def is_per_element(self, key: str) -> bool:
        """Whether parameter ``key`` holds one value per element."""
        return np.ndim(self[key]) > 0

    def __repr__(self) -> str:
        return f"ParsUpdate({self.all})"
