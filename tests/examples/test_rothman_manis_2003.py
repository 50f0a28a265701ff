"""Rothman & Manis (2003): the six cochlear nucleus neuron types under 250 pA, against Brian2's traces.

The model is deterministic (the seed plays no part, so there is no seed-to-seed spread) and both sides take
exponential Euler steps at dt 0.1 ms from the same closed gates; every gate is linear in itself and ``v`` in
``v``, so both schemes are the same map, and ours equals Brian2 to 2e-13 mV over the 50 ms rest and 100 ms
of current (measured): type I-c fires 13 spikes, I-t 6, I-II 13, II-I 12, II 3, II-o 1. The tolerances allow
for rounding only: crossings of -20 mV equal, their first times equal to a step, potentials within 1e-6 mV.
"""

import numpy as np

from examples.rothman_manis_2003.model import TYPES, run
from tests.examples.reference import brian2_runs


def test_each_type_fires_as_in_brian2():
    out = run()
    reference = brian2_runs('rothman_manis_2003')[0]
    assert list(out['types']) == reference['types'] == list(TYPES)
    np.testing.assert_allclose(out['rest_v'], reference['rest_mV'], atol=1e-6)
    counts = np.bincount(out['spike_index'], minlength=out['n'])
    np.testing.assert_array_equal(counts, reference['crossings'])
    first = [out['spike_time'][out['spike_index'] == k].min() for k in range(out['n'])]
    np.testing.assert_allclose(first, reference['first_crossing_ms'], atol=1e-9)
    V = out['V']
    for key, ours in (('v_min', V.min(axis=0)), ('v_max', V.max(axis=0)), ('v_mean', V.mean(axis=0))):
        np.testing.assert_allclose(ours, reference[key], atol=1e-6, err_msg=key)
