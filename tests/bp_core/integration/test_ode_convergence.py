"""Convergence orders of the ODE methods on dx/dt = a cos(OMEGA t) x, x(t) = x0 exp(a sin(OMEGA t) / OMEGA).

The error is the largest deviation over the whole trajectory, so that no method's
error constant happens to vanish at the final time.
"""

import numpy as np
import pytest

import bp_core as bp

OMEGA = 1.3
X0 = np.array([0.5, 1.0, 2.0])
T_END = 3.0
DTS = np.array([0.1, 0.05, 0.025, 0.0125])
EXPECTED_ORDER = {"euler": 1, "midpoint": 2, "heun": 2, "rk2": 2, "rk3": 3, "rk4": 4, "rk4_alternative": 4,
                  "exponential": 1, "milstein_ito": 1, "milstein_stra": 1}


def rhs(x, t, a):
    c = a * np.cos(OMEGA * t)
    return c * x


def exact(t, a=0.8):
    return X0 * np.exp(a * np.sin(OMEGA * t) / OMEGA)


def integrate_to_end(integrator, dt, a=0.8):
    x = X0.copy()
    for i in range(int(round(T_END / dt))):
        x = integrator.step(x, i * dt, a, dt=dt)
    return x


def global_error(integrator, dt, a=0.8):
    x, worst = X0.copy(), 0.0
    for i in range(int(round(T_END / dt))):
        x = integrator.step(x, i * dt, a, dt=dt)
        worst = max(worst, np.max(np.abs(x - exact((i + 1) * dt, a))))
    return worst


def fitted_order(integrator):
    errors = [global_error(integrator, dt) for dt in DTS]
    return np.polyfit(np.log(DTS), np.log(errors), 1)[0]


def measured_order(method):
    return fitted_order(bp.integrate(rhs, method=method))


@pytest.mark.parametrize("method", list(EXPECTED_ORDER))
def test_measured_order_matches_theory(method, jit):
    order = measured_order(method)
    assert abs(order - EXPECTED_ORDER[method]) < 0.25, f"{method}: measured order {order:.2f}"


@pytest.mark.parametrize("beta", [0.5, 2 / 3, 1.0])
def test_rk2_is_second_order_for_every_beta(beta):
    assert abs(fitted_order(bp.integration.RK2(rhs, beta=beta)) - 2) < 0.25


def test_rk2_beta_half_equals_midpoint():
    rk2 = bp.integration.RK2(rhs, beta=0.5)
    mid = bp.integrate(rhs, method="midpoint")
    np.testing.assert_allclose(integrate_to_end(rk2, 0.1), integrate_to_end(mid, 0.1), rtol=1e-14)


@pytest.mark.parametrize("method", list(EXPECTED_ORDER))
def test_jit_and_numpy_backends_agree(method):
    integrator = bp.integrate(rhs, method=method)
    bp.profile.set(jit=True)
    compiled = integrate_to_end(integrator, 0.05)
    bp.profile.set(jit=False)
    plain = integrate_to_end(integrator, 0.05)
    np.testing.assert_allclose(compiled, plain, rtol=1e-13)


A_LIN, B_LIN = -0.7, 2.0


def linear(x, t):
    return A_LIN * x + B_LIN


def test_exponential_euler_is_exact_on_linear_odes(jit):
    integrator = bp.integrate(linear, method="exponential")
    dt, x = 0.5, np.array([-3.0, 0.0, 10.0])
    x0 = x.copy()
    for i in range(40):
        x = integrator.step(x, i * dt, dt=dt)
    fixed = -B_LIN / A_LIN
    expected = fixed + (x0 - fixed) * np.exp(A_LIN * 40 * dt)
    np.testing.assert_allclose(x, expected, rtol=1e-13, atol=1e-13)


def test_scalars_and_arrays_give_the_same_numbers(jit):
    integrator = bp.integrate(rhs, method="rk4")
    array_result = integrator.step(X0, 0.3, 0.8, dt=0.1)
    scalar_result = [integrator.step(float(x), 0.3, 0.8, dt=0.1) for x in X0]
    assert np.ndim(scalar_result[0]) == 0
    np.testing.assert_allclose(array_result, scalar_result, rtol=1e-15)


def test_default_step_is_profile_dt_unless_set_on_the_integrator():
    integrator = bp.integrate(linear, method="euler")
    bp.profile.set(dt=0.2)
    assert integrator(1.0, 0.0) == pytest.approx(1.0 + 0.2 * (A_LIN + B_LIN))
    integrator.dt = 0.1
    assert integrator(1.0, 0.0) == pytest.approx(1.0 + 0.1 * (A_LIN + B_LIN))
