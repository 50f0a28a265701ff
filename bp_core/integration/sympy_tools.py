"""Conversion between Python expressions and sympy, for symbolic derivatives.

:class:`SympyRender` turns a Python expression (AST or text) into a sympy
expression. Parts sympy cannot represent (``np.clip(...)``, subscripts, user
functions) become opaque symbols that remember their source, so a derivative can
still be taken as long as the opaque part does not depend on the variable.
:class:`SympyPrinter` prints sympy back as NumPy code.
"""

from __future__ import annotations

import ast
from typing import Any

import sympy
from sympy.printing.str import StrPrinter

__all__ = ["SympyRender", "SympyPrinter", "str2sympy", "sympy2str", "OPAQUE_PREFIX"]

OPAQUE_PREFIX = "_opaque"

_FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh, "arctan": sympy.atan,
    "atan": sympy.atan, "arcsin": sympy.asin, "asin": sympy.asin, "arccos": sympy.acos,
    "acos": sympy.acos, "abs": sympy.Abs, "fabs": sympy.Abs, "absolute": sympy.Abs,
    "log10": lambda x: sympy.log(x, 10), "log2": lambda x: sympy.log(x, 2),
    "expm1": lambda x: sympy.exp(x) - 1, "log1p": lambda x: sympy.log(1 + x),
    "power": lambda a, b: a ** b, "pow": lambda a, b: a ** b, "square": lambda a: a ** 2,
}
_MODULES = {"np", "numpy", "math"}
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}


class SympyRender:
    """Render Python expressions as sympy expressions.

    Attributes
    ----------
    opaque : dict
        Opaque symbol name -> the AST node it stands for.
    """

    def __init__(self) -> None:
        self.opaque: dict[str, ast.expr] = {}

    def render_expr(self, expr: str | ast.expr) -> sympy.Expr:
        """Return the sympy form of ``expr`` (text or AST)."""
        node = ast.parse(expr, mode="eval").body if isinstance(expr, str) else expr
        return self.render_node(node)

    def render_node(self, node: ast.expr) -> sympy.Expr:
        """Return the sympy form of one AST node."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Float(node.value)
        if isinstance(node, ast.Name):
            return sympy.Symbol(node.id, real=True)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](self.render_node(node.left), self.render_node(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.render_node(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call) and not node.keywords:
            func = _function_name(node.func)
            if func in _FUNCTIONS:
                return _FUNCTIONS[func](*[self.render_node(a) for a in node.args])
        return self._opaque(node)

    def _opaque(self, node: ast.expr) -> sympy.Symbol:
        for name, known in self.opaque.items():
            if ast.dump(known) == ast.dump(node):
                return sympy.Symbol(name, real=True)
        name = f"{OPAQUE_PREFIX}{len(self.opaque)}"
        self.opaque[name] = node
        return sympy.Symbol(name, real=True)


def _function_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in _MODULES:
        return func.attr
    return None


class SympyPrinter(StrPrinter):
    """Print sympy expressions as Python code that runs under NumPy and numba."""

    _np_functions = {"exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sign"}
    _renamed = {"atan": "arctan", "asin": "arcsin", "acos": "arccos", "Abs": "abs"}

    def _print_Float(self, expr: sympy.Float) -> str:
        return repr(float(expr))

    def _print_Function(self, expr: Any) -> str:
        name = type(expr).__name__
        name = self._renamed.get(name, name)
        if name in self._np_functions or name in self._renamed.values():
            return f"np.{name}({', '.join(self._print(a) for a in expr.args)})"
        return super()._print_Function(expr)

    _print_Abs = _print_Function
    _print_sign = _print_Function

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        if expr.exp == sympy.S.Half:
            return f"np.sqrt({self._print(expr.base)})"
        if expr.exp == -sympy.S.Half:
            return f"1 / np.sqrt({self._print(expr.base)})"
        return super()._print_Pow(expr, rational)

    def _print_Exp1(self, expr: Any) -> str:
        return "np.e"

    def _print_Pi(self, expr: Any) -> str:
        return "np.pi"

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"{expr.p}/{expr.q}" if expr.q != 1 else str(expr.p)


def str2sympy(str_expr: str) -> sympy.Expr:
    """Parse a Python expression into sympy (unknown calls become opaque symbols)."""
    return SympyRender().render_expr(str_expr)


def sympy2str(sympy_expr: sympy.Expr) -> str:
    """Print a sympy expression as NumPy code."""
    return SympyPrinter().doprint(sympy_expr)
