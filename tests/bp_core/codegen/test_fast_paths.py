"""The generator's speed-ups keep results: hoisted invariants, compressed index lists, field arrays."""

import ast

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.hoist import hoist_invariants, hoist_per_source
from bp_core.codegen.passes.skip_quiet_blocks import skip_quiet_blocks
from bp_core.integration.rendering import NameAllocator


def _hoist(code: str, invariant: set[str]) -> tuple[str, str]:
    body = ast.parse(code).body
    prelude, body = hoist_invariants(body, invariant, NameAllocator({"x", "y", "z", "a", "b"}))
    return ast.unparse(ast.Module(prelude, [])), ast.unparse(ast.Module(body, []))


def test_division_by_an_invariant_becomes_a_hoisted_reciprocal():
    prelude, body = _hoist("x = (y - a) / tau\nz = -y / tau", {"tau", "a"})
    assert prelude == "_inv_tau = 1.0 / tau"
    assert "/" not in body and body.count("_inv_tau") == 2


def test_invariant_locals_and_calls_move_out_but_per_element_work_stays():
    prelude, body = _hoist("if y > 0:\n    A = -1 / tau\n    x = y + _dt * exprel(_dt * A) * y\n"
                           "b = np.exp(-y / tau)\nz = heavy(_dt)", {"tau", "_dt"})
    assert prelude.splitlines()[0] == "A = -1 / tau"
    assert "exprel(_dt * A)" in prelude and "exprel" not in body
    assert "np.exp(-y * _inv_tau)" in body  # depends on y: stays, with the reciprocal
    assert "heavy(_dt)" in body  # unknown functions may have side effects


def test_locals_bound_twice_or_in_try_blocks_stay():
    prelude, body = _hoist("a = 1.0 / tau\nif y > 0:\n    a = 2.0\nx = a * y", {"tau"})
    assert prelude == "_c = 1.0 / tau" and body.startswith("a = _c\n")  # the value is hoisted, the binding not
    _, body = _hoist("try:\n    a = y / tau\nexcept Exception:\n    a = 0.0\nx = a * y", {"tau"})
    assert body.startswith("try:\n    a = y * _inv_tau")


tau = 1.0


@bp.integrate(method='exponential')
def int_x(x, t):
    return -x / tau


def decay(ST, _t):
    ST['x'] = int_x(ST['x'], _t)


def _exp_decay_group(tau):
    update = decay
    model = bp.NeuType(name='Decay', ST=bp.types.NeuState({'x': 1.0}), steps=update, mode='scalar')
    group = bp.NeuGroup(model, 4)
    group.pars['tau'] = tau
    return group


@pytest.mark.parametrize("tau", [3.0, np.array([1.0, 2.0, 3.0, 4.0])])
def test_hoisted_exponential_euler_is_exact(jit, tau):
    bp.profile.set(dt=0.1)
    group = _exp_decay_group(tau)
    group.run(10.0)
    np.testing.assert_allclose(group.ST['x'], np.exp(-10.0 / np.broadcast_to(tau, 4)), rtol=1e-12)


def test_uniform_parameters_are_hoisted_and_heterogeneous_ones_indexed():
    bp.profile.set(dt=0.1)
    uniform = bp.Network(_exp_decay_group(3.0)).build(1.0)
    per_element = bp.Network(_exp_decay_group(np.arange(1.0, 5.0))).build(1.0)
    loop_of = lambda source: source[source.index("for _obj_i"):source.index("def run_kernel")]  # noqa: E731
    # the reciprocal is computed once per run, before the time loop (codegen.run_values)
    assert "exprel" not in loop_of(uniform) and "= 1.0 / NeuGroup0_tau" in uniform
    assert "tau[_obj_i]" in loop_of(per_element)


def keep(ST):
    pass


def _fan_out_synapse(step, mode='vector'):
    pre = bp.NeuGroup(bp.NeuType(name='Src', ST=bp.types.NeuState({'spike': 0.0}), steps=keep, mode='vector'), 3)
    post = bp.NeuGroup(bp.NeuType(name='Dst', ST=bp.types.NeuState({'x': 0.0}), steps=keep, mode='vector'), 4)
    syn_type = bp.SynType(name='Fan', ST=bp.types.SynState(), steps=step, mode=mode)
    syn = bp.SynConn(syn_type, pre_group=pre, post_group=post, conn=bp.connect.All2All())
    pre.ST['spike'] = np.array([1.0, 0.0, 1.0])
    return bp.Network(pre, post, syn), post


def fan_loop(ST, _t, pre, post, pre2post):
    for i in range(len(pre2post)):
        if pre['spike'][i] > 0.:
            for j in pre2post[i]:
                post['x'][j] += 1.0 + i


def fan_slices(ST, _t, pre, post, pre2post):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            post['x'][pre2post[i]] += 1.0 + i


def fan_whole_list(ST, _t, pre, post, pre2post):
    i = 0
    for targets in pre2post:
        if pre['spike'][i] > 0.:
            for j in targets:
                post['x'][j] += 1.0 + i
        i += 1


@pytest.mark.parametrize("step", [fan_loop, fan_slices, fan_whole_list])
def test_index_lists_in_every_form_give_the_same_result(jit, step):
    bp.profile.set(dt=0.1)
    net, post = _fan_out_synapse(step)
    net.run(0.1)
    np.testing.assert_allclose(post.ST['x'], [4.0, 4.0, 4.0, 4.0])
    source = net.code
    if step is fan_whole_list:
        assert "pre2post_ptr" not in source  # used whole: passed as a list
    else:
        assert "pre2post_ptr" in source and "_pre2post," not in source.split("def run_kernel")[1]


def test_steps_without_user_indexing_skip_bounds_checks():
    bp.profile.set(dt=0.1)
    net = bp.Network(_exp_decay_group(3.0))
    net.build(1.0)
    assert net._plan.checked_functions == ()
    fan, _ = _fan_out_synapse(fan_loop)
    fan.build(1.0)
    assert fan._plan.checked_functions == ("SynConn2_fan_loop",)


def test_presynaptic_work_is_done_once_per_neuron():
    code = ("T = 1 / (1 + np.exp(-(pre_V[_pre_i] - V_th) / 2))\n"
            "s = ST_s[_obj_i]\n"
            "A = -T * alpha - beta\n"
            "ST_s[_obj_i] = s + _dt * exprel(_dt * A) * (alpha * T * (1 - s) - beta * s)\n")
    loop, body = hoist_per_source(ast.parse(code).body, {"V_th", "alpha", "beta", "_dt"}, "_pre_i", {"pre_V"},
                                  NameAllocator({"T", "s", "A"}))
    loop_text, body_text = ast.unparse(ast.Module(loop, [])), ast.unparse(ast.Module(body, []))
    assert "np.exp(-(pre_V[_pre_i_k] - V_th) / 2)" in loop_text and "exprel(_dt * A)" in loop_text
    assert "np.exp" not in body_text and "exprel" not in body_text
    assert "T = _src_T[_pre_i]" in body_text
    # the per-synapse part still depends on the synapse's own state
    assert "ST_s[_obj_i]" in body_text


def test_parallel_option_runs_independent_element_loops_with_prange(monkeypatch):
    from bp_core.simulation import planning

    monkeypatch.setattr(planning, "PARALLEL_MIN_ELEMENTS", 2)
    bp.profile.set(dt=0.1)
    results = {}
    for parallel in (False, True):
        bp.profile.set_numba_profile(parallel=parallel)
        try:
            group = _exp_decay_group(np.arange(1.0, 5.0))
            net = bp.Network(group)
            net.run(5.0)
        finally:
            bp.profile.set_numba_profile(parallel=False)
        results[parallel] = group.ST['x'].copy()
        assert ("prange(" in net.code) is parallel
        assert net._plan.parallel_functions == (("NeuGroup0_decay",) if parallel else ())
    np.testing.assert_array_equal(results[True], results[False])
    # a loop writing other elements' state (each synapse adds to its target) keeps to one core
    bp.profile.set_numba_profile(parallel=True)
    try:
        net, post = _fan_out_synapse(push_scalar, mode='scalar')
        net.run(0.1)
    finally:
        bp.profile.set_numba_profile(parallel=False)
    assert "prange" not in net.code
    np.testing.assert_allclose(post.ST['x'], [2.0, 2.0, 2.0, 2.0])


def push_scalar(ST, _t, pre, post):
    post['x'] += pre['spike']


def _scan(code: str) -> str:
    return ast.unparse(ast.Module(skip_quiet_blocks(ast.parse(code).body, NameAllocator({"i", "x", "s"})), []))


def test_sparse_scans_test_blocks_first():
    out = _scan("for i in range(s.shape[0]):\n    if s[i] > 0.0:\n        x[i] += 1.0")
    assert "any_in_block(s, _b, '>', 0.0)" in out and "if s[i] > 0.0:" in out
    out = _scan("for i in range(n):\n    if 0.5 <= s[0:10][i]:\n        x[i] += 1.0")
    assert "_scanned = s[0:10]" in out and "any_in_block(_scanned, _b, '>=', 0.5)" in out


@pytest.mark.parametrize("code", [
    "for i in range(n):\n    if s[i] > 0.0:\n        break",                       # leaves the loop early
    "for i in range(n):\n    if s[i] > 0.0:\n        s[i + 1] = 1.0",              # changes what it tests
    "for i in range(n):\n    if s[i] > t:\n        t = 2.0",                       # changes the threshold
    "for i in range(n):\n    if s[i] > 0.0:\n        x[i] = 1.0\ny = i",           # reads i afterwards
    "for i in range(n):\n    if f(s[i]):\n        x[i] = 1.0",                     # calls a function
    "for i in range(1, n):\n    if s[i] > 0.0:\n        x[i] = 1.0",               # starts elsewhere
])
def test_scans_that_could_change_meaning_stay_as_written(code):
    assert "any_in_block" not in _scan(code)


def sparse_fan(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['x'][j] += 1.0 + i


@pytest.mark.parametrize("n_pre", [3, 64, 200])
def test_block_skipping_scan_gives_every_event(jit, n_pre):
    bp.profile.set(dt=0.1)
    pre = bp.NeuGroup(bp.NeuType(name='Src', ST=bp.types.NeuState({'spike': 0.0}), steps=keep, mode='vector'),
                      n_pre)
    post = bp.NeuGroup(bp.NeuType(name='Dst', ST=bp.types.NeuState({'x': 0.0}), steps=keep, mode='vector'), 5)
    syn = bp.SynConn(bp.SynType(name='Fan', ST=bp.types.SynState(), steps=sparse_fan, mode='vector'),
                     pre_group=pre, post_group=post, conn=bp.connect.All2All())
    spikes = np.zeros(n_pre)
    spikes[[0, n_pre // 2, n_pre - 1]] = 1.0  # first block, a middle one, the last (possibly partial) one
    pre.ST['spike'] = spikes
    net = bp.Network(pre, post, syn)
    net.run(0.1)
    expected = sum(1.0 + i for i in np.flatnonzero(spikes))
    np.testing.assert_allclose(post.ST['x'], np.full(5, expected))
    assert "any_in_block" in net.code


def test_float32_literals_keep_index_arithmetic_integer():
    from bp_core.codegen.passes.float_literals import follow_float_type

    code = ("for _obj_i in range(n):\n    V = ST_V[_obj_i] + 40\n    j = _obj_i + 1\n    y = (V - 0.5) * 2 + V ** 2\n"
            "    z = idx[ptr[_obj_i + 1] - 1]\n    k = events[_obj_i] - 3200\n    w = post_V[k] * 2")
    out = ast.unparse(ast.Module(follow_float_type(ast.parse(code).body, np.float32), []))
    assert "ST_V[_obj_i] + np.float32(40.0)" in out and "j = _obj_i + 1" in out
    assert "k = events[_obj_i] - 3200" in out and "post_V[k] * np.float32(2.0)" in out  # k is an index
    assert "(V - np.float32(0.5)) * np.float32(2.0) + V ** 2" in out and "idx[ptr[_obj_i + 1] - 1]" in out
    assert follow_float_type(ast.parse(code).body, np.float64)[0].body[0].value.right.value == 40


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_float32_profile_runs_float32_arithmetic_with_float64_results_close(mode):
    def lif(float_type):
        bp.profile.set(float_type=float_type, dt=0.1)
        model = bp.NeuType(name=f'LIF32_{mode}', ST=bp.types.NeuState({'V': 0., 'spike': 0.}),
                           steps=scalar_lif if mode == 'scalar' else vector_lif, mode=mode)
        group = bp.NeuGroup(model, 50, monitors=['V'])
        group.pars['I'] = np.linspace(1.1, 3., 50)
        net = bp.Network(group)
        net.run(50.)
        return group, net

    g64, _ = lif('float64')
    g32, net32 = lif('float32')
    assert g32.mon.V.dtype == np.float32 and "np.float32(" in net32.code and "_dt_float32" in net32.code
    np.testing.assert_allclose(g32.mon.V[:100], g64.mon.V[:100], atol=1e-4)  # before spike times can drift


tau_f = 10.


@bp.integrate(method='euler')
def int_v32(V, t, I):
    return (-V + I) / tau_f


def scalar_lif(ST, _t):
    V = int_v32(ST['V'], _t, I)
    ST['spike'] = 0.
    if V > 1.0:
        V = 0.
        ST['spike'] = 1.
    ST['V'] = V


def vector_lif(ST, _t):
    V = int_v32(ST['V'], _t, I)
    sp = V > 1.0
    V[sp] = 0.
    ST['spike'] = sp
    ST['V'] = V


I = 2.0
