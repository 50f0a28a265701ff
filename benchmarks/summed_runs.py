"""Summed expressions run by run (``run_sum``) against the scatter loop (``fused_sum``).

A group of 4,000 neurons receives ``w * s`` summed over 640,000 synapses whose postsynaptic neurons come in runs
of one length (consecutive synapses reaching consecutive neurons, each run starting at a random neuron), and 800
neurons all to all without autapses (Brunel & Wang 2001's excitatory synapses). Each is run with the runs forced
on (``summed_plans.MIN_MEAN_RUN`` 1) and off (infinite): CPU seconds per step of ``net.run`` after a first run that
compiles, and whether the sums agree bit for bit. Where the two meet sets ``MIN_MEAN_RUN`` (near runs of 12 on
a loaded machine: 0.69 against 0.69 ms a step; all to all 0.73 -> 0.35 ms).
Run on its own: ``python -m benchmarks.summed_runs``.
"""

from __future__ import annotations

import time

import numpy as np

import bp_core as bp
from bp_core.simulation import summed_plans

STEPS = 200


def neuron(ST, _t):
    ST['V'] = ST['V'] * 0.9 + 0.01 * ST['g']


def synapse(ST):
    ST['s'] = ST['s'] * 0.99 + 0.001


NEURON = bp.NeuType('sink', bp.types.NeuState('V', 'g'), neuron, mode='vector')
SYNAPSE = bp.SynType('source', bp.types.SynState({'s': 0.5, 'w': 1.}), synapse, mode='vector',
                     summed={'g': "ST['w'] * ST['s']"})


def runs_of(length: int, num: int = 4000, synapses: int = 640_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) of ``synapses`` synapses in runs of ``length`` consecutive postsynaptic neurons."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, num - length, synapses // length)
    post = (starts[:, None] + np.arange(length)).ravel()
    return np.repeat(np.arange(post.shape[0] // length) % num, length), post


def timed(conn, num: int, min_mean: float) -> tuple[float, np.ndarray]:
    """CPU seconds per step and the last sums, with runs from a mean length of ``min_mean``."""
    summed_plans.MIN_MEAN_RUN = min_mean
    with bp.profile.override(dt=0.1, jit=True):
        group = bp.NeuGroup(NEURON, num)
        syn = bp.SynConn(SYNAPSE, pre_group=group, post_group=group, conn=conn)
        syn.ST['w'] = np.random.default_rng(1).uniform(0., 1., syn.num)
        net = bp.Network(group, syn)
        net.run(1.)  # compiles
        t0 = time.process_time()
        net.run((1., 1. + STEPS * 0.1))
        spent = time.process_time() - t0
    return spent / STEPS, np.array(group.ST['g'])


def main() -> None:
    default = summed_plans.MIN_MEAN_RUN
    cases = [(f"runs of {length}", runs_of(length), 4000) for length in (4, 8, 12, 16, 32)]
    cases.append(("800 all to all", bp.connect.All2All(include_self=False), 800))
    print(f"{'synapses':>16} {'scatter ms/step':>16} {'runs ms/step':>13} {'same bits':>10}")
    try:
        for name, conn, num in cases:
            scatter, g_scatter = timed(conn, num, np.inf)
            runs, g_runs = timed(conn, num, 1.)
            print(f"{name:>16} {scatter * 1e3:16.3f} {runs * 1e3:13.3f} {str(np.array_equal(g_scatter, g_runs)):>10}")
    finally:
        summed_plans.MIN_MEAN_RUN = default


if __name__ == "__main__":
    main()
