"""Gap junctions written with post2pre and with pre2post, against a plain numpy simulation of the same network."""

import numpy as np
import pytest

import bp_core as bp
from tests.spec_models import gap_junctions as gj

NUM = 10


@pytest.mark.parametrize("model", [gj.GapByPost, gj.GapByPre], ids=["post2pre", "pre2post"])
def test_same_voltages_and_spikes_as_numpy(jit, model):
    bp.profile.set(jit=jit)
    group = gj.run(NUM, 200., model)
    v, spikes = gj.reference(NUM, 2000)
    assert spikes.sum() > 100
    np.testing.assert_array_equal(group.mon.spike, spikes)
    np.testing.assert_allclose(group.mon.v, v, rtol=1e-12, atol=1e-12)


def test_the_coupling_holds_the_slowest_neuron_below_threshold():
    """Alone, the slowest neuron fires every tau ln(v0 / (v0 - 1)) (30 ms); coupled to neurons that keep
    resetting to 0 it never reaches threshold."""
    group = gj.run(NUM, 200.)
    counts = group.mon.spike.sum(axis=0)
    v0 = gj.drives(NUM)
    alone = np.floor(200. / (gj.tau * np.log(v0 / (v0 - gj.v_th))))
    assert alone[0] >= 6 and counts[0] == 0
    assert np.all(counts[1:] > 0)
