"""Vector-mode steps that work element by element run as one element loop, with the same results."""

import importlib.util
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bp_core as bp
import bp_core.codegen.passes as passes
from bp_core.codegen.passes.fuse_elementwise import FUSE_ELEMENTWISE

LOOP = "for _obj_i in range("
# divisions by uniform parameters become multiplications by reciprocals computed before the fused loop: each
# step may differ in the last bit, and over hundreds of steps of spiking dynamics that grows to ~1e-11
TRAJECTORY_RTOL = 1e-10


def _generated(group) -> str:
    return "\n".join(stages.stage("generated function") for stages in group.passes())


MODELS = {
    "HH": (lambda: bp.models.get_HH(), ("V", "m", "h", "n", "spike"), 10.0),
    "FitzHughNagumo": (lambda: bp.models.get_FitzHughNagumo(), ("v", "w", "spike"), 1.0),
    "MorrisLecar": (lambda: bp.models.get_MorrisLecar(), ("V", "w", "spike"), 100.0),
    "WangBuzsaki": (lambda: bp.models.get_WangBuzsaki(mode='vector'), ("V", "h", "n", "spike"), 2.0),
}


def _run_models(num=3, duration=20.0):
    """Every vector-mode neuron of ``bp.models`` in one network (one compile), a range of inputs each."""
    groups = {name: bp.NeuGroup(make(), geometry=num, monitors=list(fields))
              for name, (make, fields, _) in MODELS.items()}
    net = bp.Network(*groups.values())
    net.run(duration, inputs=[(groups[name], 'ST.input', np.linspace(0.0, top, num))
                              for name, (_, _, top) in MODELS.items()])
    sources = {name: _generated(group) for name, group in groups.items()}
    traces = {name: {f: np.array(getattr(groups[name].mon, f)) for f in MODELS[name][1]} for name in MODELS}
    return sources, traces


def test_fused_models_give_the_whole_array_trajectories():
    fused_src, fused = _run_models()
    bp.profile.set(jit=False)  # plain NumPy runs every step on whole arrays: the reference (and no compile)
    plain_src, plain = _run_models()
    for name in MODELS:
        assert LOOP in fused_src[name] and LOOP not in plain_src[name], name
        for field in MODELS[name][1]:
            np.testing.assert_allclose(fused[name][field], plain[name][field], rtol=TRAJECTORY_RTOL, atol=1e-12,
                                       err_msg=f"{name}.{field}")
        assert np.array_equal(fused[name]["spike"] > 0, plain[name]["spike"] > 0), name
        if name != "FitzHughNagumo":  # the strongest input makes the others fire within 20 ms
            assert fused[name]["spike"].sum() > 0, name


def test_fused_and_unfused_compiled_hh_agree(monkeypatch):
    def run():
        group = bp.NeuGroup(bp.models.get_HH(), geometry=2, monitors=['V', 'm', 'spike'])
        group.run(15.0, inputs=('ST.input', np.array([0.0, 10.0])))
        return _generated(group), group.mon.V.copy(), group.mon.m.copy(), group.mon.spike.copy()

    fused_src, *fused = run()
    monkeypatch.setattr(passes, "PIPELINE", tuple(s for s in passes.PIPELINE if s is not FUSE_ELEMENTWISE))
    plain_src, *plain = run()
    assert LOOP in fused_src and LOOP not in plain_src
    for a, b in zip(fused, plain):
        np.testing.assert_allclose(a, b, rtol=TRAJECTORY_RTOL, atol=1e-12)
    assert fused[2].sum() > 0


def test_fused_step_matches_numpy_with_per_element_parameters():
    model = bp.models.get_MorrisLecar()
    num = 4
    results = []
    for jit in (True, False):  # plain NumPy runs the step on whole arrays
        bp.profile.set(jit=jit)
        group = bp.NeuGroup(model, geometry=num, monitors=['V', 'w'])
        group.pars['g_Ca'] = np.linspace(4.0, 4.6, num)
        group.run(30.0, inputs=('ST.input', 90.0))
        results.append((_generated(group), group.mon.V.copy(), group.mon.w.copy()))
    (fused_src, V1, w1), (plain_src, V2, w2) = results
    assert LOOP in fused_src and "g_Ca[_obj_i]" in fused_src and LOOP not in plain_src
    np.testing.assert_allclose(V1, V2, rtol=TRAJECTORY_RTOL, atol=1e-12)
    np.testing.assert_allclose(w1, w2, rtol=TRAJECTORY_RTOL, atol=1e-12)
    assert np.ptp(V1[-1]) > 1e-3  # the parameter differs per neuron, and so do the neurons


def test_fused_loop_hoists_work_on_uniform_parameters():
    """``/ V2`` of Morris-Lecar's rates is a multiplication by ``1.0 / V2`` computed once, before the loop; one
    step then agrees with NumPy's whole-array divisions to a few units in the last place."""
    model = bp.models.get_MorrisLecar()
    results = []
    for jit in (True, False):
        bp.profile.set(jit=jit)
        group = bp.NeuGroup(model, geometry=5, monitors=['V', 'w'])
        group.ST['V'] = np.linspace(-60.0, 20.0, 5)
        group.run(bp.profile.get_dt(), inputs=('ST.input', 90.0))
        kernel = group._network().code.split("def run_kernel")[1].split("for _k in")[0]
        results.append((_generated(group), group.mon.V[-1].copy(), group.mon.w[-1].copy(), kernel))
    (fused_src, V1, w1, fused_kernel), (plain_src, V2, w2, _) = results
    # the reciprocals of uniform parameters are computed once per run, before the kernel's time loop
    assert "= 1.0 / NeuGroup0_V2" in fused_kernel and "= 1.0 / NeuGroup0_C" in fused_kernel
    assert "/ V2" not in fused_src.split(LOOP)[1] and "/ V2" in plain_src
    np.testing.assert_allclose(V1, V2, rtol=1e-14)
    np.testing.assert_allclose(w1, w2, rtol=1e-14)
    assert not np.array_equal(V1, np.linspace(-60.0, 20.0, 5))


# -- steps that are not element-wise stay on whole arrays -------------------------------------------------

def _helper(x):
    return x * 2.0


def _sum_step(ST, _t):
    ST['V'] = ST['V'] + 0.01 * np.sum(ST['V'])


def _method_sum_step(ST, _t):
    ST['V'] = ST['V'] + 0.01 * ST['V'].sum()


def _roll_step(ST, _t):
    ST['V'] = 0.5 * (ST['V'] + np.roll(ST['V'], 1))


def _slice_step(ST, _t):
    V = ST['V']
    ST['w'] = V[::-1] + 0.0


def _fancy_store_step(ST, _t):
    ST['V'] = ST['V'] + 1.0
    ST['V'][ST['V'] > 3.0] = 0.0


def _helper_step(ST, _t):
    ST['V'] = _helper(ST['V'])


def _alias_step(ST, _t):
    old = ST['V']
    ST['V'] = ST['V'] + 1.0
    ST['w'] = old  # NumPy shows the alias the stored values: w gets the new V


def _read_before_assign_step(ST, _t):
    ST['w'] = ST['V'] * 2.0


def _inplace_alias_step(ST, _t):
    x = ST['V'] + 1.0
    y = x
    x += 1.0
    ST['w'] = y


NOT_ELEMENTWISE = {"np.sum": _sum_step, ".sum()": _method_sum_step, "np.roll": _roll_step, "slice": _slice_step,
                   "fancy store": _fancy_store_step, "helper": _helper_step, "alias read after its field's store":
                   _alias_step, "in-place update of an alias": _inplace_alias_step}


def _vector_model(step):
    return bp.NeuType(name='toy', ST=bp.types.NeuState({'V': 0.0, 'w': 0.0}), steps=step, mode='vector')


@pytest.mark.parametrize("what", sorted(NOT_ELEMENTWISE))
def test_step_that_is_not_elementwise_is_not_fused(what):
    group = bp.NeuGroup(_vector_model(NOT_ELEMENTWISE[what]), geometry=4, monitors=['V', 'w'])
    assert LOOP not in _generated(group)


def test_alias_read_after_store_keeps_numpy_semantics():
    group = bp.NeuGroup(_vector_model(_alias_step), geometry=3, monitors=['w'])
    group.ST['V'] = np.array([0.0, 1.0, 2.0])
    group.run(3 * bp.profile.get_dt())
    np.testing.assert_array_equal(group.mon.w[-1], [3.0, 4.0, 5.0])


def test_plain_elementwise_toy_step_is_fused():
    group = bp.NeuGroup(_vector_model(_read_before_assign_step), geometry=4, monitors=['w'])
    group.ST['V'] = np.arange(4.0)
    group.run(bp.profile.get_dt())
    assert LOOP in _generated(group)
    np.testing.assert_array_equal(group.mon.w[-1], 2.0 * np.arange(4.0))


def test_random_draws_are_not_fused():
    group = bp.NeuGroup(bp.models.get_LIF(mode='vector'), geometry=4)  # its integrator draws noise each step
    assert LOOP not in _generated(group)


def test_gpu_and_plain_numpy_are_not_fused():
    bp.profile.set(jit=False)
    assert LOOP not in _generated(bp.NeuGroup(bp.models.get_HH(), geometry=2))


# -- random element-wise bodies: fused (numba) against whole arrays (NumPy) ----------------------------------

_LEAVES = ["ST['a']", "ST['b']", "c", "_t", "0.5", "2.0"]


def _expressions(leaves=tuple(_LEAVES) + ("x",)):
    def extend(inner):
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        ufunc = st.tuples(st.sampled_from(["np.tanh", "np.sin", "np.abs", "np.exp"]), inner).map(
            lambda t: f"{t[0]}(np.minimum({t[1]}, 3.0))")
        pair = st.tuples(st.sampled_from(["np.maximum", "np.minimum"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})")
        where = st.tuples(inner, st.sampled_from(["<", ">=", "!="]), inner, inner, inner).map(
            lambda t: f"np.where({t[0]} {t[1]} {t[2]}, {t[3]}, {t[4]})")
        clip = inner.map(lambda e: f"np.clip({e}, -1.0, 1.0)")
        return binary | ufunc | pair | where | clip
    return st.recursive(st.sampled_from(leaves), extend, max_leaves=6)


def _module(tmp_path, name, x_expr, a_expr, b_expr):
    # a step must come from a file: the translation reads its source
    path = tmp_path / f"{name}.py"
    path.write_text("import numpy as np\n\nc = 0.75\n\n\ndef step(ST, _t):\n"
                    f"    x = 1.0 * {x_expr}\n"
                    f"    ST['a'] = np.tanh({a_expr})\n"
                    f"    x += 0.25\n"
                    f"    ST['b'] = c * np.sin({b_expr})\n")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_COUNT = [0]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(x_expr=_expressions(tuple(_LEAVES)), a_expr=_expressions(), b_expr=_expressions())
def test_random_elementwise_bodies_fused_equal_whole_arrays(tmp_path, x_expr, a_expr, b_expr):
    _COUNT[0] += 1
    module = _module(tmp_path, f"_fuse_case_{_COUNT[0]}", x_expr, a_expr, b_expr)
    start = {'a': np.array([-0.9, 0.1, 0.6]), 'b': np.array([0.3, -0.4, 0.8])}
    results = []
    for jit in (True, False):
        bp.profile.set(jit=jit)
        model = bp.NeuType(name='random_body', ST=bp.types.NeuState({'a': 0.0, 'b': 0.0}),
                           steps=module.step, mode='vector')
        group = bp.NeuGroup(model, geometry=3, monitors=['a', 'b'])
        group.pars['c'] = np.array([0.5, -1.0, 2.0])
        for field, values in start.items():
            group.ST[field] = values
        group.run(5 * bp.profile.get_dt())
        results.append((_generated(group), group.mon.a.copy(), group.mon.b.copy()))
    (fused_src, a1, b1), (plain_src, a2, b2) = results
    assert LOOP in fused_src and LOOP not in plain_src
    np.testing.assert_allclose(a1, a2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b1, b2, rtol=1e-12, atol=1e-12)


def _gathering_synapse(ST, _t, pre, post, pre_ids, post_ids):
    x = ST['x'] * 0.9 + ST['w'] * pre['V'][pre_ids]
    ST['g'] = ST['g'] + 0.1 * (x - ST['g']) * (1.0 - post['V'][post_ids])
    ST['x'] = x


def _gather_then_store_synapse(ST, _t, pre, post, pre_ids):
    ST['x'] = ST['x'] + pre['V'][pre_ids]
    pre['V'][:] = pre['V'] * 0.5  # the gathered field is stored too: NumPy's gather reads the old values


def _drifting(ST, _t):
    ST['V'] = ST['V'] * 0.99 + 0.013


DRIFT = bp.NeuType(name='drift', ST=bp.types.NeuState({'V': 0.0}), steps=_drifting, mode='vector')


def _synapse_run(step, fields):
    pre = bp.NeuGroup(DRIFT, geometry=3)
    post = bp.NeuGroup(DRIFT, geometry=2)
    pre.ST['V'], post.ST['V'] = [0.1, 0.5, 0.9], [0.2, 0.7]
    model = bp.SynType(name='gather', ST=bp.types.SynState({'x': 0.0, 'g': 0.0, 'w': 0.0}), steps=step,
                       mode='vector')
    syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.All2All(), monitors=list(fields))
    syn.ST['w'] = np.linspace(0.5, 1.5, 6)
    net = bp.Network(pre, post, syn)
    net.run(2.0)
    return "\n".join(s.stage("generated function") for s in net.passes(syn)), \
        {f: np.array(getattr(syn.mon, f)) for f in fields}


def test_a_synapse_step_reading_its_groups_at_its_neurons_is_fused_and_equals_numpy():
    fused_src, fused = _synapse_run(_gathering_synapse, ('x', 'g'))
    bp.profile.set(jit=False)
    plain_src, plain = _synapse_run(_gathering_synapse, ('x', 'g'))
    assert LOOP in fused_src and "pre_V[pre_ids[_obj_i]]" in fused_src and LOOP not in plain_src
    for field in ('x', 'g'):
        np.testing.assert_array_equal(fused[field], plain[field])  # the same operations, element by element
    assert fused['g'][-1].std() > 0  # the gathered values differ per synapse


def test_a_gathered_field_that_the_step_also_stores_is_not_fused():
    src, _ = _synapse_run(_gather_then_store_synapse, ('x',))
    assert LOOP not in src
