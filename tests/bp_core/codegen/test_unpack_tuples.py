"""A tuple assignment of a tuple becomes one assignment per element, in Python's order: the same values as
Python's unpacking (swaps included), and the stores it held are seen by the passes that read single stores."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.unpack_tuples import UNPACK_TUPLES
from tests.bp_core.codegen.lif_networks import pipeline_without

N = 4
FIELDS = {'a': 0., 'b': 0., 'c': 0.}


def stores_fields(ST, _t):
    a = ST['a'] * 0.5 + 1.
    b = ST['b'] + ST['a']
    ST['a'], ST['b'], ST['c'] = a, b, a * b


def swaps_fields(ST, _t):
    ST['a'], ST['b'] = ST['b'], ST['a'] + 1.


def swaps_locals(ST, _t):
    x, y = ST['a'], ST['b']
    x, y = y, x
    ST['a'], ST['c'] = x, y


def reads_before_storing(ST, _t):
    x = ST['c']
    x, ST['c'] = 2., x  # the right-hand side first: c keeps x's old value
    ST['a'] += x


def swaps_rows(ST, _t):
    ST['a'], ST['b'] = ST['b'], ST['a']  # vector mode: the rows as NumPy assigns views


def _per_element(step, a, b, c, steps):
    """``step`` run as Python on one element (a dict of floats) at a time."""
    out = {'a': np.array(a, float), 'b': np.array(b, float), 'c': np.array(c, float)}
    for _ in range(steps):
        for i in range(N):
            element = {k: float(v[i]) for k, v in out.items()}
            step(element, 0.)
            for k in out:
                out[k][i] = element[k]
    return out


class _Rows:
    """A state as the spec's: ``ST['a']`` is a view of a row, ``ST['a'] = x`` copies into the row."""

    def __init__(self, rows):
        self.keys = list(rows)
        self.data = np.array([rows[k] for k in self.keys], dtype=float)

    def __getitem__(self, key):
        return self.data[self.keys.index(key)]

    def __setitem__(self, key, value):
        self.data[self.keys.index(key)] = value


def _group(step, mode, jit, unpack=True):
    with pipeline_without(*([] if unpack else [UNPACK_TUPLES])):
        with bp.profile.override(jit=jit, dt=1.):
            group = bp.NeuGroup(bp.NeuType(name='Tuples', ST=bp.types.NeuState(dict(FIELDS)), steps=step,
                                           mode=mode), N)
            group.ST['a'], group.ST['b'], group.ST['c'] = [1., 2., -1., 0.5], [0., 3., 1., -2.], [4., 0., 1., 2.]
            net = bp.Network(group)
            net.run(3.)
    return group, net.code


@pytest.mark.parametrize("step", [stores_fields, swaps_fields, swaps_locals, reads_before_storing])
@pytest.mark.parametrize("jit", [True, False])
def test_unpacking_gives_what_python_gives(step, jit):
    group, code = _group(step, 'scalar', jit)
    expected = _per_element(step, [1., 2., -1., 0.5], [0., 3., 1., -2.], [4., 0., 1., 2.], steps=3)
    for key in FIELDS:
        np.testing.assert_array_equal(group.ST[key], expected[key], err_msg=key)


def test_the_stores_are_checked_as_they_are_stored():
    _, code = _group(stores_fields, 'scalar', jit=True)
    _, whole = _group(stores_fields, 'scalar', jit=True, unpack=False)
    for field in ('a', 'b', 'c'):
        assert f"ST_{field}[_obj_i] = " in code
    # one store per statement: the safe mode folds the finiteness test into the loop
    assert "_nonfinite |=" in code and "_nonfinite |=" not in whole


def test_rows_assigned_as_numpy_assigns_them():
    compiled, _ = _group(swaps_rows, 'vector', jit=True)
    python, _ = _group(swaps_rows, 'vector', jit=False)
    state = _Rows({'a': [1., 2., -1., 0.5], 'b': [0., 3., 1., -2.]})
    for _ in range(3):
        swaps_rows(state, 0.)
    for key in ('a', 'b'):
        np.testing.assert_array_equal(compiled.ST[key], python.ST[key], err_msg=key)
        np.testing.assert_array_equal(python.ST[key], state[key], err_msg=key)
