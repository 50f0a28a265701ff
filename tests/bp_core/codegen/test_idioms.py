"""NumPy idioms of vector-mode steps become loops, and give what their loop form gives."""

import ast

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.lower_idioms import lower_idioms
from bp_core.integration.rendering import NameAllocator

w = 0.5


def _lower(code: str, unique=("pre2post",), fields=(("pre", "spike"),), selected=()) -> str:
    body = lower_idioms(ast.parse(code).body, set(unique), set(fields), set(selected), NameAllocator({"i", "j"}))
    return ast.unparse(ast.Module(body, []))


def test_where_loop_and_fancy_update_become_loops():
    out = _lower("for i in np.where(pre['spike'] > 0.)[0]:\n    post['ge'][pre2post[i]] += w")
    assert out == ("for i in range(pre['spike'].shape[0]):\n    if pre['spike'][i] > 0.0:\n"
                   "        index_update(post['ge'], pre2post[i], w, '+')")


def test_index_array_bound_first_and_aliases_of_a_row():
    out = _lower("idx = np.where(pre['spike'] > 0.)[0]\nfor i in idx:\n    syn = pre2post[i]\n    s[syn] += 1.\n"
                 "    post['g'][syn] = 0.")
    assert "np.where" not in out and "idx" not in out
    assert "index_update(s, syn, 1.0, '+')" in out and "index_update(post['g'], syn, 0.0, '=')" in out


@pytest.mark.parametrize("code", [
    "for i in np.where(pre['spike'] > 0.)[0]:\n    pre['spike'][i] = 0.",       # the body changes the scan
    "for i in np.where(pre['spike'] > th)[0]:\n    th = 2.",                    # ... or the threshold
    "for i in np.where(pre['spike'] > 0.)[0]:\n    pass\nx = i",               # i is used after the loop
    "idx = np.where(pre['spike'] > 0.)[0]\nfor i in idx:\n    pass\nn = len(idx)",  # the array is used again
    "for i in np.where(local > 0.)[0]:\n    pass",                               # not a known 1-D field
])
def test_where_loops_that_would_change_meaning_stay(code):
    assert "np.where" in _lower(code)


@pytest.mark.parametrize("code, unique, selected", [
    ("post['ge'][pre2post[i]] += w", (), ()),                       # rows may hold duplicates
    ("post['ge'][pre2post[i]] += w", ("pre2post",), ("post",)),     # post is read through an index array
    ("syn = pre2post[i]\nsyn = other\ns[syn] += 1.", ("pre2post",), ()),  # the alias is rebound
    ("post['ge'][pre2post[i]] **= w", ("pre2post",), ()),           # no loop form for this operator
])
def test_fancy_updates_that_would_change_meaning_stay(code, unique, selected):
    assert "index_update" not in _lower(code, unique=unique, selected=selected)


def test_a_delivery_loop_over_a_row_becomes_one_update():
    fields = (("pre", "spike"), ("post", "ge"))
    out = _lower("for j in pre2post[i]:\n    post['ge'][j] += w * ST['scale'][i]", fields=fields)
    assert out == "index_update(post['ge'], pre2post[i], w * ST['scale'][i], '+')"


@pytest.mark.parametrize("code, unique", [
    ("for j in pre2post[i]:\n    post['ge'][j] += w", ()),                          # rows may hold duplicates
    ("for j in pre2post[i]:\n    post['ge'][j] += ST['w'][j]", ("pre2post",)),      # the value depends on j
    ("for j in pre2post[i]:\n    post['ge'][j] += post['ge'][0]", ("pre2post",)),   # ... or reads the target
    ("for j in pre2post[i]:\n    post['ge'][j] += np.random.rand()", ("pre2post",)),  # one draw per synapse
    ("for j in pre2post[i]:\n    post['ge'][j] += w\nlast = j", ("pre2post",)),      # j is used after
    ("for j in pre2post[i]:\n    post['ge'][j] += w\n    n += 1", ("pre2post",)),    # more than the update
    ("for j in pre2post[i]:\n    s[j] += w", ("pre2post",)),                          # not a field
    ("for j in pre2post[i]:\n    post['ge'][j] += post['ge']", ("pre2post",)),      # a whole array
])
def test_delivery_loops_that_would_change_meaning_stay(code, unique):
    assert "index_update" not in _lower(code, unique=unique, fields=(("pre", "spike"), ("post", "ge")))


# A network in which the pre neurons fire on a fixed pattern, and synapses written in both forms


def pattern_step(ST, _t, _i):
    ST['spike'] = (np.arange(ST['spike'].shape[0]) * 7 + _i) % 5 == 0


PRE = bp.NeuType(name='Pattern', ST=bp.types.NeuState({'spike': 0.}), steps=pattern_step, mode='vector')
def sink_step(ST, _t):
    ST['g'] *= 0.9


SINK = bp.NeuType(name='Sink', ST=bp.types.NeuState({'g': 0., 'h': 1.}), steps=sink_step, mode='vector')


def fancy(ST, _t, pre, post, pre2post, pre2syn):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['g'][pre2post[i]] += w
        syn_ids = pre2syn[i]
        ST['s'][syn_ids] += 1.
        post['h'][pre2post[i]] = ST['s'][syn_ids] * 0.5


def loops(ST, _t, pre, post, pre2post, pre2syn):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            posts = pre2post[i]
            syns = pre2syn[i]
            for k in range(len(posts)):
                post['g'][posts[k]] += w
                ST['s'][syns[k]] += 1.
                post['h'][posts[k]] = ST['s'][syns[k]] * 0.5


def delivery(ST, _t, pre, post, pre2post, pre2syn):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['g'][j] += w * (i + 1)
            for k in pre2syn[i]:
                ST['s'][k] += 1.


def delivery_by_position(ST, _t, pre, post, pre2post, pre2syn):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            posts = pre2post[i]
            for k in range(len(posts)):
                post['g'][posts[k]] += w * (i + 1)
            syns = pre2syn[i]
            for k in range(len(syns)):
                ST['s'][syns[k]] += 1.


def spec_vector_ampa(ST, _t, pre, pre2syn):
    """The vector AMPA update of "Build Synapses", on a local array from an integrator-like step."""
    s = ST['s'] * 0.9
    spikeike_idx = np.where(pre['spike'] > 0.)[0]
    for i in spikeike_idx:
        syn_idx = pre2syn[i]
        s[syn_idx] += 1.
    ST['s'] = s


def spec_loop_ampa(ST, _t, pre, pre2syn):
    s = ST['s'] * 0.9
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for j in pre2syn[i]:
                s[j] += 1.
    ST['s'] = s


def _run(step, conn, jit, steps=40):
    bp.profile.set(jit=jit, dt=0.1)
    pre = bp.NeuGroup(PRE, 12)
    post = bp.NeuGroup(SINK, 9)
    syn_type = bp.SynType(name=f'Syn_{step.__name__}', ST=bp.types.SynState({'s': 0.}), steps=step, mode='vector')
    syn = bp.SynConn(syn_type, pre_group=pre, post_group=post, conn=conn, monitors=['s'])
    net = bp.Network(pre, post, syn)
    net.run(steps * 0.1)
    return post.ST['g'].copy(), post.ST['h'].copy(), syn.mon.s.copy(), net.code


@pytest.mark.parametrize("conn", [bp.connect.FixedProb(0.4, seed=3), bp.connect.All2All()], ids=["prob", "all"])
def test_fancy_index_forms_give_their_loop_forms_result(conn, jit):
    g1, h1, s1, code = _run(fancy, conn, jit)
    g2, h2, s2, _ = _run(loops, conn, jit)
    assert "index_update(" in code and "np.where" not in code
    np.testing.assert_allclose(g1, g2, rtol=1e-12)
    np.testing.assert_allclose(h1, h2, rtol=1e-12)
    np.testing.assert_allclose(s1, s2, rtol=1e-12)
    assert g1.sum() > 0


def test_delivery_loops_give_what_the_loops_they_replace_give(jit):
    conn = bp.connect.FixedProb(0.4, seed=2)
    g1, _, s1, code = _run(delivery, conn, jit)
    g2, _, s2, reference = _run(delivery_by_position, conn, jit)
    assert code.count("index_update(") == 2 and "index_update(" not in reference
    np.testing.assert_allclose(g1, g2, rtol=1e-12)
    np.testing.assert_array_equal(s1, s2)
    assert g1.sum() > 0 and s1.max() > 1.0


def test_the_spec_vector_ampa_update_gives_the_loop_result(jit):
    conn = bp.connect.FixedProb(0.5, seed=1)
    _, _, s1, code = _run(spec_vector_ampa, conn, jit)
    _, _, s2, _ = _run(spec_loop_ampa, conn, jit)
    assert "index_update(s, " in code
    np.testing.assert_allclose(s1, s2, rtol=1e-12)
    assert s1.max() > 1.0


def test_rows_with_duplicates_keep_numpy_semantics(jit):
    bp.profile.set(jit=jit, dt=0.1)
    pre = bp.NeuGroup(PRE, 3)
    post = bp.NeuGroup(SINK, 2)

    def dup(ST, _t, pre, post, pre2post):
        for i in np.where(pre['spike'] > 0.)[0]:
            post['g'][pre2post[i]] += 1.

    syn_type = bp.SynType(name='Dup', ST=bp.types.SynState(), steps=dup, mode='vector')
    syn = bp.SynConn(syn_type, pre_group=pre, post_group=post, conn=bp.connect.All2All())
    syn.pre2post = [np.array([0, 0, 1]), np.array([1, 1]), np.array([0])]  # numpy adds once per row
    net = bp.Network(pre, post, syn)
    net.run(0.1)  # step 0: neurons 0 (0*7 % 5 == 0) fires
    assert "index_update" not in net.code
    np.testing.assert_allclose(post.ST['g'], [1., 1.])
