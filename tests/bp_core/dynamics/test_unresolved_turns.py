"""Special points closer to a branch's orbit of infinite period than the branch's own parameter noise."""

import numpy as np

from bp_core.dynamics.diagram import SpecialPoint
from bp_core.dynamics.unresolved_turns import end_noise, without_unresolved_turns

END = 11.0784016


def snake(periods: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """A Shilnikov snake's parameter, ``END + exp(-rho T) cos(omega T)`` (rho = 1.12, omega = 2.59: the
    origin of Chua's circuit in the chu demo), with uniform noise of the given size."""
    return END + 0.5 * np.exp(-1.12 * periods) * np.cos(2.59 * periods) + rng.uniform(-noise, noise, periods.size)


def point(label: str, par: float, period: float) -> SpecialPoint:
    return SpecialPoint(label, {"alpha": par}, {"x": 0.0}, period=period)


def test_end_noise_is_the_largest_departure_over_the_last_stretch():
    periods = np.linspace(3.0, 300.0, 3000)
    pars = snake(periods, 3e-7, np.random.default_rng(0))
    noise = end_noise(pars, periods, END)
    assert 2.9e-7 < noise <= 3e-7
    # The snake itself, at shorter periods, does not enter it.
    assert end_noise(pars[:10], periods[:10], END) > 1e-3


def test_turns_within_the_noise_are_dropped_and_resolved_ones_kept():
    rng = np.random.default_rng(1)
    periods = np.linspace(3.0, 300.0, 3000)
    pars = snake(periods, 3e-7, rng)
    # Folds of the snake: where the parameter's derivative, -rho cos - omega sin, vanishes.
    turns = [(np.arctan2(-1.12, 2.59) + k * np.pi) / 2.59 for k in range(2, 20)]
    special = [point("LPC", snake(np.array([t]), 0.0, rng)[0], t) for t in turns]
    special += [point("PD", special[0].par["alpha"], turns[0] + 1e-3), point("NS", END + 1e-9, 50.0),
                point("LPC", END + 2e-7, 120.0), point("BPC", END - 1e-7, 40.0), point("LPC", END + 1e-8, 4.0)]
    kept = without_unresolved_turns(special, "alpha", pars, periods, END, floor=1e-12, after_period=6.0)
    resolved = [p for p in special[:len(turns)] if abs(p.par["alpha"] - END) > 3e-7]
    assert len(resolved) >= 8
    # Every fold deeper than the noise stays, with the period doubling beside the first; the NS point and
    # the short-period point stay whatever their parameter; the rest (within the noise) go.
    assert kept == resolved + [special[len(turns)], special[len(turns) + 1], special[-1]]


def test_the_floor_holds_where_the_tail_is_quiet():
    periods = np.linspace(3.0, 300.0, 300)
    pars = np.full(periods.size, END)
    special = [point("LPC", END + 1e-9, 100.0), point("LPC", END + 1e-6, 100.0)]
    kept = without_unresolved_turns(special, "alpha", pars, periods, END, floor=1e-8, after_period=6.0)
    assert kept == special[1:]
