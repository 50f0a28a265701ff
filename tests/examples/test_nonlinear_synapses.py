"""Brian2's ``synapses/nonlinear`` at its own size (2 inputs, 2 synapses, 1 neuron, 1 s): the inputs' spikes
and the traces of the summed conductance, the neuron's potential and each synapse's ``g_syn`` every 5 ms
against Brian2's (numpy target).

The model is deterministic and both sides integrate with the same methods, so the traces agree to rounding:
the largest difference measured is 4e-15 (Brian2 computes in seconds, the port in ms). They are checked
to 1e-9; the summed conductance taken one step later (after the synapses' step instead of before it) would
differ from Brian2's by up to 2e-3 at the sampled times.
"""

import numpy as np

from examples.nonlinear_synapses.model import run
from tests.examples.reference import brian2_runs


def test_nonlinear_synapses_match_brian2_traces():
    out = run(duration=1000.)
    ref = brian2_runs('nonlinear_synapses')[0]
    np.testing.assert_array_equal(out['spike_index'], ref['input_spike_index'])
    np.testing.assert_allclose(out['spike_time'], ref['input_spike_time'], rtol=0, atol=1e-6)
    sample = np.rint(np.asarray(ref['sample_time']) / 0.1).astype(int)
    np.testing.assert_allclose(out['ts'][sample], ref['sample_time'], rtol=0, atol=1e-9)
    assert np.ptp(ref['g']) > 1.  # the conductance moves: the comparison is not of constants
    for key, ours in (('g', out['g']), ('v', out['v']), ('g_syn_0', out['g_syn'][0]), ('g_syn_1', out['g_syn'][1])):
        np.testing.assert_allclose(ours[sample], ref[key], rtol=0, atol=1e-9, err_msg=key)
    # the strong synapse saturates: ten times the weight gives much less than ten times the conductance
    assert 1. < np.max(ref['g_syn_1']) / np.max(ref['g_syn_0']) < 3.
