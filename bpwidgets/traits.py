"""Trait types and checks shared by the widgets: validated numbers, numpy arrays as binary buffers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from traitlets import Float, TraitError

__all__ = ["BoundedParameter", "array_to_bytes", "bytes_to_array", "finite_number"]


def finite_number(value: Any, name: str) -> float:
    """Return ``value`` as a finite float, or raise TraitError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TraitError(f"{name} must be a number, got {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise TraitError(f"{name} must be finite, got {value!r}.")
    return value


class BoundedParameter(Float):
    """A float trait accepting only finite numbers within ``[low, high]``.

    Values from a browser are untrusted: a slider's own ``min``/``max`` can be changed by
    a crafted message, so the parameter's range is enforced here, on the Python side.
    """

    def __init__(self, default_value: float, low: float, high: float, **kwargs: Any):
        super().__init__(default_value, **kwargs)
        self.low, self.high = float(low), float(high)

    def validate(self, obj: Any, value: Any) -> float:
        """Return ``value`` as a float, or raise TraitError when it is not finite or out of range."""
        value = finite_number(value, f"parameter {self.name!r}")
        if not self.low <= value <= self.high:
            raise TraitError(f"parameter {self.name!r} must stay within [{self.low:g}, {self.high:g}], "
                             f"got {value:g}.")
        return value


def array_to_bytes(values: Any, dtype: str) -> bytes:
    """Pack an array as little-endian bytes of ``dtype`` (what the front end decodes)."""
    return np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def bytes_to_array(buffer: bytes | memoryview, dtype: str) -> np.ndarray:
    """Unpack bytes made by :func:`array_to_bytes`."""
    return np.frombuffer(bytes(buffer), dtype=np.dtype(dtype).newbyteorder("<"))
