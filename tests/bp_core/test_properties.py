"""Properties that hold for every input hypothesis draws: index-format converters, connectors, and one step of
the integrators on dx/dt = a x against its Taylor polynomial."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_core as bp

pairs = st.integers(1, 12).flatmap(lambda n_pre: st.integers(1, 12).flatmap(lambda n_post: st.tuples(
    st.just(n_pre), st.just(n_post),
    st.lists(st.tuples(st.integers(0, n_pre - 1), st.integers(0, n_post - 1)), max_size=40))))


def as_arrays(edges):
    i = np.array([e[0] for e in edges], dtype=np.int64)
    j = np.array([e[1] for e in edges], dtype=np.int64)
    return i, j


@given(pairs)
def test_index_formats_describe_the_same_synapses(case):
    n_pre, n_post, edges = case
    i, j = as_arrays(edges)
    mat = bp.connect.ij2mat(i, j, n_pre, n_post)
    assert mat.shape == (n_pre, n_post) and mat.sum() == len(set(edges))
    back = set(zip(*bp.connect.mat2ij(mat)))
    assert back == set(edges)
    targets = bp.connect.pre2post(i, j, n_pre)
    sources = bp.connect.post2pre(i, j, n_post)
    assert len(targets) == n_pre and len(sources) == n_post
    for p in range(n_pre):
        assert sorted(targets[p].tolist()) == sorted(j[i == p].tolist())
    for q in range(n_post):
        assert sorted(sources[q].tolist()) == sorted(i[j == q].tolist())
    outgoing = bp.connect.pre2syn(i, n_pre)
    assert sorted(np.concatenate(outgoing).tolist() if outgoing else []) == list(range(len(edges)))
    assert all(np.all(i[syn] == p) for p, syn in enumerate(outgoing))
    si, sj, slices = bp.connect.pre_slice_syn(i, j, n_pre)
    assert sorted(zip(si.tolist(), sj.tolist())) == sorted(edges)
    assert all(np.all(si[a:b] == p) for p, (a, b) in enumerate(slices)) and slices[-1][1] == len(edges)


sizes = st.tuples(st.integers(1, 30), st.integers(1, 30))


@given(sizes, st.floats(0.0, 1.0), st.booleans(), st.integers(0, 2 ** 31))
def test_fixed_probability_gives_distinct_pairs_in_range_and_repeats_with_its_seed(size, prob, include_self, seed):
    n_pre, n_post = size
    connector = bp.connect.FixedProb(prob, include_self=include_self, seed=seed)
    i, j = connector(np.arange(n_pre), np.arange(n_post))
    assert i.shape == j.shape
    assert np.all((0 <= i) & (i < n_pre)) and np.all((0 <= j) & (j < n_post))
    assert len(set(zip(i.tolist(), j.tolist()))) == i.size
    assert include_self or not np.any(i == j)
    if prob == 1.0:
        assert i.size == n_pre * n_post - (0 if include_self else min(n_pre, n_post))
    again = connector(np.arange(n_pre), np.arange(n_post))
    assert np.array_equal(again[0], i) and np.array_equal(again[1], j)


@given(sizes, st.data())
def test_fixed_number_connectors_give_each_neuron_exactly_its_count(size, data):
    n_pre, n_post = size
    k_post = data.draw(st.integers(0, n_post))
    i, j = bp.connect.FixedPostNum(k_post, seed=1)(np.arange(n_pre), np.arange(n_post))
    assert np.array_equal(np.bincount(i, minlength=n_pre), np.full(n_pre, k_post))
    k_pre = data.draw(st.integers(0, n_pre))
    i, j = bp.connect.FixedPreNum(k_pre, seed=1)(np.arange(n_pre), np.arange(n_post))
    assert np.array_equal(np.bincount(j, minlength=n_post), np.full(n_post, k_pre))
    assert len(set(zip(i.tolist(), j.tolist()))) == i.size


def growth(x, t, a):
    return a * x


TAYLOR = {  # one step of each method on dx/dt = a x multiplies x by a polynomial in z = a dt
    "euler": lambda z: 1 + z,
    "midpoint": lambda z: 1 + z + z ** 2 / 2,
    "heun": lambda z: 1 + z + z ** 2 / 2,
    "rk2": lambda z: 1 + z + z ** 2 / 2,
    "rk3": lambda z: 1 + z + z ** 2 / 2 + z ** 3 / 6,
    "rk4": lambda z: 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24,
    "rk4_alternative": lambda z: 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24,
    "exponential": np.exp,  # exact for a linear equation
}
INTEGRATORS = {method: bp.integrate(growth, method=method) for method in TAYLOR}


@settings(deadline=None)
@given(st.sampled_from(sorted(TAYLOR)), st.floats(-1e3, 1e3), st.floats(-2.0, 2.0), st.floats(1e-4, 0.5))
def test_one_step_on_a_linear_equation_is_the_methods_taylor_polynomial(method, x, a, dt):
    expected = x * TAYLOR[method](a * dt)
    got = INTEGRATORS[method].step(x, 0.0, a, dt=dt)
    assert np.isclose(got, expected, rtol=1e-12, atol=1e-12 * max(1.0, abs(x)))
