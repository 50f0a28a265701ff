"""Fixed points of a vector field: found from a grid of seeds, classified by their eigenvalues."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["FixedPoint", "classify", "classify_many", "find_fixed_points", "STABILITY_CLASSES", "MAX_FIXED_POINTS"]

MAX_GRID_SEEDS = 4096
"""Most Newton seeds of one search: a grid of ``per_axis`` seeds an axis while it has no more (up to 7 variables
at 3 an axis), a Halton sequence of this many in more variables."""

MAX_FIXED_POINTS = 1000
"""Most fixed points a search finds in the ranges before it stops with an error (each would be a branch)."""

#: Damped Newton steps in a row after which a seed is given up: a damped step moves a quarter of the ranges, and
#: the box steps are clipped to is twice the ranges wide, so this many cross it.
MAX_DAMPED = 8

STABILITY_CLASSES = ("stable point", "unstable point", "stable node", "unstable node", "stable focus",
                     "unstable focus", "saddle", "center", "degenerate")


@dataclass
class FixedPoint:
    """A fixed point: its position, Jacobian, eigenvalues and stability class."""

    position: dict[str, float]
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    stability: str

    @property
    def is_stable(self) -> bool:
        """True for a stable point, node or focus."""
        return self.stability.startswith("stable")

    def describe(self) -> str:
        """One line like ``Fixed point at v=-0.27..., w=0.53... is a unstable-node.``"""
        where = ", ".join(f"{k}={v}" for k, v in self.position.items())
        return f"at {where} is a {self.stability.replace(' ', '-')}."


def classify(jacobian: np.ndarray, tol: float = 1e-9) -> tuple[np.ndarray, str]:
    """Return the eigenvalues of a square Jacobian and the stability class they give.

    Beyond two dimensions a mix of signs is a saddle, and complex eigenvalues make a node a focus.
    """
    jacobian = np.atleast_2d(np.asarray(jacobian, dtype=float))
    eig = np.linalg.eigvals(jacobian)
    if jacobian.shape == (1, 1):
        value = jacobian[0, 0]
        label = "degenerate" if abs(value) <= tol else ("stable point" if value < 0 else "unstable point")
        return eig, label
    scale = max(1.0, float(np.max(np.abs(eig))))
    re, im = eig.real, eig.imag
    if np.any(np.abs(eig) <= tol * scale):
        return eig, "degenerate"
    if np.all(np.abs(im) <= tol * scale):
        if np.all(re < 0):
            return eig, "stable node"
        if np.all(re > 0):
            return eig, "unstable node"
        return eig, "saddle"
    if np.all(np.abs(re) <= tol * scale):
        return eig, "center"
    if np.all(re < 0):
        return eig, "stable focus"
    if np.all(re > 0):
        return eig, "unstable focus"
    return eig, "saddle"


def classify_many(jacobians: np.ndarray, tol: float = 1e-9) -> tuple[np.ndarray, list[str]]:
    """:func:`classify` of a stack of Jacobians (m, n, n) at once: their eigenvalues (m, n), from one call, and
    the stability class of each (a branch classifies every point it computed)."""
    jacobians = np.asarray(jacobians, dtype=float)
    eig = np.linalg.eigvals(jacobians)
    if jacobians.shape[1:] == (1, 1):
        value = jacobians[:, 0, 0]
        labels = np.where(np.abs(value) <= tol, "degenerate", np.where(value < 0, "stable point", "unstable point"))
        return eig, labels.tolist()
    size = np.abs(eig)
    small = tol * np.maximum(1.0, np.max(size, axis=1))[:, None]
    re, im = eig.real, eig.imag
    stable, unstable = np.all(re < 0, axis=1), np.all(re > 0, axis=1)
    real = np.all(np.abs(im) <= small, axis=1)
    # the order of classify's tests: the first that holds names the point
    labels = np.select([np.any(size <= small, axis=1), real & stable, real & unstable, real,
                        np.all(np.abs(re) <= small, axis=1), stable, unstable],
                       ["degenerate", "stable node", "unstable node", "saddle", "center", "stable focus",
                        "unstable focus"], "saddle")
    return eig, labels.tolist()


def find_fixed_points(field: VectorField, ranges: list[tuple[float, float]], p=(), seeds: int = 21,
                      tol: float = 1e-10) -> list[np.ndarray]:
    """All fixed points inside ``ranges``, by Newton's method from a grid of seeds (``seeds`` per axis in
    2-D, fewer beyond, as many in all).

    In 1-D the sign changes of f on a fine grid are refined with Brent's method, and
    grid minima of |f| catch tangent roots.
    """
    if field.dim == 1:
        return _roots_1d(field, ranges[0], p, tol)
    if field.dim > 1:
        return _newton_batch(field, ranges, p, max(3, int(round(seeds ** (2 / field.dim)))))


def _roots_1d(field: VectorField, bounds: tuple[float, float], p, tol: float) -> list[np.ndarray]:
    # imported here: most analyses never call it, and scipy.optimize costs a new process 0.1 s to import
    from scipy import optimize

    lo, hi = bounds
    xs = np.linspace(lo, hi, 4001)
    fx = field.f(xs[None, :], p)[0]
    roots = []
    for k in np.nonzero(np.sign(fx[:-1]) * np.sign(fx[1:]) < 0)[0]:
        # bisection's worst case over a cell of a wide range (1e100) takes more than brentq's default 100 steps
        roots.append(optimize.brentq(lambda x: field.f(np.array([x]), p)[0], xs[k], xs[k + 1], xtol=tol,
                                     maxiter=2000))
    roots += [xs[k] for k in np.nonzero(fx == 0)[0]]
    magnitude = np.abs(fx)
    inner = magnitude[1:-1]
    minima = 1 + np.nonzero((inner <= magnitude[:-2]) & (inner <= magnitude[2:]) & (inner < 1e-3))[0]
    for k in minima:  # tangent roots: local minima of |f| that reach zero
        res = optimize.minimize_scalar(lambda x: abs(field.f(np.array([x]), p)[0]),
                                       bounds=(xs[k - 1], xs[k + 1]), method="bounded", options={"xatol": 1e-12})
        if abs(field.f(np.array([res.x]), p)[0]) < 1e-10:
            roots.append(res.x)
    unique: list[float] = []
    for r in sorted(roots):
        # one root found twice (on a grid point and beside it, or tangent) is near itself with f ~ 0 between;
        # two roots close beside a wide range (+-1 in +-1e9) have f away from zero between them
        if not unique or abs(r - unique[-1]) > 1e-7 * (hi - lo) or \
                abs(field.f(np.array([0.5 * (r + unique[-1])]), p)[0]) > 1e-8:
            unique.append(r)
    return [np.array([r]) for r in unique]


def _newton_batch(field: VectorField, ranges: list[tuple[float, float]], p, per_axis: int) -> list[np.ndarray]:
    """Newton's method from every seed of a grid at once, on the compiled field."""
    compiled = field.compiled
    p = np.atleast_1d(np.asarray(p, dtype=float))
    if per_axis ** field.dim <= MAX_GRID_SEEDS:
        axes = [np.linspace(lo, hi, per_axis) for lo, hi in ranges]
        x = np.array(np.meshgrid(*axes, indexing="ij")).reshape(field.dim, -1)
    else:
        # three seeds an axis in ten variables are 59,049 (minutes of Newton steps at every parameter seed): a
        # Halton sequence spreads a grid's worth of seeds over the box instead, the same seeds every call
        from scipy.stats import qmc  # imported here, as scipy.optimize is: most analyses never need it

        unit = qmc.Halton(d=field.dim, scramble=False).random(MAX_GRID_SEEDS + 1)[1:]  # its first is a corner
        x = np.ascontiguousarray((qmc.scale(unit, [a for a, _ in ranges], [b for _, b in ranges])).T)
    span = np.array([hi - lo for lo, hi in ranges])
    lo = np.array([a for a, _ in ranges]) - 0.5 * span
    hi = np.array([b for _, b in ranges]) + 0.5 * span
    active = np.arange(x.shape[1])  # the seeds still moving
    damped = np.zeros(x.shape[1], dtype=int)  # each seed's damped steps in a row
    with np.errstate(all="ignore"):
        for _ in range(40):
            y = np.ascontiguousarray(x[:, active])
            jac = np.moveaxis(compiled.jac(y, p), -1, 0)
            ok = np.isfinite(jac).all(axis=(1, 2)) & (np.abs(np.linalg.det(jac)) > 1e-300)
            step = np.zeros_like(y)
            step[:, ok] = np.linalg.solve(jac[ok], compiled.f(y, p).T[ok][..., None])[..., 0].T
            # Damped so a seed far from any root cannot leap out of the ranges in one step.
            factor = np.minimum(1.0, 0.25 * np.min(span[:, None] / np.maximum(np.abs(step), 1e-300), axis=0))
            step *= factor
            x[:, active] = np.clip(y - step, lo[:, None], hi[:, None])
            damped[active] = np.where(factor < 1.0, damped[active] + 1, 0)
            # A seed whose Newton step is at rounding level has converged: further iterations leave it there.
            # One whose steps were damped MAX_DAMPED times in a row has crossed the box its steps are clipped
            # to without meeting a root's basin: it wanders (or sits on the box's edge) and would find none.
            moving = ~(np.max(np.abs(step) / span[:, None], axis=0) <= 1e-15) & (damped[active] < MAX_DAMPED)
            active = active[moving]
            if active.size == 0:
                break
        residual = np.max(np.abs(compiled.f(x, p)), axis=0)
    low, high = np.array([a for a, _ in ranges]) - 1e-9 * span, np.array([b for _, b in ranges]) + 1e-9 * span
    converged = np.nonzero(np.isfinite(residual) & (residual < 1e-9))[0]
    roots = x[:, converged]
    left = roots[:, np.all((low[:, None] <= roots) & (roots <= high[:, None]), axis=0)].T  # in the seeds' order
    # A seed's root is kept unless one kept before it lies within 1e-6 of the ranges: the first seed left is kept
    # and every seed at its root dropped at once, so the work goes with the roots found, not with the seeds (seed
    # by seed, this was a quarter to a half of the search's time; a ring of bistable units has thousands of roots)
    found = []
    while left.shape[0]:
        if len(found) == MAX_FIXED_POINTS:
            where = ", ".join(f"{v} from {a:g} to {b:g}" for v, (a, b) in zip(field.variables, ranges))
            raise ModelUseError(f"the analysis of model {field.model.name!r} finds more than {MAX_FIXED_POINTS} "
                                f"fixed points in the ranges of its variables ({where}); narrow the ranges to "
                                f"the equilibria of interest.")
        found.append(left[0].copy())
        left = left[1:][~(np.max(np.abs(left[1:] - left[0]) / span, axis=1) <= 1e-6)]
    return sorted(found, key=lambda x: tuple(x))
