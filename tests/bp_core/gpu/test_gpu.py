"""The GPU target without a GPU: its kernels under numba-cuda's simulator, and compiled to PTX for sm_90.

The simulator must be switched on before numba-cuda is imported, so ``sim_cases.py`` runs in a pytest
of its own; the PTX compile and the refusals run here, with numba-cuda's real compiler and no driver.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

import bp_core as bp
from bp_core.backend.cuda.ptx import ptx
from bp_core.backend.cuda.target import CudaKernel
from bp_core.codegen.device_plan import device_plan
from bp_core.errors import ModelUseError
from bp_core.simulation.network import Network
from tests.bp_core.gpu import networks

ROOT = Path(__file__).resolve().parents[3]


def test_simulator_cases():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                             str(Path(__file__).with_name("sim_cases.py"))],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def _captured(net, duration, inputs=()):
    """The kernel plan and arguments of ``net``'s run on the CPU, without running (nothing is compiled)."""
    calls = []

    def capture(self, kernel, plan, args):
        calls.append((plan, list(args)))
        return 0, 0, 0, 0

    with mock.patch.object(Network, "_call", capture):
        net.run(duration, inputs=inputs)
    return calls[-1]


def _lowered(net, duration=1.0, inputs=()):
    plan, args = _captured(net, duration, inputs)
    return CudaKernel(device_plan(plan, None, check_finite=True), 1024), args


@pytest.mark.parametrize("forms", [("rows", "fancy"), ("range", "fancy")], ids=["rows+fancy", "range+fancy"])
def test_every_kernel_compiles_to_ptx_for_sm90(forms):
    net, group = networks.coba(200, forms)
    kernel, args = _lowered(net, inputs=[(group, 'ge', np.ones((10, 200))), (group, 'gi', 0.5, '=')])
    compiled = ptx(kernel, *args, cc=(9, 0))
    steps = [op.name for op in kernel.plan.ops if hasattr(op, "source")]
    assert len(steps) == 3 and set(steps) <= set(compiled)
    for name, text in compiled.items():
        assert ".target sm_90" in text and ".entry" in text, name
    # delivery is atomic: the synapse kernels add to the conductances with float atomics
    for name in steps[1:]:
        assert "atom.global.add.f64" in compiled[name] or "red.global.add.f64" in compiled[name], name


@pytest.mark.parametrize("build", [networks.wang_buzsaki, networks.unmonitored], ids=["vector-model", "scan"])
def test_vector_and_scanning_steps_compile_to_ptx(build):
    net, _ = build(64)
    kernel, args = _lowered(net)
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert all(".target sm_90" in text for text in compiled.values())
    assert {op.name for op in kernel.plan.ops if hasattr(op, "source")} <= set(compiled)


def test_grid_forms_of_the_steps():
    net, _ = networks.coba(100, ("rows", "fancy"))
    kernel, _ = _lowered(net)
    neuron, exc, inh = [op for op in kernel.plan.ops if hasattr(op, "source")]
    # one thread per neuron
    assert "_obj_i = cuda.grid(1)" in neuron.source and "for _obj_i" not in neuron.source
    # one thread per spike of this step (the event list's bounds are device values), walking its row
    for op in (exc, inh):
        assert op.events and "cuda.atomic.add(post_" in op.source and "_lo[0] + 1 * cuda.grid(1)" in op.source
    # the safe mode's finite check is a device flag
    assert "cuda.atomic.min(_gpu_flag, 0, _gpu_step)" in neuron.source


def _refusal(step, mode="scalar", **state):
    group = bp.NeuGroup(bp.NeuType(name='m', ST=bp.types.NeuState(state or {'V': 0.}), steps=step, mode=mode), 8)
    plan, _ = _captured(bp.Network(group), 1.0)
    with pytest.raises(ModelUseError) as info:
        device_plan(plan, None, check_finite=True)
    return str(info.value)


def _line(func, offset):
    return f"line {inspect.getsourcelines(func)[1] + offset}"


def _binomial_draws() -> bp.Network:
    def draws(ST, _t):
        ST['V'] += np.random.binomial(int(n_sources), 0.3)

    n_sources = 40  # noqa: F841  (a parameter of the step)
    group = bp.NeuGroup(bp.NeuType(name='m', ST=bp.types.NeuState({'V': 0.}), steps=draws, mode='scalar'), 8)
    return bp.Network(group)


def _poisson_sources() -> bp.Network:
    return bp.Network(bp.inputs.PoissonInput(16, np.linspace(0., 300., 16), monitors=['spike']))


# each draw becomes the runtime's device draw from the thread's generator (bp.inputs.PoissonInput's
# np.random.geometric too)
@pytest.mark.parametrize("build, draw", [
    (lambda: networks.noisy(16)[0], "xoroshiro128p_normal_float64(_gpu_rng, cuda.grid(1))"),
    (_binomial_draws, "binomial_draw(_gpu_rng, cuda.grid(1), int(n_sources), 0.3)"),
    (_poisson_sources, "geometric_draw(_gpu_rng, cuda.grid(1), p)"),
], ids=["normal-uniform-exponential", "binomial", "poisson-sources-geometric"])
def test_random_draws_have_a_device_form_and_compile_to_ptx(build, draw):
    kernel, args = _lowered(build())
    step = next(op for op in kernel.plan.ops if hasattr(op, "source"))
    assert draw in step.source
    assert ".target sm_90" in ptx(kernel, *args, cc=(9, 0))[step.name]


def test_random_draws_without_a_gpu_form_are_refused_at_their_line():
    def noisy(ST, _t):
        x = 1.
        ST['V'] += x * np.random.poisson(2.)

    message = _refusal(noisy)
    assert "'noisy' step" in message and "random" in message and _line(noisy, 2) in message


def test_whole_array_vector_statement_is_refused_at_its_line():
    def center(ST, _t):
        ST['V'] = ST['V'] * 0.5
        ST['V'] = ST['V'] - np.mean(ST['V'])

    message = _refusal(center, mode="vector")
    assert "'center' step" in message and "whole arrays" in message and _line(center, 2) in message


def test_shared_store_other_than_add_is_refused():
    def overwrite(ST, _t, pre, post, pre2post):
        for i in range(len(pre2post)):
            if pre['spike'][i] > 0.:
                post['V'][pre2post[i]] = 0.

    group = networks.lif_group(20)
    syn = bp.SynConn(bp.SynType(name='reset', ST=bp.types.SynState(), steps=overwrite, mode='vector'),
                     pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.2))
    plan, _ = _captured(bp.Network(group, syn), 1.0)
    with pytest.raises(ModelUseError, match=rf"(?s)'overwrite' step.*store.*{_line(overwrite, 3)}"):
        device_plan(plan, None, check_finite=True)


def test_unknown_function_is_refused_at_its_line():
    def helper(v):
        return v

    def calls(ST, _t):
        ST['V'] = helper(ST['V'])

    message = _refusal(calls)
    assert "'helper(...)' has no GPU form" in message and _line(calls, 1) in message


def test_delay_line_compiles_to_ptx():
    net, _ = networks.delayed(40)
    kernel, args = _lowered(net)
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert {op.name for op in kernel.plan.ops if hasattr(op, "source")} <= set(compiled)
    assert any(type(op).__name__ == "PushDelay" for op in kernel.plan.ops)


@pytest.mark.parametrize("per_synapse", [False, True], ids=["one-delay", "per-synapse-delays"])
def test_spike_queue_compiles_to_ptx(per_synapse):
    net, _ = networks.queued(40, per_synapse)
    kernel, args = _lowered(net)
    kinds = [type(op).__name__ for op in kernel.plan.ops]
    assert kinds.index("QueueCapture") < kinds.index("QueueArrival") < kinds.index("AdvanceQueue")
    assert kernel.plan.queue_outputs
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert {op.name for op in kernel.plan.ops if hasattr(op, "source")} <= set(compiled)
    assert all(".target sm_90" in compiled[name] for name in ("queue_capture", "queue_arrival", "queue_advance"))


def test_safe_mode_checks_every_user_index_and_compiles_to_ptx():
    net, _ = networks.shifted(40, 0)
    kernel, args = _lowered(net)
    synapse = [op for op in kernel.plan.ops if hasattr(op, "source")][1]
    # the atomic add's element (the user's post['ge'][j + shift]) and the row bounds are checked
    assert "cuda.atomic.add(post_ge, checked_index(j + shift, post_ge.shape[0], _gpu_bad," in synapse.source
    assert "pre2post_ptr[checked_index(i + 1, pre2post_ptr.shape[0]" in synapse.source
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert ".target sm_90" in compiled[synapse.name]
    # without the safe mode nothing is checked (and the kernel takes no bounds flag)
    plan, _ = _captured(networks.shifted(40, 0)[0], 1.0)
    unsafe = device_plan(plan, None, check_finite=False)
    sources = [op.source for op in unsafe.ops if hasattr(op, "source")]
    assert sources and not any("checked_index" in s or "_gpu_bad" in s for s in sources)


def test_brunel_compiles_to_ptx_with_its_poisson_drive():
    net, _ = networks.brunel(200)
    kernel, args = _lowered(net)
    drive = next(op for op in kernel.plan.ops if getattr(op, "name", "").endswith("_drive"))
    # the table is the host's (computed once per call), each thread inverts it with its own generator
    assert "table = binomial_cdf(drive_N, p)" in drive.host and not drive.host_per_step
    assert "gpu_binomial_from_cdf(table, xoroshiro128p_uniform_float64(_gpu_rng" in drive.source
    assert "binomial_cdf(" not in drive.source.replace("gpu_binomial_from_cdf", "")
    # the drive's checks are device raises: the error value takes the step and the user's line; safe mode's
    # bound on the drive's while loop (its geometric waits) is one more
    assert [said.split(":")[0] for _, said in drive.raises] == ["ValueError", "ValueError", "RuntimeError"]
    assert "loop went round more than" in drive.raises[-1][1]
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert {op.name for op in kernel.plan.ops if hasattr(op, "source")} <= set(compiled)
    assert ".target sm_90" in compiled[drive.name]


def _user_line(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("target", ["cpu", "gpu"])
def test_show_kernel_prints_operations_and_maps_lines_back(target, capsys):
    net, _ = networks.coba(60)
    net.show_kernel(target)  # planned, not compiled: the GPU listing needs no GPU
    text = capsys.readouterr().out
    assert f"target '{target}'" in text
    if target == "gpu":
        ops = ["launch NeuGroup0_lif_update: ST.shape[1] threads", "RecordEvents(",
               "launch SynConn1_rows_to_ge: one thread per event of"]
    else:
        ops = ["call_step", "record_events", "check_capacity"]
    assert all(op in text for op in ops), text[:2000]
    # each generated line from a user's line names it: the spike store of lif_update, the GPU's atomic delivery
    source = inspect.getsourcefile(networks.lif_update)
    spike = next(line for line in text.split("\n") if "ST_spike[_obj_i] = 1.0" in line)
    assert spike.endswith(f"# <- {source}, line {_user_line(networks.lif_update, 'ST[' + repr('spike') + '] = 1.')}")
    if target == "gpu":
        # the row loop and its += became one idiom (index_update), told at the loop's line
        add = next(line for line in text.split("\n") if "cuda.atomic.add(post_ge" in line)
        assert add.endswith(f"# <- {source}, line {_user_line(networks.rows_to_ge, 'for j in pre2post[i]')}")
    assert net.kernel_text(target) == text.rstrip("\n")


def test_show_kernel_refuses_an_unknown_target():
    net, _ = networks.coba(20)
    with pytest.raises(ModelUseError, match=r"target must be one of \['cpu', 'gpu'\], got 'tpu'"):
        net.show_kernel("tpu")


def test_a_spike_queue_of_weights_times_spikes_compiles_to_ptx():
    """Izhikevich's pulse synapses (ST['g'] = ST['w'] * pre['spike'], a delay per synapse) lower to queues."""
    from tests.spec_models import izhikevich_network as izh
    group, exc, inh, thalamic = izh.make(40, 10)
    kernel, args = _lowered(bp.Network(group, exc, inh), inputs=[(group, 'ST.input', thalamic[:10])])
    kinds = [type(op).__name__ for op in kernel.plan.ops]
    assert kinds.count("QueueArrival") == 2 and "PushDelay" not in kinds
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert {op.name for op in kernel.plan.ops if hasattr(op, "source")} <= set(compiled)


def test_a_spike_queue_of_j_times_spikes_compiles_to_ptx():
    """ST['g'] = J * ST['w'] * pre['spike']: the capture takes the parameter J (per-synapse delays)."""
    from tests.bp_core.simulation import test_spike_queue_parameters as par
    net, group = par._network(par.J_W_SPIKE, [0., 0.3, 0.7])
    kernel, args = _lowered(net)
    kinds = [type(op).__name__ for op in kernel.plan.ops]
    assert kinds.count("QueueArrival") == 2 and "PushDelay" not in kinds
    assert all(op.factors for op in kernel.plan.ops if type(op).__name__ == "QueueCapture")
    compiled = ptx(kernel, *args, cc=(9, 0))
    assert {op.name for op in kernel.plan.ops if hasattr(op, "source")} | {"queue_capture"} <= set(compiled)
