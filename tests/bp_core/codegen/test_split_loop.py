"""The element loop split in two: the leading arithmetic for every element, then the rest; same results."""

import ast
import inspect
import textwrap

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.split_loop import SPLIT_ELEMENT_LOOP, split_element_loop
from bp_core.errors import RunError
from tests.bp_core.codegen.lif_networks import DT, glutamate, lif_network, pipeline_without

# a synapse's own fields, and the neurons' fields on its two sides (one memory per field: the sides may be one group)
MEMORY = {'ST_s': 'ST:s', 'ST_x': 'ST:x', 'ST_w': 'ST:w', 'pre_spike': 'side:spike', 'pre_V': 'side:V',
          'post_V': 'side:V', 'post_g': 'side:g'}
OWN = {'ST_s', 'ST_x', 'ST_w'}


def _split(body: str) -> str | None:
    loop = ast.parse("for _obj_i in range(n):\n" + textwrap.indent(textwrap.dedent(body), "    ")).body[0]
    out = split_element_loop(loop, MEMORY, OWN)
    return None if out is None else ast.unparse(ast.Module(body=out, type_ignores=[]))


def test_the_integration_runs_first_for_every_element_and_the_rest_loads_its_indices_again():
    text = _split("""
        _pre_i = _pre_global[_obj_i]
        _post_i = _post_global[_obj_i]
        s = ST_s[_obj_i]
        s_new = s + _dt * (-s * _inv_tau) + np.exp(-s)
        ST_s[_obj_i] = s_new
        _nonfinite |= s_new * 0.0 != 0.0
        if pre_spike[_pre_i] > 0.0:
            post_g[_post_i] += ST_w[_obj_i]
    """)
    assert text == textwrap.dedent("""\
        for _obj_i in range(n):
            s = ST_s[_obj_i]
            s_new = s + _dt * (-s * _inv_tau) + np.exp(-s)
            ST_s[_obj_i] = s_new
            _nonfinite |= s_new * 0.0 != 0.0
        for _obj_i in range(n):
            _pre_i = _pre_global[_obj_i]
            _post_i = _post_global[_obj_i]
            if pre_spike[_pre_i] > 0.0:
                post_g[_post_i] += ST_w[_obj_i]""")


@pytest.mark.parametrize("body", [
    # the rest writes a neuron field the leading part reads (pre and post may be one group)
    """
    v = pre_V[_pre_i]
    ST_s[_obj_i] = ST_s[_obj_i] + v
    if ST_s[_obj_i] > 1.0:
        post_V[_post_i] += 1.0
    """,
    # the rest leaves the loop: later elements would not have run their leading part
    """
    ST_s[_obj_i] = ST_s[_obj_i] * 0.5
    if ST_s[_obj_i] < 0.1:
        break
    """,
    # the rest reads its own field at another element
    """
    ST_s[_obj_i] = ST_s[_obj_i] * 0.5
    if pre_spike[_pre_i] > 0.0:
        ST_x[_obj_i] = ST_s[_pre_i]
    """,
    # a value carried from one element's rest into the next element's leading part
    """
    ST_s[_obj_i] = ST_s[_obj_i] * carry
    if pre_spike[_pre_i] > 0.0:
        carry = 2.0
    """,
    # the leading part draws random numbers (their order would change) or stores elsewhere
    """
    ST_s[_obj_i] = ST_s[_obj_i] + np.random.normal()
    if pre_spike[_pre_i] > 0.0:
        post_g[_post_i] += 1.0
    """,
    """
    post_g[_post_i] = ST_s[_obj_i]
    if pre_spike[_pre_i] > 0.0:
        ST_s[_obj_i] = 0.0
    """,
    # a body of arithmetic only has nothing to split off
    """
    ST_s[_obj_i] = ST_s[_obj_i] * 0.5
    ST_x[_obj_i] = ST_x[_obj_i] * 0.5
    """,
])
def test_no_split_where_running_the_leading_part_first_could_change_a_result(body):
    assert _split(body) is None


def test_a_computed_local_the_rest_reads_stays_in_the_rest():
    # s_new is not a load the rest could make again: only the statements before it run first
    text = _split("""
        x = ST_x[_obj_i]
        ST_x[_obj_i] = x * 0.5
        s_new = ST_s[_obj_i] * 0.9
        ST_s[_obj_i] = s_new
        if pre_spike[_pre_i] > 0.0:
            post_g[_post_i] += s_new
    """)
    first, rest = text.split("for _obj_i in range(n):")[1:]
    assert "ST_x[_obj_i] = x * 0.5" in first and "s_new" not in first
    assert "s_new = ST_s[_obj_i] * 0.9" in rest


def _network(seed: int, blow_up: bool = False):
    net, group, syn = lif_network(glutamate, 30, seed, names=('SplitLIF', 'SplitNMDA'),
                                  fields={'s': 0., 'x': 0., 'w': 0.2}, post_fields=['g', 's_tot'],
                                  summed={'s_tot': "ST['w'] * ST['s']"})
    if blow_up:
        syn.ST['x'][3] = 1e308  # the gate overflows at the second step
    return net, group, syn


def _run(split: bool, seed: int = 0):
    with pipeline_without(*(() if split else (SPLIT_ELEMENT_LOOP,))):
        net, group, syn = _network(seed)
        net.run(50.)
        code = net.code
    return group, syn, code


def test_a_network_with_the_split_loop_gives_the_same_state_bit_for_bit():
    bp.profile.set(jit=True, dt=DT)
    group, syn, code = _run(split=True)
    whole_group, whole_syn, whole_code = _run(split=False)
    loops = "for _obj_i in range("  # the synapses' second loop visits the rows of the spiking neurons
    assert whole_code.count(loops) == 2 and code.count(loops) == 4  # the neuron's loop and the synapses'
    assert group.mon.spike.sum() > 20  # the synapses' spike branch ran
    for name in ('s', 'x'):
        np.testing.assert_array_equal(syn.ST[name], whole_syn.ST[name])
    for name in ('V', 'g', 's_tot'):
        np.testing.assert_array_equal(group.ST[name], whole_group.ST[name])
    np.testing.assert_array_equal(group.mon.spike, whole_group.mon.spike)


def test_a_nan_made_in_the_loop_that_runs_first_is_reported_with_the_users_line():
    bp.profile.set(jit=True, dt=DT)
    net, group, syn = _network(0, blow_up=True)
    line = inspect.getsourcelines(glutamate)[1] + 3  # ST['s'] = s
    with np.errstate(over='ignore', invalid='ignore'), \
            pytest.raises(RunError, match=rf"SynConn '{syn.name}': state variable 's' became NaN or infinite "
                                          rf"at t=0.1 ms \(step 1\)(.|\n)*stored at .*line {line} "):
        net.run(5.)
    step = [s for s in net.code.split("\ndef ") if "_glutamate(" in s.split("\n")[0]][0]
    first_loop = step.split("for _obj_i in range(ST.shape[1]):")[1].split("\n    for ")[0]
    assert "ST_x[_obj_i] = " in first_loop and "_nonfinite |=" in first_loop and "pre_spike" not in first_loop


def test_a_condition_on_the_elements_own_stored_field_is_computed_again_by_the_rest():
    text = _split("""
        v = ST_s[_obj_i] * 0.5 + drive
        ST_s[_obj_i] = v
        _taken = ST_s[_obj_i] > 1.0
        if _taken:
            ST_s[_obj_i] = 0.0
    """)
    first, rest = text.split("for _obj_i in range(n):")[1:]
    assert "_taken" not in first
    assert rest.strip().startswith("_taken = ST_s[_obj_i] > 1.0\n")


def test_a_condition_on_a_field_the_rest_writes_elsewhere_is_not_computed_again():
    # post_g may change through another element's rest before this element's rest: the test stays in the rest
    text = _split("""
        ST_s[_obj_i] = ST_s[_obj_i] * 0.5
        _taken = post_g[_post_i] > 1.0
        if _taken:
            post_g[_post_i] += 1.0
    """)
    first, rest = text.split("for _obj_i in range(n):")[1:]
    assert "_taken" not in first and rest.count("_taken = post_g[_post_i] > 1.0") == 1


STDP_BODY = """
    Apre = ST_x[_obj_i] - _dt * ST_x[_obj_i] * _inv_tau
    w = ST_w[_obj_i]
    if pre_spike[_pre_i] > 0.0:
        Apre += dApre
        w = w + Apre
    ST_x[_obj_i] = Apre
    ST_w[_obj_i] = w
"""


def test_an_integrated_trace_the_rest_changes_waits_in_the_field_it_is_stored_into():
    first, rest = _split(STDP_BODY).split("for _obj_i in range(n):")[1:]
    assert first.strip().splitlines()[-1].strip() == "ST_x[_obj_i] = Apre"
    assert rest.strip().startswith("Apre = ST_x[_obj_i]\n")
    assert "w = ST_w[_obj_i]" in rest and "_dt" not in rest


@pytest.mark.parametrize("change", [
    ("    if pre_spike", "    if ST_s[_obj_i] > 1.0:\n        continue\n    if pre_spike"),  # a path round the store
    ("    ST_x[_obj_i] = Apre", "    ST_s[_obj_i] = ST_x[_obj_i]\n    ST_x[_obj_i] = Apre"),  # read before it
])
def test_no_spill_where_the_waiting_value_could_be_seen(change):
    assert _split(STDP_BODY.replace(*change)) is None


def test_a_float32_state_keeps_the_trace_in_its_local():
    loop = ast.parse("for _obj_i in range(n):\n" + textwrap.indent(textwrap.dedent(STDP_BODY), "    ")).body[0]
    assert split_element_loop(loop, MEMORY, OWN, spill=False) is None


def _loop_results(code: str) -> dict[str, np.ndarray]:
    """Run ``code`` (loops over ``n`` elements) in plain Python on the same arrays; the arrays it leaves."""
    rng = np.random.default_rng(0)
    arrays = {name: rng.uniform(0., 2., 8) for name in ("ST_s", "ST_x", "ST_w")}
    exec(code, {"np": np, "n": 8, "_dt": 0.1, "_inv_tau": 0.5, "dApre": 0.25, **arrays})
    return arrays


def test_a_load_the_rest_makes_again_does_not_read_a_field_a_trace_waits_in():
    # Wang-Buzsaki's step: h is integrated first and V's derivative reads the old h; had the new h waited in
    # ST_h, the rest's load of h for V would read the new one (V moved by 1e-7 mV in the first step)
    body = """
        h = ST_s[_obj_i] * 0.5 + np.exp(-ST_s[_obj_i])
        h_old = ST_s[_obj_i]
        V = ST_x[_obj_i] + h_old * 2.0
        ST_w[_obj_i] = V
        if V > 1.0:
            V = 0.0
        ST_x[_obj_i] = V * h_old
        ST_s[_obj_i] = h
    """
    # h can neither wait in ST_s (the rest loads the old value there) nor be computed again cheaply
    assert _split(body) is None


@pytest.mark.parametrize("body", [STDP_BODY, STDP_BODY.replace("w = ST_w[_obj_i]", "w = ST_w[_obj_i] * ST_s[_obj_i]"), """
    h = ST_s[_obj_i] * 0.5 + np.exp(-ST_s[_obj_i])
    n_ = ST_w[_obj_i] * 0.5 + np.exp(-ST_w[_obj_i])
    V_old = ST_x[_obj_i]
    w_old = ST_w[_obj_i]
    if V_old > 1.0:
        V_old = 0.0
    ST_x[_obj_i] = V_old + w_old
    ST_s[_obj_i] = h
    ST_w[_obj_i] = n_
"""])
def test_the_split_loops_leave_the_arrays_the_whole_loop_leaves(body):
    text = _split(body)
    assert text is not None and text.count("for _obj_i") == 2
    whole = "for _obj_i in range(n):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    split, reference = _loop_results(text.replace("pre_spike[_pre_i]", "ST_w[_obj_i] > 1.0 and 1.0")), \
        _loop_results(whole.replace("pre_spike[_pre_i]", "ST_w[_obj_i] > 1.0 and 1.0"))
    for name in reference:
        np.testing.assert_array_equal(split[name], reference[name])
