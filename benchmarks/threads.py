"""One thread against a parallel kernel decided by measurement, beside Brian2 on 1 and 2 OpenMP threads.

    python benchmarks/threads.py [N] [duration_ms] [--assume-free K] [--skip-forced] [--skip-peers]
                                 [--models coba,coba_delayed,brunel] [--brunel-n N] [--runs R]

Builds each model twice in one process: with numba's parallel option off, and on (the network then times
its one-thread and parallel kernels on the first steps of its first run and keeps the faster, with threads
capped at the cores free). Each row runs three times (``--runs``) from the same initial state, the rows' runs
interleaved (row 1, row 2, ..., row 1, ...); prints median wall and CPU times, the decision and its per-step
timings, and the forced times of the two parallel forms for reference: numba's prange loops (threads meet at
every loop of every step) and the blocked kernel (threads meet once per shortest synaptic delay,
``bp_core.codegen.blocks``; built only where every synaptic effect goes through a delayed spike queue, so for
``coba_delayed`` and ``brunel``, not ``coba``). Models: ``coba`` (COBA, no delay), ``coba_delayed`` (the same
network with 1.5 ms delays on every synapse, through spike queues) and ``brunel`` (Brunel 2000 from
examples/brunel_2000, at the paper's 12,500 neurons unless ``--brunel-n``: 1.5 ms delays and a Poisson drive
drawn in the neuron step, so its blocked kernel draws from one generator per chunk of neurons and its one-thread
kernel is the blocked kernel on one slice: the row "blocked kernel, forced 1 thread" is what the timed choice's
one thread runs, beside "one thread", the build without the parallel option). Brian2 cpp_standalone runs coba
and coba_delayed with 1 and 2 OpenMP threads in this invocation (benchmarks/peers/.venv; its loop time as Brian2
reports it, and the process's wall time).
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
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the examples

import models  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402

import bp_core as bp  # noqa: E402
from bp_core.backend.threads import free_cores  # noqa: E402
from bp_core.simulation import builds  # noqa: E402
from examples.brunel_2000 import model as brunel  # noqa: E402

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


def build_brunel(N: int, seed: int = 1):
    """Brunel (2000) with ``N`` neurons (0.8 N excitatory), its 1.5 ms delays and Poisson drive."""
    net, group = brunel.build(N_E=int(round(0.8 * N)), seed=seed)
    initial = {key: np.array(group.ST[key]) for key in ('V', 'input', 'spike', 't_last_spike')}

    def reset():
        for key, value in initial.items():
            group.ST[key] = value

    return net, group, reset, []


BUILDERS = {"coba": models.build_coba, "coba_delayed": build_coba_delayed, "brunel": build_brunel}


class Case:
    """One row: a network built under its settings, then timed runs (each from the same initial state).

    ``parallel``: built with numba's parallel option; ``blocked``: a network whose synaptic effects all go
    through delayed spike queues gets the blocked kernel as its parallel kernel (threads meet once per shortest
    delay), False keeps numba's prange loops (threads meet every step); ``force``: the parallel kernel on
    ``threads`` threads, whatever the measurement says. ``note`` says why a forced row has no kernel.
    """

    def __init__(self, model: str, parallel: bool, n: int, duration: float, force: bool, blocked: bool,
                 threads: int):
        self.n, self.duration, self.force, self.threads = n, duration, force, threads
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.note = ""
        bp.profile.set_numba_profile(parallel=parallel)
        builds.BLOCKED_KERNELS = blocked
        try:
            self.net, self.group, self.reset, _ = BUILDERS[model](n, seed=1)
            self.net.build(duration)
            build = self.net._builder.latest
            if force and build.parallel_kernel is None:  # loops below planning.PARALLEL_MIN_ELEMENTS stay serial
                self.note = "no parallel kernel at this size"
            elif force and blocked and build.blocked_plan is None:
                self.note = f"no blocked kernel: {build.blocked_note}"
            elif force:
                # the parallel kernel in the one-thread kernel's place and no other, so no trial (which would set
                # the threads to the cores free): it runs on the threads set before each run
                build.kernel, build.parallel_kernel = build.parallel_kernel, None
        finally:
            bp.profile.set_numba_profile(parallel=False)
            builds.BLOCKED_KERNELS = True

    def run(self) -> None:
        """One timed run from 0 ms and the initial state."""
        if self.note:
            return
        numba.set_num_threads(min(self.threads, numba.config.NUMBA_NUM_THREADS))
        try:
            self.reset()
            self.net.rewind()  # each timed run starts again at 0 ms, deliberately
            began, began_cpu = time.perf_counter(), time.process_time()
            self.net.run(self.duration)
            self.walls.append(time.perf_counter() - began)
            self.cpus.append(time.process_time() - began_cpu)
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)

    def row(self) -> str:
        """Median wall and CPU times, each run's wall time, the rate of the last run (Hz) and the kernel."""
        if self.note:
            return self.note
        rate = models.spike_counts(self.group).sum() / self.n / (self.duration / 1000.)
        kernel = f"forced, {self.threads} thread{'s' if self.threads > 1 else ''}" if self.force else \
            self.net.parallel_choice
        return (f"wall median {statistics.median(self.walls):.3f} s (runs {', '.join(f'{r:.3f}' for r in self.walls)}"
                f"), CPU median {statistics.median(self.cpus):.3f} s, rate {rate:.1f} Hz; kernel: {kernel}")


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
    parser.add_argument("--models", default="coba,coba_delayed", help="comma-separated: coba, coba_delayed, brunel")
    parser.add_argument("--brunel-n", type=int, default=12500, help="neurons of the brunel model")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each row, interleaved")
    args = parser.parse_args()
    if args.assume_free is not None:
        builds.free_cores = lambda limit=None: min(args.assume_free, limit or args.assume_free)
    assumed = "" if args.assume_free is None else f"; assumed free: {args.assume_free}"
    print(f"N={args.n}, {args.duration:g} ms; cores free now: {free_cores()} of numba's "
          f"{numba.config.NUMBA_NUM_THREADS}{assumed}; load average {np.round(os.getloadavg(), 2)}")
    cases = [("one thread", False, False, True, 1), ("parallel, measured", True, False, True, 2)]
    if not args.skip_forced:
        cases += [("prange loops, forced 2 threads", True, True, False, 2),
                  ("blocked kernel, forced 1 thread", True, True, True, 1),
                  ("blocked kernel, forced 2 threads", True, True, True, 2)]
    for model in args.models.split(","):
        n = args.brunel_n if model == "brunel" else args.n
        print(f"{model}, N={n}{f' ({DELAY_MS} ms delays, spike queues)' if model == 'coba_delayed' else ''}:")
        built = [(label, Case(model, parallel, n, args.duration, force, blocked, threads))
                 for label, parallel, force, blocked, threads in cases]
        for _ in range(args.runs):  # interleaved: a change of the machine's load meets every row alike
            for _, case in built:
                case.run()
        for label, case in built:
            print(f"  {label:32s} {case.row()}")
        del built
        if args.skip_peers or model == "brunel":
            continue
        for threads in (1, 2):
            result = brian2_run(model, args.n, args.duration, threads)
            if result is not None:
                print(f"  Brian2 cpp_standalone, {threads} OpenMP thread{'s' if threads > 1 else ''}: loop "
                      f"{result['loop_s']:.3f} s (process {result['process_s']:.1f} s with its build), "
                      f"rate {result['rate_hz']:.1f} Hz")


if __name__ == "__main__":
    main()
