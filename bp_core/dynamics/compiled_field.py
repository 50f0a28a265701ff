"""A vector field's f, Jacobian and parameter derivative compiled with numba, evaluated at many points.

Continuation evaluates the field at every collocation point of a periodic orbit,
every Newton iteration; sympy's lambdified NumPy code allocates a temporary per
operation, so the same expressions are printed as scalar code inside a loop over
points and compiled. Variable and parameter names are replaced by ``x_0``, ``p_0``...
so no name a user chose reaches the generated source.

The three are one compiled function, ``field_eval``, whose argument ``what`` picks the blocks to run: numba
pays its fixed cost per function (typing, LLVM's pipeline, a cache entry to write and load) once, not three
times. The source is plain text, so a caller can keep it (``VectorField`` memoizes it on disk by the model's
equations) and build the field again without sympy.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["CompiledField", "field_source", "F", "JAC", "DFDP"]

#: Bits of ``field_eval``'s ``what``: which of f, df/dx and df/dp to compute.
F, JAC, DFDP = 1, 2, 4

# what a block that does not run is handed: arrays of the same types, so there is one specialization
_NO_2D, _NO_3D = np.empty((0, 0)), np.empty((0, 0, 0))


def _block(exprs: list, shape: tuple[int, ...], out: str, prefix: str) -> list[str]:
    """Lines computing ``out[i..., k]`` (expression i at point k), with their common subexpressions once."""
    # imported here: a process that finds the source in the cache never imports sympy (most of a second)
    import sympy

    printer = _printer()
    subexprs, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols(prefix))
    lines = [f"{sym} = {printer.doprint(value)}" for sym, value in subexprs]
    for flat, expr in enumerate(reduced):
        index = ", ".join(str(i) for i in np.unravel_index(flat, shape))
        lines.append(f"{out}[{index}, k] = {printer.doprint(expr)}")
    return lines


def _printer():
    from sympy.printing.precedence import precedence
    from sympy.printing.pycode import PythonCodePrinter

    class _Printer(PythonCodePrinter):
        """Prints ``math.exp(x)`` etc. and integers as floats (numba types them as float64), except whole
        exponents."""

        def _print_Integer(self, expr):
            return f"{float(expr.p)!r}"

        def _print_Pow(self, expr, rational=False):
            # A whole power keeps an int exponent: numba multiplies (x**3 is x*x*x) where a float exponent calls
            # pow(), which took a third of Hodgkin-Huxley's field (m**3, n**4 and their derivatives).
            if expr.exp.is_Integer and expr.exp > 1:
                return f"{self.parenthesize(expr.base, precedence(expr), strict=True)}**{int(expr.exp)}"
            return super()._print_Pow(expr, rational=rational)

        def _print_Rational(self, expr):
            return f"({float(expr.p)!r}/{float(expr.q)!r})"

    return _Printer({"fully_qualified_modules": True})


def field_source(exprs: list, variables: list, parameters: list) -> str:
    """Source of ``field_eval(X, p, what, f_out, jac_out, dfdp_out)`` for the right-hand sides ``exprs``.

    Parameters
    ----------
    exprs : list of sympy.Expr
        The right-hand sides.
    variables, parameters : list of sympy.Symbol
        The state symbols and the free parameters, in order.

    Returns
    -------
    str
        One function: for every point ``k`` (a column of ``X``) it writes ``f_out[i, k]`` when ``what & F``,
        ``jac_out[i, j, k]`` when ``what & JAC`` and ``dfdp_out[i, j, k]`` when ``what & DFDP``.
    """
    import sympy

    safe = {s: sympy.Symbol(f"x_{i}", real=True) for i, s in enumerate(variables)}
    safe.update({s: sympy.Symbol(f"p_{i}", real=True) for i, s in enumerate(parameters)})
    exprs = [sympy.sympify(e).xreplace(safe) for e in exprs]
    x = [safe[s] for s in variables]
    p = [safe[s] for s in parameters]
    n, q = len(x), len(p)
    matrix = sympy.Matrix(exprs)
    blocks = [(F, exprs, (n,), "f_out", "c_"), (JAC, list(matrix.jacobian(sympy.Matrix(x))), (n, n), "jac_out", "d_")]
    if q:
        blocks.append((DFDP, list(matrix.jacobian(sympy.Matrix(p))), (n, q), "dfdp_out", "e_"))
    lines = ["def field_eval(X, p, what, f_out, jac_out, dfdp_out):", "    for k in range(X.shape[1]):"]
    lines += [f"        x_{i} = X[{i}, k]" for i in range(n)]
    lines += [f"        p_{i} = p[{i}]" for i in range(q)]
    for bit, block_exprs, shape, out, prefix in blocks:
        lines.append(f"        if what & {bit}:")
        lines += [f"            {line}" for line in _block(block_exprs, shape, out, prefix)]
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

    def __init__(self, exprs: list, variables: list, parameters: list):
        self._build(field_source(exprs, variables, parameters), len(variables), len(parameters))

    @classmethod
    def from_source(cls, source: str, dim: int, n_pars: int) -> "CompiledField":
        """The field from the text :func:`field_source` returned (no sympy needed)."""
        field = cls.__new__(cls)
        field._build(source, dim, n_pars)
        return field

    def _build(self, source: str, dim: int, n_pars: int) -> None:
        self.dim, self.n_pars = dim, n_pars
        self.source = source
        # Imported on first compile, as every caller of the backend does: `import bp_core` stays free of numba.
        from bp_core.backend.compile import compile_source

        # Always compiled, whatever profile.set(jit=...) says: that setting is for stepping through a model's own
        # code, and this is printed from sympy. As plain Python it would also raise where numba gives inf (a
        # Newton step far out, cosh(1e3)), and the continuation could not reject that step and retry.
        self._eval = compile_source(source, "field_eval", {"math": math}, jit=True).dispatcher

    def _run(self, what: int, X: np.ndarray, p: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        # contiguous float arrays every time: numba compiles (or loads) one specialization, not one per layout
        X = np.ascontiguousarray(X, dtype=float)
        out = np.empty(shape + (X.shape[1],))
        self._eval(X, np.ascontiguousarray(p, dtype=float), what, out if what == F else _NO_2D,
                   out if what == JAC else _NO_3D, out if what == DFDP else _NO_3D)
        return out

    def f(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Derivatives at the points ``X`` (shape (dim, M)); returns (dim, M)."""
        return self._run(F, X, p, (self.dim,))

    def jac(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Jacobians at the points ``X``; returns (dim, dim, M)."""
        return self._run(JAC, X, p, (self.dim, self.dim))

    def dfdp(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Derivatives with respect to the parameters; returns (dim, n_pars, M)."""
        return self._run(DFDP, X, p, (self.dim, self.n_pars))

    def f1(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """``f`` at one state."""
        return self.f(np.asarray(x, dtype=float)[:, None], p)[:, 0]

    def jac1(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """The Jacobian at one state."""
        return self.jac(np.asarray(x, dtype=float)[:, None], p)[:, :, 0]

    def dfdp1(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """``df/dp`` at one state, shape (dim, n_pars)."""
        return self.dfdp(np.asarray(x, dtype=float)[:, None], p)[:, :, 0]

    def jac_dfdp1(self, x: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The Jacobian (dim, dim) and ``df/dp`` (dim, n_pars) at one state, from one call of the compiled
        function (equilibrium continuation asks for both at every Newton iteration)."""
        X = np.asarray(x, dtype=float)[:, None].copy()
        jac, dfdp = np.empty((self.dim, self.dim, 1)), np.empty((self.dim, self.n_pars, 1))
        self._eval(X, np.ascontiguousarray(p, dtype=float), JAC | DFDP, _NO_2D, jac, dfdp)
        return jac[:, :, 0], dfdp[:, :, 0]

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

    def second_derivative(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """The second derivative tensor (n, n, n) at ``(x, p)``, ``B[i, j, k] = d2 f_i / dx_j dx_k``, by central
        differences of the exact Jacobian (relative accuracy about 1e-8): the first of :meth:`tensors`, without
        the third's n^2 further pairs of Jacobians (a fold's coefficient and its location need only this)."""
        x = np.asarray(x, dtype=float)
        n = x.size
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        eye = np.eye(n) * h[:, None]
        second = np.empty((n, n, n))
        for k in range(n):
            second[:, :, k] = (self.jac1(x + eye[k], p) - self.jac1(x - eye[k], p)) / (2 * h[k])
        return second

    def tensors(self, x: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Second (n, n, n) and third (n, n, n, n) derivative tensors at ``(x, p)``, by central differences
        of the exact Jacobian (relative accuracy about 1e-8): ``B[i, j, k] = d2 f_i / dx_j dx_k``."""
        x = np.asarray(x, dtype=float)
        n = x.size
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        eye = np.eye(n) * h[:, None]
        second = self.second_derivative(x, p)
        third = np.empty((n, n, n, n))
        for k in range(n):
            for m in range(n):
                cross = (self.jac1(x + eye[k] + eye[m], p) - self.jac1(x + eye[k] - eye[m], p) -
                         self.jac1(x - eye[k] + eye[m], p) + self.jac1(x - eye[k] - eye[m], p))
                third[:, :, k, m] = cross / (4 * h[k] * h[m])
        return second, third
