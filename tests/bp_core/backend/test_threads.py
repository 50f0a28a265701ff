"""The one-thread kernel of a network built with numba's parallel option: translated as without it, so
choosing one thread after the timing costs nothing, and equal spike for spike to the other two kernels."""

from __future__ import annotations

import numpy as np

import bp_core as bp
from bp_core.models.networks import ei_network
from bp_core.simulation import builds as builds_module
from bp_core.simulation import planning


def _run(parallel: bool, kernel: str | None, monkeypatch) -> tuple[np.ndarray, object]:
    """Spikes and V (per step and neuron) of a 50-neuron E/I network driven over 20 ms, forcing ``kernel``
    (``'serial'``, ``'parallel'``) when given."""
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    monkeypatch.setattr(builds_module, "free_cores", lambda limit=None: 2)
    bp.profile.set(jit=True)
    bp.profile.set_numba_profile(parallel=parallel)
    try:
        net, group, exc, inh = ei_network(num=50, seed=4)
        drive = (group, 'ST.input', np.linspace(0., 6., 50))
        net.build(20., inputs=drive)
        build = net._builder.latest
        if kernel is not None:
            build.choice = builds_module.ParallelChoice(threads=2, steps=10, decided=kernel)
        net.run(20., inputs=drive)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    return np.stack([np.asarray(group.mon.spike), np.asarray(group.mon.V)]), build


def test_the_one_thread_kernel_is_translated_without_threads_and_both_equal_one_thread(monkeypatch):
    reference, plain = _run(False, None, monkeypatch)
    assert plain.serial_plan is None and plain.parallel_kernel is None
    assert reference[0].sum() > 20  # enough spikes for the synapses to matter
    for kernel in ("serial", "parallel"):
        spikes, build = _run(True, kernel, monkeypatch)
        assert build.parallel_kernel is not None and build.serial_plan is not None
        assert "prange(" in build.kernel_plan.source and "prange(" not in build.serial_plan.source
        # the one-thread kernel is the one a network without the parallel option compiles
        assert build.serial_plan.source == plain.kernel_plan.source
        assert build.plan_of("serial") is build.serial_plan and build.plan_of("parallel") is build.kernel_plan
        np.testing.assert_array_equal(spikes, reference)
