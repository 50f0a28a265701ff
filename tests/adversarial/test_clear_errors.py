"""Mistakes that used to give unclear errors (or none): each is refused naming the object, the line and the fix,
or works as Python means it."""

import re
import time

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError

STATE = bp.types.NeuState({'V': 0.})


def depth(x):
    if x <= 0:
        return 0.
    return 1. + depth(x - 1)


def ping(x):
    return 0. if x <= 0 else pong(x - 1)


def pong(x):
    return ping(x) + 1.


def twice(x):
    return 2. * x


def recursive_step(ST, _t):
    ST['V'] = depth(3.)


def mutual_step(ST, _t):
    ST['V'] = twice(ping(2.))


def plain_helper_step(ST, _t):
    ST['V'] = twice(ST['V'] + 1.)


def line_of(func, text):
    import inspect

    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("step, cycle", [
    (recursive_step, [("depth", "depth", "1. + depth(x - 1)")]),
    (mutual_step, [("ping", "pong", "pong(x - 1)"), ("pong", "ping", "ping(x) + 1.")]),
])
def test_a_recursive_helper_is_refused_naming_the_functions_and_lines(step, cycle):
    with pytest.raises(ModelDefError) as info:
        bp.NeuType(name='Rec', ST=STATE, steps=step, mode='scalar')
    message = str(info.value)
    assert f"step function '{step.__name__}' of model 'Rec' calls a recursive helper" in message
    assert "cannot recurse" in message and "loop" in message
    for caller, callee, text in cycle:
        assert f"'{caller}' calls '{callee}' ({__file__}, line {line_of(globals()[caller], text)})" in message


def test_a_helper_that_does_not_recurse_still_runs(jit):
    group = bp.NeuGroup(bp.NeuType(name='Helped', ST=STATE, steps=plain_helper_step, mode='scalar'), 2)
    group.run(0.3)
    np.testing.assert_allclose(group.ST['V'], [14., 14.])  # 0 -> 2 -> 6 -> 14


def print_fstring(ST, _t):
    print(f"V={ST['V']}")
    ST['V'] += 1.


def print_keywords(ST, _t):
    print('V', ST['V'], end='')
    ST['V'] += 1.


def print_percent(ST, _t):
    print('V=%f' % ST['V'])
    ST['V'] += 1.


def print_format(ST, _t):
    print('V={}'.format(ST['V']))
    ST['V'] += 1.


def print_values(ST, _t):
    print('V', ST['V'])
    ST['V'] += 1.


@pytest.mark.parametrize("step, problem, text", [
    (print_fstring, "an f-string", "print(f"),
    (print_keywords, "keyword arguments (end=)", "end=''"),
    (print_percent, "%-formatting", "'V=%f'"),
    (print_format, "str.format()", ".format("),
])
def test_print_with_formatting_is_refused_naming_the_line(step, problem, text):
    with pytest.raises(ModelDefError, match=re.escape(
            f"step function '{step.__name__}' of model 'Printer' prints with {problem} ({__file__}, line "
            f"{line_of(step, text)}); compiled steps print plain values only")):
        bp.NeuType(name='Printer', ST=STATE, steps=step, mode='vector')


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_print_of_plain_values_prints_them_at_every_step(mode, jit, capfd):
    group = bp.NeuGroup(bp.NeuType(name='Printer', ST=STATE, steps=print_values, mode=mode), 2)
    group.run(0.3)
    lines = capfd.readouterr().out.split("\n")
    printed = [line for line in lines if line.startswith('V')]
    per_step = 2 if mode == "scalar" else 1  # one line per element, or the field's array once
    assert len(printed) == 3 * per_step
    assert printed[-1].split()[1].strip('[') in ('2.0', '2.')
    np.testing.assert_allclose(group.ST['V'], [3., 3.])


@pytest.mark.parametrize("key, got", [(5, "int 5"), (None, "NoneType None"), ('', "str ''")])
def test_monitor_with_something_else_than_a_field_name_says_what_it_takes(key, got):
    with pytest.raises(ModelUseError, match=re.escape(f"bp.Monitor takes the name of one state field first, got "
                                                      f"{got}: write bp.Monitor('V', indices=[0, 1]")):
        bp.Monitor(key)


def test_monitor_given_a_group_names_the_other_simulators_form():
    group = bp.NeuGroup(bp.NeuType(name='Plain', ST=STATE, steps=plain_helper_step, mode='scalar'), 2, name='pop')
    with pytest.raises(ModelUseError, match=r"got NeuGroup 'pop' \(Monitor\(group, fields\) is another simulator"):
        bp.Monitor(group, ['V'])
