"""Names a step or derivative reads are looked up by the model's first run, as Python looks up globals when a
function runs: a notebook may define the model in one cell and its numbers in a later one (the spec's "Build
Neurons" HH model reads V_th and noise defined nowhere on its page). A name still undefined at the run is a
ModelDefError naming it and its step; nothing the user had is lost."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError


def _model():
    @bp.integrate
    def int_V(V, _t):
        return (-V + drive_late) / tau_late  # noqa: F821 (defined after the model)

    def update(ST, _t):
        V = int_V(ST['V'], _t)
        spike = V > V_th_late  # noqa: F821
        ST['spike'] = spike
        ST['V'] = np.where(spike, 0., V)

    return bp.NeuType('Late', ST=bp.types.NeuState('V', 'spike'), steps=update, mode='vector')


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "numpy"])
def test_numbers_defined_after_the_model_and_its_group_are_its_parameters_at_the_first_run(jit):
    bp.profile.set(jit=jit)
    names = ("drive_late", "tau_late", "V_th_late")
    for name in names:
        globals().pop(name, None)
    model = _model()  # defined before its numbers: no error
    group = bp.NeuGroup(model, 3, monitors=['spike'])
    group.ST['V'] = [0., 0.2, 0.4]
    with pytest.raises(ModelDefError, match=r"name 'V_th_late' used in step function 'update' of model 'Late' is "
                                            r"not defined; define it before the model's first run"):
        group.run(1.)
    assert group.ST['V'].tolist() == [0., 0.2, 0.4]  # the refused run changed nothing
    globals().update(drive_late=2., tau_late=10., V_th_late=1.)
    try:
        group.run(30.)
        assert [group.pars[n] for n in names] == [2., 10., 1.]
        # Euler from 0 towards 2 with tau 10: V_n = 2 (1 - (1 - dt/10)^n) first above the threshold at
        # n = ceil(log(1 - V_th / 2) / log(1 - dt / 10)), recorded at step n - 1 (10 ln 2 = 6.93 ms exactly)
        dt = bp.profile.get_dt()

        def first_crossing(threshold):
            return (np.ceil(np.log(1 - threshold / 2) / np.log(1 - dt / 10)) - 1) * dt

        assert group.mon.spike[:, 0].argmax() * dt == pytest.approx(first_crossing(1.), abs=1e-9)
        group.pars['V_th_late'] = 1.5  # a late name is a parameter like any other
        group.ST['V'] = 0.
        with pytest.warns(bp.errors.ClockRestartWarning):
            group.run(30.)
        assert group.mon.spike[:, 0].argmax() * dt == pytest.approx(first_crossing(1.5), abs=1e-9)
    finally:
        for name in names:
            globals().pop(name, None)


def test_a_phase_plane_looks_the_late_numbers_up_too():
    globals().pop("a_late", None)

    @bp.integrate
    def int_x(x, _t):
        return a_late - x  # noqa: F821

    def update(ST, _t):
        ST['x'] = int_x(ST['x'], _t)

    model = bp.NeuType('LateLinear', ST=bp.types.NeuState('x'), steps=update, mode='vector')
    globals()["a_late"] = 0.7
    try:
        plane = bp.PhasePortraitAnalyzer(model, target_vars={'x': [-2., 2.]})
        grid = plane.vector_field(resolution=0.5)
        np.testing.assert_allclose(grid.derivatives['x'], 0.7 - grid.grid['x'], atol=1e-12)
    finally:
        globals().pop("a_late", None)


def _late_synapse_model():
    def update(ST, _t):
        ST['y'] = ST['y'] * (1. - dt_late / tau_I_late)  # noqa: F821 (defined after the model)

    return bp.NeuType('LatePars', ST=bp.types.NeuState({'y': 1.}), steps=update, mode='scalar')


def test_pars_set_a_late_name_once_it_is_defined():
    # the notebook order: the model, its group, then the number, then the group's own value of it
    for name in ("tau_I_late", "dt_late"):
        globals().pop(name, None)
    model = _late_synapse_model()
    group = bp.NeuGroup(model, 2)
    globals().update(tau_I_late=4., dt_late=1.)
    try:
        assert group.pars['tau_I_late'] == 4.
        group.pars['tau_I_late'] = 2.
        group.run(1.)
        steps = round(1. / bp.profile.get_dt())
        np.testing.assert_allclose(group.ST['y'], (1. - 1. / 2.) ** steps, rtol=1e-12)  # 2., not 4.
    finally:
        for name in ("tau_I_late", "dt_late"):
            globals().pop(name, None)


def test_pars_on_a_name_still_undefined_says_to_define_it():
    from bp_core.errors import ModelUseError
    for name in ("tau_I_late", "dt_late"):
        globals().pop(name, None)
    group = bp.NeuGroup(_late_synapse_model(), 2)
    globals()["dt_late"] = 1.
    try:
        with pytest.raises(ModelUseError, match=r"model 'LatePars' reads 'tau_I_late' \(step function 'update' of "
                                                r"model 'LatePars'\), which is not defined: define it as a number "
                                                r"where the model is defined \(tau_I_late = \.\.\.\)"):
            group.pars['tau_I_late'] = 2.
        with pytest.raises(ModelUseError, match="has no parameter 'tau_x'"):
            group.pars['tau_x'] = 2.
    finally:
        globals().pop("dt_late", None)
