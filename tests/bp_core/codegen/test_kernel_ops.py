"""The run kernel as typed operations: each lowers to its statements, the walker schedules them per object,
the kernel's arguments are what they read, calls map to the user's steps, and new kinds plug in by registry."""

from __future__ import annotations

import ast
import pickle
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.emit import LineOrigin
from bp_core.codegen.kernel import KERNEL_NAME, build_kernel, describe_kernel
from bp_core.codegen.kernel_ops import KernelOp, choose, kinds, register, unregister
from bp_core.codegen.kernel_ops.checks import CheckCapacity, CheckFinite, CheckFolded, LocateNonfinite
from bp_core.codegen.kernel_ops.delays import AdvanceDelay, PushDelay
from bp_core.codegen.kernel_ops.inputs import ApplyInput
from bp_core.codegen.kernel_ops.monitors import RecordEvents, RecordRow, RecordSelected
from bp_core.codegen.kernel_ops.queues import AdvanceQueue, QueueArrival, QueueCapture
from bp_core.codegen.kernel_ops.steps import CallStep
from bp_core.codegen.kernel_ops.syntax import expression, statements
from bp_core.errors import RunError

_WHERE = LineOrigin("model.py", 12, "update", "group", "g_update")


@pytest.mark.parametrize("op, text", [
    (ApplyInput("g_ST", 2, 2, "+", "inp0", True), "g_ST[2, :] += inp0[_mon0 + _k]"),
    (ApplyInput("g_ST", 0, 1, "=", "inp1", False), "g_ST[0,] = inp1"),
    (ApplyInput("g_ST", 2, 2, "*", "inp0", True, "g_ST_input"), "input_row(g_ST_input, inp0[_mon0 + _k], '*')"),
    (RecordRow("m_V", "g_ST_V"), "record_row(m_V, _mon0 + _k, g_ST_V)"),
    (RecordRow("m_V", "g_ST_V", 3, "_first_row_m_V"),
     "if _i % 3 == 0:\n    record_row(m_V, _i // 3 - _first_row_m_V, g_ST_V)"),
    (RecordSelected("m_V", "g_ST_V"), "record_selected(m_V, _mon0 + _k, g_ST_V, m_V_sel)"),
    (RecordEvents("m_s", "g_ST_spike"),
     "m_s_lo = m_s_count[0]\nm_s_count[0] = record_events(g_ST_spike, _i, m_s_index, m_s_step, m_s_value, "
     "m_s_count[0])"),
    (AdvanceDelay("syn"), "syn_delay_idx[0] = (syn_delay_idx[0] + 1) % syn_delay_idx[1]"),
    (AdvanceQueue("q"), "q_pos[0] = (q_pos[0] + 1) % q_pos[1]"),
    (PushDelay("syn", "syn_ST", ((0, 3),), False),
     "syn_delay_buf[syn_delay_idx[0], 0] = syn_ST[3]\nsyn_delay_read = (syn_delay_idx[0] + 1) % syn_delay_idx[1]"),
    (CheckCapacity("m_s", "g_ST_spike", 4),
     "if m_s_count[0] + g_ST_spike.shape[0] > m_s_index.shape[0]:\n    return (3, _i, 4, 0)"),
    (CheckFinite("g_ST_V", 1, 0), "if any_nonfinite(g_ST_V):\n    return (1, _i, 1, 0)"),
    (LocateNonfinite("g_ST", 2, "_step0"),
     "_bad = first_nonfinite_row(g_ST)\nif _bad >= 0:\n    return (1, _step0, 2, _bad)"),
    (CallStep("g_update", ("g_ST", "_t"), _WHERE), "g_update(g_ST, _t)"),
    (CallStep("g_update", ("g_ST",), _WHERE, folded=True, call_site=4),
     "try:\n    _nonfinite |= g_update(g_ST)\nexcept Exception:\n    return (2, _i, 4, 0)"),
    (CallStep("g_update", ("g_ST",), _WHERE, folded=True, call_site=4, where="_where"),
     "_where[0] = _i\n_where[1] = 4\n_nonfinite |= g_update(g_ST)"),
])
def test_each_operation_lowers_to_its_statements(op, text):
    assert "\n".join(ast.unparse(stmt) for stmt in op.lower()) == text
    assert op.kind in kinds() and kinds()[op.kind] is type(op)


def test_lowerings_do_what_they_say_when_run():
    st = np.arange(12.).reshape(3, 4)
    values = {"g_ST": st, "inp0": np.array([[10.] * 4, [20.] * 4]), "_mon0": 0, "_k": 1,
              "syn_delay_buf": np.zeros((3, 2, 4)), "syn_delay_idx": np.array([1, 3])}
    run = [ApplyInput("g_ST", 2, 2, "+", "inp0", True),
           PushDelay("syn", "g_ST", ((0, 2), (1, 0)), per_element=True), AdvanceDelay("syn")]
    module = ast.fix_missing_locations(ast.Module([s for op in run for s in op.lower()], []))
    exec(compile(module, "<ops>", "exec"), {}, values)
    np.testing.assert_array_equal(st[2], [28., 29., 30., 31.])  # row 2 plus the input's row _mon0 + _k
    np.testing.assert_array_equal(values["syn_delay_buf"][1], [st[2], st[0]])  # written at position 1
    assert values["syn_delay_read"] == 2 and values["syn_delay_idx"][0] == 2


def test_a_queue_delivers_its_captured_events_after_the_delay():
    # presynaptic neuron 1 fires at step 0; its one route (delay 2 steps) reaches synapse 5 at scale 0.5
    q = {"q_ev": np.zeros((4, 3), np.int64), "q_val": np.zeros((4, 3)), "q_n": np.zeros(4, np.int64),
         "q_pos": np.array([0, 3, 1, 2]), "q_src": np.array([0, 1, 2]), "q_ptr": np.array([0, 0, 1, 1]),
         "q_syn": np.array([5]), "q_arr": np.zeros(8, np.int64), "q_dval": np.zeros((1, 1, 8)),
         "spike": np.array([0., 1., 0.])}
    step = [op for op in (QueueCapture("q", "spike"), QueueArrival("q", ((0, 0.5),)), AdvanceQueue("q"))]
    code = compile(ast.fix_missing_locations(ast.Module([s for op in step for s in op.lower()], [])), "<ops>", "exec")
    arrivals = []
    for _ in range(4):
        exec(code, {}, q)
        arrivals.append(q["q_arr"][:q["q_na"]].tolist())
        q["spike"][:] = 0.
    assert arrivals == [[], [], [5], []] and q["q_dval"][0, 0, 5] == 0.5


# -- the walker, on a network ----------------------------------------------------------------------------

def neuron_step(ST):
    ST['spike'] = 0.
    V = ST['V'] + 0.1 * (ST['I'] - ST['V']) + ST['inp']
    ST['inp'] = 0.
    if V > 1.:
        V = 0.
        ST['spike'] = 1.
    ST['V'] = V


def copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def deliver(ST, post):
    post['inp'] += 0.25 * ST['s']


NEURON = bp.NeuType(name='drifter', ST=bp.types.NeuState({'V': 0., 'I': 0., 'inp': 0., 'spike': 0.}),
                    steps=neuron_step, mode='scalar')
SYNAPSE = bp.SynType(name='delta_copy', ST=bp.types.SynState(['s']), steps=(copy_spike, deliver), mode='scalar')


def _network(monitors=('spike', 'V')):
    bp.profile.set(dt=0.1, jit=False)
    group = bp.NeuGroup(NEURON, 6, monitors=list(monitors))
    syn = bp.SynConn(SYNAPSE, pre_group=group, post_group=group, conn=bp.connect.All2All(), delay=0.3)
    net = bp.Network(group, syn)
    net.build(1.0, inputs=(group, 'ST.I', 1.5))
    return net, group, syn


def _kernel_function(source: str, name: str = KERNEL_NAME) -> ast.FunctionDef:
    return next(f for f in ast.parse(source).body if isinstance(f, ast.FunctionDef) and f.name == name)


def test_the_walker_schedules_each_objects_operations_in_its_order():
    net, group, syn = _network()
    sched = net._plan.operations
    (first, neu_ops), (second, syn_ops) = sched.per_object
    assert first.startswith(net._plan.objects[0].label) and second.startswith(net._plan.objects[1].label)
    assert [op.kind for op in neu_ops] == ["header", "apply_input", "call_step", "record_events", "record_row"]
    # the synapse: the queue captures the copy step's events, delivers them before the delayed step, advances
    kinds_ = [op.kind for op in syn_ops]
    assert kinds_.index("queue_arrival") < kinds_.index("call_step") and kinds_[-1] == "advance_queue"
    assert "queue_capture" in kinds_
    assert [op.kind for op in sched.capacity] == ["check_capacity"]  # the spike monitor records events
    listing = describe_kernel(net._plan)
    assert "record_events" in listing and "queue_arrival" in listing and f"def {KERNEL_NAME}(" in listing


def test_kernel_arguments_are_exactly_the_offered_names_its_operations_read():
    net, group, syn = _network()
    plan = net._plan
    assert plan.operations.outputs  # the copy step only copies: the kernel writes its field when it returns
    loaded = {n.id for n in ast.walk(_kernel_function(plan.source)) if isinstance(n, ast.Name)}
    offered = set(plan.operations.offered)
    # a queue whose delayed step walks its arrivals takes no arrival list (the GPU lowering binds its own)
    walked = [op.queue for op in plan.operations.operations() if op.kind == "queue_arrival" and op.walked]
    assert walked
    lists = {f"{q}_{part}" for q in walked for part in ("arr", "dval")}
    assert lists <= offered and not lists & (loaded | set(plan.args))
    assert set(plan.args) == {a for a in offered if a in loaded} | set(plan.args[:6])
    # a variable no operation reads is not passed; the same one read by an input is
    objects = [replace(o, variables={**o.variables, "never_read": lambda: 0.}) for o in plan.objects]
    assert "never_read" not in build_kernel(objects, [], catch_errors=False).args
    folded = CheckFolded([LocateNonfinite("st", 0)])
    assert folded.reads() == {"_nonfinite", "first_nonfinite_row", "st", "_bad", "_i"}


def test_each_call_line_maps_to_the_users_step_and_a_failing_step_is_told_at_its_line():
    net, group, syn = _network()
    plan = net._plan
    lines = plan.source.split("\n")
    for op in (op for _, ops in plan.operations.per_object for op in ops if isinstance(op, CallStep)):
        numbers = [k for k in range(1, len(lines) + 1) if f"{op.function}(" in lines[k - 1]
                   and not lines[k - 1].startswith("def ")]
        assert numbers and all(plan.line_map.get(k) == op.origin for k in numbers)
        obj, step = plan.step_origin[op.function]
        assert op.origin.line == step.first_line and op.origin.file == step.source_file

    def bad_step(ST):
        ST['V'] = ST['V'] + np.zeros(2)[int(ST['spike']) + 7]  # line below the def: an index out of range

    group = bp.NeuGroup(bp.NeuType(name='bad', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=bad_step,
                                   mode='scalar'), 2)
    with pytest.raises(RunError, match=rf"line {bad_step.__code__.co_firstlineno + 1}"):
        bp.Network(group).run(0.2)


@dataclass
class _ToyRecord(KernelOp):
    kind: ClassVar[str] = "toy_record"
    var: str
    values: str

    @classmethod
    def applies(cls, obj, mon):
        return mon.key == "V" and not mon.events

    @classmethod
    def plan(cls, schedule, obj, mon):
        return [cls(mon.var, schedule.bind_row(obj, "ST", mon.key))]

    def lower(self):
        return statements("toy_record(VAR, _i, VALUES)", VAR=self.var, VALUES=self.values)


def test_a_new_monitor_kind_plugs_in_through_the_registry():
    net, group, syn = _network()
    objects = net._plan.objects
    register(_ToyRecord, family="monitor", first=True)
    try:
        assert kinds()["toy_record"] is _ToyRecord
        plan = build_kernel(objects, [], catch_errors=False)
        kernel = ast.unparse(_kernel_function(plan.source))
        assert "toy_record(" in kernel and "record_row(" not in kernel and "record_events(" in kernel
        mon = next(m for m in objects[0].monitors if m.key == "V")
        assert mon.var in plan.args
    finally:
        unregister(_ToyRecord)
    assert "toy_record" not in kinds() and choose("monitor", objects[0], mon) is RecordRow
    with pytest.raises(LookupError, match="no kernel operation of family 'nothing'"):
        choose("nothing", objects[0], mon)


def test_placeholders_are_replaced_node_by_node():
    [stmt] = statements("Q_x = VALUE[Q_k] + N", {"Q": "q0"}, VALUE="a_b", N=2)
    assert ast.unparse(stmt) == "q0_x = a_b[q0_k] + 2"
    assert ast.unparse(expression("F(X)", F="g", X=expression("y[0]"))) == "g(y[0])"


def test_operations_and_their_lowerings_survive_pickling():
    # a network sent to a sweep worker is pickled; its plan's operations hold syntax trees (comments included)
    net, group, syn = _network()
    ops = net._plan.operations.operations()
    assert "header" in [op.kind for op in ops]
    copies = pickle.loads(pickle.dumps(ops))
    assert [ast.dump(s) for op in copies for s in op.lowered()] == [ast.dump(s) for op in ops for s in op.lowered()]
