"""A snapshot taken before a delay line existed restarts that line in place from the restored state: the run
repeats on the same kernel, with no new plan."""

import warnings

import numpy as np

import bp_core as bp
from tests.spec_models import tsodyks_markram as tm


def _network():
    bp.profile.set(dt=0.1)
    pre = bp.inputs.SpikeTimeInput(3, times=[1., 2.5, 4., 4.2, 7.], indices=[0, 1, 2, 0, 1])
    post = bp.NeuGroup(tm.Passive, geometry=3, monitors=['V'])
    syn = bp.SynConn(tm.TM, pre_group=pre, post_group=post, conn=bp.connect.One2One(), delay=1.5,
                     monitors=['I'])
    return bp.Network(pre, syn, post), post, syn


def test_a_restored_delay_line_restarts_in_place_and_the_run_repeats_bit_for_bit(jit):
    net, post, syn = _network()
    snap = net.snapshot()  # before the first run: no line saved
    net.run(10.)
    assert "_delay_buf" in net.code  # the delayed current goes through a delay line
    first_V, first_I, first_x = post.mon.V.copy(), syn.mon.I.copy(), syn.ST['x'].copy()
    builds = net.build_count
    for _ in range(3):
        net.restore(snap)
        with warnings.catch_warnings():  # the clock starts at 0 again, as in the snapshot
            warnings.simplefilter("ignore", bp.errors.ClockRestartWarning)
            net.run(10.)
        np.testing.assert_array_equal(post.mon.V, first_V)
        np.testing.assert_array_equal(syn.mon.I, first_I)
        np.testing.assert_array_equal(syn.ST['x'], first_x)
    assert net.build_count == builds
    ref, ref_post, _ = _network()  # a network never restored
    ref.run(10.)
    np.testing.assert_array_equal(ref_post.mon.V, first_V)
    assert (first_V[-1] > 0).all()  # every target was reached through the delay
