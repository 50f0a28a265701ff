"""Numerical integration of ODEs and SDEs written as Python derivative functions.

The sympy printers (``SympyPrinter``, ``SympyRender``, ``str2sympy``, ``sympy2str``) are imported on first use
(PEP 562): importing sympy takes a large part of a second, and only the exponential Euler method and the
analyzers need it.
"""

import importlib

from bp_core.integration.diff_equation import DiffEquation, Expression
from bp_core.integration.integrator import (
    RK2,
    RK3,
    RK4,
    Euler,
    ExponentialEuler,
    Heun,
    Integrator,
    MidPoint,
    MilsteinIto,
    MilsteinStra,
    ParameterView,
    RK4Alternative,
    get_integrator,
    integrate,
)
from bp_core.integration.linear_integrator import LinearIntegrator
from bp_core.integration.methods import METHOD_NAMES, METHODS, render_step

__all__ = [
    "DiffEquation", "Expression", "Integrator", "Euler", "ExponentialEuler", "MidPoint", "Heun", "RK2",
    "RK3", "RK4", "RK4Alternative", "MilsteinIto", "MilsteinStra", "LinearIntegrator",
    "ParameterView", "get_integrator",
    "integrate", "METHOD_NAMES", "METHODS", "render_step", "SympyPrinter", "SympyRender", "str2sympy",
    "sympy2str",
]

_SYMPY_NAMES = ("SympyPrinter", "SympyRender", "str2sympy", "sympy2str")


def __getattr__(name: str):
    if name not in _SYMPY_NAMES:
        raise AttributeError(f"module 'bp_core.integration' has no attribute {name!r}")
    value = getattr(importlib.import_module("bp_core.integration.sympy_tools"), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
