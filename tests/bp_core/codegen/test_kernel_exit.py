"""A kernel whose spike queues write fields when it returns is one function with one exit, and it returns what
the time-loop function and its wrapper returned, with the fields written, however it stops."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen import kernel as kernel_module
from bp_core.codegen.emit import emit_function
from bp_core.codegen.kernel_exit import single_exit
from bp_core.errors import RunError
from tests.bp_core.simulation.queue_networks import NEURON, SYNAPSE

# A time-loop function in the kernel's shape: checks before the loop, returns in ifs and in an except handler
# inside it, and outputs that must run however it returns (they record the steps done).
LOOP = '''
a0 = a[0]
_bad = 0 if a0 < 0 else -1
if _bad >= 0:
    return (1, _step0, 0, _bad)
if a[1] < 0:
    return (1, _step0, 1, 0)
for _k in range(_n_steps):
    _i = _step0 + _k
    if _i >= a[2]:
        return (3, _i, 0, 0)
    try:
        a[3] += 1.0
        if _i == a[4]:
            raise ValueError("a step raised")
    except Exception:
        return (2, _i, 7, 0)
    if a[3] > a[5]:
        if a[6] > 0:
            return (1, _i, 0, 3)
return (0, 0, 0, 0)
'''
OUTPUTS = "done.append(a[3])\ndone.append(_n_steps)"
ARGS = ["a", "done", "_step0", "_n_steps"]


def _function(body: list[ast.stmt]):
    source, _ = emit_function("kernel", ARGS, "A test kernel.", body)
    scope: dict = {}
    exec(compile(source, "<kernel>", "exec"), scope)
    return scope["kernel"], source


def _wrapped():
    """The two-function form: the loop, then the outputs after it whatever it returned."""
    loop, _ = _function(ast.parse(LOOP).body)

    def kernel(a, done, _step0, _n_steps):
        status = loop(a, done, _step0, _n_steps)
        done.append(a[3])
        done.append(_n_steps)
        return status
    return kernel


CASES = {  # a[0..6]: prologue checks (a0, a1), capacity step, counter, raising step, counter limit, limit on
    "runs through": [1., 1., 99., 0., -1., 99., 0.],
    "first check fails": [-1., 1., 99., 0., -1., 99., 0.],
    "both checks fail: the first wins": [-1., -1., 99., 0., -1., 99., 0.],
    "second check fails": [1., -1., 99., 0., -1., 99., 0.],
    "a record is full": [1., 1., 4., 0., -1., 99., 0.],
    "a step raises": [1., 1., 99., 0., 5., 99., 0.],
    "a nested check fails": [1., 1., 99., 0., -1., 3., 1.],
    "a nested check passes": [1., 1., 99., 0., -1., 3., 0.],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_exit_returns_and_writes_what_the_loop_and_its_wrapper_did(case):
    body = single_exit(ast.parse(LOOP).body, ast.parse(OUTPUTS).body)
    assert body is not None
    single, source = _function(body)
    assert source.count("return") == 1 and "break" in source
    for step0, n_steps in ((0, 8), (2, 3), (0, 0)):
        a_single, a_wrapped = np.array(CASES[case]), np.array(CASES[case])
        done_single: list = []
        done_wrapped: list = []
        assert single(a_single, done_single, step0, n_steps) == _wrapped()(a_wrapped, done_wrapped, step0, n_steps)
        assert done_single == done_wrapped
        np.testing.assert_array_equal(a_single, a_wrapped)


def test_the_operations_statements_are_left_as_they_were():
    body = ast.parse(LOOP).body
    before = [ast.dump(stmt) for stmt in body]
    single_exit(body, ast.parse(OUTPUTS).body)
    assert [ast.dump(stmt) for stmt in body] == before


@pytest.mark.parametrize("loop", [
    LOOP.replace("    if a[3] > a[5]:", "    for j in range(2):\n        if a[j] > 5.:\n            return (1, _i, 0, j)\n"
                                      "    if a[3] > a[5]:"),
    LOOP.replace("if a[1] < 0:\n    return (1, _step0, 1, 0)", "if a[1] < 0:\n    return (1, _step0, 1, 0)\nelse:\n"
                                                               "    a0 = 1."),
])
def test_a_return_the_rewrite_cannot_record_keeps_the_wrapper(loop):
    # a return inside a loop within the time loop (a break would leave that loop only), a check with an else
    assert single_exit(ast.parse(loop).body, ast.parse(OUTPUTS).body) is None


# A network whose spike queues stand for the synapses' copied spike: its kernel writes ST['s'] when it returns.

def _network():
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(NEURON, 30, monitors=['spike'])
    group.ST['I'] = np.linspace(1.05, 1.6, 30)
    group.ST['V'] = np.linspace(0., 0.9, 30)[::-1]
    exc = bp.SynConn(SYNAPSE, pre_group=group[:20], post_group=group, conn=bp.connect.FixedProb(0.3, seed=2),
                     delay=0.5)
    inh = bp.SynConn(SYNAPSE, pre_group=group[20:], post_group=group, conn=bp.connect.FixedProb(0.5, seed=3),
                     delay=0.3)
    inh.pars['w'] = -0.5
    return bp.Network(group, exc, inh), group, exc, inh


DURATION = 15.7  # ms: both pathways' neurons spike at the last step, so the fields written at the end are not all 0


def _run(jit: bool, bad_at: float | None = None, nan_before: bool = False) -> dict:
    """Run ``DURATION``; ``bad_at``: an input that makes V infinite from then on (a finite input: a NaN one is
    refused before the run); ``nan_before``: a NaN before the run."""
    bp.profile.set(jit=jit)
    net, group, exc, inh = _network()
    if nan_before:
        inh.ST['s'][3] = np.nan
    error = None
    try:
        if bad_at is None:
            net.run(DURATION)
        else:
            current = np.zeros((157, 30))
            current[int(bad_at / 0.1):, 4] = -1e308
            net.run(DURATION, inputs=(group, 'inp', current, '+'))
    except RunError as err:
        error = re.sub(r"(NeuGroup|SynConn)\d+", r"\1", str(err))  # numbered by creation, not by the kernel
    return {"source": net.code if jit else None, "error": error, "spikes": np.asarray(group.mon.spike).copy(),
            "V": group.ST['V'].copy(), "s_exc": exc.ST['s'].copy(), "s_inh": inh.ST['s'].copy(),
            "pre_exc": exc.local_ids()[0], "pre_inh": inh.local_ids()[0]}


@pytest.fixture
def restore_jit():
    jit = bp.profile.is_jit()
    yield
    bp.profile.set(jit=jit)


def _same(first: dict, second: dict) -> None:
    assert first["error"] == second["error"]
    for key in ("spikes", "V", "s_exc", "s_inh"):
        np.testing.assert_array_equal(first[key], second[key])


@pytest.mark.parametrize("stop", [{}, {"bad_at": 12.3}, {"nan_before": True}])
def test_the_one_function_kernel_equals_the_loop_and_its_wrapper(monkeypatch, restore_jit, stop):
    single = _run(False, **stop)
    monkeypatch.setattr(kernel_module, "single_exit", lambda body, outputs: None)
    wrapped = _run(False, **stop)
    _same(single, wrapped)
    assert (single["error"] is None) == (stop == {})
    if stop == {}:  # ST['s'] holds the last step's spikes at each synapse, as the copy step would have left it
        last = single["spikes"][-1]
        np.testing.assert_array_equal(single["s_exc"], last[:20][single["pre_exc"]])
        np.testing.assert_array_equal(single["s_inh"], last[20:][single["pre_inh"]])
        assert single["s_exc"].any() and single["s_inh"].any()


def test_the_compiled_one_function_kernel_equals_python(restore_jit):
    compiled = _run(True, bad_at=12.3)
    assert "def _run_steps" not in compiled["source"] and compiled["source"].count("def run_kernel(") == 1
    _same(compiled, _run(False, bad_at=12.3))
