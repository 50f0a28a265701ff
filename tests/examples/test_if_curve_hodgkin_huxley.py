"""Input-frequency curve of 100 Hodgkin-Huxley neurons (0 to 0.7 nA), 2 s, against Brian2's.

Deterministic, and both sides take the same exponential Euler step (each variable linear in itself, the others
held at the step's start) at dt 0.1 ms: measured, every neuron's spike count equals Brian2's and the last
neuron's ``v`` every 1 ms over the first 200 ms agrees to 6e-12 mV (round-off in the exponentials).
Recorded with ``benchmarks/brian2_examples/if_curve_hodgkin_huxley.py --seeds 1`` (numpy target).
"""

import numpy as np

from examples.if_curve_hodgkin_huxley.model import if_curve, run
from tests.examples.reference import brian2_runs


def test_if_curve_matches_brian2():
    out = run(2000., N=100)
    reference = brian2_runs('if_curve_hodgkin_huxley')[0]
    np.testing.assert_array_equal(out['counts'], reference['counts'])
    np.testing.assert_allclose(out['v_trace'][:200], reference['v_trace_mV'], rtol=0., atol=1e-6)
    curve = if_curve(out)
    assert curve['rheobase_nA'] == reference['rheobase_nA']
    # type II: no firing below the rheobase, a jump to tens of Hz above it, then a rate rising with I
    rates = curve['rates']
    first = int(np.flatnonzero(rates > 0)[0])
    assert np.all(rates[:first] == 0) and rates[first] >= 4.
    assert np.all(np.diff(rates[first:]) >= 0)
