"""The blocked kernel with the records and inputs users run: monitors of chosen elements (every k-th step) and
inputs (one value, one per element, per step) give exactly the one-thread kernel's records."""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation import builds as builds_module
from bp_core.simulation.blocked_runs import BlockedKernel
from tests.bp_core.backend.test_blocked_kernel import STATE, TO_GE, TO_GI, N, _prepared, update

CHUNKS = (23, 41, 1, 95)  # steps: blocks of 5 steps are cut anywhere


def _network(monitors):
    bp.profile.set(dt=0.1, seed=3)
    lif = bp.NeuType(name='blk_LIF', ST=STATE, steps=update, mode='scalar')
    group = bp.NeuGroup(lif, N, monitors=monitors)
    group.pars['drive'] = np.linspace(8., 30., N)
    group.pars['fail'] = np.full(N, 1e9)
    group.ST['V'] = np.linspace(-60., -51., N)
    ne = int(0.8 * N)
    exc = bp.SynConn(TO_GE, pre_group=group[:ne], post_group=group, conn=bp.connect.FixedProb(0.15, seed=5), delay=0.5)
    inh = bp.SynConn(TO_GI, pre_group=group[ne:], post_group=group, conn=bp.connect.FixedProb(0.15, seed=6), delay=0.5)
    exc.pars['w'], inh.pars['w'] = 0.6, 1.5
    return bp.Network(group, exc, inh), group


def _inputs(group, steps, offset):
    """Per element constant, per step and element, one value per step: every kind of value the kernel takes."""
    rows = np.arange(offset, offset + steps)[:, None]
    per_step_element = 0.8 * np.sin(0.05 * rows + np.linspace(0., 3., N)[None, :])
    return [(group, 'ST.ge', np.linspace(0., 0.05, N), '+'), (group, 'ST.V', per_step_element, '+'),
            (group, 'ST.gi', 1. - 0.002 * np.cos(0.1 * np.arange(offset, offset + steps)), '*')]


def _runs(monkeypatch, parallel: bool, monitors, with_inputs=True):
    """What the monitors hold after each advance() chunk; forces the parallel kernel when ``parallel``."""
    _prepared(monkeypatch, parallel, 2)
    try:
        net, group = _network(monitors)
        net.build(1., inputs=_inputs(group, 10, 0) if with_inputs else ())
        build = net._builder.latest
        if parallel:
            assert isinstance(build.parallel_kernel, BlockedKernel), build.blocked_note
            build.choice = builds_module.ParallelChoice(threads=2, steps=10, decided="parallel")
        out, done = [], 0
        for steps in CHUNKS:
            net.advance(n_steps=steps, inputs=_inputs(group, steps, done) if with_inputs else ())
            done += steps
            out += [np.asarray(group.mon.spike), np.asarray(group.mon.V), np.asarray(group.mon.ts)]
    finally:
        bp.profile.set_numba_profile(parallel=False)
    return out


@pytest.mark.parametrize("interval", [None, 0.3], ids=["every step", "every 3rd step"])
def test_chosen_elements_and_inputs_equal_one_thread(monkeypatch, interval):
    # elements of both slices, one twice, out of order
    monitors = ['spike', bp.Monitor('V', indices=[110, 3, 61, 59, 3], interval=interval)]
    reference = _runs(monkeypatch, False, monitors)
    assert sum(r.sum() for r in reference[0::3]) > 25
    blocked = _runs(monkeypatch, True, monitors)
    for got, want in zip(blocked, reference):
        np.testing.assert_array_equal(got, want)


def test_the_inputs_matter_so_the_comparison_can_fail(monkeypatch):
    monitors = ['spike', bp.Monitor('V', indices=[110, 3, 61, 59, 3])]
    with_inputs = _runs(monkeypatch, False, monitors)
    without = _runs(monkeypatch, False, monitors, with_inputs=False)
    assert not np.array_equal(with_inputs[1], without[1])
