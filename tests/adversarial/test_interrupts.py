"""Ctrl-C during a run: whenever it arrives, the state, the clock and the monitors agree afterwards, and the next
``advance`` continues from where the state is."""

import signal

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation.network import Network


def count(ST, _t):
    ST['V'] += ST['input']
    ST['input'] = 0.


COUNTER = bp.NeuType(name='Counter', ST=bp.types.NeuState({'V': 0., 'input': 0.}), steps=count, mode='vector')


@pytest.fixture
def ctrl_c_after_a_call(monkeypatch):
    """SIGINT the moment the kernel call numbered ``at['call']`` (1 unless set) returns: where Python delivers a
    Ctrl-C pressed during it."""
    original, calls, at = Network._call, [], {'call': 1}

    def call_then_interrupt(self, *args):
        status = original(self, *args)
        calls.append(1)
        if len(calls) == at['call']:
            signal.raise_signal(signal.SIGINT)
        return status

    monkeypatch.setattr(Network, "_call", call_then_interrupt)
    return at


@pytest.mark.parametrize("report, steps_run", [(False, 100), (True, 10)], ids=["one-call", "report-chunks"])
def test_an_interrupted_run_keeps_state_clock_and_records_together(ctrl_c_after_a_call, report, steps_run, jit):
    ctrl_c_after_a_call['call'] = 2 if report else 1  # a report's run starts with a call of zero steps
    group = bp.NeuGroup(COUNTER, 3, monitors=['V'])
    net = bp.Network(group)
    with pytest.raises(KeyboardInterrupt):
        net.run(10., inputs=(group, 'ST.input', 1.), report=report, report_percent=0.1)
    np.testing.assert_array_equal(group.ST['V'], steps_run)
    assert net.t_end == pytest.approx(steps_run * 0.1)
    assert group.mon.V.shape == (steps_run, 3) and group.mon.V[-1, 0] == steps_run
    net.advance(1., inputs=(group, 'ST.input', 1.))  # continues from the state's time
    np.testing.assert_array_equal(group.ST['V'], steps_run + 10)
    assert net.t_end == pytest.approx(steps_run * 0.1 + 1.)
    np.testing.assert_allclose(net.ts, (steps_run + np.arange(10)) * 0.1)
    np.testing.assert_array_equal(group.mon.V[:, 0], steps_run + 1 + np.arange(10))


def test_an_interrupted_advance_continues_where_its_state_is(ctrl_c_after_a_call):
    group = bp.NeuGroup(COUNTER, 2)
    net = bp.Network(group)
    with pytest.raises(KeyboardInterrupt):
        net.advance(2., inputs=(group, 'ST.input', 1.))
    assert net.t_end == pytest.approx(2.) and group.ST['V'][0] == 20
    net.advance(0.5, inputs=(group, 'ST.input', 1.))
    assert net.t_end == pytest.approx(2.5) and group.ST['V'][0] == 25


def test_outside_a_run_ctrl_c_is_python_s_own_again():
    net = bp.Network(bp.NeuGroup(COUNTER, 2))
    net.run(0.2)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
