"""Dopamine-modulated STDP (Izhikevich 2007, Fig. 1c; Brian2's frompapers/Izhikevich_2007), 3 s classical then
3 s modulated: the same spikes as Brian2 and the plastic synapse's eligibility trace c, dopamine d and weight
s every 10 ms to the last bits (the model has no randomness; Brian2's one run is the reference)."""

import numpy as np

from examples.izhikevich_2007.model import gmax, run
from tests.examples.reference import brian2, brian2_runs


def test_spikes_and_traces_match_brian2():
    reference = brian2_runs('izhikevich_2007')[0]
    out = run()
    assert np.array_equal(out['spike_index'], reference['spike_index'])
    np.testing.assert_allclose(out['spike_time'], reference['spike_time_ms'], rtol=0., atol=1e-9)
    for field in ('c', 'd', 's'):
        # Brian2 samples at the start of a step, our monitor after it: ours[100 m - 1] is Brian2's [m]
        ours, theirs = out[field][99::100][:-1], np.asarray(reference[field])[1:]
        assert theirs.size == 599
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-15 * gmax, err_msg=field)
    assert abs(out['s'][-1] / gmax - brian2('izhikevich_2007')['s_end_gmax']['mean']) < 1e-9


def test_classical_stdp_then_reward_gated_growth():
    """Classical STDP moves s at each pairing and leaves c at its tiny start; with mode = 1 the pairings mark c
    and s grows only while dopamine is present (it has not moved before the first release at 3520 ms)."""
    out = run()
    t, s, c = out['ts'], out['s'], out['c']
    assert abs(c[t < 3000.]).max() <= 1e-10
    assert np.ptp(s[(t > 3000.) & (t < 3520.)]) == 0.
    assert s[-1] > 8 * s[t < 3000.][-1] > 0.
