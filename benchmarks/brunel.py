"""Brunel (2000) sparse network of LIF neurons, written the spec's way: ``delay=`` and ``@bp.delayed``.

The network is the example's (``examples/brunel_2000/model.py``, one source per model) at 12,500 LIF neurons
(10,000 excitatory, 2,500 inhibitory), ``bp.connect.FixedProb`` between the whole group and each population
(1.25 M synapses at the default ``epsilon=0.008``: 80 excitatory and 20 inhibitory inputs per neuron), a
1.5 ms delay on every synapse, and a Poisson drive of ``C_E`` sources per neuron at twice the threshold rate
(``bp.inputs.poisson_drive``). The synapse model copies the presynaptic spike into ``ST['s']`` and its
``@bp.delayed`` output step adds ``J * ST['s']`` to the postsynaptic input, as the spec's chapters write
synapses. Couplings are scaled from the paper's (C_E = 1000, J = 0.1 mV) so that J * C_E stays 100 mV.

Prints the build time of the network in a fresh process with an empty compile cache (cold) and again
with the cache warm, then the run time and the firing rate, in wall-clock and CPU seconds (CPU time tells
what a loaded machine inflates). Each build runs in its own process. The builds are broken down into importing
numba, numba compiling (with the compiler's set-up, which a cold build does once and a warm one skips: cached kernels
load without it), and the rest (planning, connectivity, emitting the kernel and loading it from the cache). "Cold" is an empty cache of the network's kernels; the engine's runtime helpers stay in
numba's cache beside the engine, compiled once per installation (set ``NUMBA_CACHE_DIR`` to an empty folder to
measure them too).

    python benchmarks/brunel.py [duration_ms] [--epsilon 0.008] [--form auto|line] [--copy-j]

``--form line`` keeps the per-synapse delay line (the engine's switch ``planning.SPIKE_QUEUES``) for comparison.
``--copy-j`` writes the synapse with ``J`` in its copy step, ``ST['s'] = J * pre['spike']`` and
``post['input'] += ST['s']`` (the same network; the spike queue carries ``J`` with each spike).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bp_core as bp  # noqa: E402
from examples.brunel_2000 import model  # noqa: E402

N_E, N_I = 10000, 2500
delay = model.D
J = 0.1  # replaced by each SynConn's pars['J']


def copy_j(ST, pre):
    ST['s'] = J * pre['spike']


@bp.delayed
def output_s(ST, post):
    post['input'] += ST['s']


COPY_J = bp.SynType(name='delta_synapse_copy_j', ST=bp.types.SynState(['s']),
                    requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])),
                    steps=(copy_j, output_s), mode='scalar')


def build(duration: float, epsilon: float, seed: int = 3):
    """The example's network at ``N_E`` excitatory neurons and connection probability ``epsilon``;
    returns (net, group)."""
    return model.build(N_E=N_E, epsilon=epsilon, seed=seed)


def child(duration: float, epsilon: float, form: str, with_copy_j: bool = False) -> dict:
    """Build (and compile or load) the network, then run it: one process's figures."""
    if with_copy_j:
        model.delta_synapse = COPY_J  # the example's build() makes its SynConns of this model
    if form == "line":
        from bp_core.simulation import planning

        planning.SPIKE_QUEUES = False
    t0 = time.perf_counter()
    net, group = build(duration, epsilon)
    made = time.perf_counter()
    cpu0 = time.process_time()
    import bp_core.backend.compile  # noqa: F401  numba, imported by the first build (as net.build does)
    from numba.core import event

    numba_s, numba_cpu = time.perf_counter() - made, time.process_time() - cpu0
    compiled = []  # seconds of each compile numba does (none when the kernel loads from the cache)
    with event.install_timer("numba:compile", compiled.append):
        net.build(max(duration, 1.0))  # plans, emits, compiles or loads the kernel from the on-disk cache
    built = time.perf_counter()
    build_cpu = time.process_time() - cpu0
    run = run_cpu = None
    if duration > 0:
        t1, cpu1 = time.perf_counter(), time.process_time()
        net.run(duration)
        run, run_cpu = time.perf_counter() - t1, time.process_time() - cpu1
    spikes = int(group.mon.spike.sum()) if duration > 0 else 0
    synapses = sum(o.num for o in net.objects[1:])
    return {"objects_s": made - t0, "build_s": built - made, "build_cpu_s": build_cpu, "numba_import_s": numba_s,
            "numba_import_cpu_s": numba_cpu,
            "compile_s": sum(compiled), "run_s": run,
            "run_cpu_s": run_cpu, "synapses": synapses,
            "rate_hz": spikes / group.num / (duration / 1000.) if duration > 0 else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("duration", nargs="?", type=float, default=1000.)
    parser.add_argument("--epsilon", type=float, default=0.008)
    parser.add_argument("--form", choices=("auto", "line"), default="auto")
    parser.add_argument("--copy-j", action="store_true", help="J in the copy step: ST['s'] = J * pre['spike']")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT", json.dumps(child(args.duration, args.epsilon, args.form, args.copy_j)))
        return
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "BP_CORE_CACHE_DIR": cache}
        results = []
        for duration in (0., 0., args.duration):  # cold build, warm build, warm build + run
            command = [sys.executable, __file__, str(duration), "--epsilon", str(args.epsilon), "--form",
                       args.form, "--child"] + (["--copy-j"] if args.copy_j else [])
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            if done.returncode:
                raise SystemExit(f"the benchmark's child process failed:\n{done.stderr}")
            results.append(json.loads(done.stdout.split("RESULT", 1)[1]))
    cold, warm, ran = results
    print(f"Brunel {N_E + N_I} neurons, {cold['synapses']:,} synapses, delay {delay} ms ({args.form}"
          f"{', J in the copy step' if args.copy_j else ''}), wall (CPU) "
          f"seconds: objects {cold['objects_s']:.2f}; build cold {cold['build_s']:.2f} ({cold['build_cpu_s']:.2f}), "
          f"warm in a new process {warm['build_s']:.2f} ({warm['build_cpu_s']:.2f})"
          + (f"; run {args.duration:.0f} ms {ran['run_s']:.2f} ({ran['run_cpu_s']:.2f}), rate {ran['rate_hz']:.1f} Hz"
             if args.duration > 0 else ""))
    for name, result in (("cold", cold), ("warm", warm)):
        rest = result["build_s"] - result["numba_import_s"] - result["compile_s"]
        print(f"  build {name}, wall seconds: importing numba {result['numba_import_s']:.2f} "
              f"({result['numba_import_cpu_s']:.2f} CPU), numba compiling "
              f"{result['compile_s']:.2f}, planning, connecting, emitting and loading {rest:.2f}")


if __name__ == "__main__":
    main()
