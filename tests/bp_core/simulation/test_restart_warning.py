"""A second plain ``net.run(duration)`` restarts the clock: said once per network where the spec does not promise it."""

import warnings

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ClockRestartWarning


def _network(mode: str = 'once') -> tuple[bp.Network, bp.NeuGroup]:
    bp.profile.set(jit=False, dt=0.1)
    group = bp.NeuGroup(bp.models.get_LIF(V_rest=0.0, V_th=100.0), 3, monitors=['V'])
    return bp.Network(group, mode=mode), group


def _restart_warnings(record: list) -> list:
    return [w for w in record if issubclass(w.category, ClockRestartWarning)]


def test_a_second_plain_run_warns_once_naming_the_fixes_and_still_restarts():
    net, group = _network()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        net.run(2.0, inputs=[group, 'ST.input', 1.0])
        assert _restart_warnings(record) == []  # a first run restarts nothing
        net.run(2.0, inputs=[group, 'ST.input', 1.0])
        net.run(2.0, inputs=[group, 'ST.input', 1.0])
    said = _restart_warnings(record)
    assert len(said) == 1  # once per network, not once per run
    text = str(said[0].message)
    assert "net.advance(2.0)" in text and "net.run((2, 4))" in text and "mode='repeat'" in text
    assert said[0].filename == __file__  # pointed at the user's line
    # the restart itself is the spec's behaviour and stays: times start at 0 again
    np.testing.assert_allclose(net.ts, np.arange(20) * 0.1)


def test_a_group_run_twice_warns_at_the_users_line():
    bp.profile.set(jit=False, dt=0.1)
    group = bp.NeuGroup(bp.models.get_LIF(), 2)
    group.run(1.0)
    with pytest.warns(ClockRestartWarning) as said:
        group.run(1.0)
    assert said[0].filename == __file__


def test_another_network_warns_again():
    for _ in range(2):
        net, group = _network()
        net.run(1.0)
        with pytest.warns(ClockRestartWarning, match="starts the clock at 0 ms again"):
            net.run(1.0)


def test_the_spec_parameter_search_in_repeat_mode_does_not_warn():
    net, group = _network('repeat')
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClockRestartWarning)
        for _ in range(3):  # ST reset, the same plain duration each time, as the spec's chapter does
            group.ST['V'] = 0.0
            net.run(1.0, inputs=[group, 'ST.input', 1.0])


@pytest.mark.parametrize("mode", ['once', 'repeat'])
def test_the_spec_memory_saving_pieces_do_not_warn(mode):
    net, group = _network(mode)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClockRestartWarning)
        for start in (0.0, 1.0, 2.0):  # consecutive (start, end) pieces continue the state
            net.run((start, start + 1.0), inputs=[group, 'ST.input', 1.0])
    np.testing.assert_allclose(net.ts, 2.0 + np.arange(10) * 0.1)


def test_continuing_with_advance_or_after_rewind_does_not_warn():
    net, group = _network()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClockRestartWarning)
        net.advance(1.0)
        net.advance(1.0)
        net.rewind(0.0)  # an explicit restart
        net.run(1.0)
