"""The fixed cost of one warm ``net.run`` call: networks of a few neurons run for 10 steps, many times.

    python benchmarks/run_call.py [--calls 3000] [--only tiny nonlinear_synapses sturzl_2000]

Each network is built and run a few hundred times first (compiled, buffers sized), then ``net.run`` of 1 ms at
dt = 0.1 ms is called ``--calls`` times; the table gives the median and quartiles of one call, on the wall clock
and in CPU seconds of this thread (less moved by other jobs on a loaded machine). Ten steps of these networks
take a few microseconds, so the figures are the call's own work: binding, recording, the kernel's dispatch.
The networks: one neuron (``tiny``), the nonlinear-synapses example (two inputs, two synapses, one neuron,
three dense monitors) and the Sturzl et al. example (16 neurons, two SynConns, a delay, an input array,
noise: its kernel takes the network's random generator, which numba unboxes at every call).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bp_core as bp  # noqa: E402
from examples.nonlinear_synapses import model as nonlinear  # noqa: E402
from examples.sturzl_2000 import model as sturzl  # noqa: E402


def ramp(ST, _t):
    v = ST['V'] + 0.1
    ST['spike'] = v > 1.
    ST['V'] = np.where(v > 1., 0., v)


RAMP = bp.NeuType(name='ramp_cell', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=ramp, mode='vector')


def _tiny():
    return bp.Network(bp.NeuGroup(RAMP, 1, monitors=['spike']), mode='repeat'), ()


def _nonlinear():
    inputs = bp.NeuGroup(nonlinear.ramp, 2, monitors=['spike'])
    inputs.ST['v'] = [0., 0.5]
    post = bp.NeuGroup(nonlinear.neuron, 1, monitors=['g', 'v'])
    syn = bp.SynConn(nonlinear.nmda, pre_group=inputs, post_group=post, conn=bp.connect.All2All(),
                     monitors=['g_syn'])
    syn.ST['w'] = [1., 10.]
    return bp.Network(inputs, syn, post, mode='repeat'), ()


def _sturzl():
    legs = bp.NeuGroup(sturzl.leg, geometry=8, monitors=['spike'])
    neurons = bp.NeuGroup(sturzl.command, geometry=8, monitors=['spike'])
    ex = bp.SynConn(sturzl.excitatory, pre_group=legs, post_group=neurons, conn=bp.connect.One2One())
    inh = bp.SynConn(sturzl.inhibitory, pre_group=legs, post_group=neurons, conn=sturzl.opposite_triads(),
                     delay=sturzl.delta_inh)
    return bp.Network(legs, neurons, ex, inh, mode='repeat'), (legs, 'ST.rate', np.full((10, 8), 0.5), '=')


NETWORKS = {'tiny': _tiny, 'nonlinear_synapses': _nonlinear, 'sturzl_2000': _sturzl}


def time_calls(make, calls: int) -> dict[str, np.ndarray]:
    """Wall and thread CPU microseconds of ``calls`` warm run calls of 10 steps of the network ``make()``."""
    with bp.profile.override(dt=0.1):
        net, inputs = make()
    net.build(1., inputs=inputs)
    for _ in range(300):
        net.run(1., inputs=inputs)
    wall, cpu = np.empty(calls), np.empty(calls)
    for k in range(calls):
        w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        net.run(1., inputs=inputs)
        cpu[k], wall[k] = time.thread_time_ns() - c0, time.perf_counter_ns() - w0
    return {'wall': wall / 1e3, 'cpu': cpu / 1e3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=3000)
    parser.add_argument('--only', nargs='+', choices=sorted(NETWORKS), default=list(NETWORKS))
    args = parser.parse_args()
    print("| network | wall median (us) | wall quartiles | CPU median (us) | CPU quartiles |")
    print("|---|---|---|---|---|")
    for name in args.only:
        times = time_calls(NETWORKS[name], args.calls)
        q = {k: np.percentile(v, [25, 50, 75]) for k, v in times.items()}
        print(f"| {name} | {q['wall'][1]:.0f} | {q['wall'][0]:.0f}-{q['wall'][2]:.0f} | {q['cpu'][1]:.0f} | "
              f"{q['cpu'][0]:.0f}-{q['cpu'][2]:.0f} |")


if __name__ == '__main__':
    main()
