"""Calcium-based plasticity (Graupner & Brunel 2012): 60 pre-post pairs at 1 Hz at Delta t = -30 and +10 ms,
200 synapses each (100 starting DOWN, 100 UP), against Brian2's (``benchmarks/brian2_examples/
graupner_brunel_2012.py --seeds 1 2 3 4 --target cpp_standalone``, at Delta t = -100, -30 and +10 ms).

Over four seeds on each side the switching probabilities vary by 0.02-0.07 from seed to seed; the means: ours
U = 0.22 / 0.65, D = 0.56 / 0.36, change 0.77 / 1.19; Brian2's U = 0.21 / 0.63, D = 0.55 / 0.33, change
0.77 / 1.20. One run of ours against Brian2's mean: 0.2 allows 2.5 standard deviations.
"""

import numpy as np

from examples.graupner_brunel_2012.model import run, switching
from tests.examples.reference import brian2_runs


def test_switching_matches_brian2():
    out = run(60000., dts=(-30., 10.), repetitions=100, seed=1)
    ours = switching(out)
    reference = brian2_runs('graupner_brunel_2012')
    for key in ('U', 'D', 'change'):
        theirs = np.mean([r[key][1:] for r in reference], axis=0)  # Brian2's -30 and +10 ms
        np.testing.assert_allclose(ours[key], theirs, atol=0.2, err_msg=key)
    # the STDP curve's sign: depression at -30 ms, potentiation at +10 ms
    assert ours['change'][0] < 0.9 < 1.05 < ours['change'][1]
    assert np.all((out['rho'] > -0.5) & (out['rho'] < 1.5))
