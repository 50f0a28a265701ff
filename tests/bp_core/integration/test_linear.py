"""method='linear': the exact step of linear systems, against analytic solutions and scipy, and its refusals."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import bp_core as bp
from bp_core.errors import DiffEquationError, IntegratorError

k_spring = 4.0   # damped oscillator x'' = -k x - b x' + F
b_damp = 0.5
tau_v = 2.0      # chain v <- x <- y (an alpha-shaped input current, Sturzl et al. 2000)
tau_s = 0.7


def oscillator(x, v, t, F):
    return v, -k_spring * x - b_damp * v + F


def chain(v, x, y, t, I):
    dv = (x - v) / tau_v
    dx = (y - x) / tau_s
    return dv, dx, (I - y) / tau_s


@pytest.fixture(params=[True, False], ids=["jit", "nojit"])
def jit(request):
    with bp.profile.override(jit=request.param):
        yield request.param


def oscillator_exact(t, x0, v0, k=k_spring, b=b_damp):
    w = np.sqrt(k - b * b / 4)
    c = (v0 + b * x0 / 2) / w
    decay = np.exp(-b * t / 2)
    x = decay * (x0 * np.cos(w * t) + c * np.sin(w * t))
    v = -b / 2 * x + decay * w * (-x0 * np.sin(w * t) + c * np.cos(w * t))
    return x, v


def chain_exact(t, v0, x0, y0):
    a, c = 1 / tau_v, 1 / tau_s
    d = a - c
    x = (x0 + c * y0 * t) * np.exp(-c * t)
    y = y0 * np.exp(-c * t)
    inner = x0 * (np.exp(d * t) - 1) / d + c * y0 * ((t / d - 1 / d ** 2) * np.exp(d * t) + 1 / d ** 2)
    return v0 * np.exp(-a * t) + a * np.exp(-a * t) * inner, x, y


def run_steps(integrator, state, inputs, dt, n):
    out = [state]
    for i in range(n):
        state = integrator.step(*state, i * dt, *inputs, dt=dt)
        out.append(state)
    return np.array(out)


def test_damped_oscillator_equals_the_analytic_solution(jit):
    step = bp.integrate(oscillator, method='linear')
    dt, n = 0.1, 1000
    got = run_steps(step, (1.0, 0.0), (0.0,), dt, n)
    x, v = oscillator_exact(dt * np.arange(n + 1), 1.0, 0.0)
    np.testing.assert_allclose(got[:, 0], x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], v, rtol=0, atol=1e-12)


def test_parameters_change_without_rebuilding(jit):
    step = bp.integrate(oscillator, method='linear')
    step.step(1.0, 0.0, 0.0, 0.0, dt=0.1)
    step.pars['k_spring'] = 9.0
    got = run_steps(step, (1.0, 0.0), (0.0,), 0.05, 200)
    x, v = oscillator_exact(0.05 * np.arange(201), 1.0, 0.0, k=9.0)
    np.testing.assert_allclose(got[:, 0], x, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], v, atol=1e-12)


def test_three_variable_chain_equals_the_analytic_solution(jit):
    step = bp.integrate(chain, method='linear')
    dt, n = 0.05, 2000
    got = run_steps(step, (0.2, -0.1, 1.0), (0.0,), dt, n)
    expected = np.array(chain_exact(dt * np.arange(n + 1), 0.2, -0.1, 1.0)).T
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dt", [0.01, 0.3, 2.0])
def test_one_step_equals_two_half_steps(jit, dt):
    """Exactness: the step has no truncation error, whatever dt."""
    for func, state, inputs in [(oscillator, (1.0, -0.5), (0.3,)), (chain, (0.2, -0.1, 1.0), (0.8,))]:
        step = bp.integrate(func, method='linear')
        one = step.step(*state, 0.0, *inputs, dt=dt)
        half = step.step(*state, 0.0, *inputs, dt=dt / 2)
        two = step.step(*half, dt / 2, *inputs, dt=dt / 2)
        np.testing.assert_allclose(one, two, rtol=0, atol=1e-12)


@pytest.mark.parametrize("func, state, inputs", [(oscillator, [1.0, -0.5], [0.3]),
                                                 (chain, [0.2, -0.1, 1.0], [0.8])])
def test_constant_inputs_against_solve_ivp(jit, func, state, inputs):
    step = bp.integrate(func, method='linear')
    dt, n = 0.25, 80
    got = run_steps(step, tuple(state), inputs, dt, n)
    ts = dt * np.arange(n + 1)
    ref = solve_ivp(lambda t, y: func(*y, t, *inputs), (0, ts[-1]), state, method='DOP853', t_eval=ts,
                    rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got, ref.y.T, rtol=1e-9, atol=1e-11)


def test_vector_state_steps_every_element(jit):
    step = bp.integrate(chain, method='linear')
    v0, x0, y0 = np.array([0.2, 0.0, -1.0]), np.array([-0.1, 0.5, 0.0]), np.array([1.0, 2.0, 0.5])
    v, x, y = v0, x0, y0
    for i in range(100):
        v, x, y = step.step(v, x, y, i * 0.1, np.zeros(3), dt=0.1)
    np.testing.assert_allclose(np.array([v, x, y]), chain_exact(10.0, v0, x0, y0), atol=1e-12)


def test_one_variable_returns_one_value(jit):
    @bp.integrate(method='linear')
    def int_u(u, t, I):
        return (I - u) / tau_v

    got = int_u.step(1.0, 0.0, 3.0, dt=0.5)
    assert got == pytest.approx(3.0 + (1.0 - 3.0) * np.exp(-0.5 / tau_v), abs=1e-14)


def nonlinear(v, w, t):
    return v - v ** 3 / 3 - w, 0.08 * (v + 0.7 - 0.8 * w)


def bilinear(x, y, t):
    return -x * y, -y


def time_dependent(x, y, t):
    return -x + np.sin(t), -y


def opaque(x, y, t):
    return -np.clip(x, 0, 1), -y


@pytest.mark.parametrize("func, words", [
    (nonlinear, ["'nonlinear'", "'v'", "not linear", "method='rk4'"]),
    (bilinear, ["'bilinear'", "'x'", "not linear in 'x'", "depends on 'y'"]),
    (time_dependent, ["'time_dependent'", "'x'", "time 't'", "method='exponential'"]),
    (opaque, ["'opaque'", "np.clip(x, 0, 1)", "method='rk4'"]),
])
def test_refuses_systems_that_are_not_linear_with_constant_coefficients(func, words):
    with pytest.raises(IntegratorError) as err:
        bp.integrate(func, method='linear')
    for word in words:
        assert word in str(err.value)


def test_refuses_a_wrong_number_of_derivatives_and_noise():
    def two_for_three(x, y, z, t):
        return -x, -y

    def noisy(x, t):
        return -x, 0.1

    with pytest.raises(DiffEquationError, match="3 variables"):
        bp.integrate(two_for_three, method='linear')
    with pytest.raises(DiffEquationError, match="noise"):
        bp.integrate(noisy, method='linear')


def test_the_registry_renders_one_variable_for_code_generators():
    """render_step(eq, 'linear', ctx), the entry code generators use, writes the exact step with the caller's
    names."""
    from bp_core.integration import DiffEquation, render_step
    from bp_core.integration.rendering import NameAllocator, StepContext

    def int_u(u, t, I):
        return (I - u) / tau_v

    names = NameAllocator(["u0", "now", "drive", "tau_par", "h"])
    ctx = StepContext(x="u0", t="now", dt="h", args={"I": "drive", "tau_v": "tau_par"}, names=names)
    code = render_step(DiffEquation(int_u), 'linear', ctx)
    scope = {"np": np, "u0": 1.0, "now": 0.0, "drive": 3.0, "tau_par": 4.0, "h": 0.5}
    exec("\n".join(code.lines), scope)
    assert scope[code.result] == pytest.approx(3.0 - 2.0 * np.exp(-0.5 / 4.0), abs=1e-14)


def test_a_variable_without_leak_integrates_its_input(jit):
    """A singular A (dx/dt = y + I): the input part is the integral of the exponential, not A^-1 (E - I)."""
    def drift(x, y, t, I):
        return y + I, -y / tau_s

    step = bp.integrate(drift, method='linear')
    dt = 0.3
    x, y = step.step(0.5, 2.0, 0.0, 1.5, dt=dt)
    assert y == pytest.approx(2.0 * np.exp(-dt / tau_s), abs=1e-14)
    assert x == pytest.approx(0.5 + 1.5 * dt + 2.0 * tau_s * (1 - np.exp(-dt / tau_s)), abs=1e-13)
