"""The models of ``tests/spec_models/`` (written the way BrainPy 0.3's documentation writes models) at benchmark
size, ours beside an equivalent Brian2 script, in one invocation.

    python benchmarks/spec_models.py [--tiny] [--only NAME ...]

Ours runs in this process: a first run builds and compiles, the second is timed (CPU time of this process,
``time.process_time``, ``net.run`` alone). Brian2 2.9 runs ``benchmarks/peers/spec_models_brian2.py`` in its own
virtual environment as cpp_standalone, one thread, and reports its simulation loop's time (``std::clock()``,
CPU time). Brian2's versions are written as a Brian2 user writes them (event-driven synapses, per-neuron
gates summed onto their targets), so for most models the ratio compares two ways of writing the same model,
not the same arithmetic; Wang (2002) is written in the formulation of Brian2's example on both sides (gates
per neuron, NMDA's summed by the synapses), and its statistic is the E and the I rate (Hz). One statistic
from each side shows that both ran the model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bp_core as bp  # noqa: E402
from tests.spec_models import cann, gap_junctions, izhikevich_network, stdp, tsodyks_markram, wang2002  # noqa: E402

PEER = ROOT / "benchmarks" / "peers" / ".venv" / "bin" / "python"
SCRIPT = ROOT / "benchmarks" / "peers" / "spec_models_brian2.py"


def _cann(n, duration):
    bp.profile.set(dt=0.05, numerical_method='euler')
    x, _ = cann.ring(n)
    group = bp.NeuGroup(cann.cann_type(), geometry=n, monitors=['u'], satisfies={'conn_mat': cann.weights(n)})
    ts = np.arange(int(round(duration / 0.05))) * 0.05
    inputs = [(group, 'ST.input', cann.stimulus(n, 0.05 * ts))]
    return bp.Network(group), inputs, lambda: float(group.mon.u[-1].max())


def _tsodyks_markram(n, duration):
    bp.profile.set(dt=0.1)
    pre = bp.inputs.PoissonInput(n, freqs=20.)
    post = bp.NeuGroup(tsodyks_markram.Passive, geometry=n)
    syn = bp.SynConn(tsodyks_markram.TM, pre_group=pre, post_group=post, conn=bp.connect.One2One(), delay=1.)
    return bp.Network(pre, syn, post), None, lambda: float(np.mean(syn.ST['x']))


def _gap_junctions(n, duration):
    bp.profile.set(dt=0.1, numerical_method='euler')
    group = bp.NeuGroup(gap_junctions.LIF, geometry=n, monitors=['spike'])
    group.ST['v0'] = gap_junctions.drives(n)
    gap = bp.SynConn(gap_junctions.GapByPost, pre_group=group, post_group=group,
                     conn=bp.connect.All2All(include_self=False))
    return bp.Network(group, gap), None, lambda: int(group.mon.spike.sum())


def _izhikevich(n, duration):
    # spikes only, as Brian2's version records (the test records v too: 80 MB a simulated second at this size)
    group, exc, inh, thalamic = izhikevich_network.make(int(0.8 * n), n - int(0.8 * n), prob=0.1,
                                                        monitors=['spike'])
    steps = int(round(duration / 0.1))
    return bp.Network(group, exc, inh), [(group, 'ST.input', thalamic[:steps])], \
        lambda: int(group.mon.spike.sum())


def _stdp(n, duration):
    bp.profile.set(dt=0.1)
    inputs = bp.inputs.PoissonInput(n, freqs=15.)
    neuron = bp.NeuGroup(stdp.LIF, geometry=1)
    syn = bp.SynConn(stdp.STDP, pre_group=inputs, post_group=neuron, conn=bp.connect.All2All())
    syn.ST['w'] = np.random.RandomState(0).rand(n) * stdp.gmax
    return bp.Network(inputs, neuron, syn), None, lambda: float(np.mean(syn.ST['w']) / stdp.gmax)


def _wang2002(n, duration):
    E, I, ext, syns = wang2002.make(n_e=int(0.8 * n), n_i=n - int(0.8 * n))
    seconds = duration / 1000.
    return bp.Network(ext, E, I, *syns), None, \
        lambda: (E.mon.spike.sum() / E.num / seconds, I.mon.spike.sum() / I.num / seconds)


MODELS = {  # name: (ours, size, duration in ms, tiny size, tiny duration)
    "cann": (_cann, 512, 100., 64, 5.),
    "tsodyks_markram": (_tsodyks_markram, 1000, 1000., 50, 20.),
    "gap_junctions": (_gap_junctions, 100, 1000., 10, 20.),
    "izhikevich": (_izhikevich, 1000, 1000., 100, 20.),
    "stdp": (_stdp, 1000, 1000., 100, 20.),
    "wang2002": (_wang2002, 500, 1000., 100, 20.),
}


def ours(name: str, size: int, duration: float, seed: int = 1) -> tuple[float, float, object]:
    """Build seconds (first run, compiling), run CPU seconds (second run), statistic of the second run.

    The second run is the first again: from the same initial state (a snapshot taken before the first run) and
    the same random numbers (``seed``), so its statistic is that of a run from the start, as Brian2's."""
    build, *_ = MODELS[name]
    net, inputs, stat = build(size, duration)
    start_state = net.snapshot()
    net.reseed(seed)
    start = time.perf_counter()
    net.run(duration, inputs=inputs)
    built = time.perf_counter() - start
    net.restore(start_state)
    net.reseed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the second run starts the clock at 0 again, as intended here
        start = time.process_time()
        net.run(duration, inputs=inputs)
        ran = time.process_time() - start
    return built, ran, stat()


def _fmt(stat) -> str:
    return " ".join(f"{value:.4g}" for value in np.ravel(stat))


def brian2(name: str, size: int, duration: float) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        out = subprocess.run([str(PEER), str(SCRIPT), name, str(size), str(duration), workdir],
                             capture_output=True, text=True, timeout=1800)
    if out.returncode:
        raise RuntimeError(f"Brian2's {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="every model at a size of seconds")
    parser.add_argument("--only", nargs="*", default=None, choices=sorted(MODELS))
    args = parser.parse_args()
    print(f"{'model':17s} {'size':>5s} {'ms':>6s} {'ours build s':>12s} {'ours run s':>10s} {'Brian2 run s':>12s} "
          f"{'ratio':>6s}  statistic (ours / Brian2)")
    for name in args.only or MODELS:
        _, size, duration, tiny_size, tiny_duration = MODELS[name]
        if args.tiny:
            size, duration = tiny_size, tiny_duration
        built, ran, stat = ours(name, size, duration)
        peer = brian2(name, size, duration)
        print(f"{name:17s} {size:5d} {duration:6.0f} {built:12.2f} {ran:10.3f} {peer['run_s']:12.3f} "
              f"{ran / max(peer['run_s'], 1e-9):6.2f}  {_fmt(stat)} / {_fmt(peer['stat'])}", flush=True)


if __name__ == "__main__":
    main()
