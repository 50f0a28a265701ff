"""Quitting a debugger that a step function opened ends the run with the debugger's BdbQuit, as the
"Debugging" chapter shows, not with a RunError about the step (jit off: the step runs in Python)."""

import bdb

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import RunError


def _group():
    def update(ST, _t):
        ST['V'] += 1.
        if ST['V'][0] > 2.:
            raise bdb.BdbQuit  # what pdb raises when the user types 'q'

    model = bp.NeuType(name='Quits', ST=bp.types.NeuState('V', 'input'), steps=update, mode='vector')
    return bp.NeuGroup(model, geometry=2)


def test_quitting_the_debugger_ends_the_run_with_bdbquit():
    bp.profile.set(jit=False, dt=0.1)
    try:
        group = _group()
        with pytest.raises(bdb.BdbQuit):
            group.run(1.)
        np.testing.assert_array_equal(group.ST['V'], [3., 3.])  # it stopped at the step that quit
    finally:
        bp.profile.set(jit=True)


def test_other_step_errors_are_still_told_at_the_users_line():
    def update(ST, _t):
        ST['V'] += 1.
        if ST['V'][0] > 2.:
            raise ValueError('too big')

    bp.profile.set(jit=False, dt=0.1)
    try:
        model = bp.NeuType(name='Raises', ST=bp.types.NeuState('V', 'input'), steps=update, mode='vector')
        with pytest.raises(RunError, match="raised ValueError"):
            bp.NeuGroup(model, geometry=2).run(1.)
    finally:
        bp.profile.set(jit=True)
