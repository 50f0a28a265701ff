"""External inputs of a run: ``(target, key, value[, op])`` items checked and shaped for the kernel."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bp_core.errors import ModelUseError, close_matches, describe_value
from bp_core.simulation.ensemble import Ensemble

__all__ = ["InputSpec", "format_inputs", "OPERATIONS"]

OPERATIONS = ("+", "-", "*", "/", "=")


@dataclass
class InputSpec:
    """One checked input.

    Attributes
    ----------
    target : Ensemble
    key : str
        The key as the user wrote it (for messages).
    field : str
    op : str
    value : float or ndarray
    iterated : bool
        True when ``value`` has one entry per time step.
    """

    target: Ensemble
    key: str
    field: str
    op: str
    value: Any
    iterated: bool

    @property
    def structure(self) -> tuple:
        """What the compiled kernel depends on: target, field, operation, and whether the value varies."""
        return (self.target.name, self.field, self.op, self.iterated, np.ndim(self.value))


def _items(inputs: Any) -> list:
    if inputs is None or (isinstance(inputs, (list, tuple)) and len(inputs) == 0):
        return []
    if isinstance(inputs, (list, tuple)) and isinstance(inputs[0], Ensemble):
        return [tuple(inputs)]  # a single (target, key, value[, op]) written as a list
    if isinstance(inputs, (list, tuple)) and all(isinstance(i, (list, tuple)) for i in inputs):
        return [tuple(i) for i in inputs]
    raise ModelUseError(f"inputs must be (target, key, value[, op]) or a list of them, got {inputs!r}.")


def format_inputs(inputs: Any, objects: list[Ensemble], n_steps: int) -> list[InputSpec]:
    """Check ``inputs`` against the network's objects and the run length."""
    specs = []
    for item in _items(inputs):
        if len(item) not in (3, 4):
            raise ModelUseError(f"an input is (target, key, value[, op]), got {item!r}.")
        target, key, value = item[:3]
        op = item[3] if len(item) == 4 else "+"
        if not any(target is obj for obj in objects):
            raise ModelUseError(f"input target {getattr(target, 'name', target)!r} is not in this network; "
                                f"add it with net.add(...).")
        if not isinstance(key, str):
            raise ModelUseError(f"input key must be a state field name like 'ST.input', got {key!r}.")
        field = key[3:] if key.startswith("ST.") else key
        if field not in target.ST:  # every run checks every input: no list of the fields
            raise ModelUseError(f"input key {key!r}: {target.name!r} has no state field {field!r}."
                                f"{close_matches(field, target.ST.fields)}")
        if op not in OPERATIONS:
            raise ModelUseError(f"input operation must be one of {OPERATIONS}, got {op!r}.")
        specs.append(_shape_value(target, key, field, op, value, n_steps))
    return specs


def _shape_value(target: Ensemble, key: str, field: str, op: str, value: Any, n_steps: int) -> InputSpec:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ModelUseError(f"input {key!r} for {target.name!r} must be numbers (a number, one per element or one "
                            f"per time step), got {describe_value(value)}.") from None
    _check_finite(target, key, op, value, arr)
    shape = target.ST.shape
    if arr.ndim == 0:
        return InputSpec(target, key, field, op, float(arr), False)
    if arr.shape == shape or (arr.size == math.prod(shape) and arr.ndim == 1 and arr.shape[0] != n_steps):
        return InputSpec(target, key, field, op, np.ascontiguousarray(arr.reshape(shape)), False)
    if arr.shape[0] == n_steps and (arr.shape[1:] == () or arr.shape[1:] == shape):
        return InputSpec(target, key, field, op, np.ascontiguousarray(arr), True)
    if arr.size == math.prod(shape):
        return InputSpec(target, key, field, op, np.ascontiguousarray(arr.reshape(shape)), False)
    raise ModelUseError(
        f"input {key!r} for {target.name!r} has shape {arr.shape}; give a number, one value per element "
        f"{shape}, or one value per time step ({n_steps},) or ({n_steps}, {', '.join(map(str, shape))}).")


def _check_finite(target: Ensemble, key: str, op: str, value: Any, arr: np.ndarray) -> None:
    """Refuse before the run what could only end it with a non-finite state (and lose the state it had): NaN or
    infinite values (``None`` reads as NaN), and a division by zero."""
    # a NaN or an infinity makes the sum NaN or infinite: a finite sum clears every value in one pass without
    # a mask the size of the input (a run's input of one value per step and element is tens of MB); a sum that
    # overflows from finite values looks closer
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(arr)
    if not np.isfinite(total) and not (finite := np.isfinite(arr)).all():
        where = "" if arr.ndim == 0 else f" at index {tuple(int(i) for i in np.argwhere(~finite)[0])}"
        raise ModelUseError(
            f"input {key!r} for {target.name!r} holds {'no number' if value is None else arr[~finite].flat[0]}"
            f"{where}; inputs must be finite numbers (a run with it would end with the state NaN or infinite). "
            f"Give 0 where nothing is added.")
    if op == "/" and (arr == 0).any():
        raise ModelUseError(
            f"input {key!r} for {target.name!r} divides by zero (op '/'); give non-zero divisors, or "
            f"op '=' to set the field.")
