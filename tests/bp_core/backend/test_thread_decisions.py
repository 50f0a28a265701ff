"""Which kernel a run of a network with a parallel kernel uses: the parallel one only on a number of threads at
which a trial timed it faster than one thread, and one thread when one core is free."""

from __future__ import annotations

import pytest

import bp_core as bp
from bp_core.backend.threads import ParallelChoice, plan_threads
from bp_core.simulation import builds as builds_module
from bp_core.simulation import planning
from tests.bp_core.backend.test_blocked_kernel import _network, _Uncompiled


def _decided(threads: int, serial: float, parallel: float) -> ParallelChoice:
    """A finished trial on ``threads`` threads: per-step times of one thread and of the parallel kernel."""
    choice = ParallelChoice.for_run(1000, threads)
    for _ in range(choice.rounds):
        choice.record("serial", serial * choice.steps, choice.steps)
        choice.record("parallel", parallel * choice.steps, choice.steps)
    return choice


def test_one_free_core_runs_one_thread_whatever_was_timed():
    choices = {2: _decided(2, 1.0, 0.5)}
    assert plan_threads(choices, 1, 10_000) == (None, "serial", 1)
    assert plan_threads({}, 1, 10_000) == (None, "serial", 1) and len(choices) == 1


def test_a_count_not_timed_is_timed_before_the_parallel_kernel_runs_on_it():
    choices: dict = {}
    trial, kernel, threads = plan_threads(choices, 2, 10_000, form="blocked")
    assert trial is choices[2] and trial.form == "blocked" and (kernel, threads) == ("serial", 2)
    assert plan_threads(choices, 2, 10_000)[0] is trial  # unfinished (a run that failed): it goes on
    for _ in range(trial.rounds):
        trial.record("serial", 1.0, 1)
        trial.record("parallel", 0.6, 1)
    assert plan_threads(choices, 2, 10_000) == (None, "parallel", 2)
    # four cores free: four threads were never timed, so a long run times them; a short one keeps what was timed
    assert plan_threads(dict(choices), 4, 20) == (None, "parallel", 2)
    trial4, _, threads = plan_threads(choices, 4, 10_000)
    assert trial4 is choices[4] and threads == 4


@pytest.mark.parametrize("timings, expected", [
    ({2: (1.0, 0.98)}, (None, "serial", 1)),  # not 5% faster: one thread
    ({2: (1.0, 0.98), 4: (1.0, 0.97)}, (None, "serial", 1)),
    ({2: (1.0, 0.6), 4: (1.0, 1.3)}, (None, "parallel", 2)),  # slower on 4 threads: 2, timed faster
    ({2: (1.0, 0.6), 4: (1.0, 0.4)}, (None, "parallel", 4)),
    ({4: (1.0, 0.4)}, (None, "parallel", 4)),
])
def test_the_parallel_kernel_runs_only_where_it_was_timed_faster(timings, expected):
    choices = {t: _decided(t, *times) for t, times in timings.items()}
    assert plan_threads(choices, 4, 20) == expected  # a run too short to time anything new
    # with two cores free, four threads are out of reach: what was timed on two, or one thread
    two = plan_threads(choices, 2, 20)
    assert two == ((None, "parallel", 2) if 2 in timings and timings[2][1] < 0.95 else (None, "serial", 1))


class _Counted:
    """A kernel that counts its calls (and, wrapping a kernel that does nothing, runs nothing)."""

    def __init__(self, kernel):
        self.kernel, self.calls = kernel, 0
        self.path, self.jit, self.source = kernel.path, kernel.jit, kernel.source

    def __call__(self, *args):
        self.calls += 1
        return self.kernel(*args)


def test_a_network_told_one_core_is_free_runs_its_one_thread_kernel_and_times_nothing(monkeypatch):
    # kernels that run nothing: what is tested is which one is called, on how many threads
    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    monkeypatch.setattr(builds_module.Builder, "_compiled", lambda self, target, plan, *_: _Uncompiled(plan))
    threads_set: list[int] = []
    monkeypatch.setattr("bp_core.backend.targets.numba_cpu.NumbaCpuTarget.use_threads",
                        lambda self, count: threads_set.append(count))
    monkeypatch.setattr(builds_module, "free_cores", lambda limit=None: 1)
    bp.profile.set(jit=True)
    bp.profile.set_numba_profile(parallel=True)
    try:
        net, _ = _network(0.5)
        net.build(1.)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    build = net._builder.latest
    build.kernel, build.parallel_kernel = _Counted(build.kernel), _Counted(build.parallel_kernel)
    net.run(1.)
    assert build.kernel.calls >= 1 and build.parallel_kernel.calls == 0
    assert build.choice is None and build.choices == {} and threads_set == []
    # timed faster on two threads earlier, but one core free now: still one thread
    build.choice = _decided(2, 1.0, 0.5)
    net.advance(1.)
    assert build.parallel_kernel.calls == 0 and threads_set == []
    monkeypatch.setattr(builds_module, "free_cores", lambda limit=None: 2)
    net.advance(1.)
    assert build.parallel_kernel.calls >= 1 and threads_set == [2]

