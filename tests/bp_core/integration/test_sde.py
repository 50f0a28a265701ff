"""Strong convergence of the SDE methods on geometric Brownian motion, and the OU stationary variance.

All step sizes of one test share a single Brownian path per sample (the coarse
increments are sums of the fine ones), so the errors measure the methods alone.
"""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import IntegratorError

MU, SIGMA, X_START, T_END = 2.0, 1.0, 1.0, 1.0
N_PATHS, N_FINE = 4000, 2 ** 10
STRIDES = [2 ** 2, 2 ** 3, 2 ** 4, 2 ** 5, 2 ** 6]


def gbm(x, t):
    return MU * x, SIGMA * x


def fine_increments(seed=7):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N_FINE, N_PATHS)) * np.sqrt(T_END / N_FINE)


def strong_errors(method, exact_end, increments):
    integrator = bp.integrate(gbm, method=method)
    errors = []
    for stride in STRIDES:
        dt = T_END / N_FINE * stride
        coarse = increments.reshape(N_FINE // stride, stride, N_PATHS).sum(axis=1)
        x = np.full(N_PATHS, X_START)
        for i, dW in enumerate(coarse):
            x = integrator.step(x, i * dt, dt=dt, dW=dW)
        errors.append(np.mean(np.abs(x - exact_end)))
    dts = T_END / N_FINE * np.array(STRIDES)
    return np.polyfit(np.log(dts), np.log(errors), 1)[0]


def ito_exact(increments):
    return X_START * np.exp((MU - SIGMA ** 2 / 2) * T_END + SIGMA * increments.sum(axis=0))


def stratonovich_exact(increments):
    return X_START * np.exp(MU * T_END + SIGMA * increments.sum(axis=0))


@pytest.mark.parametrize("method, order", [("euler", 0.5), ("milstein_ito", 1.0), ("exponential", 0.5)])
def test_ito_strong_orders(method, order, jit):
    increments = fine_increments()
    measured = strong_errors(method, ito_exact(increments), increments)
    assert abs(measured - order) < 0.15, f"{method}: strong order {measured:.2f}"


@pytest.mark.parametrize("method", ["heun", "milstein_stra"])
def test_stratonovich_strong_orders(method, jit):
    increments = fine_increments()
    measured = strong_errors(method, stratonovich_exact(increments), increments)
    assert abs(measured - 1.0) < 0.15, f"{method}: strong order {measured:.2f}"


@pytest.mark.parametrize("method", ["euler", "exponential", "heun", "milstein_ito", "milstein_stra"])
def test_sde_backends_agree_on_the_same_increments(method):
    integrator = bp.integrate(gbm, method=method)
    dW = fine_increments()[:3, :8]
    results = {}
    for jit in (True, False):
        bp.profile.set(jit=jit)
        x = np.full(8, X_START)
        for i, inc in enumerate(dW):
            x = integrator.step(x, i * 0.01, dt=0.01, dW=inc)
        results[jit] = x
    np.testing.assert_allclose(results[True], results[False], rtol=1e-13)


TAU, NOISE = 5.0, 0.8


def ou(x, t):
    return -x / TAU, NOISE


@pytest.mark.parametrize("method", ["euler", "exponential", "heun", "milstein_ito", "milstein_stra"])
def test_ornstein_uhlenbeck_stationary_variance(method, jit):
    bp.profile.set(seed=2024, dt=0.05)
    integrator = bp.integrate(ou, method=method)
    x = np.zeros(40_000)
    for i in range(int(8 * TAU / 0.05)):
        x = integrator(x, i * 0.05)
    theory = NOISE ** 2 * TAU / 2
    assert abs(np.var(x) / theory - 1) < 0.03


def test_seed_reproduces_drawn_noise(jit):
    integrator = bp.integrate(ou, method="euler")
    bp.profile.set(seed=5)
    first = integrator(np.zeros(4), 0.0)
    bp.profile.set(seed=5)
    np.testing.assert_array_equal(integrator(np.zeros(4), 0.0), first)


def test_scalar_sde_gets_scalar_noise(jit):
    result = bp.integrate(ou, method="milstein_ito")(0.0, 0.0)
    assert np.ndim(result) == 0


@pytest.mark.parametrize("method", ["midpoint", "rk2", "rk3", "rk4", "rk4_alternative"])
def test_ode_only_methods_refuse_sdes_naming_the_function(method):
    with pytest.raises(IntegratorError, match="'gbm'.*stochastic"):
        bp.integrate(gbm, method=method)
