"""Truth values in arithmetic: Python's rules in scalar mode and NumPy's in vector mode, alike on both backends."""

import importlib.util
import inspect
import itertools

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError

V = [-1., 0., 0.5, 1., 1.5, 2., 3.]
_HELPER = """
import numpy as np


def twice(b):
    return b + b
"""


@pytest.fixture(scope="module")
def load_step(tmp_path_factory):
    """A step whose body is ``body``, in a module of its own (steps are read from their source)."""
    folder = tmp_path_factory.mktemp("truth_steps")
    count = itertools.count()

    def load(body):
        name = f"truth_step_{next(count)}"
        path = folder / f"{name}.py"
        lines = "\n".join("    " + line for line in body.split("\n"))
        path.write_text(_HELPER + f"\n\ndef step(ST, _t):\n{lines}\n")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.step

    return load


def _run(step, mode='scalar'):
    bp.profile.set(dt=1.)
    model = bp.NeuType(name='Truth', ST=bp.types.NeuState({'V': 0., 'x': 0.}), steps=step, mode=mode)
    group = bp.NeuGroup(model, len(V))
    group.ST['V'] = np.asarray(V)
    group.run(1.)
    return group.ST['x']


def _python(step):
    """``step`` run as plain Python on one element at a time, its fields Python floats."""
    out = []
    for v in V:
        element = {'V': float(v), 'x': 0.}
        step(element, 0.)
        out.append(float(element['x']))
    return out


SCALAR_BODIES = [
    "ST['x'] = (ST['V'] > 1.) + (ST['V'] > 2.)",
    "ST['x'] = (ST['V'] > 1.) - (ST['V'] > 2.)",
    "ST['x'] = (ST['V'] > 1.) * 3.5",
    "ST['x'] = (ST['V'] > 1.) / 2.",
    "ST['x'] = (ST['V'] > 1.) // (ST['V'] > 0.) if ST['V'] > 0. else 7.",
    "ST['x'] = (ST['V'] > 1.) % 2 + (ST['V'] > 0.) % (ST['V'] > -2.)",
    "ST['x'] = (ST['V'] > 1.) ** 2 + 2. ** (ST['V'] > 1.) + (ST['V'] > 0.5) ** (ST['V'] > 1.)",
    "ST['x'] = -(ST['V'] > 1.) + +(ST['V'] > 2.)",
    "ST['x'] = -(not (ST['V'] > 1.))",
    "ST['x'] = ((ST['V'] > 1.) and (ST['V'] > 2.)) + 1",
    "ST['x'] = ((ST['V'] > 1.) or 2.5) + 1",
    "ST['x'] = ((ST['V'] > 1.) and 2.5) - 1",
    "ST['x'] = abs(ST['V'] > 1.) + abs(-(ST['V'] > 2.))",
    "ST['x'] = sum([ST['V'] > 1., ST['V'] > 2., ST['V'] > 0.])",
    "ST['x'] = min(ST['V'] > 1., ST['V'] > 2.) + 2 * max(ST['V'] > 1., ST['V'] > 2.)",
    "ST['x'] = (0. < ST['V'] < 2.) + (0. < ST['V'] < 2.)",
    "ST['x'] = ST['V'] > 1.",
    "ST['x'] = (ST['V'] > 1.) & (ST['V'] > 2.) | (ST['V'] < 0.)",
    "ST['x'] = (1. if ST['V'] > 1. else ST['V'] > 2.) + (ST['V'] > 0.)",
    "b = ST['V'] > 1.\nST['x'] = b + b",
    "b = ST['V'] > 1.\nb += ST['V'] > 2.\nST['x'] = b * 10.",
    "b = ST['V'] > 1.\nif b:\n    ST['x'] = 1.\nST['x'] += -b",
    "t = (10., 20.)\nST['x'] = t[ST['V'] > 1.] + t[0. < ST['V'] < 2.]",
    "for k in range(ST['V'] > 1.):\n    ST['x'] += 1.",
    "ST['x'] = twice(float(ST['V'] > 1.)) + twice(ST['V'] > 1.) * 0.",
    "t = [10., 20.]\nST['x'] = t[ST['V'] > 1.] + (30., 40.)[ST['V'] > 2.]",
    "ST['x'] = int(np.isnan(ST['V'])) + int(np.isfinite(ST['V'])) + int(np.isfinite(ST['V']))",
    "ST['x'] = np.isfinite(ST['V']) & np.isfinite(ST['V'])",
    "ST['x'] = (True + True) * (ST['V'] > 1.)",
    "a = np.arange(4.)\nST['x'] = np.sum(a[a > ST['V']]) * 10. + sum(a > ST['V'])",  # an array's mask stays one
    "ST['x'] = -~int(ST['V'] > 1.)",
]


@pytest.mark.parametrize("body", SCALAR_BODIES)
def test_scalar_mode_truth_values_count_as_python_ints(jit, load_step, body):
    step = load_step(body)
    np.testing.assert_array_equal(_run(step), _python(step), err_msg=body)


def test_the_conversion_is_plain_arithmetic_in_the_generated_step(load_step):
    step = load_step("ST['x'] = (ST['V'] > 1.) + (ST['V'] > 2.)\nif ST['V'] > 0.:\n    ST['x'] += 1.")
    model = bp.NeuType(name='Truth', ST=bp.types.NeuState({'V': 0., 'x': 0.}), steps=step, mode='scalar')
    [stages] = bp.NeuGroup(model, 3).passes()
    converted = stages.stage("truth values as numbers")
    assert "(ST_V[_obj_i] > 1.0) * 1 + (ST_V[_obj_i] > 2.0) * 1" in converted
    assert "if ST_V[_obj_i] > 0.0:" in converted  # a truth value that only decides is left alone


def _line_of(step, text):
    lines, first = inspect.getsourcelines(step)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("body, mode, what, fix", [
    ("ST['x'] = ~(ST['V'] > 1.)", 'scalar', "inverts a truth value with '~'", "write 'not (...)'"),
    ("b = ST['V'] > 1.\nST['x'] = 2. * ~b", 'scalar', "inverts a truth value with '~'", "~int(...)"),
    ("ST['x'] = np.isnan(ST['V']) + np.isfinite(ST['V'])", 'scalar', "does arithmetic on a NumPy truth value",
     "int(...) for Python's 0 or 1"),
    ("ST['x'] = -(ST['V'] > 1.)", 'vector', "negates truth values with '-'", "np.logical_not(...)"),
    ("ST['x'] = (ST['V'] > 1.) - (ST['V'] > 2.)", 'vector', "subtracts truth values", "np.logical_xor(a, b)"),
])
def test_what_the_backends_would_compute_differently_is_refused_at_the_users_line(jit, load_step, body, mode,
                                                                                   what, fix):
    step = load_step(body)
    with pytest.raises(ModelDefError) as info:
        _run(step, mode)
    message = str(info.value)
    line = body.split("\n")[-1]
    assert f"step function 'step' of model 'Truth' {what}" in message and fix in message
    assert f"line {_line_of(step, line)}: {line})" in message


VECTOR_BODIES = [
    "ST['x'] = (ST['V'] > 1.) + (ST['V'] > 2.)",
    "ST['x'] = (ST['V'] > 1.) * (ST['V'] > 2.) + (ST['V'] > 0.) * 3.5",
    "ST['x'] = ~(ST['V'] > 1.)",
    "ST['x'] = ST['V'] - (ST['V'] > 1.)",
    "ST['x'] = ((ST['V'] > 1.) | (ST['V'] < 0.)) & ~(ST['V'] > 2.)",
    "ST['x'] = np.where(ST['V'] > 1., ST['V'], -ST['V'])",
    "b = ST['V'] > 0.\nST['x'] = b * (ST['V'] < 2.) + b * 0.5",
]


@pytest.mark.parametrize("body", VECTOR_BODIES)
def test_vector_mode_truth_values_follow_numpy_on_both_backends(jit, load_step, body):
    step = load_step(body)
    state = {'V': np.asarray(V), 'x': np.zeros(len(V))}
    step(state, 0.)  # NumPy's rules on whole arrays: the spec's vector mode
    np.testing.assert_array_equal(_run(step, 'vector'), state['x'], err_msg=body)
