"""Sums and updates over one row of an index list run as loops over the row, with the same bits as before."""

import numpy as np
import pytest

import bp_core as bp
import bp_core.codegen.passes as passes
from bp_core.codegen.passes.gather_loops import GATHER_LOOPS
from bp_core.errors import RunError
from tests.spec_models import gap_junctions as gj

NUM = 10
w = gj.w
POST = dict(pre=bp.types.NeuState(['v']), post=bp.types.NeuState(['v', 'input']), post2pre=bp.types.ListConn())
PRE = dict(pre=bp.types.NeuState(['v']), post=bp.types.NeuState(['v', 'input']), pre2post=bp.types.ListConn())


def _gap(step, requires):
    """A new synapse type each time (a model's translation is kept for the next network of the same type)."""
    return bp.SynType(name='Gap', ST=bp.types.SynState(['dummy']), requires=requires, steps=step, mode='vector')


def _run(syn_type, duration=100.):
    bp.profile.set(dt=0.1, numerical_method='euler')
    group = bp.NeuGroup(gj.LIF, geometry=NUM, monitors=['v', 'spike'])
    group.ST['v0'] = gj.drives(NUM)
    gap = bp.SynConn(syn_type, pre_group=group, post_group=group, conn=bp.connect.All2All(include_self=False))
    net = bp.Network(group, gap)
    net.run(duration)
    text = "\n".join(stages.stage("generated function") for stages in net.passes(gap))
    return text, group.mon.v.copy(), group.mon.spike.copy()


def _with_and_without(monkeypatch, step, requires):
    looped = _run(_gap(step, requires))
    monkeypatch.setattr(passes, "PIPELINE", tuple(s for s in passes.PIPELINE if s is not GATHER_LOOPS))
    return looped, _run(_gap(step, requires))


def by_post(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]
        post['input'][post_id] += w * np.sum(pre['v'][pre_ids] - post['v'][post_id])


def by_pre(ST, _t, pre, post, pre2post):
    for pre_id in range(len(pre2post)):
        post_ids = pre2post[pre_id]
        post['input'][post_ids] += w * (pre['v'][pre_id] - post['v'][post_ids])


# a sum over a row keeps the bits of numba's np.sum, an update of a row the bits of the indexed update
@pytest.mark.parametrize("step, requires, plain_call, loop_line", [
    (by_post, POST, "np.sum(", "_sum += pre_v[_k] - post_v[post_id]"),
    (by_pre, PRE, "index_update(", "post_input[_k] = _stored"),
], ids=["sum-over-a-row", "update-of-a-row"])
def test_a_row_is_a_loop_with_the_same_bits(monkeypatch, step, requires, plain_call, loop_line):
    (looped, v, spikes), (plain, v_plain, spikes_plain) = _with_and_without(monkeypatch, step, requires)
    assert plain_call not in looped and loop_line in looped
    assert plain_call in plain
    np.testing.assert_array_equal(v, v_plain)
    np.testing.assert_array_equal(spikes, spikes_plain)
    assert spikes.sum() > 50


def test_a_row_written_inline_and_two_sums_in_one_statement():
    def step(ST, _t, pre, post, post2pre):
        for i in range(len(post2pre)):
            post['input'][i] += w * np.sum(pre['v'][post2pre[i]]) - \
                w * np.sum(post['v'][i] + 0. * pre['v'][post2pre[i]])

    text, v, spikes = _run(_gap(step, POST), 200.)
    assert "np.sum(" not in text and text.count("_ids") >= 4
    v_ref, spikes_ref = gj.reference(NUM, 2000)
    np.testing.assert_array_equal(spikes, spikes_ref)
    np.testing.assert_allclose(v, v_ref, rtol=1e-12, atol=1e-12)


def wrong_group(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]  # presynaptic indices used on the postsynaptic group: not lowered
        post['input'][post_id] += w * np.sum(post['v'][pre_ids] - post['v'][post_id])


def comparison(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]
        post['input'][post_id] += w * np.sum(pre['v'][pre_ids] > 0.5)


def reads_target(ST, _t, pre, post, pre2post):
    for pre_id in range(len(pre2post)):
        post_ids = pre2post[pre_id]
        post['input'][post_ids] += w * (pre['v'][pre_id] - post['input'][post_ids])


def conditional(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]
        post['input'][post_id] += np.sum(pre['v'][pre_ids]) if post['v'][post_id] > 0.5 else 0.


def chained(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]  # the sum is computed only when the first comparison holds
        post['input'][post_id] += 0.1 * (post['v'][post_id] > 0.5 > np.sum(pre['v'][pre_ids]))


@pytest.mark.parametrize("step, requires, kept", [
    (wrong_group, POST, "np.sum("), (comparison, POST, "np.sum("), (reads_target, PRE, "index_update("),
    (conditional, POST, "np.sum("), (chained, POST, "np.sum("),
], ids=["other group", "comparison", "reads the updated field", "under a condition", "in a chain"])
def test_expressions_that_do_not_qualify_are_kept(step, requires, kept):
    text, v, _ = _run(_gap(step, requires), 5.)
    assert kept in text and "_k]" not in text
    assert np.isfinite(v).all()


def huge_sum(ST, _t, pre, post, post2pre):
    for post_id in range(len(post2pre)):
        pre_ids = post2pre[post_id]
        post['input'][post_id] += 1e300 * np.sum(pre['v'][pre_ids] - post['v'][post_id])


def huge_update(ST, _t, pre, post, pre2post):
    for pre_id in range(len(pre2post)):
        post_ids = pre2post[pre_id]
        post['input'][post_ids] += 1e300 * (pre['v'][pre_id] - post['v'][post_ids])


@pytest.mark.parametrize("step, requires", [(huge_sum, POST), (huge_update, PRE)], ids=["sum", "update"])
def test_a_loop_still_reports_a_value_that_became_infinite(step, requires):
    bp.profile.set(dt=0.1, numerical_method='euler')
    group = bp.NeuGroup(gj.LIF, geometry=NUM)
    group.ST['v0'] = gj.drives(NUM)
    group.ST['v'] = np.linspace(-1e10, 0., NUM)  # the differences times 1e300 overflow
    gap = bp.SynConn(_gap(step, requires), pre_group=group, post_group=group,
                     conn=bp.connect.All2All(include_self=False))
    net = bp.Network(group, gap)
    with pytest.raises(RunError, match="'input' became NaN or infinite"):
        net.run(1.)
    assert "_k]" in "\n".join(stages.stage("generated function") for stages in net.passes(gap))
