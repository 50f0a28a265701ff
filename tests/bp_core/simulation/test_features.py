"""Engine features the chapters describe: inputs, subgroups, scalar indices, hand-assigned synapses,
parameters as runtime data, backends, debugging, progress, cached kernels, and misuse errors."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

from . import spec_models as m

ROOT = Path(__file__).resolve().parents[3]


def keep(ST, _t):
    ST['spike'] = 0.


def counter():
    return bp.NeuType(name='Counter', ST=bp.types.NeuState('x', 'spike'), steps=keep, mode='vector')


@pytest.mark.parametrize("op, value, expected", [("+", 2.0, 1.0 + 2.0 * 5), ("-", 2.0, 1.0 - 2.0 * 5),
                                                 ("*", 2.0, 1.0 * 2.0 ** 5), ("/", 2.0, 1.0 / 2.0 ** 5),
                                                 ("=", 2.0, 2.0)])
def test_input_operations(op, value, expected, jit):
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(counter(), 3)
    group.ST['x'] = 1.0
    group.run(0.5, inputs=('ST.x', value, op))
    np.testing.assert_allclose(group.ST['x'], expected)


def test_time_varying_and_per_element_inputs(jit):
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(counter(), 2, monitors=['x'])
    net = bp.Network(group)
    net.run(0.5, inputs=[(group, 'x', np.arange(5.0)), (group, 'ST.x', np.array([10.0, 20.0]), '+')])
    np.testing.assert_allclose(group.mon.x[:, 0], np.cumsum(np.arange(5.0)) + 10.0 * np.arange(1, 6))
    np.testing.assert_allclose(group.mon.x[:, 1], np.cumsum(np.arange(5.0)) + 20.0 * np.arange(1, 6))
    with pytest.raises(ModelUseError, match="shape \\(3,\\)"):
        net.run(0.5, inputs=(group, 'x', np.ones(3)))
    with pytest.raises(ModelUseError, match="operation must be one of"):
        net.run(0.5, inputs=(group, 'x', 1.0, '%'))


def test_network_add_and_named_objects():
    a, b = bp.NeuGroup(counter(), 2), bp.NeuGroup(counter(), 3)
    net = bp.Network(a, exc=b)
    assert net.exc is b and getattr(net, a.name) is a
    c = bp.NeuGroup(counter(), 1)
    net.add(third=c)
    assert net.third is c and len(net.objects) == 3
    with pytest.raises(AttributeError, match="Did you mean 'third'"):
        net.thrid


def record_indices(ST, _t):
    ST['x'] = _obj_i  # noqa: F821  (a scalar-mode index)


def test_geometry_2d_and_scalar_element_index(jit):
    group = bp.NeuGroup(bp.NeuType(name='Idx', ST=bp.types.NeuState('x'), steps=record_indices, mode='scalar'),
                        geometry=(4, 5))
    assert group.num == 20 and group.indices.shape == (4, 5)
    group.run(0.2)
    np.testing.assert_array_equal(group.ST['x'], np.arange(20))


def tag(ST, _t, pre, post):
    post['x'] += pre['x'] + 0 * _post_i + 0 * _pre_i  # noqa: F821


def vector_copy(ST, _t, pre, post):
    post['x'] += pre['x']


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_subgroups_as_pre_and_post(mode, jit):
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(counter(), geometry=(4, 4))
    group.ST['x'] = np.arange(16.0)
    step = tag if mode == "scalar" else vector_copy
    model = bp.SynType(name='Copy', ST=bp.types.SynState('w'), steps=step, mode=mode)
    syn = bp.SynConn(model, pre_group=group[:2, :2], post_group=group[2:, 2:], conn=bp.connect.One2One())
    bp.Network(group, syn).run(0.1)
    expected = np.arange(16.0).reshape(4, 4)
    expected[2:, 2:] += expected[:2, :2]
    np.testing.assert_allclose(group.ST['x'], expected.ravel())


def test_hand_assigned_synapses_with_num(jit):
    def update(ST, _t, pre, post, pre2syn):
        for i in range(len(pre2syn)):
            for s in pre2syn[i]:
                ST['w'][s] += pre['spike'][i]

    model = bp.SynType(name='Hand', ST=bp.types.SynState('w'), steps=update, mode='vector',
                       requires=dict(pre2syn=bp.types.ListConn(), post2syn=bp.types.ListConn()))
    syn = bp.SynConn(model=model, num=4, monitors=['w'], delay=10.)
    syn.pre = bp.types.NeuState(['spike'])(2)
    syn.post = bp.types.NeuState(['V', 'input', 'spike'])(2)
    syn.pre['spike'] = [1.0, 0.0]
    syn.pre2syn = syn.requires['pre2syn'].make_copy([[0, 1], [2, 3]])
    syn.post2syn = syn.requires['post2syn'].make_copy([[0, 2], [1, 3]])
    bp.Network(syn).run(0.3)
    np.testing.assert_allclose(syn.ST['w'], [3.0, 3.0, 0.0, 0.0])


def test_heterogeneous_parameters_and_no_recompilation(jit):
    bp.profile.set(dt=0.1)
    lif = m.get_LIF(V_rest=0.0, V_th=100.0)
    group = bp.NeuGroup(lif, 3)
    net = bp.Network(group, mode='repeat')
    results, counts = [], []
    for v_rest in (0.0, 5.0, np.array([1.0, 2.0, 3.0]), 6.0, np.array([3.0, 2.0, 1.0])):
        group.ST['V'] = 0.0
        group.pars['V_rest'] = v_rest
        net.run(1.0)
        results.append(group.ST['V'].copy())
        counts.append(net.compile_count)
    # uniform values are constants of the loop and per-element ones are indexed: one kernel for each form,
    # built the first time the form is used; value changes in either form never compile
    assert counts == [1, 1, 2, 2, 2]
    assert results[1][0] > results[0][0]
    assert results[2][0] < results[2][1] < results[2][2]
    assert results[4][0] > results[4][1] > results[4][2]
    assert results[3][0] > results[1][0]
    with pytest.raises(ModelUseError, match="needs 3 values"):
        group.pars['V_rest'] = np.ones(4)


def test_jit_and_numpy_backends_agree_on_the_gamma_network():
    traces = {}
    for jit in (True, False):
        bp.profile.set(jit=jit, dt=0.04, numerical_method='exponential')
        net, neu, _ = m.gamma_network(num=8, seed=3)
        net.run(20.0, inputs=[neu, 'ST.input', 1.2])
        traces[jit] = neu.mon.V
    np.testing.assert_allclose(traces[True], traces[False], rtol=1e-9, atol=1e-9)


def test_misuse_is_explained():
    lif = m.get_LIF()
    pre, post = bp.NeuGroup(lif, 2), bp.NeuGroup(lif, 2)
    syn = bp.SynConn(m.ampa("scalar"), pre_group=pre, post_group=post, conn=bp.connect.All2All())
    with pytest.raises(ModelUseError, match="cannot run on its own"):
        syn.run(10.)
    with pytest.raises(ModelUseError, match="post-synaptic group .* is not in the network"):
        bp.Network(pre, syn).run(1.0)
    no_input = bp.NeuGroup(counter(), 2)
    with pytest.raises(ModelUseError, match="post group of SynConn .* has no state field 'V'"):
        bp.SynConn(m.ampa("scalar"), pre_group=pre, post_group=no_input, conn=bp.connect.All2All())
    with pytest.raises(ModelUseError, match="One2One needs groups of equal size, got 2 pre and 3 post"):
        bp.SynConn(m.ampa("scalar"), pre_group=pre, post_group=bp.NeuGroup(lif, 3), conn=bp.connect.One2One())


def test_show_code_and_net_code(capsys):
    bp.profile.set(show_code=True)
    group = bp.NeuGroup(counter(), 2, name='shown')
    group.run(0.2)
    out = capsys.readouterr().out
    assert "def shown_keep(ST, _t, ST_spike):" in out and "def run_kernel(" in out
    assert group._lone_network.code in out


def test_report_prints_progress(capsys):
    group = bp.NeuGroup(counter(), 2)
    group.run(1.0, report=True, report_percent=0.5)
    out = capsys.readouterr().out
    assert "Compilation used" in out and "Run 50.0% used" in out and "Run 100.0% used" in out
    assert "Simulation is done in" in out


DEBUGGED = []


def debugged_update(ST, _t):
    V = ST['V'] + 1.0
    pdb.set_trace()  # noqa: F821  (the "Debugging" chapter's breakpoint)
    ST['V'] = V


def test_pdb_breakpoint_runs_in_the_numpy_backend(monkeypatch):
    import inspect
    import pdb

    def fake_set_trace():
        frame = inspect.currentframe().f_back
        DEBUGGED.append((frame.f_code.co_name, frame.f_locals["V"].copy()))

    monkeypatch.setattr(pdb, "set_trace", fake_set_trace)
    globals()["pdb"] = pdb
    bp.profile.set(jit=False, show_code=True)
    group = bp.NeuGroup(bp.NeuType(name='HH_neuron', ST=bp.types.NeuState('V'), steps=debugged_update), 2)
    group.run(0.2)
    assert [name for name, _ in DEBUGGED] == ["NeuGroup0_debugged_update"] * 2
    np.testing.assert_allclose(DEBUGGED[1][1], [2.0, 2.0])


WARM = textwrap.dedent("""
    import bp_core as bp
    from tests.bp_core.simulation.spec_models import gamma_network
    bp.profile.set(dt=0.04, numerical_method='exponential')
    net, neu, _ = gamma_network(num=10)
    net.run(1.0)
""")


def test_second_process_loads_the_network_kernel_from_disk(tmp_path):
    # numba reports each cache save and load when NUMBA_DEBUG_CACHE is set
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache"), "NUMBA_DEBUG_CACHE": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    logs = [subprocess.run([sys.executable, "-c", WARM], capture_output=True, text=True, check=True, env=env,
                           cwd=tmp_path).stdout for _ in range(2)]
    kernel = re.compile(r"data (saved to|loaded from) \S*\.run_kernel-\d+\.")
    assert [m.group(1) for m in kernel.finditer(logs[0])] == ["saved to"]
    assert [m.group(1) for m in kernel.finditer(logs[1])] == ["loaded from"]


def test_build_then_advance_by_steps_continues_time(jit):
    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(counter(), 2, monitors=['x'])
    net = bp.Network(group)
    source = net.build(1.0, inputs=(group, 'x', 1.0))
    assert "def run_kernel(" in source and net.compile_count == (1 if jit else 1)
    first = net.advance(n_steps=3, inputs=(group, 'x', 1.0))
    second = net.advance(0.2, inputs=(group, 'x', 1.0))
    np.testing.assert_allclose(first[group.name]['x'][:, 0], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(second[group.name]['x'][:, 0], [4.0, 5.0])
    np.testing.assert_allclose(second[group.name]['ts'], [0.3, 0.4])
    assert net.compile_count == 1
    with pytest.raises(ModelUseError, match="duration"):
        net.advance()


def test_report_uses_a_progress_bar_in_notebooks(monkeypatch, capsys):
    import sys
    import types

    from bp_core.simulation.report import Progress

    running = types.SimpleNamespace(IPKernelApp=types.SimpleNamespace(initialized=lambda: True))
    monkeypatch.setitem(sys.modules, "ipykernel.kernelapp", running)
    progress = Progress(True, 100)
    assert progress.bar is not None
    progress.compiled(0.1)
    progress.advanced(50, 50)
    progress.advanced(100, 50)
    assert progress.bar.n == 100
    progress.finished()
    assert "Run 50.0%" not in capsys.readouterr().out


def test_report_prints_lines_where_ipykernel_is_only_imported(capsys):
    import ipykernel.kernelapp  # noqa: F401  (imported, as libraries do, but no kernel runs)

    from bp_core.simulation.report import Progress

    progress = Progress(True, 10)
    assert progress.bar is None
    progress.compiled(0.1)
    assert "Compilation used" in capsys.readouterr().out
