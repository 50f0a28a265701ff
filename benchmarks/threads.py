"""One thread against a parallel kernel decided by measurement, beside Brian2 on 1 and 2 OpenMP threads.

    python benchmarks/threads.py [N] [duration_ms] [--assume-free K] [--skip-forced] [--skip-peers]
                                 [--models coba,coba_delayed]

Builds each model twice in one process: with numba's parallel option off, and on (the network then times
its one-thread and parallel kernels on the first steps of its first run and keeps the faster, with threads
capped at the cores free). Each runs three times from the same initial state; prints median wall and CPU
times, the decision and its per-step timings, and the forced 2-thread times of the two parallel forms for
reference: numba's prange loops (threads meet at every loop of every step) and the blocked kernel (threads meet
once per shortest synaptic delay, ``bp_core.codegen.blocks``; built only where every synaptic effect goes
through a delayed spike queue, so for ``coba_delayed`` and not ``coba``). Models:
``coba`` (COBA, no delay) and ``coba_delayed`` (the same network with 1.5 ms delays on every synapse, through
spike queues). Brian2 cpp_standalone runs the same models with 1 and 2 OpenMP threads in this invocation
(benchmarks/peers/.venv; its loop time as Brian2 reports it, and the process's wall time).
``--assume-free K`` takes K cores as free whatever the load says (to see the timed decision on a busy
machine, where the cap alone would keep one thread); ``--skip-forced`` leaves out the forced rows,
``--skip-peers`` Brian2. The "parallel, measured" row uses the blocked kernel where it is built.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])

import models  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402

import bp_core as bp  # noqa: E402
from bp_core.backend.threads import free_cores  # noqa: E402
from bp_core.simulation import builds  # noqa: E402

PEERS = pathlib.Path(__file__).resolve().parent / "peers"
DELAY_MS = 1.5


def copy_spike(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def to_ge(ST, post):
    post['ge'] += w * ST['s']


@bp.delayed
def to_gi(ST, post):
    post['gi'] += w * ST['s']


w = 1.0
DELAYED = (bp.SynType(name='to_ge_delayed', ST=bp.types.SynState(['s']), steps=(copy_spike, to_ge), mode='scalar'),
           bp.SynType(name='to_gi_delayed', ST=bp.types.SynState(['s']), steps=(copy_spike, to_gi), mode='scalar'))


def build_coba_delayed(N: int, seed: int = 1):
    """COBA (benchmarks/models.py) with every synapse delayed by ``DELAY_MS``: delta synapses whose delayed
    step adds the copied presynaptic spike, so the engine delays them through spike queues."""
    net, group, reset, inputs = models.build_coba(N, seed)
    Ne = int(0.8 * N)
    exc = bp.SynConn(DELAYED[0], pre_group=group[:Ne], post_group=group, conn=bp.connect.FixedProb(80. / N),
                     delay=DELAY_MS)
    inh = bp.SynConn(DELAYED[1], pre_group=group[Ne:], post_group=group, conn=bp.connect.FixedProb(80. / N),
                     delay=DELAY_MS)
    exc.pars['w'], inh.pars['w'] = models.we, models.wi
    return bp.Network(group, exc, inh), group, reset, inputs


BUILDERS = {"coba": models.build_coba, "coba_delayed": build_coba_delayed}


def timed_runs(model: str, parallel: bool, n: int, duration: float, force: bool = False,
               blocked: bool = True) -> tuple[list[float], list[float], str, float]:
    """Wall and CPU seconds of three runs, the parallel decision and the rate (Hz). ``blocked``: a network
    whose synaptic effects all go through delayed spike queues gets the blocked kernel as its parallel kernel
    (threads meet once per shortest delay); False keeps numba's prange loops (threads meet every step)."""
    bp.profile.set_numba_profile(parallel=parallel)
    builds.BLOCKED_KERNELS = blocked
    try:
        net, group, reset, _ = BUILDERS[model](n, seed=1)
        net.build(duration)
        if force:  # the parallel kernel on 2 threads, whatever the measurement says
            build = net._builder.latest
            if build.parallel_kernel is None:  # loops below planning.PARALLEL_MIN_ELEMENTS stay serial
                return [], [], "no parallel kernel at this size", float("nan")
            if blocked and build.blocked_plan is None:
                return [], [], f"no blocked kernel: {build.blocked_note}", float("nan")
            build.kernel = build.parallel_kernel
            numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        walls, cpus = [], []
        for _ in range(3):
            reset()
            net.rewind()  # each timed run starts again at 0 ms, deliberately
            began, began_cpu = time.perf_counter(), time.process_time()
            net.run(duration)
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - began_cpu)
        rate = models.spike_counts(group).sum() / n / (duration / 1000.)
        return walls, cpus, net.parallel_choice, rate
    finally:
        bp.profile.set_numba_profile(parallel=False)
        builds.BLOCKED_KERNELS = True


def brian2_run(model: str, n: int, duration: float, threads: int) -> dict | None:
    """Brian2 cpp_standalone's figures for one model on ``threads`` OpenMP threads (None without its venv)."""
    python = PEERS / ".venv" / "bin" / "python"
    if not python.exists():
        return None
    with tempfile.TemporaryDirectory() as workdir:
        began = time.perf_counter()
        done = subprocess.run([str(python), str(PEERS / "brian2_models.py"), model, str(n), str(duration),
                               "standalone", str(threads), workdir], capture_output=True, text=True)
        wall = time.perf_counter() - began
    if done.returncode != 0:
        print(f"    Brian2 {model} failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="one thread against a parallel kernel decided by measurement")
    parser.add_argument("n", type=int, nargs="?", default=64000)
    parser.add_argument("duration", type=float, nargs="?", default=1000.)
    parser.add_argument("--assume-free", type=int, default=None, help="cores taken as free, whatever the load")
    parser.add_argument("--skip-forced", action="store_true", help="leave out the forced 2-thread rows")
    parser.add_argument("--skip-peers", action="store_true", help="leave out Brian2")
    parser.add_argument("--models", default="coba,coba_delayed", help="comma-separated: coba, coba_delayed")
    args = parser.parse_args()
    if args.assume_free is not None:
        builds.free_cores = lambda limit=None: min(args.assume_free, limit or args.assume_free)
    assumed = "" if args.assume_free is None else f"; assumed free: {args.assume_free}"
    print(f"N={args.n}, {args.duration:g} ms; cores free now: {free_cores()} of numba's "
          f"{numba.config.NUMBA_NUM_THREADS}{assumed}; load average {np.round(os.getloadavg(), 2)}")
    cases = [("one thread", False, False, True), ("parallel, measured", True, False, True)]
    if not args.skip_forced:
        cases += [("prange loops, forced 2 threads", True, True, False),
                  ("blocked kernel, forced 2 threads", True, True, True)]
    for model in args.models.split(","):
        print(f"{model}{f' ({DELAY_MS} ms delays, spike queues)' if model == 'coba_delayed' else ''}:")
        for label, parallel, force, blocked in cases:
            walls, cpus, choice, rate = timed_runs(model, parallel, args.n, args.duration, force, blocked)
            if not walls:
                print(f"  {label:28s} {choice}")
                continue
            print(f"  {label:28s} wall median {statistics.median(walls):.3f} s "
                  f"(runs {', '.join(f'{r:.3f}' for r in walls)}), CPU median {statistics.median(cpus):.3f} s, "
                  f"rate {rate:.1f} Hz; kernel: {choice}")
        if args.skip_peers:
            continue
        for threads in (1, 2):
            result = brian2_run(model, args.n, args.duration, threads)
            if result is not None:
                print(f"  Brian2 cpp_standalone, {threads} OpenMP thread{'s' if threads > 1 else ''}: loop "
                      f"{result['loop_s']:.3f} s (process {result['process_s']:.1f} s with its build), "
                      f"rate {result['rate_hz']:.1f} Hz")


if __name__ == "__main__":
    main()
