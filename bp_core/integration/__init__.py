"""Numerical integration of ODEs and SDEs written as Python derivative functions."""

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
from bp_core.integration.methods import METHOD_NAMES, METHODS, render_step
from bp_core.integration.sympy_tools import SympyPrinter, SympyRender, str2sympy, sympy2str

__all__ = [
    "DiffEquation", "Expression", "Integrator", "Euler", "ExponentialEuler", "MidPoint", "Heun", "RK2",
    "RK3", "RK4", "RK4Alternative", "MilsteinIto", "MilsteinStra", "ParameterView", "get_integrator",
    "integrate", "METHOD_NAMES", "METHODS", "render_step", "SympyPrinter", "SympyRender", "str2sympy",
    "sympy2str",
]
