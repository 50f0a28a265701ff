"""Data types of models: state declarations, concrete state arrays, and requirement types.

``NeuState``/``SynState`` declare the fields of a model's state with default
values; calling one with a size makes a :class:`StateArray`, the concrete state of
a group: one row of ``_data`` per field, one column per element.
"""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from bp_core import profile
from bp_core.errors import ModelDefError, ModelUseError, TypeMismatchError, close_matches
from bp_core.tools.arrays import aligned_empty

__all__ = ["TypeChecker", "ObjState", "NeuState", "SynState", "StateArray", "Array", "ListConn", "MatConn",
           "Int", "Float", "List", "Dict"]


class TypeChecker:
    """Base class of the types a model can require (``requires=dict(name=type)``)."""

    def __init__(self, help: str = ""):
        self.help = help

    def check(self, value: Any) -> None:
        """Raise TypeMismatchError when ``value`` does not have this type."""
        raise NotImplementedError

    def make_copy(self, *args: Any, **kwargs: Any) -> Any:
        """Return data of this type built from ``args`` (see the subclasses)."""
        raise NotImplementedError


class ObjState(TypeChecker):
    """The fields of a model's state and their default values.

    Accepts a dict ``{'V': -65., 'spike': 0.}``, a list or tuple of names (defaults 0),
    positional names, and keyword fields, which combine: ``NeuState('m', 'h', V=-65.)``.
    """

    def __init__(self, *fields: Any, help: str = "", **kw_fields: float):
        super().__init__(help)
        defaults: dict[str, float] = {}
        for item in fields:
            if isinstance(item, dict):
                defaults.update(item)
            elif isinstance(item, (list, tuple)):
                defaults.update({name: 0.0 for name in item})
            elif isinstance(item, str):
                defaults[item] = 0.0
            else:
                raise ModelDefError(f"{type(self).__name__} fields must be names, lists or dicts, got {item!r}.")
        defaults.update(kw_fields)
        for name, value in defaults.items():
            if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
                raise ModelDefError(f"state field {name!r} must be an identifier not starting with '_'.")
            if unicodedata.normalize("NFKC", name) != name:
                # Python reads identifiers in NFKC form: generated code would read 'ﬁ' as 'fi', another field
                raise ModelDefError(f"state field {name!r} is read by Python as {unicodedata.normalize('NFKC', name)!r} "
                                    f"in code; name it {unicodedata.normalize('NFKC', name)!r}.")
            try:
                defaults[name] = float(value)
            except (TypeError, ValueError):
                raise ModelDefError(f"default of state field {name!r} must be a number, got {value!r}.") from None
        self.defaults = defaults

    @property
    def fields(self) -> list[str]:
        """Field names in declaration order."""
        return list(self.defaults)

    def __call__(self, size: int | tuple) -> "StateArray":
        """Return a concrete state of ``size`` elements (an int, or a shape for matrix-mode synapses)."""
        return StateArray(self.defaults, size)

    def check(self, value: Any) -> None:
        fields = value.fields if isinstance(value, (ObjState, StateArray)) else None
        if fields is None:
            raise TypeMismatchError(f"expected a state with fields {self.fields}, got {type(value).__name__}.")
        missing = [f for f in self.fields if f not in fields]
        if missing:
            raise TypeMismatchError(f"the state lacks the field(s) {missing}; it has {list(fields)}.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.defaults})"


class NeuState(ObjState):
    """State declaration of a neuron model."""


class SynState(ObjState):
    """State declaration of a synapse model."""


class StateArray:
    """The concrete state of a group: ``ST['V']`` is a view of the row of field ``V``.

    Parameters
    ----------
    defaults : dict
        Field name -> initial value.
    size : int or tuple
        Number of elements, or the element shape (matrix mode).
    """

    def __init__(self, defaults: dict[str, float], size: int | tuple):
        self.shape = (int(size),) if np.isscalar(size) else tuple(int(s) for s in size)
        self._var2idx = {name: k for k, name in enumerate(defaults)}
        dtype = profile.get_float_type()
        self._data = aligned_empty((len(defaults),) + self.shape, dtype)
        for name, k in self._var2idx.items():
            self._data[k] = defaults[name]
        self.version = 0  # bumped on every assignment, so delay buffers know to refill

    @property
    def fields(self) -> list[str]:
        """Field names in row order."""
        return list(self._var2idx)

    def keys(self) -> list[str]:
        """Field names (dict-like access)."""
        return self.fields

    def _index(self, key: str) -> int:
        if key not in self._var2idx:
            raise ModelUseError(f"state has no field {key!r}.{close_matches(str(key), self._var2idx)}")
        return self._var2idx[key]

    def hold(self, holder: Any, fetch: Callable[[bool], None]) -> None:
        """A device ``holder`` (a GPU kernel) has newer values than ``_data``; ``fetch(release)`` copies them here
        (``release``: the device's copy is no longer the newest, since the host may now write)."""
        self.__dict__["_held"] = (holder, fetch)

    def release(self, holder: Any) -> None:
        """Forget ``holder``'s hold without fetching (its values are no newer than ``_data``)."""
        held = self.__dict__.get("_held")
        if held is not None and held[0] is holder:
            del self.__dict__["_held"]

    def sync(self, keep: Any = None) -> None:
        """Bring ``_data`` up to date where a device holds newer values, unless that device is ``keep``.

        Reading or writing a field syncs first; a network syncs before a kernel other than the holder runs.
        """
        held = self.__dict__.get("_held")
        if held is not None and held[0] is not keep:
            if self.__dict__.get("_reading"):
                held[1](False)  # the values are copied here; the device keeps its copy in use
                return
            del self.__dict__["_held"]
            held[1](True)

    @contextmanager
    def reading(self) -> Iterator["StateArray"]:
        """Accesses inside this block only read (the engine's own checks): a device holding newer values copies
        them here and keeps using its own copy, which a write through a view would make stale."""
        self.__dict__["_reading"] = True
        try:
            yield self
        finally:
            self.__dict__.pop("_reading", None)

    def __getitem__(self, key: str) -> np.ndarray:
        self.sync()
        if key == "_data":
            return self._data
        if key == "_var2idx":
            return self._var2idx
        return self._data[self._index(key)]

    def __setitem__(self, key: str, value: Any) -> None:
        self.sync()
        k = self._index(key)
        arr = np.asarray(value, dtype=float)
        if arr.ndim and arr.shape != self.shape and arr.size != int(np.prod(self.shape)):
            raise ModelUseError(f"state field {key!r} holds {self.shape} values; cannot assign shape {arr.shape}.")
        self._data[k] = arr.reshape(self.shape) if arr.ndim else arr
        self.version += 1

    def __contains__(self, key: str) -> bool:
        return key in self._var2idx

    _ATTRIBUTES = frozenset({"shape", "version"})

    def __getattr__(self, name: str) -> np.ndarray:
        # only for names that are not attributes: ``ST.V`` reads the field as ``ST['V']`` does
        fields = self.__dict__.get("_var2idx", {})
        if name in fields:
            return self[name]
        raise AttributeError(f"state has no field or attribute {name!r}.{close_matches(name, fields)}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name in self._ATTRIBUTES:
            object.__setattr__(self, name, value)
        elif name in self.__dict__.get("_var2idx", {}):
            self[name] = value  # ``ST.V = x`` sets the field, as ``ST['V'] = x`` does
        else:
            # a plain attribute would be set and ignored by every run: a typo'd field silently did nothing
            raise ModelUseError(f"state has no field {name!r}; set a field with ST['name'] = value or "
                                f"ST.name = value.{close_matches(name, self.__dict__.get('_var2idx', {}))}")

    def __getstate__(self) -> dict:
        self.sync()  # a copy carries the newest values, and no device's hold
        return dict(self.__dict__)

    def __setstate__(self, state: dict) -> None:
        # an unpickled copy (a dask worker's network) gets its data aligned as a new state would
        self.__dict__.update(state)
        data = aligned_empty(self._data.shape, self._data.dtype)
        data[...] = self._data
        self._data = data

    def __repr__(self) -> str:
        return f"StateArray(fields={self.fields}, shape={self.shape})"


class Array(TypeChecker):
    """A NumPy array of ``dim`` dimensions required by a model."""

    def __init__(self, dim: int, help: str = ""):
        super().__init__(help)
        self.dim = dim

    def check(self, value: Any) -> None:
        if not isinstance(value, np.ndarray):
            raise TypeMismatchError(f"expected a {self.dim}-D numpy array, got {type(value).__name__}.")
        if value.ndim != self.dim:
            raise TypeMismatchError(f"expected a {self.dim}-D array, got {value.ndim}-D with shape {value.shape}.")

    def make_copy(self, data: Any) -> np.ndarray:
        """Return ``data`` as an array, checked."""
        arr = np.array(data)
        self.check(arr)
        return arr


class ListConn(TypeChecker):
    """A list of index arrays, one per neuron (``pre2syn``, ``post2syn``, ``pre2post``, ...)."""

    def check(self, value: Any) -> None:
        if not isinstance(value, (list, tuple)) or not all(np.ndim(v) == 1 for v in value):
            raise TypeMismatchError("expected a list of 1-D index arrays (one per neuron).")

    def make_copy(self, data: Iterable) -> list[np.ndarray]:
        """Return ``data`` as a list of int64 index arrays."""
        out = [np.asarray(v, dtype=np.int64).ravel() for v in data]
        self.check(out)
        return out


class MatConn(TypeChecker):
    """A dense (num_pre, num_post) connectivity matrix."""

    def check(self, value: Any) -> None:
        if not isinstance(value, np.ndarray) or value.ndim != 2:
            raise TypeMismatchError("expected a 2-D connectivity matrix (num_pre, num_post).")

    def make_copy(self, data: Any) -> np.ndarray:
        """Return ``data`` as a float matrix, checked."""
        arr = np.asarray(data, dtype=float)
        self.check(arr)
        return arr


class _Scalar(TypeChecker):
    kinds: tuple = ()

    def check(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, self.kinds):
            raise TypeMismatchError(f"expected {type(self).__name__.lower()}, got {value!r}.")


class Int(_Scalar):
    """An integer required by a model."""

    kinds = (int, np.integer)


class Float(_Scalar):
    """A real number required by a model."""

    kinds = (int, float, np.integer, np.floating)


class List(TypeChecker):
    """A Python list required by a model."""

    def check(self, value: Any) -> None:
        if not isinstance(value, list):
            raise TypeMismatchError(f"expected a list, got {type(value).__name__}.")


class Dict(TypeChecker):
    """A Python dict required by a model."""

    def check(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise TypeMismatchError(f"expected a dict, got {type(value).__name__}.")
