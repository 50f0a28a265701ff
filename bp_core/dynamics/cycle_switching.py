"""Branch switching on cycle branches: onto the other branch of periodic orbits through a branch point of
cycles (BPC), and onto the branch of period-doubled orbits born at a period doubling (PD).

At a simple branch point the collocation Jacobian ``F_u`` (orbit, period, parameter) has a two-dimensional
null space; its direction orthogonal to the known branch's tangent ``t`` is the null vector of the
bordered matrix ``[F_u; t^T]`` (found by inverse iteration with its factorisation), and a
pseudo-arclength step along it starts the other branch (AUTO's ISW = -1 for periodic orbits). A period
doubling is the same construction on the orbit traversed twice: written with period ``2T``, the known
branch and the period-doubled one cross at the PD point as two branches of one system.
"""

from __future__ import annotations

import numpy as np

from bp_core.dynamics import arclength
from bp_core.dynamics.collocation import Collocation, Mesh
from bp_core.dynamics.cycle_points import LocatedOrbit
from bp_core.dynamics.cycles import CycleProblem, CycleSettings, _trace
from bp_core.dynamics.diagram import CycleBranch, SpecialPoint
from bp_core.dynamics.vector_field import VectorField
from bp_core.errors import ModelUseError

__all__ = ["switch_cycle_branch", "doubled", "null_direction"]


def doubled(located: LocatedOrbit) -> tuple[Collocation, np.ndarray, np.ndarray]:
    """The orbit of ``located`` traversed twice, as a collocation of period ``2T`` on the mesh repeated in
    both halves, with the known branch's tangent carried over (the same orbit and parameter changes)."""
    colloc, u, t = located.colloc, located.u, located.tangent
    mesh = colloc.mesh
    edges = np.concatenate([mesh.edges / 2, 0.5 + mesh.edges[1:] / 2])
    twice = Collocation(Mesh(edges, mesh.m), colloc.dim, colloc.span, colloc.period_scale, colloc.par_span)
    nodes = u[:-2].reshape(colloc.n_nodes, colloc.dim)
    u2 = np.concatenate([nodes[:-1].ravel(), nodes.ravel(), [u[-2] + np.log(2.0), u[-1]]])
    direction = t[:-2].reshape(colloc.n_nodes, colloc.dim)
    t2 = np.concatenate([direction[:-1].ravel(), direction.ravel(), t[-2:]])
    return twice, u2, t2 / np.sqrt(np.dot(twice.weights * t2, t2))


def null_direction(problem: CycleProblem, u: np.ndarray, t: np.ndarray, iterations: int = 4) -> np.ndarray | None:
    """The null direction of ``F_u`` at ``u`` orthogonal (in the problem's inner product) to ``t``: the null
    vector of the bordered Jacobian, nearly singular at a branch point (None where it cannot be factorised)."""
    # scipy's sparse matrices are imported where they are first built (collocation.Collocation.jacobian)
    from scipy.sparse.linalg import splu

    try:
        solve = splu(problem.bordered_matrix(u, problem.weights * t), permc_spec="MMD_AT_PLUS_A").solve
    except RuntimeError:
        return None
    phi = np.random.default_rng(1).standard_normal(u.size)
    for _ in range(iterations):
        phi = solve(phi)
        phi /= np.sqrt(np.dot(problem.weights * phi, phi))
    return phi


def switch_cycle_branch(field_: VectorField, point: SpecialPoint, p_range: tuple[float, float],
                        var_ranges: list[tuple[float, float]], settings: CycleSettings | None = None,
                        par_names: list[str] | None = None, direction: float = 1.0) -> CycleBranch:
    """The branch of periodic orbits that crosses a cycle branch at ``point``: the other branch through a
    branch point of cycles (BPC), or the period-doubled orbits born at a period doubling (PD), followed
    from the point in ``direction`` (+1 or -1 along the null direction; at a symmetry-breaking branch point
    the two directions give mirror images, at a period doubling the same orbits half a period apart)."""
    if point.label not in ("BPC", "PD") or point.located is None:
        raise ModelUseError(f"branches are switched at BPC and PD points of a cycle branch, not at {point.label}; "
                            f"take the point from CycleBranch.special.")
    settings = settings or CycleSettings()
    located: LocatedOrbit = point.located
    par_names = par_names or [f"p{k}" for k in range(located.p.size)]
    colloc, u, t = located.colloc, located.u, located.tangent
    if point.label == "PD":
        colloc, u, t = doubled(located)
    span = [hi - lo for lo, hi in var_ranges]
    problem = CycleProblem(field_, located.p, located.index, p_range, np.array(span), colloc.period_scale, settings,
                           colloc.mesh)
    problem.colloc = colloc
    problem.start_period = colloc.unpack(u)[1]
    problem.set_reference(u)
    phi = null_direction(problem, u, t)
    name = par_names[located.index]
    where = f"the {point.label} point at {name} = {point.par[name]:.8g}"
    if phi is None:
        raise ModelUseError(f"{where} is not a simple branch point: its bordered collocation Jacobian is singular.")
    start = None
    for s in settings.ds * 0.25 ** np.arange(4):
        start = arclength.correct(problem, u, direction * phi, s, settings)
        if start is not None and np.dot(problem.weights * (start - u), t) ** 2 < 0.5 * np.dot(
                problem.weights * (start - u), start - u):
            break  # off the known branch, not back onto it
        start = None
    if start is None:
        raise ModelUseError(f"no step off {where} converged onto another branch; try a smaller first step "
                            f"(CycleSettings(ds=...)).")
    problem.set_reference(start)
    branch = _trace(field_, problem, start, start - u, par_names)
    # The first step starts at the branch point itself, where the tests are zero to rounding: a point the
    # new branch reports there is the one it was switched at.
    par0, period0 = point.par[name], problem.start_period
    branch.special = [q for q in branch.special if not (
        q.label in ("BPC", "PD") and abs(q.par[name] - par0) < 1e-6 * (p_range[1] - p_range[0])
        and abs(q.period - period0) < 1e-4 * period0)]
    return branch
