"""The Hodgkin-Huxley equations of the spec's "Build Neurons" chapter, with every ODE method,
checked against scipy's solve_ivp at tight tolerance, and its "Return intermediate values" example."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import bp_core as bp

# parameters as the chapter writes them
C = 1.0
g_Na = 120.
E_Na = 50.
E_K = -77.
g_K = 36.
E_Leak = -54.402
g_Leak = 0.003
I_EXT = 10.0
ODE_METHODS = ["euler", "exponential", "midpoint", "heun", "rk2", "rk3", "rk4", "rk4_alternative",
               "milstein_ito", "milstein_stra"]


def dm(m, t, V):
    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    beta = 4.0 * np.exp(-(V + 65) / 18)
    dmdt = alpha * (1 - m) - beta * m
    return dmdt


def dh(h, t, V):
    alpha = 0.07 * np.exp(-(V + 65) / 20.)
    beta = 1 / (1 + np.exp(-(V + 35) / 10))
    dhdt = alpha * (1 - h) - beta * h
    return dhdt


def dn(n, t, V):
    alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    beta = 0.125 * np.exp(-(V + 65) / 80)
    dndt = alpha * (1 - n) - beta * n
    return dndt


def dV(V, t, m, h, n, Isyn):
    INa = g_Na * m ** 3 * h * (V - E_Na)
    IK = g_K * n ** 4 * (V - E_K)
    IL = g_Leak * (V - E_Leak)
    dvdt = (- INa - IK - IL + Isyn) / C
    return dvdt


def spike_times(t, V):
    up = np.nonzero((V[:-1] < 0) & (V[1:] >= 0))[0]
    return t[up] + (t[up + 1] - t[up]) * (0 - V[up]) / (V[up + 1] - V[up])


def reference_spikes(duration):
    def rhs(t, y):
        V, m, h, n = y
        return [dV(V, t, m, h, n, I_EXT), dm(m, t, V), dh(h, t, V), dn(n, t, V)]
    sol = solve_ivp(rhs, (0, duration), [-65., 0.05, 0.6, 0.32], method="DOP853", rtol=1e-10, atol=1e-10,
                    max_step=0.01, dense_output=True)
    t = np.arange(0, duration, 0.001)
    return spike_times(t, sol.sol(t)[0])


def simulate(method, duration, dt):
    int_m, int_h, int_n, int_V = (bp.integrate(f, method=method) for f in (dm, dh, dn, dV))
    V, m, h, n = -65., 0.05, 0.6, 0.32
    t = np.arange(int(round(duration / dt)) + 1) * dt
    trace = np.empty(t.size)
    trace[0] = V
    for i in range(1, t.size):
        _t = t[i - 1]
        m, h, n, V = (int_m.step(m, _t, V, dt=dt), int_h.step(h, _t, V, dt=dt), int_n.step(n, _t, V, dt=dt),
                      int_V.step(V, _t, m, h, n, I_EXT, dt=dt))
        trace[i] = V
    return t, trace


@pytest.fixture(scope="module")
def reference():
    return reference_spikes(40.0)


@pytest.mark.parametrize("method", ODE_METHODS)
def test_hh_spike_times_match_solve_ivp(method, reference):
    bp.profile.set(jit=True)
    t, V = simulate(method, 40.0, 0.005)
    spikes = spike_times(t, V)
    assert len(reference) >= 3 and len(spikes) == len(reference)
    # the chapter's update uses start-of-step values for all four equations (first-order splitting)
    np.testing.assert_allclose(spikes, reference, atol=0.15)


# the chapter's "Return intermediate values" example, as written (its f reads the global Isyn)
gNa, gK, gLeak, ENa, EK, ELeak = g_Na, g_K, 0.3, E_Na, E_K, -54.387
Isyn = 5.0
noise = 0.5


def func(V, t, m, h, n, Iext):
    INa = gNa * m ** 3 * h * (V - ENa)
    IK = gK * n ** 4 * (V - EK)
    IL = gLeak * (V - ELeak)
    f = (- INa - IK - IL + Isyn) / C
    g = noise / C
    return (f, g), INa, IK, IL


def test_intermediate_values_are_returned(jit):
    integrator = bp.integrate(func)
    V0, m, h, n = -60.0, 0.1, 0.5, 0.4
    V, INa, IK, IL = integrator.step(V0, 0.0, m, h, n, 0.0, dt=0.1, dW=0.2)
    assert INa == pytest.approx(gNa * m ** 3 * h * (V0 - ENa), rel=1e-14)
    assert IK == pytest.approx(gK * n ** 4 * (V0 - EK), rel=1e-14)
    assert IL == pytest.approx(gLeak * (V0 - ELeak), rel=1e-14)
    assert V == pytest.approx(V0 + 0.1 * (-INa - IK - IL + Isyn) / C + 0.2 * noise / C, rel=1e-14)


def test_intermediate_values_of_an_ode():
    def with_extra(x, t, k):
        rate = -k * x
        return (rate,), rate * 2

    x, extra = bp.integrate(with_extra, method="rk4").step(1.0, 0.0, 0.5, dt=0.1)
    assert x == pytest.approx(np.exp(-0.05), rel=1e-7) and extra == pytest.approx(-1.0)
