"""What NeuGroup and SynConn share: state, parameters, monitors, required data, schedule."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import psutil

from bp_core import profile
from bp_core.errors import ModelUseError, TypeMismatchError, close_matches
from bp_core.model.obj_type import ObjType
from bp_core.model.parameters import ParsUpdate
from bp_core.model.types import StateArray
from bp_core.simulation.monitors import MonitorResults, parse_monitors

__all__ = ["Ensemble", "Runner"]

_COUNTERS: dict[str, itertools.count] = {}


def _auto_name(prefix: str) -> str:
    counter = _COUNTERS.setdefault(prefix, itertools.count())
    return f"{prefix}{next(counter)}"


def _check_fits(name: str, model: ObjType, shape: int | tuple) -> None:
    """Refuse a state larger than the memory available, before allocating it."""
    elements = int(np.prod(shape, dtype=np.float64))
    size = elements * len(model.ST.fields) * np.dtype(profile.get_float_type()).itemsize
    available = psutil.virtual_memory().available
    if size > 0.8 * available:
        raise ModelUseError(f"{name!r}: the state of {elements:,} elements x {len(model.ST.fields)} fields "
                            f"({model.name!r}) would take {size / 2**30:.1f} GiB; {available / 2**30:.1f} GiB are "
                            f"available. Use fewer elements, or float32 (bp.profile.set(float_type='float32')).")


class Runner:
    """The order in which an object's parts run each time step.

    Entries are ``'input'``, ``'monitor'`` and the names of the model's step functions.
    """

    def __init__(self, ensemble: "Ensemble"):
        self._ensemble = ensemble
        model = ensemble.model
        self._schedule = ["input"] + [s.name for s in model.steps] + ["monitor"]

    def set_schedule(self, schedule: list[str]) -> None:
        """Set the order of the parts; each entry at most once."""
        valid = ["input", "monitor"] + [s.name for s in self._ensemble.model.steps]
        for entry in schedule:
            if entry not in valid:
                raise ModelUseError(f"schedule entry {entry!r} of {self._ensemble.name!r} is neither 'input', "
                                    f"'monitor' nor a step function.{close_matches(str(entry), valid)}")
        if len(set(schedule)) != len(schedule):
            raise ModelUseError(f"schedule of {self._ensemble.name!r} lists an entry twice: {schedule}.")
        self._schedule = list(schedule)

    def get_schedule(self) -> list[str]:
        """Return the current order."""
        return list(self._schedule)


class Ensemble:
    """Base of NeuGroup and SynConn.

    Parameters
    ----------
    name : str, optional
        Object name (an identifier); generated when not given.
    shape : int or tuple
        Element count, or element shape (matrix-mode synapses).
    model : ObjType
    monitors : list, optional
        State fields to record: names, ``(name, indices)`` pairs or :class:`bp_core.simulation.monitors.Monitor`.
    pars_update : dict, optional
        Parameter values for this object.
    satisfies : dict, optional
        Data required by the model's steps.
    """

    _reserved = {"model", "name", "ST", "pars", "mon", "runner", "monitors", "monitor_specs", "num", "requires"}

    def __init__(self, name: str | None, shape: int | tuple, model: ObjType, monitors: Any,
                 pars_update: dict | None, satisfies: dict | None, prefix: str):
        object.__setattr__(self, "_data", {})
        if name is not None and (not isinstance(name, str) or not name.isidentifier()):
            raise ModelUseError(f"object name {name!r} must be a Python identifier.")
        self.name = name or _auto_name(prefix)
        self._named_by_user = name is not None
        self.model = model
        _check_fits(self.name, model, shape)
        self.ST = model.ST(shape)
        self.pars = ParsUpdate(model.pars, shape, model)
        if pars_update:
            self.pars.update(pars_update)
        self.monitor_specs = parse_monitors(self.name, self.ST.fields, self.num, monitors)
        self.monitors = list(self.monitor_specs)
        self.mon = MonitorResults.empty(self.monitors, self.ST.shape)
        self.runner = Runner(self)
        for key, value in model.hand_overs.items():
            if callable(value):
                object.__setattr__(self, key, value)
            else:
                self._data[key] = np.array(value) if isinstance(value, (list, np.ndarray)) else value
        for key, value in (satisfies or {}).items():
            setattr(self, key, value)

    def resolve_late(self) -> None:
        """Take the model's parameters defined after this object was made (see ``ObjType.resolve_late``)."""
        self.model.resolve_late()
        for key, value in self.model.pars.items():
            self.pars.origins.setdefault(key, value)

    def check_in_network(self, members: list[Ensemble]) -> None:
        """Check what this object needs from the other ``members`` of a network it runs in (nothing here)."""

    @property
    def requires(self) -> dict:
        """The model's declared requirements (name -> type)."""
        return self.model.requires

    @property
    def num(self) -> int:
        """Number of elements."""
        return math.prod(self.ST.shape)  # the shape holds ints; np.prod costs microseconds at every run

    # -- required data ----------------------------------------------------------------------------

    def required_data(self) -> dict[str, Any]:
        """Names of the data the steps take as arguments, with their declared type (or None)."""
        names: dict[str, Any] = {}
        for step in self.model.steps:
            for arg in step.data_args:
                names[arg] = self.model.requires.get(arg)
        return names

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "ST" and "ST" in self.__dict__:
            self._replace_state(value)
            return
        if key == "pars" and "pars" in self.__dict__ and value is not self.pars:
            # a dict in its place would be read by no run (and failed the next build with an AttributeError)
            raise ModelUseError(
                f"{type(self).__name__} {self.name!r}: pars cannot be replaced; set parameters in it "
                f"({self.name}.pars['tau'] = 5.) or several at once ({self.name}.pars.update({{'tau': 5.}})).")
        if "model" in self.__dict__ and key not in self._reserved and key in self.required_data():
            declared = self.model.requires.get(key)
            if declared is not None:
                try:
                    declared.check(value)
                except TypeMismatchError as err:
                    raise TypeMismatchError(f"data {key!r} of {self.name!r} does not match what model "
                                            f"{self.model.name!r} requires: {err}") from None
            self._data[key] = value
            return
        object.__setattr__(self, key, value)

    def __getattr__(self, key: str) -> Any:
        data = self.__dict__.get("_data", {})
        if key in data:
            return data[key]
        raise AttributeError(f"{type(self).__name__} {self.__dict__.get('name', '?')!r} has no attribute {key!r}")

    def _replace_state(self, value: Any) -> None:
        """``group.ST = other``: only a state of the same fields and shape (its values are copied in)."""
        if not isinstance(value, StateArray) or value.fields != self.ST.fields or value.shape != self.ST.shape:
            raise ModelUseError(
                f"{type(self).__name__} {self.name!r}: ST holds fields {self.ST.fields} for {self.ST.shape} elements "
                f"and cannot be replaced by {type(value).__name__}; set fields instead "
                f"({self.name}.ST['V'] = values), or assign a state made by the same model type.")
        self.ST["_data"][...] = value["_data"]  # through the state's access: a device's newer values come first
        self.ST.version += 1

    def missing_data(self, provided: set[str]) -> list[str]:
        """Required data names not provided by the object itself or by ``provided``."""
        return [k for k in self.required_data() if k not in self._data and k not in provided]

    # -- schedule ------------------------------------------------------------------------------

    def set_schedule(self, schedule: list[str]) -> None:
        """Same as ``runner.set_schedule``."""
        self.runner.set_schedule(schedule)

    def get_schedule(self) -> list[str]:
        """Same as ``runner.get_schedule``."""
        return self.runner.get_schedule()

    def type_checking(self) -> None:
        """Raise ModelUseError when required data is missing."""
        missing = self.missing_data(set())
        if missing:
            raise ModelUseError(self.missing_message(missing[0]))

    def missing_message(self, key: str) -> str:
        """Explain how to provide a missing data item."""
        return (f"{type(self).__name__} {self.name!r} lacks the data {key!r} that a step of model "
                f"{self.model.name!r} takes; provide it with satisfies={{{key!r}: ...}} or "
                f"{self.name}.{key} = ...")


    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} of {self.model.name!r}, {self.num} elements>"
