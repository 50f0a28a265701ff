"""Step errors without a try block per call: the run kernel marks each call, an exception leaves it, the
runner reads the marks, and the error is still told at the user's file and line, compiled or not."""

from __future__ import annotations

import ast

import numpy as np
import pytest

import bp_core as bp
from bp_core.backend.compile import compile_source
from bp_core.backend.targets.marked_kernel import STATUS_STEP_ERROR, MarkedKernel
from bp_core.codegen.kernel import KERNEL_NAME, WHERE_ARG
from bp_core.codegen.kernel_ops import base as kernel_ops_base
from bp_core.errors import CodeError, RunError


def _spiking_group(steps, n=3):
    model = bp.NeuType(name='marked', ST=bp.types.NeuState({'V': 0., 'spike': 0., 'k': 0.}), steps=steps,
                       mode='scalar')
    return bp.NeuGroup(model, n)


def count_up(ST, _t):
    ST['k'] += 1.
    ST['spike'] = 1. if ST['k'] > 2. else 0.


def _kernel_function(source: str) -> ast.FunctionDef:
    return next(node for node in ast.parse(source).body
                if isinstance(node, ast.FunctionDef) and node.name == KERNEL_NAME)


def test_the_compiled_kernel_marks_each_step_call_and_holds_no_try_block():
    pre = _spiking_group(count_up)
    post = _spiking_group(count_up)
    syn_model = bp.SynType(name='marked_syn', ST=bp.types.SynState(['s']), mode='scalar',
                           steps=(_copy_spike, _deliver))
    syn = bp.SynConn(syn_model, pre_group=pre, post_group=post, conn=bp.connect.All2All(), delay=0.3)
    net = bp.Network(pre, syn, post)
    net.run(1.0)
    plan = net._plan
    kernel = _kernel_function(plan.source)
    assert plan.where == WHERE_ARG and kernel.args.args[-1].arg == WHERE_ARG
    assert WHERE_ARG not in plan.args  # the runner passes it, not the network
    assert not any(isinstance(node, ast.Try) for node in ast.walk(kernel))
    lines = ast.unparse(kernel).split("\n")
    calls = [k for k, line in enumerate(lines) if any(f"{name}(" in line for name in plan.step_origin)]
    assert len(calls) == len(plan.call_sites) >= 3
    for site, k in enumerate(calls):  # each call is preceded by the marks of its time step and call site
        assert lines[k - 2].strip() == f"{WHERE_ARG}[0] = _i" and lines[k - 1].strip() == f"{WHERE_ARG}[1] = {site}"


def _copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def _deliver(ST, post):
    post['V'] += ST['s']


def index_past_the_end(ST, _t):
    ST['k'] += 1.
    if ST['k'] > 3.:
        ST['V'] = np.zeros(2)[int(ST['k']) + 5]


def checked_helper(x):
    if x > 3.:
        raise ValueError("x went past 3")
    return x


def calls_a_raising_helper(ST, _t):
    ST['k'] += 1.
    ST['V'] = checked_helper(ST['k'])


@pytest.mark.parametrize("step, error, line", [
    (index_past_the_end, "IndexError", index_past_the_end.__code__.co_firstlineno + 3),
    (calls_a_raising_helper, "ValueError", calls_a_raising_helper.__code__.co_firstlineno + 2),
])
def test_an_exception_inside_a_step_is_told_at_the_users_line_and_step(step, error, line, jit):
    group = _spiking_group(step)
    net = bp.Network(group)
    with pytest.raises(RunError) as info:
        net.run(1.0)
    message = str(info.value)
    assert f"{step.__name__!r}" in message and f"raised {error}" in message
    assert f"{__file__}, line {line}" in message
    assert "at t=0.3 ms" in message  # the fourth step (dt 0.1 ms): k reaches 4 there


def test_the_runner_turns_a_steps_exception_into_the_status_and_writes_what_the_kernel_writes_on_return():
    calls = []

    def kernel(_t_start, _dt, _step0, _mon0, _n_steps, _rng, where):
        calls.append(_n_steps)
        if _n_steps:
            where[0], where[1] = _step0 + 4, 2
            raise IndexError("index 9 is out of bounds")
        return (0, 0, 0, 0)

    runner = MarkedKernel(kernel, ["_t_start", "_dt", "_step0", "_mon0", "_n_steps", "_rng"])
    assert runner(0., 0.1, 10, 0, 7, None) == (STATUS_STEP_ERROR, 14, 2, 0)
    assert calls == [7, 0]  # then a call of no steps, for what the kernel does when it returns
    assert STATUS_STEP_ERROR == kernel_ops_base.STATUS_STEP_ERROR

    def outside_steps(*args):
        raise IndexError("raised before any step")

    with pytest.raises(IndexError, match="before any step"):  # not a step's error: raised as it is
        MarkedKernel(outside_steps, ["_n_steps"])(5)


def test_compiled_code_that_raises_is_not_reported_as_a_compile_failure():
    source = "def f(x):\n    if x > 1:\n        raise ValueError('too big')\n    return x\n"
    f = compile_source(source, "f", {}, jit=True)
    assert f(1) == 1
    with pytest.raises(ValueError, match="too big"):
        f(2)
    broken = compile_source("def g(x):\n    return undefined_name + x\n", "g", {}, jit=True)
    with pytest.raises(CodeError, match="could not compile"):
        broken(1)
