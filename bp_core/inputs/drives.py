"""Summed Poisson drives: the input of N independent Poisson sources added to a field, one draw per neuron.

Brian2's ``PoissonInput(target, var, N, rate, weight)`` adds ``weight * k`` to ``var`` of every neuron at
every step, with ``k ~ Binomial(N, rate * dt)`` the number of the N sources that fired during the step. A
group of N x neurons sources (``bp.inputs.PoissonInput`` and a synapse) gives the same statistics at a cost
that grows with N; the drive here costs one binomial draw per neuron per step, whatever N.

The drive is a step function added to a neuron model: :func:`poisson_drive` returns a new ``NeuType`` whose
first step adds the drive to the chosen field, then runs the model's own steps. Its N, rate and weight are
the new model's parameters (``<name>_N``, ``<name>_rate``, ``<name>_weight``), so ``group.pars`` changes
them between runs without recompiling. The draws come from the network's random generator (``np.random``
inside a step), so ``bp.profile.set(seed=...)`` makes a run reproducible on both backends.
"""

from __future__ import annotations

import keyword
import numbers
from typing import Any, Callable

import numpy as np

from bp_core.errors import ModelDefError, close_matches
from bp_core.inputs.sampling import binomial_cdf, binomial_from_cdf
from bp_core.model import NeuType
from bp_core.model.step_source import step_from_source

__all__ = ["poisson_drive"]

# The field name must be a literal of the step's source (step analysis reads which fields a step
# touches from its AST), so the step is written from a template per field.
_CHECKS = '''\
def {name}(ST, _dt):
    p = {name}_rate * _dt / 1000.{hint}
    if not 0. <= p <= 1.:{hint}
        raise ValueError("{name}_rate must be >= 0 Hz with at most one spike per source and step (rate * dt)")
    if not 0. <= {name}_N == int({name}_N):{hint}
        raise ValueError("{name}_N must be a whole number of sources, 0 or more")
'''
# numba's binomial draw checks neither p nor n (p > 1 gives n), so the step checks them. In scalar mode
# the cumulative table is computed once per step (binomial_cdf is pure: the hoisting pass moves it out of
# the loop over neurons while N and rate are uniform) and each neuron's draw is a search in it.
_SCALAR_DRAW = '''\
    table = binomial_cdf({name}_N, p)
    if table.shape[0] > 0:
        k = binomial_from_cdf(table, np.random.random())
        while k < 0:
            k = binomial_from_cdf(table, np.random.random())
    else:
        k = np.random.binomial(int({name}_N), p)
    ST[{field!r}] += {name}_weight * k
'''
# In vector mode the same table serves a loop over the group (numba's binomial draw of an array is slower
# still); past inversion, numba draws a binomial array for one probability only: a vector-mode drive takes
# one value per parameter, and a failure to compile or run with per-neuron values shows its source line, so
# the line says why
_VECTOR_DRAW = '''\
    table = binomial_cdf({name}_N, p){hint}
    if table.shape[0] > 0:
        for i in range(ST[{field!r}].shape[0]):
            k = binomial_from_cdf(table, np.random.random())
            while k < 0:
                k = binomial_from_cdf(table, np.random.random())
            ST[{field!r}][i] += {name}_weight * k{hint}
    else:
        ST[{field!r}] += {name}_weight * np.random.binomial(int({name}_N), p, ST[{field!r}].shape){hint}
'''
_VECTOR_HINT = "  # vector mode: one N, rate and weight for the group; per-neuron values need a scalar-mode model"


def poisson_drive(model: NeuType, field: str, N: int, rate: float, weight: float, name: str = "drive") -> NeuType:
    """A copy of ``model`` whose neurons each receive the summed input of ``N`` Poisson sources.

    Every step, before the model's own steps, each neuron's ``ST[field]`` grows by
    ``weight * k`` with ``k ~ Binomial(N, rate * dt / 1000)`` drawn independently per neuron and
    step: the per-step mean is ``N p weight`` and the variance ``N p (1 - p) weight**2``.

    Parameters
    ----------
    model : NeuType
        The neuron model to drive (scalar or vector mode).
    field : str
        State field the drive adds to (``'V'`` for a voltage jump, ``'ge'`` for a conductance, ...).
    N : int
        Number of independent sources per neuron.
    rate : float
        Rate of each source in Hz; ``rate * dt / 1000`` must stay at most 1.
    weight : float
        What one source's spike adds to ``field``.
    name : str
        Name of the drive's step; its parameters are ``<name>_N``, ``<name>_rate`` and
        ``<name>_weight`` in ``group.pars``. Give two drives of one model different names.

    Returns
    -------
    NeuType
        The driven model, with the same state, mode, requirements, units and hand-overs.

    Raises
    ------
    ModelDefError
        A field the model does not have, a name that clashes with the model's, or N, rate or
        weight out of range.

    Notes
    -----
    In vector mode the three parameters are one value for the whole group (numba's binomial
    draw takes a scalar probability); a scalar-mode model also takes one value per neuron
    (``group.pars['drive_rate'] = array``).

    Examples
    --------
    >>> driven = bp.inputs.poisson_drive(bp.models.get_LIF(), 'V', N=1000, rate=10., weight=0.1)
    >>> group = bp.NeuGroup(driven, 12500)
    """
    if not isinstance(model, NeuType):
        raise ModelDefError(f"poisson_drive drives a neuron model (a bp.NeuType), got {model!r}; to drive a group, "
                            f"build it from the driven model: bp.NeuGroup(bp.inputs.poisson_drive(model, ...), n).")
    _check_names(model, field, name)
    values = {f"{name}_N": _count(N, name), f"{name}_rate": _rate(rate, name),
              f"{name}_weight": _finite(weight, f"weight of drive {name!r}")}
    step = _drive_step(name, field, model.mode, values)
    return NeuType(name=model.name, ST=model.ST, steps=[step] + [s.func for s in model.steps], mode=model.mode,
                   requires=model.requires, hand_overs=model.hand_overs,
                   units={**model.units, **_units(model, name, field)},
                   descriptions={**model.descriptions, **_descriptions(name, field)})


def _check_names(model: NeuType, field: Any, name: Any) -> None:
    if not isinstance(field, str) or field not in model.ST.defaults:
        raise ModelDefError(f"poisson_drive: model {model.name!r} has no state field {field!r} to drive."
                            f"{close_matches(str(field), model.ST.fields)}")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ModelDefError(f"poisson_drive: name must be a Python identifier not starting with '_' (it names the "
                            f"drive's step and parameters), got {name!r}.")
    taken = {s.name for s in model.steps} | set(model.pars) | set(model.ST.defaults)
    clashes = sorted(taken & {name, f"{name}_N", f"{name}_rate", f"{name}_weight"})
    if clashes:
        raise ModelDefError(f"poisson_drive: model {model.name!r} already has {clashes[0]!r}; give the drive "
                            f"another name (name='drive2').")


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ModelDefError(f"poisson_drive: {what} must be a finite number, got {value!r}.")
    return float(value)


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ModelDefError(f"poisson_drive: N of drive {name!r} is a number of sources, a non-negative "
                            f"integer, got {value!r}.")
    return int(value)


def _rate(value: Any, name: str) -> float:
    rate = _finite(value, f"rate of drive {name!r} (Hz)")
    if rate < 0:
        raise ModelDefError(f"poisson_drive: rate of drive {name!r} must be non-negative (Hz), got {value!r}.")
    return rate


def _drive_step(name: str, field: str, mode: str, values: dict[str, Any]) -> Callable:
    """The drive's step function, from the template, with a source that ``inspect`` can read."""
    scalar = mode == "scalar"
    hint = "" if scalar else _VECTOR_HINT
    source = (_CHECKS + (_SCALAR_DRAW if scalar else _VECTOR_DRAW)).format(name=name, field=field, hint=hint)
    namespace: dict[str, Any] = {"np": np, "binomial_cdf": binomial_cdf, "binomial_from_cdf": binomial_from_cdf,
                                 **values}
    return step_from_source(source, name, namespace, "poisson_drive")


def _units(model: NeuType, name: str, field: str) -> dict[str, str]:
    units = {f"{name}_rate": "Hz"}
    if field in model.units:
        units[f"{name}_weight"] = model.units[field]
    return units


def _descriptions(name: str, field: str) -> dict[str, str]:
    return {f"{name}_N": f"number of Poisson sources driving {field}",
            f"{name}_rate": "rate of each Poisson source (Hz)",
            f"{name}_weight": f"what one source's spike adds to {field}"}
