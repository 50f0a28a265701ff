"""Global numbers are runtime parameters; generated code is readable, printable and cached."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

tau = 10.0
E_rest = -65.0


def leak(V, t, I_ext):
    return (-(V - E_rest) + I_ext) / tau


def test_parameters_are_exposed():
    integrator = bp.integrate(leak)
    assert dict(integrator.pars) == {"E_rest": -65.0, "tau": 10.0}
    assert "tau" in integrator.update_code.split("\n")[0]


def test_changing_pars_needs_no_recompilation():
    integrator = bp.integrate(leak, method="rk4")
    before = integrator.step(-70.0, 0.0, 0.0, dt=0.1)
    count = integrator.compile_count
    assert count >= 1
    integrator.pars["tau"] = 2.0
    after = integrator.step(-70.0, 0.0, 0.0, dt=0.1)
    assert after != before
    assert after == pytest.approx(-65.0 - 5.0 * np.exp(-0.1 / 2.0), rel=1e-8)
    assert integrator.compile_count == count
    del integrator.pars["tau"]
    assert integrator.step(-70.0, 0.0, 0.0, dt=0.1) == before


def test_reassigning_the_global_takes_effect_without_recompiling():
    global E_rest
    integrator = bp.integrate(leak, method="euler")
    integrator.step(-70.0, 0.0, 0.0, dt=0.1)
    count = integrator.compile_count
    E_rest = -50.0
    try:
        assert integrator.step(-50.0, 0.0, 0.0, dt=0.1) == -50.0
    finally:
        E_rest = -65.0
    assert integrator.compile_count == count


def test_per_element_parameter_arrays():
    integrator = bp.integrate(leak, method="euler")
    integrator.pars["tau"] = [1.0, 2.0, 4.0]
    out = integrator.step(np.full(3, -75.0), 0.0, 0.0, dt=0.1)
    np.testing.assert_allclose(out, -75.0 + 0.1 * 10.0 / np.array([1.0, 2.0, 4.0]))


def test_parameter_misuse_is_explained():
    integrator = bp.integrate(leak)
    with pytest.raises(ModelUseError, match="Did you mean 'tau'"):
        integrator.pars["taus"] = 1.0
    with pytest.raises(ModelUseError, match="must be a number"):
        integrator.pars["tau"] = "fast"
    assert integrator.pars["tau"] == 10.0


def test_closure_numbers_are_parameters_too(jit):
    gain = 3.0

    def amplified(x, t):
        return gain * x

    integrator = bp.integrate(amplified)
    assert list(integrator.pars) == ["gain"]
    assert integrator.step(1.0, 0.0, dt=0.1) == pytest.approx(1.3)


def test_show_code_prints_the_generated_function(capsys):
    bp.profile.set(show_code=True, show_code_scope=True)

    def shown(x, t):
        return -x * 0.5

    bp.integrate(shown, method="heun")(1.0, 0.0)
    out = capsys.readouterr().out
    assert "def shown(x, t, _dt):" in out and "heun step of shown" in out and "code scope:" in out


def test_generated_code_reads_like_the_method():
    code = bp.integrate(leak, method="rk4").update_code
    assert "_V_new = V + _dt * (_dV_dt + 2 * _dV_dt_2 + 2 * _dV_dt_3 + _dV_dt_4) / 6" in code
    code = bp.integrate(leak, method="exponential").update_code
    assert "exprel(_dt * _A_V)" in code and "_A_V = -1 / tau" in code.replace("-(1 / tau)", "-1 / tau")


def test_update_func_and_scope_are_available():
    integrator = bp.integrate(leak, method="euler")
    assert integrator.code_scope == {}
    assert integrator.py_func_name == "leak"
    assert integrator.update_func(-70.0, 0.0, 0.0, -65.0, 10.0, 0.1) == pytest.approx(-69.95)


def test_plain_numpy_backend_runs_a_debuggable_python_function():
    bp.profile.set(jit=False)
    integrator = bp.integrate(leak, method="euler")
    integrator(-70.0, 0.0, 0.0)
    func = integrator.update_func.py_func
    import inspect
    assert "def leak" in inspect.getsource(func)  # pdb can show the generated lines
    assert integrator.compile_count == 0


def test_a_derivative_numba_cannot_compile_is_reported_at_the_users_line():
    import inspect

    @bp.integrate(method='rk4')
    def cannot(x, t):
        y = np.linalg.qr("text")
        return -x + y

    with pytest.raises(bp.errors.ModelDefError) as info:
        cannot(1.0, 0.0)
    line = inspect.getsourcelines(cannot.diff_eq.func)[1] + 2
    assert f"test_parameters_and_code.py, line {line}: y = np.linalg.qr(\"text\")" in str(info.value)
    # every line rendered from the user's statements says where it came from; the method's own lines do not
    for text in cannot.update_code.split("\n"):
        if "qr(" in text:
            assert text.endswith(f"test_parameters_and_code.py, line {line}")
        if text.strip().startswith("_x_new"):
            assert "#" not in text
