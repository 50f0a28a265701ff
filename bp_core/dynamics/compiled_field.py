"""A vector field's f, Jacobian and parameter derivative compiled with numba, evaluated at many points.

Continuation evaluates the field at every collocation point of a periodic orbit,
every Newton iteration; sympy's lambdified NumPy code allocates a temporary per
operation, so the same expressions are printed as scalar code inside a loop over
points and compiled. Variable and parameter names are replaced by ``x_0``, ``p_0``...
so no name a user chose reaches the generated source.
"""

from __future__ import annotations

import math

import numpy as np
import sympy
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["CompiledField"]


class _Printer(PythonCodePrinter):
    """Prints ``math.exp(x)`` etc. and floats as floats (numba types them as float64)."""

    def _print_Integer(self, expr):
        return f"{float(expr.p)!r}"

    def _print_Rational(self, expr):
        return f"({float(expr.p)!r}/{float(expr.q)!r})"


def _kernel(name: str, exprs: list[sympy.Expr], shape: tuple[int, ...], n_vars: int, n_pars: int) -> str:
    """Source of ``name(X, p, out)``: ``out[i..., k]`` is expression i at point ``X[:, k]``."""
    printer = _Printer({"fully_qualified_modules": True})
    subexprs, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("c_"))
    lines = [f"def {name}(X, p, out):", "    for k in range(X.shape[1]):"]
    lines += [f"        x_{i} = X[{i}, k]" for i in range(n_vars)]
    lines += [f"        p_{i} = p[{i}]" for i in range(n_pars)]
    lines += [f"        {sym} = {printer.doprint(value)}" for sym, value in subexprs]
    for flat, expr in enumerate(reduced):
        index = ", ".join(str(i) for i in np.unravel_index(flat, shape)) if shape else ""
        lines.append(f"        out[{index}, k] = {printer.doprint(expr)}")
    return "\n".join(lines) + "\n"


class CompiledField:
    """Compiled evaluation of ``f(x; p)``, ``df/dx`` and ``df/dp`` at arrays of points.

    Parameters
    ----------
    exprs : list of sympy.Expr
        The right-hand sides.
    variables, parameters : list of sympy.Symbol
        The state symbols and the free parameters, in order.
    """

    def __init__(self, exprs: list[sympy.Expr], variables: list[sympy.Symbol], parameters: list[sympy.Symbol]):
        self.dim, self.n_pars = len(variables), len(parameters)
        safe = {s: sympy.Symbol(f"x_{i}", real=True) for i, s in enumerate(variables)}
        safe.update({s: sympy.Symbol(f"p_{i}", real=True) for i, s in enumerate(parameters)})
        self.exprs = [sympy.sympify(e).xreplace(safe) for e in exprs]
        self.x = [safe[s] for s in variables]
        self.p = [safe[s] for s in parameters]
        matrix = sympy.Matrix(self.exprs)
        jac = matrix.jacobian(sympy.Matrix(self.x))
        dfdp = matrix.jacobian(sympy.Matrix(self.p)) if self.p else sympy.zeros(self.dim, 0)
        n, q = self.dim, self.n_pars
        source = (_kernel("field_f", self.exprs, (n,), n, q) + _kernel("field_jac", list(jac), (n, n), n, q) +
                  (_kernel("field_dfdp", list(dfdp), (n, q), n, q) if q else ""))
        self.source = source
        # Imported on first compile, as every caller of the backend does: `import bp_core` stays free of numba.
        from bp_core.backend.compile import compile_source

        scope = {"math": math}
        # Always compiled, whatever profile.set(jit=...) says: that setting is for stepping through a model's own
        # code, and this is printed from sympy. As plain Python it would also raise where numba gives inf (a
        # Newton step far out, cosh(1e3)), and the continuation could not reject that step and retry.
        self._f = compile_source(source, "field_f", scope, jit=True).dispatcher
        self._jac = compile_source(source, "field_jac", scope, jit=True).dispatcher
        self._dfdp = compile_source(source, "field_dfdp", scope, jit=True).dispatcher if q else None

    def f(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Derivatives at the points ``X`` (shape (dim, M)); returns (dim, M)."""
        X = np.ascontiguousarray(X, dtype=float)
        out = np.empty((self.dim, X.shape[1]))
        self._f(X, np.asarray(p, dtype=float), out)
        return out

    def jac(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Jacobians at the points ``X``; returns (dim, dim, M)."""
        X = np.ascontiguousarray(X, dtype=float)
        out = np.empty((self.dim, self.dim, X.shape[1]))
        self._jac(X, np.asarray(p, dtype=float), out)
        return out

    def dfdp(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Derivatives with respect to the parameters; returns (dim, n_pars, M)."""
        X = np.ascontiguousarray(X, dtype=float)
        out = np.empty((self.dim, self.n_pars, X.shape[1]))
        self._dfdp(X, np.asarray(p, dtype=float), out)
        return out

    def f1(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """``f`` at one state."""
        return self.f(np.asarray(x, dtype=float)[:, None], p)[:, 0]

    def jac1(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """The Jacobian at one state."""
        return self.jac(np.asarray(x, dtype=float)[:, None], p)[:, :, 0]

    def dfdp1(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """``df/dp`` at one state, shape (dim, n_pars)."""
        return self.dfdp(np.asarray(x, dtype=float)[:, None], p)[:, :, 0]

    def newton(self, x: np.ndarray, p: np.ndarray, iterations: int = 30) -> np.ndarray:
        """An equilibrium near ``x`` by Newton's method (the last iterate if the Jacobian turns singular)."""
        x = np.array(x, dtype=float)
        for _ in range(iterations):
            try:
                step = np.linalg.solve(self.jac1(x, p), self.f1(x, p))
            except np.linalg.LinAlgError:
                break
            x = x - step
            if np.max(np.abs(step)) < 1e-12 * (1 + np.max(np.abs(x))):
                break
        return x

    def tensors(self, x: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Second (n, n, n) and third (n, n, n, n) derivative tensors at ``(x, p)``, by central differences
        of the exact Jacobian (relative accuracy about 1e-8): ``B[i, j, k] = d2 f_i / dx_j dx_k``."""
        x = np.asarray(x, dtype=float)
        n = x.size
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        eye = np.eye(n) * h[:, None]
        second = np.empty((n, n, n))
        third = np.empty((n, n, n, n))
        for k in range(n):
            second[:, :, k] = (self.jac1(x + eye[k], p) - self.jac1(x - eye[k], p)) / (2 * h[k])
            for m in range(n):
                cross = (self.jac1(x + eye[k] + eye[m], p) - self.jac1(x + eye[k] - eye[m], p) -
                         self.jac1(x - eye[k] + eye[m], p) + self.jac1(x - eye[k] - eye[m], p))
                third[:, :, k, m] = cross / (4 * h[k] * h[m])
        return second, third
