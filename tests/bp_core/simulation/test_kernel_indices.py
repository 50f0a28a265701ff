"""The compiled CPU kernel reads each synapse's neurons as unsigned 32-bit ids (no test for a negative index at
each load, half the bytes), with the results of the ids as they are; plain NumPy keeps them as they are."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.simulation import planning
from tests.spec_models import wang2002


def _bound_ids(net, syn):
    plan = next(p for p in net._builder.latest.plans if p.code_name == net._build_state.code_name(syn))
    return [plan.variables[f"{plan.code_name}_{side}_global"]() for side in ("pre", "post")]


def _run():
    E, I, ext, syns = wang2002.make(n_e=40, n_i=10)
    net = bp.Network(ext, E, I, *syns)
    net.reseed(3)
    net.run(30.)
    return net, syns, E


def test_the_cpu_kernel_reads_unsigned_32_bit_ids_with_the_same_results(monkeypatch):
    net, syns, E = _run()
    nmda = syns[3]  # a summed NMDA gate read at every synapse each step
    pre, post = _bound_ids(net, nmda)
    assert pre.dtype == np.uint32 and post.dtype == np.uint32
    np.testing.assert_array_equal(pre, nmda.pre_ids)
    np.testing.assert_array_equal(post, nmda.post_ids)
    assert nmda.pre_ids.dtype == np.int64  # the user's arrays are left as they are
    monkeypatch.setattr(planning, "_kernel_indices", lambda ids, jit: ids)  # the ids as they are
    wide, wide_syns, wide_E = _run()
    assert all(ids.dtype == np.int64 for ids in _bound_ids(wide, wide_syns[3]))
    assert E.mon.spike.sum() > 0
    np.testing.assert_array_equal(E.mon.spike, wide_E.mon.spike)
    np.testing.assert_array_equal(E.ST['V'], wide_E.ST['V'])
    np.testing.assert_array_equal(E.ST['s_NMDA_tot'], wide_E.ST['s_NMDA_tot'])


def test_plain_numpy_keeps_the_ids_as_they_are():
    bp.profile.set(jit=False)
    try:
        net, syns, _ = _run()
    finally:
        bp.profile.set(jit=True)
    assert all(ids.dtype == np.int64 for ids in _bound_ids(net, syns[3]))
