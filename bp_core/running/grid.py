"""Parameter grids: validated axes whose points are generated lazily, one at a time."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from bp_core.errors import ModelUseError, describe_value

__all__ = ["iter_grid", "grid_size", "grid_points"]


def _check_value(name: str, place: str, value: Any) -> None:
    # a NaN or infinite parameter gives a run that means nothing; refused before anything starts
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isfinite(float(value)):
        raise ModelUseError(f"grid parameter {name!r} has the non-finite value {value!r} at {place}; "
                            f"give finite numbers only.")


def _axis(name: Any, values: Any) -> tuple:
    if not isinstance(name, str) or not name.isidentifier():
        raise ModelUseError(f"grid: the parameter name {name!r} is not a Python identifier; each point is passed "
                            f"as keyword arguments, so name the parameters as run_func's arguments.")
    if isinstance(values, (str, bytes)):
        raise ModelUseError(f"grid[{name!r}] is the string {values!r}, not a list of values; write [{values!r}] "
                            f"for one value (or a list of numbers).")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ModelUseError(f"grid[{name!r}] is an array of shape {values.shape}; give a 1-D list of values.")
    if isinstance(values, (Mapping, set, frozenset)) or not hasattr(values, "__iter__"):
        raise ModelUseError(f"grid[{name!r}] must be a list of values (an ordered sequence), got "
                            f"{describe_value(values)}.")
    axis = tuple(values.tolist()) if isinstance(values, np.ndarray) else tuple(values)
    if not axis:
        raise ModelUseError(f"grid[{name!r}] is empty; give it at least one value.")
    for i, value in enumerate(axis):
        _check_value(name, f"index {i}", value)
    return axis


def _check_point(k: int, point: Any) -> dict:
    if not isinstance(point, Mapping):
        raise ModelUseError(f"grid: point {k} is {describe_value(point)}, not a dict of parameter values; a grid "
                            f"is a dict of lists or a list of dicts.")
    for name, value in point.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ModelUseError(f"grid: point {k} has the parameter name {name!r}, not a Python identifier.")
        _check_value(name, f"point {k}", value)
    return dict(point)


def _checked(grid: Any) -> tuple[list[str], list[tuple]] | list[dict]:
    """The grid's axes (dict grid) or its points (list grid), every value checked."""
    if isinstance(grid, Mapping):
        if not grid:
            raise ModelUseError("grid is an empty dict; give at least one parameter and its values.")
        return list(grid), [_axis(name, grid[name]) for name in grid]
    if isinstance(grid, (list, tuple)):
        if not grid:
            raise ModelUseError("grid is an empty list; give at least one point.")
        return [_check_point(k, point) for k, point in enumerate(grid)]
    raise ModelUseError(f"grid must be a dict of lists or a list of dicts, got {describe_value(grid)}.")


def iter_grid(grid: dict | list) -> Iterator[dict]:
    """Yield the points of ``grid`` one at a time, in grid order; every value is checked first.

    Parameters
    ----------
    grid : dict of lists or list of dicts
        A dict maps each parameter to its values and stands for their Cartesian product (the last parameter
        varies fastest); the product is never built in memory. A list of dicts is a list of points.

    Raises
    ------
    ModelUseError
        Before yielding anything, if a parameter's values are not a list (a string is refused, never split
        into characters), an axis is empty, a number is NaN or infinite, or a name is not an identifier.
    """
    checked = _checked(grid)
    if isinstance(checked, list):
        return iter(checked)
    names, axes = checked
    return (dict(zip(names, values)) for values in itertools.product(*axes))


def grid_size(grid: dict | list) -> int:
    """Number of points of ``grid`` (checked as :func:`iter_grid` does), without generating them."""
    checked = _checked(grid)
    if isinstance(checked, list):
        return len(checked)
    return math.prod(len(axis) for axis in checked[1])


def grid_points(grid: dict | list) -> list[dict]:
    """Every point of ``grid`` as a list, in grid order (:func:`iter_grid` generates them lazily instead)."""
    return list(iter_grid(grid))
