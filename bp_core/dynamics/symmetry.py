"""Mirror images under a symmetry of the equations: a signed permutation of the state variables that the
vector field commutes with, found from two special points it maps onto each other, and the cycle branch of
one point carried onto the other instead of computed again (Lorenz's and Chua's pairs of Hopf points)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import permutations, product

import numpy as np

from bp_core.dynamics.cycle_points import LocatedOrbit
from bp_core.dynamics.diagram import CycleBranch, SpecialPoint

__all__ = ["Symmetry", "symmetry_between", "mirror_branch"]

#: Beyond this many variables the signed permutations are too many to try (2^n n!); sign flips only.
_PERMUTED_UP_TO = 4


@dataclass(frozen=True)
class Symmetry:
    """The map ``(S x)_i = signs[i] * x[order[i]]`` of the state."""

    order: np.ndarray
    signs: np.ndarray

    def states(self, x: np.ndarray) -> np.ndarray:
        """``S`` applied along the last axis of ``x``."""
        return x[..., self.order] * self.signs


def symmetry_between(field_, a: SpecialPoint, b: SpecialPoint, q: np.ndarray, index: int,
                     p_range: tuple[float, float], span: np.ndarray, samples: int = 8) -> Symmetry | None:
    """A signed permutation ``S`` of the state with ``b = S a`` (same parameters) and ``f(S x, p) = S f(x, p)``
    at ``samples`` random states in the variables' ranges and values of the continued parameter across its
    range; None if there is none. The identity is not a candidate: two distinct points are asked for."""
    names = field_.variables
    xa = np.array([a.state[v] for v in names])
    xb = np.array([b.state[v] for v in names])
    if any(abs(a.par[k] - b.par[k]) > 1e-9 * max(1.0, abs(a.par[k])) for k in a.par):
        return None
    n = xa.size
    rng = np.random.default_rng(0)
    x = (rng.random((samples, n)) - 0.5) * span + 0.5 * (xa + xb)
    ps = np.repeat(np.asarray(q, dtype=float)[None, :], samples, axis=0)
    ps[:, index] = p_range[0] + rng.random(samples) * (p_range[1] - p_range[0])
    f = field_.compiled.f
    fx = np.array([f(x[k][:, None], ps[k])[:, 0] for k in range(samples)])
    orders = permutations(range(n)) if n <= _PERMUTED_UP_TO else [tuple(range(n))]
    for order in orders:
        order = np.array(order)
        if np.any(span[order] != span):  # scaled states would not map onto scaled states
            continue
        for signs in product((1.0, -1.0), repeat=n):
            s = Symmetry(order, np.array(signs))
            if np.all(order == np.arange(n)) and all(v > 0 for v in signs):
                continue
            if np.max(np.abs(s.states(xa) - xb) / span) > 1e-7:
                continue
            image = np.array([f(s.states(x[k])[:, None], ps[k])[:, 0] for k in range(samples)])
            if np.allclose(image, s.states(fx), rtol=1e-12, atol=1e-12 * (1.0 + np.max(np.abs(fx)))):
                return s
    return None


def _mirror_vector(v: np.ndarray | None, located: LocatedOrbit, s: Symmetry) -> np.ndarray | None:
    """A collocation unknown (or tangent) vector with its scaled states mapped by ``s`` (the spans of
    permuted variables are equal, so scaled states map as states do)."""
    if v is None:
        return None
    colloc = located.colloc
    nodes = s.states(v[:-2].reshape(colloc.n_nodes, colloc.dim))
    return np.concatenate([nodes.ravel(), v[-2:]])


def _mirror_point(point: SpecialPoint, s: Symmetry, names: list[str]) -> SpecialPoint:
    x = s.states(np.array([point.state[v] for v in names]))
    located = point.located
    if isinstance(located, LocatedOrbit):
        located = replace(located, u=_mirror_vector(located.u, located, s),
                          tangent=_mirror_vector(located.tangent, located, s))
    return replace(point, state={v: float(x[k]) for k, v in enumerate(names)}, located=located)


def mirror_branch(branch: CycleBranch, s: Symmetry) -> CycleBranch:
    """The image of a cycle branch under the symmetry ``s``: the same parameters, periods and multipliers,
    each orbit and special point mapped, and the extremes of a variable that changes sign exchanged."""
    names = branch.variables
    minimum, maximum = {}, {}
    for i, v in enumerate(names):
        source = names[s.order[i]]
        if s.signs[i] > 0:
            minimum[v], maximum[v] = branch.minimum[source].copy(), branch.maximum[source].copy()
        else:
            minimum[v], maximum[v] = -branch.maximum[source], -branch.minimum[source]
    return replace(branch, minimum=minimum, maximum=maximum, orbits=s.states(branch.orbits),
                   special=[_mirror_point(q, s, names) for q in branch.special])
