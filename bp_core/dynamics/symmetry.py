"""Mirror images under a symmetry of the equations: a signed permutation of the state variables that the
vector field commutes with, found from two special points it maps onto each other, and the cycle branch of
one point carried onto the other instead of computed again (Lorenz's and Chua's pairs of Hopf points). The
symmetry may also reflect the continued parameter, ``f(S x, c - p) = S f(x, p)`` (HomCont's ``kpr``: its
Hopf points at -+lambda), where the parameter's range is its own mirror image."""

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
    """The map ``(S x)_i = signs[i] * x[order[i]]`` of the state, with the continued parameter ``p`` taken to
    ``reflect - p`` where ``reflect`` is not None (else kept)."""

    order: np.ndarray
    signs: np.ndarray
    reflect: float | None = None

    def states(self, x: np.ndarray) -> np.ndarray:
        """``S`` applied along the last axis of ``x``."""
        return x[..., self.order] * self.signs


def symmetry_between(field_, a: SpecialPoint, b: SpecialPoint, q: np.ndarray, index: int,
                     p_range: tuple[float, float], span: np.ndarray, samples: int = 8) -> Symmetry | None:
    """A signed permutation ``S`` of the state with ``b = S a`` and ``f(S x, p) = S f(x, p)`` (same parameters)
    or ``f(S x, c - p) = S f(x, p)`` (the continued parameter at ``c - p``, ``c`` the sum of the two points'
    values, only where ``c - p`` maps its range onto itself) at ``samples`` random states in the variables'
    ranges and values of the continued parameter across its range; None if there is none. The identity
    with the parameter kept is not a candidate: two distinct points are asked for."""
    names = field_.variables
    xa = np.array([a.state[v] for v in names])
    xb = np.array([b.state[v] for v in names])
    differ = [k for k in a.par if abs(a.par[k] - b.par[k]) > 1e-9 * max(1.0, abs(a.par[k]))]
    reflect = None
    if differ:
        key = list(a.par)[index] if index < len(a.par) else None
        lo, hi = p_range
        reflect = a.par[differ[0]] + b.par[differ[0]]
        # The mirror of a branch computed inside the range must lie inside it, and end where the range does.
        if differ != [key] or abs(reflect - (lo + hi)) > 1e-9 * max(1.0, hi - lo):
            return None
        reflect = lo + hi
    n = xa.size
    rng = np.random.default_rng(0)
    x = (rng.random((samples, n)) - 0.5) * span + 0.5 * (xa + xb)
    ps = np.repeat(np.asarray(q, dtype=float)[None, :], samples, axis=0)
    ps[:, index] = p_range[0] + rng.random(samples) * (p_range[1] - p_range[0])
    image_ps = ps.copy()
    if reflect is not None:
        image_ps[:, index] = reflect - ps[:, index]
    f = field_.compiled.f
    fx = np.array([f(x[k][:, None], ps[k])[:, 0] for k in range(samples)])
    orders = permutations(range(n)) if n <= _PERMUTED_UP_TO else [tuple(range(n))]
    for order in orders:
        order = np.array(order)
        if np.any(span[order] != span):  # scaled states would not map onto scaled states
            continue
        for signs in product((1.0, -1.0), repeat=n):
            s = Symmetry(order, np.array(signs), reflect)
            if reflect is None and np.all(order == np.arange(n)) and all(v > 0 for v in signs):
                continue
            if np.max(np.abs(s.states(xa) - xb) / span) > 1e-7:
                continue
            image = np.array([f(s.states(x[k])[:, None], image_ps[k])[:, 0] for k in range(samples)])
            if np.allclose(image, s.states(fx), rtol=1e-12, atol=1e-12 * (1.0 + np.max(np.abs(fx)))):
                return s
    return None


def _mirror_vector(v: np.ndarray | None, located: LocatedOrbit, s: Symmetry, tangent: bool) -> np.ndarray | None:
    """A collocation unknown (or tangent) vector with its scaled states mapped by ``s`` (the spans of
    permuted variables are equal, so scaled states map as states do)."""
    if v is None:
        return None
    colloc = located.colloc
    nodes = s.states(v[:-2].reshape(colloc.n_nodes, colloc.dim))
    last = v[-2:].copy()
    if s.reflect is not None:  # the unknown is p / par_span; a tangent's parameter component changes sign
        last[-1] = s.reflect / colloc.par_span - last[-1] if tangent is False else -last[-1]
    return np.concatenate([nodes.ravel(), last])


def _mirror_point(point: SpecialPoint, s: Symmetry, names: list[str], parameter: str) -> SpecialPoint:
    x = s.states(np.array([point.state[v] for v in names]))
    located = point.located
    par = dict(point.par)
    if s.reflect is not None:
        par[parameter] = s.reflect - par[parameter]
    if isinstance(located, LocatedOrbit):
        p = located.p.copy()
        if s.reflect is not None:
            p[located.index] = s.reflect - p[located.index]
        located = replace(located, u=_mirror_vector(located.u, located, s, tangent=False),
                          tangent=_mirror_vector(located.tangent, located, s, tangent=True), p=p)
    return replace(point, par=par, state={v: float(x[k]) for k, v in enumerate(names)}, located=located)


def mirror_branch(branch: CycleBranch, s: Symmetry) -> CycleBranch:
    """The image of a cycle branch under the symmetry ``s``: the same periods and multipliers, the parameters
    kept or reflected, each orbit and special point mapped, and the extremes of a variable that changes sign
    exchanged."""
    names = branch.variables
    minimum, maximum = {}, {}
    for i, v in enumerate(names):
        source = names[s.order[i]]
        if s.signs[i] > 0:
            minimum[v], maximum[v] = branch.minimum[source].copy(), branch.maximum[source].copy()
        else:
            minimum[v], maximum[v] = -branch.maximum[source], -branch.minimum[source]
    par = branch.par if s.reflect is None else s.reflect - branch.par
    return replace(branch, par=par, minimum=minimum, maximum=maximum, orbits=s.states(branch.orbits),
                   special=[_mirror_point(q, s, names, branch.parameter) for q in branch.special])
