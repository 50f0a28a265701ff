"""A ``while`` loop whose condition never turns false (or whose ``break`` is never reached) held the process for
ever once compiled: no Ctrl-C reaches a running kernel. In the safe mode every ``while`` loop of a step is
bounded (``passes.bound_loops``): past the bound the run stops with a RunError naming the step, the object and
the loop's line, and the state is as the run found it. Loops that end are untouched, and ``safe=False`` leaves
them unbounded."""

import inspect
import re

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.bound_loops import WHILE_LIMIT
from bp_core.errors import RunError
from bp_core.simulation import planning

STATE = bp.types.NeuState({'V': 0., 'n': 0.})


def line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


def never_doubles(ST, _t):
    x = ST['V']
    while x < 1.:  # 0 doubled stays 0
        x = x * 2.
    ST['V'] = x


def break_never_reached(ST, _t):
    x = 0.
    while True:
        x = x * 0.5
        if x > 1.:
            break
    ST['V'] = x


def vector_never_grows(ST, _t):
    k = 0
    while k < 3:
        k = k * 2
    ST['V'] += k


def inner_loop_stuck(ST, _t):
    total = 0.
    for j in range(3):
        y = 0.
        while y < 1.:
            y = y + 0. * j
        total += y
    ST['V'] = total


def counts_rounds(ST, _t):
    k = 0
    while k < 50:
        k += 1
    ST['n'] = k


def quiet(ST, _t):
    ST['n'] = 0.


def group_of(step, mode='scalar', num=3):
    return bp.NeuGroup(bp.NeuType(name='Loop', ST=STATE, steps=step, mode=mode), num)


@pytest.fixture
def low_bound(monkeypatch, jit):
    """A bound of 20 rounds under plain Python (a hundred million Python rounds take minutes); compiled, the
    real bound."""
    if not jit:
        monkeypatch.setattr(planning, "WHILE_LIMIT", 20)
    return jit


@pytest.mark.parametrize("step, mode, text", [
    (never_doubles, 'scalar', "while x < 1.:"),
    (break_never_reached, 'scalar', "while True:"),
    (vector_never_grows, 'vector', "while k < 3:"),
    (inner_loop_stuck, 'scalar', "while y < 1.:"),
])
def test_an_endless_while_loop_stops_the_run_naming_its_line(step, mode, text, low_bound):
    group = group_of(step, mode)
    group.ST['V'] = 0.
    before = group.ST['V'].copy()
    with pytest.raises(RunError) as info:
        group.run(0.3)
    message = str(info.value)
    assert f"step function '{step.__name__}' of model 'Loop'" in message
    assert f"more than {WHILE_LIMIT:,} times" in message
    assert "bp.profile.set(safe=False)" in message
    assert re.search(rf"line {line_of(step, text)}: {re.escape(text)}", message), message
    # nothing of the failed step was kept
    np.testing.assert_array_equal(group.ST['V'], before)


def test_a_loop_that_ends_gives_its_value(jit):
    group = group_of(counts_rounds)
    group.run(0.2)
    np.testing.assert_array_equal(group.ST['n'], 50.)


def test_the_bound_counts_rounds_per_entry_of_the_loop(monkeypatch, jit):
    """50 rounds on every element and step pass a bound of 60: the count starts again at each entry."""
    monkeypatch.setattr(planning, "WHILE_LIMIT", 60)
    group = group_of(counts_rounds, num=40)
    group.run(1.)
    np.testing.assert_array_equal(group.ST['n'], 50.)


def test_a_loop_past_the_bound_is_stopped_and_unbounded_without_the_safe_mode(monkeypatch, jit):
    monkeypatch.setattr(planning, "WHILE_LIMIT", 30)
    with pytest.raises(RunError, match="went round more than"):
        group_of(counts_rounds).run(0.2)
    bp.profile.set(safe=False)
    group = group_of(counts_rounds)
    group.run(0.2)
    np.testing.assert_array_equal(group.ST['n'], 50.)


def test_synapse_step_loop_is_bounded(low_bound):
    def syn_stuck(ST, pre, post, _t):
        w = ST['w']
        while w < 1.:
            w = w * 1.
        post['V'] += w

    neu = bp.NeuGroup(bp.NeuType(name='Quiet', ST=STATE, steps=quiet, mode='vector'), 2)
    syn_type = bp.SynType(name='Stuck', ST=bp.types.SynState({'w': 0.}), steps=syn_stuck, mode='scalar')
    syn = bp.SynConn(syn_type, pre_group=neu, post_group=neu, conn=bp.connect.All2All())
    net = bp.Network(neu, syn)
    with pytest.raises(RunError, match=rf"step function 'syn_stuck' of model 'Stuck'.*went round more than"
                                      rf"(.|\n)*line {line_of(syn_stuck, 'while w < 1.:')}"):
        net.run(0.2)
