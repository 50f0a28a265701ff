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


def test_end_noise_is_the_wobble_over_the_last_stretch():
    periods = np.linspace(3.0, 300.0, 3000)
    pars = snake(periods, 3e-7, np.random.default_rng(0))
    assert 1.5e-7 < end_noise(pars, periods) <= 6e-7
    # A resolved curve does not wobble: the snake without noise, an exponential approach (a saddle's
    # homoclinic orbit in a plane), a branch stopped long before its end with its turns in the last stretch.
    assert end_noise(snake(periods, 0.0, np.random.default_rng(0)), periods) < 1e-12
    assert end_noise(648.3 + np.exp(-0.2 * periods), periods) == 0.0
    early = np.linspace(3.0, 9.0, 300)
    assert end_noise(snake(early, 0.0, np.random.default_rng(0)), early) < 1e-5  # curvature between samples


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


def test_a_branch_stopped_before_its_end_keeps_its_turns():
    """Stopped at a chosen period (T = 9), the snake's last turns are resolved by many steps each: kept,
    though the tail's parameter is far from the end's."""
    periods = np.linspace(3.0, 9.0, 300)
    pars = snake(periods, 0.0, np.random.default_rng(0))
    special = [point("LPC", snake(np.array([t]), 0.0, np.random.default_rng(0))[0], t) for t in (5.2, 6.4, 7.6)]
    assert without_unresolved_turns(special, "alpha", pars, periods, pars[-1], floor=1e-12,
                                    after_period=4.0) == special


def test_the_floor_holds_where_the_tail_is_quiet():
    periods = np.linspace(3.0, 300.0, 300)
    pars = np.full(periods.size, END)
    special = [point("LPC", END + 1e-9, 100.0), point("LPC", END + 1e-6, 100.0)]
    kept = without_unresolved_turns(special, "alpha", pars, periods, END, floor=1e-8, after_period=6.0)
    assert kept == special[1:]
