"""Statements a compiled step cannot run as Python does are refused in bp_core's words, alike on both backends."""

import contextlib
import inspect
import math  # noqa: F401 (read by a step below)

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError

G = 1.


def deletes(ST, _t):
    y = ST['V'] * 2.
    del y
    ST['x'] = 1.


def walrus(ST, _t):
    if (y := ST['V'] * 2.) > 1.:
        ST['x'] = y


def with_block(ST, _t):
    with contextlib.suppress(Exception):
        ST['x'] = 1.


def imports(ST, _t):
    import math
    ST['x'] = math.sqrt(4.)


def catches_a_named_error(ST, _t):
    try:
        ST['x'] = 1. // (ST['V'] - ST['V'])
    except ZeroDivisionError:
        ST['x'] = 2.


def binds_the_error(ST, _t):
    try:
        ST['x'] = 1.
    except Exception as e:
        ST['x'] = 2.


def star_unpacks(ST, _t):
    a, *b = (ST['V'], 1., 2.)
    ST['x'] = a


def declares_global(ST, _t):
    global G
    ST['x'] = G


@pytest.mark.parametrize("step, text, what, fix", [
    (deletes, "del y", "uses 'del'", "assign it a new value"),
    (walrus, "y := ", "assignment expression", "assign on a line of its own first (y = ST['V'] * 2.0)"),
    (with_block, "with contextlib", "a 'with' block", "write its body without 'with'"),
    (imports, "import math", "an 'import'", "import at module level"),
    (catches_a_named_error, "except ZeroDivisionError", "'except ZeroDivisionError'", "plain 'except:'"),
    (binds_the_error, "except Exception as e", "'except Exception as e'", "with no 'as' name"),
    (star_unpacks, "a, *b", "starred assignment target '*b'", "unpack into as many names"),
    (declares_global, "global G", "'global G'", "pass data as arguments"),
])
@pytest.mark.parametrize("vector", [False, True])
def test_untranslatable_statements_are_refused_at_the_users_line(jit, step, text, what, fix, vector):
    lines, first = inspect.getsourcelines(step)
    line = first + next(k for k, source in enumerate(lines) if text in source)
    with pytest.raises(ModelDefError) as info:  # when the model is defined
        bp.NeuType(name='Refused', ST=bp.types.NeuState({'V': 0., 'x': 0.}), steps=step,
                   mode='vector' if vector else 'scalar')
    message = str(info.value)
    assert f"step function {step.__name__!r} of model 'Refused'" in message
    assert f"test_refused_statements.py, line {line})" in message
    assert what in message and fix in message


def catches_everything(ST, _t):
    k = int(ST['V'])
    try:
        ST['x'] = 1 // (k - k)
    except Exception:
        ST['x'] = 2.
    else:
        ST['x'] = 3.
    finally:
        ST['x'] += 10.


def test_a_try_that_catches_every_error_still_runs_alike(jit):
    bp.profile.set(dt=1.)
    model = bp.NeuType(name='Catches', ST=bp.types.NeuState({'V': 0., 'x': 0.}), steps=catches_everything,
                       mode='scalar')
    group = bp.NeuGroup(model, 2)
    group.run(1.)
    np.testing.assert_array_equal(group.ST['x'], [12., 12.])
