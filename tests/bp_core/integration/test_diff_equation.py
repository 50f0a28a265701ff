"""Reading derivative functions: the return forms, and clear errors for bad definitions."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import DiffEquationError, IntegratorError, ModelUseError
from bp_core.integration import DiffEquation

K = 2.0


def ode(x, t, a):
    y = a * x
    return -y


def sde(x, t):
    return -x, 0.3 * x


def additive(x, t):
    return -x, 0.3


def ode_extras(x, t):
    d = -x
    return (d,), d * 2, t


def sde_extras(x, _t):
    return (-x, 1.0), x + 1


@pytest.mark.parametrize("func, stochastic, multi, n_extras", [
    (ode, False, False, 0), (sde, True, False, 0), (ode_extras, False, True, 2), (sde_extras, True, True, 1),
])
def test_return_forms(func, stochastic, multi, n_extras):
    eq = DiffEquation(func)
    assert eq.is_stochastic is stochastic and eq.is_multi_return is multi and len(eq.extra_exprs) == n_extras


def test_analysis_of_names_and_noise():
    eq = DiffEquation(ode)
    assert (eq.var_name, eq.t_name, eq.arg_names, eq.local_names) == ("x", "t", ["a"], ["y"])
    assert eq.stochastic_type is None and not eq.uses_time
    assert DiffEquation(sde).stochastic_type == "multiplicative"
    assert DiffEquation(additive).stochastic_type == "additive"
    assert DiffEquation(sde_extras).t_name == "_t"


def test_expressions_views():
    eq = DiffEquation(ode)
    assert [(e.var, e.code) for e in eq.get_f_expressions()] == [("y", "a * x"), ("_dx_dt", "-y")]
    replaced = eq.replace_f_expressions("k2", y_sub="(x + 1)")
    assert [e.code for e in replaced] == ["a * (x + 1)", "-y"] and replaced[-1].var == "k2"
    assert eq.get_g_expressions() == []
    assert [e.code for e in DiffEquation(sde).get_g_expressions()] == ["0.3 * x"]
    assert bp.integration.Expression("v", "a + b * c").identifiers == {"a", "b", "c"}


def test_lambda_is_accepted():
    integrator = bp.integrate(lambda x, t: -K * x, method="euler")
    assert integrator.step(1.0, 0.0, dt=0.1) == pytest.approx(0.8)


def no_return(x, t):
    y = x * 2  # noqa: F841  (the missing return is the point)


def early_return(x, t):
    if x > 0:
        return x
    return -x


def one_argument(x):
    return x


def time_first(t, x):
    return x


def bad_second(x, y):
    return x


def star_args(x, t, *rest):
    return x


def assigns_argument(x, t, a):
    a = a + 1
    return a * x


def three_returns(x, t):
    return x, x, x


@pytest.mark.parametrize("func, message", [
    (no_return, "'no_return' has no return statement"),
    (early_return, "'early_return' contains a return before its end"),
    (one_argument, "'one_argument' takes \\(x\\)"),
    (time_first, "'time_first' takes \\(t, x\\)"),
    (bad_second, "'bad_second' takes \\(x, y\\).*named 't' or '_t'"),
    (star_args, "'star_args' must take plain positional arguments"),
    (assigns_argument, "'assigns_argument' assigns to its argument 'a'"),
    (three_returns, "'three_returns' returns"),
])
def test_bad_definitions_raise_naming_the_function(func, message):
    with pytest.raises(DiffEquationError, match=message):
        bp.integrate(func)


def test_unknown_method_suggests_close_names():
    with pytest.raises(IntegratorError, match="Did you mean 'rk4'"):
        bp.integrate(ode, method="rk5")
    with pytest.raises(IntegratorError, match="unknown integration method"):
        @bp.integrate(method="runge")
        def f(x, t):
            return x


def undefined_name(x, t):
    return -x / NOT_DEFINED_ANYWHERE  # noqa: F821


def test_undefined_global_is_reported_at_first_use():
    integrator = bp.integrate(undefined_name)
    with pytest.raises(DiffEquationError, match="'NOT_DEFINED_ANYWHERE' used in derivative function 'undefined_name'"):
        integrator(1.0, 0.0)


def test_wrong_argument_count_at_call():
    with pytest.raises(ModelUseError, match=r"'ode' takes 3 arguments \(x, t, a\), got 2"):
        bp.integrate(ode)(1.0, 0.0)


def clipped(x, t):
    y = np.clip(x, 0., 1.)
    return -y


def branching(x, t):
    if x > 0:
        y = x
    else:
        y = -x
    return -y


def opaque_but_constant(x, t, v):
    gate = np.clip(v, 0., 1.)
    return -gate * x


def test_exponential_euler_explains_what_it_cannot_linearise():
    with pytest.raises(IntegratorError, match="cannot linearise 'clipped'.*np.clip"):
        bp.integrate(clipped, method="exponential").update_code
    with pytest.raises(IntegratorError, match="cannot linearise 'branching'.*branches"):
        bp.integrate(branching, method="exponential").update_code
    integrator = bp.integrate(opaque_but_constant, method="exponential")
    assert integrator.step(1.0, 0.0, 0.5, dt=0.2) == pytest.approx(np.exp(-0.1), rel=1e-14)


def test_branches_work_with_the_other_methods(jit):
    assert bp.integrate(branching, method="rk4").step(2.0, 0.0, dt=0.1) == pytest.approx(2 * np.exp(-0.1),
                                                                                       rel=1e-6)
