"""Writes ``brian2_dendritic_stdp.json``: Brian2's pair STDP (event-driven traces) whose postsynaptic pathway has a
delay (``Synapses(..., on_pre=..., on_post=..., delay={'post': ...})``), on the spike trains of
``test_post_pathways.brian2_trains``; run with the Brian2 of ``benchmarks/peers/.venv``:

    benchmarks/peers/.venv/bin/python tests/bp_core/simulation/brian2_dendritic_stdp.py
"""

import json
import sys
from pathlib import Path

import numpy as np

N_PRE, N_POST, DELAY, DURATION = 5, 4, 2.3, 100.  # ms
A_PRE, A_POST, TAU_PRE, TAU_POST, W_MAX = 0.01, -0.0105, 20., 16., 1.


def trains(seed: int = 11, count: int = 40, length: float = 80.):
    """Spike times (ms, on the 0.1 ms grid) and neurons of the pre- and postsynaptic sources, no neuron twice in a
    step."""
    rng = np.random.default_rng(seed)
    out = []
    for n in (N_PRE, N_POST):
        pairs = sorted({(round(float(t), 1), int(i)) for t, i in zip(rng.uniform(0., length, count),
                                                                     rng.integers(0, n, count))})
        out.append((np.array([t for t, _ in pairs]), np.array([i for _, i in pairs])))
    return out


def main() -> None:
    from brian2 import SpikeGeneratorGroup, Synapses, defaultclock, ms, prefs, run

    prefs.codegen.target = 'numpy'
    defaultclock.dt = 0.1 * ms
    (pre_t, pre_i), (post_t, post_i) = trains()
    pre = SpikeGeneratorGroup(N_PRE, pre_i, pre_t * ms)
    post = SpikeGeneratorGroup(N_POST, post_i, post_t * ms)
    model = '''w : 1
               dapre/dt = -apre / taupre : 1 (event-driven)
               dapost/dt = -apost / taupost : 1 (event-driven)'''
    namespace = dict(Apre=A_PRE, Apost=A_POST, taupre=TAU_PRE * ms, taupost=TAU_POST * ms, wmax=W_MAX)
    syn = Synapses(pre, post, model, namespace=namespace, delay={'post': DELAY * ms},
                   on_pre='apre += Apre\nw = clip(w + apost, 0, wmax)',
                   on_post='apost += Apost\nw = clip(w + apre, 0, wmax)')
    syn.connect()  # all to all, in Brian2's order: by presynaptic neuron, then postsynaptic
    syn.w = 0.5
    run(DURATION * ms)
    order = np.lexsort((np.asarray(syn.j), np.asarray(syn.i)))
    import brian2
    out = {'brian2': brian2.__version__, 'delay_ms': DELAY, 'duration_ms': DURATION,
           'i': np.asarray(syn.i)[order].tolist(), 'j': np.asarray(syn.j)[order].tolist(),
           'w': np.asarray(syn.w)[order].tolist()}
    Path(__file__).with_suffix('.json').write_text(json.dumps(out, indent=1) + '\n')
    print(out['w'], file=sys.stderr)


if __name__ == '__main__':
    main()
