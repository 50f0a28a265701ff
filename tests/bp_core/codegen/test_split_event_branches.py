"""A synapse loop acting at presynaptic and at postsynaptic spikes (an STDP rule as the spec writes it) becomes
one loop per spike test, each following the rows of the neurons that spiked: the same state bit for bit as the
whole loop, the safe mode's checks still catching a trace that overflows, and the whole loop kept where
splitting it could change a result."""

import importlib.util
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_core as bp
from bp_core.codegen.passes.decay_at_events import DECAY_AT_EVENTS
from bp_core.codegen.passes.split_event_branches import SPLIT_EVENT_BRANCHES
from bp_core.errors import RunError
from tests.bp_core.codegen.lif_networks import pipeline_without

DT = 0.1
N_PRE, N_POST = 30, 6
TAU_POST = 20.


@bp.integrate(method='exponential')
def int_Apre(Apre, t, tau_pre):
    return -Apre / tau_pre


@bp.integrate(method='exponential')
def int_Apost(Apost, t):
    return -Apost / TAU_POST


def stdp(ST, _t, pre, post):
    # the spec's scalar-mode rule: traces decay at every synapse, each side's spike acts on them and on w
    Apre = int_Apre(ST['Apre'], _t, ST['tau_pre'])
    Apost = int_Apost(ST['Apost'], _t)
    w = ST['w']
    if pre['spike'] > 0.:
        post['input'] += w
        Apre += 0.01
        w = min(max(w + Apost, 0.), 1.)
    if post['spike'] > 0.:
        Apost -= 0.0105
        w = min(max(w + Apre, 0.), 1.)
    ST['Apre'] = Apre
    ST['Apost'] = Apost
    ST['w'] = w


def carried(ST, _t, pre, post):
    # a local set at a presynaptic spike and read at a postsynaptic one, never stored: the loop stays whole
    Apre = int_Apre(ST['Apre'], _t, ST['tau_pre'])
    w = ST['w']
    boost = 0.
    if pre['spike'] > 0.:
        post['input'] += w
        Apre += 0.01
        boost = Apre
    if post['spike'] > 0.:
        w = min(w + Apre + boost, 1.)
    ST['Apre'] = Apre
    ST['w'] = w


def shared(ST, _t, pre, post):
    # both tests add into the postsynaptic input: split, the additions would come in another order
    Apre = int_Apre(ST['Apre'], _t, ST['tau_pre'])
    w = ST['w']
    if pre['spike'] > 0.:
        post['input'] += w
        Apre += 0.01
    if post['spike'] > 0.:
        post['input'] += 0.5 * Apre
        w = min(w + Apre, 1.)
    ST['Apre'] = Apre
    ST['w'] = w


def neuron(ST, _t, _dt):
    ST['spike'] = 0.
    ST['V'] = ST['V'] + _dt * (-ST['V'] + ST['drive'] + ST['input']) / 10.
    ST['input'] = 0.
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.


def _network(step, seed: int, conn, one_group: bool, drive: tuple[float, float]):
    Neuron = bp.NeuType(name='BranchLIF', ST=bp.types.NeuState({'V': 0., 'drive': 0., 'input': 0., 'spike': 0.}),
                        steps=neuron, mode='scalar')
    Syn = bp.SynType(name=f'Branches_{step.__name__}',
                     ST=bp.types.SynState({'w': 0.5, 'Apre': 0., 'Apost': 0., 'tau_pre': 20.}),
                     requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['spike', 'input'])),
                     steps=step, mode='scalar')
    rng = np.random.default_rng(seed)
    pre = bp.NeuGroup(Neuron, N_PRE, monitors=['spike'])
    post = pre if one_group else bp.NeuGroup(Neuron, N_POST, monitors=['spike'])
    for group in {id(pre): pre, id(post): post}.values():
        group.ST['drive'] = rng.uniform(*drive, group.num)
        group.ST['V'] = rng.uniform(0., 1., group.num)
    syn = bp.SynConn(Syn, pre_group=pre, post_group=post, conn=conn)
    syn.ST['w'] = rng.uniform(0., 1., syn.num)
    syn.ST['Apre'] = rng.uniform(0., 0.01, syn.num)
    members = (pre, syn) if one_group else (pre, post, syn)
    return bp.Network(*members), post, syn


def _run(step, split: bool, conn=None, one_group: bool = False, seed: int = 0, jit: bool = True,
         tau_pre: float = 20., drive: tuple[float, float] = (1.1, 3.)):
    with pipeline_without(DECAY_AT_EVENTS, *([] if split else [SPLIT_EVENT_BRANCHES])):
        with bp.profile.override(jit=jit, dt=DT):
            net, post, syn = _network(step, seed, bp.connect.All2All() if conn is None else conn, one_group, drive)
            syn.ST['tau_pre'] = tau_pre
            for _ in range(3):  # several calls: the rows and event lists are bound at each
                net.advance(40.)
            spikes = np.asarray(post.mon.spike_index), np.asarray(post.mon.spike_time)
            code = net.code
    return post, syn, code, spikes


def _same(a, b):
    (post, syn, _, spikes), (whole_post, whole_syn, _, whole_spikes) = a, b
    for name in ('w', 'Apre', 'Apost'):
        np.testing.assert_array_equal(syn.ST[name], whole_syn.ST[name])
    for name in ('V', 'input'):
        np.testing.assert_array_equal(post.ST[name], whole_post.ST[name])
    for got, expected in zip(spikes, whole_spikes):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("conn, one_group", [
    (None, False),  # All2All: synapses in presynaptic order, the postsynaptic rows interleaved
    (bp.connect.FixedProb(0.4, seed=3), False),
    (bp.connect.FixedProb(0.3, seed=5), True),  # pre and post one group: a neuron's spike acts on both sides
])
def test_a_loop_per_spike_test_gives_the_whole_loops_state_bit_for_bit(conn, one_group):
    split = _run(stdp, split=True, conn=conn, one_group=one_group)
    whole = _run(stdp, split=False, conn=conn, one_group=one_group)
    code = split[2]
    assert "_pre_rows_ptr[_src]" in code and "_post_rows_ptr" in code and "_post_rows" not in whole[2]
    assert "if post_spike[_post_i] > 0.0:" in code
    assert whole[3][0].size > 20  # the rule acted on both sides many times
    _same(split, whole)


def test_the_plain_python_run_gives_the_compiled_state():
    split = _run(stdp, split=True, conn=bp.connect.FixedProb(0.4, seed=3), jit=False)
    whole = _run(stdp, split=False, conn=bp.connect.FixedProb(0.4, seed=3), jit=True)
    np.testing.assert_allclose(split[1].ST['w'], whole[1].ST['w'], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(split[3][0], whole[3][0])


@pytest.mark.parametrize("step", [carried, shared])
def test_branches_that_share_a_local_or_a_target_keep_the_whole_loop(step):
    split = _run(step, split=True)
    whole = _run(step, split=False)
    assert "_post_rows" not in split[2]
    assert split[2] == whole[2]
    _same(split, whole)


def test_a_trace_that_overflows_without_spikes_is_still_caught():
    # a negative time constant makes the trace grow at every synapse, and no neuron spikes: no test holds, so
    # only the leading loop sees it, at the step it happens (not at the end of the call)
    when = []
    for split in (True, False):
        with pytest.raises(RunError, match=r"state variable 'Apre' became NaN or infinite at t=") as caught:
            _run(stdp, split=split, tau_pre=-0.01, drive=(0., 0.5))
        when.append(str(caught.value).split(" at t=")[1].split(" ms")[0])
    assert when[0] == when[1] != "40"


# -- generated rules: the split keeps every state, or the loop stays whole ---------------------------------

_PRE_WORK = ["post['g'] += w", "Apre += 0.25", "w = min(max(w + Apost, 0.), 1.)", "w = w + 0.5 * Apre",
             "carried = Apre", "post['g'] += carried", "ST['x'] += 1.", "pre['h'] += 0.1"]
_POST_WORK = ["Apost -= 0.3", "w = min(max(w + Apre, 0.), 1.)", "w = w + carried", "post['g'] += 0.5 * Apost",
              "ST['x'] *= 0.5", "pre['h'] += w", "post['h'] += Apost", "Apre = Apre * 0.5"]


@st.composite
def rules(draw, decay: bool):
    # plain Python keeps the loop whole where it integrates (passes.split_loop compiles only): loads there
    traces = ["Apre = ST['Apre'] * 0.9", "Apost = ST['Apost'] * 0.8"] if decay else \
        ["Apre = ST['Apre']", "Apost = ST['Apost']"]
    lines = traces + ["w = ST['w']", "carried = 0."]
    for test, work in (("pre['spike'] > 0.", _PRE_WORK), ("post['spike'] > 0.", _POST_WORK)):
        lines.append(f"if {test}:")
        lines += ["    " + line for line in draw(st.lists(st.sampled_from(work), min_size=1, max_size=3))]
    return "\n".join(lines + ["ST['Apre'] = Apre", "ST['Apost'] = Apost", "ST['w'] = w"])


def rule_neuron(ST, _t, _dt):
    ST['spike'] = 0.
    ST['V'] = ST['V'] + _dt * (-ST['V'] + ST['drive'] + 0.05 * ST['g'] + 0.01 * ST['h']) / 10.
    ST['g'] = ST['g'] * 0.9
    ST['h'] = ST['h'] * 0.95
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.


@pytest.fixture(scope="module")
def rule_files(tmp_path_factory):
    """Writes a generated rule to a module of its own (steps are read from their source)."""
    return _rule_loader(tmp_path_factory.mktemp("generated_rules"))


def _rule_loader(folder, header: str = ""):
    count = itertools.count()

    def load(body, func="rule"):
        name = f"generated_rule_{next(count)}"
        path = folder / f"{name}.py"
        path.write_text(header + f"def {func}(ST, _t, pre, post):\n" +
                        "\n".join("    " + line for line in body.split("\n")) + "\n")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return getattr(module, func)

    return load


def rule_states(rule, left_out: tuple = (), one_group: bool = False, jit: bool = True, random_apre: bool = False,
                calls: tuple = (30.,)):
    """Run a generated rule's network with the pipeline less ``left_out``: its states and spike times, and the code."""
    with pipeline_without(*left_out):
        with bp.profile.override(jit=jit, dt=DT):
            fields = {'V': 0., 'drive': 0., 'g': 0., 'h': 0., 'spike': 0.}
            Neuron = bp.NeuType(name='RuleLIF', ST=bp.types.NeuState(fields), steps=rule_neuron, mode='scalar')
            Syn = bp.SynType(name='Rule', ST=bp.types.SynState({'w': 0.5, 'Apre': 0., 'Apost': 0., 'x': 0.}),
                             requires=dict(pre=bp.types.NeuState(['spike', 'h']),
                                           post=bp.types.NeuState(['spike', 'g', 'h'])),
                             steps=rule, mode='scalar')
            rng = np.random.default_rng(1)
            pre = bp.NeuGroup(Neuron, 12, monitors=['spike'])
            post = pre if one_group else bp.NeuGroup(Neuron, 5, monitors=['spike'])
            for group in {id(pre): pre, id(post): post}.values():
                group.ST['drive'] = rng.uniform(2., 4., group.num)
            syn = bp.SynConn(Syn, pre_group=pre, post_group=post, conn=bp.connect.FixedProb(0.5, seed=2))
            syn.ST['w'] = rng.uniform(0., 1., syn.num)
            if random_apre:
                syn.ST['Apre'] = rng.uniform(0., 1., syn.num)
            net = bp.Network(*((pre, syn) if one_group else (pre, post, syn)))
            for duration in calls:
                net.advance(duration)
            code = net.code
    return [np.array(syn.ST[k]) for k in ('w', 'Apre', 'Apost', 'x')] + \
        [np.array(post.ST[k]) for k in ('V', 'g', 'h')] + [np.array(pre.ST['h']), np.asarray(post.mon.spike_time)], code


def _rule_run(rule, split: bool, one_group: bool, jit: bool):
    return rule_states(rule, (DECAY_AT_EVENTS,) + (() if split else (SPLIT_EVENT_BRANCHES,)), one_group, jit)


def _same_rule_states(rule_files, body, one_group, jit):
    rule = rule_files(body)
    (split, code), (whole, _) = (_rule_run(rule, s, one_group, jit=jit) for s in (True, False))
    assert whole[-1].size > 30, body  # the tests held many times
    for got, expected in zip(split, whole):
        np.testing.assert_array_equal(got, expected, err_msg=f"{body}\n{code}")
    return "_post_rows" in code


@settings(max_examples=40, deadline=None)
@given(body=rules(decay=False), one_group=st.booleans())
def test_generated_rules_give_the_whole_loops_state_bit_for_bit(rule_files, body, one_group):
    _same_rule_states(rule_files, body, one_group, jit=False)


@settings(max_examples=3, deadline=None)
@given(body=rules(decay=True), one_group=st.booleans())
def test_generated_rules_give_the_whole_loops_state_bit_for_bit_compiled(rule_files, body, one_group):
    _same_rule_states(rule_files, body, one_group, jit=True)


def test_generated_rules_do_split(rule_files):
    # the property above covers splitting: a rule of its kind that splits
    body = "\n".join(["Apre = ST['Apre']", "Apost = ST['Apost']", "w = ST['w']", "carried = 0.",
                      "if pre['spike'] > 0.:", "    post['g'] += w", "    Apre += 0.25",
                      "if post['spike'] > 0.:", "    w = min(max(w + Apre, 0.), 1.)",
                      "ST['Apre'] = Apre", "ST['Apost'] = Apost", "ST['w'] = w"])
    assert _same_rule_states(rule_files, body, False, jit=False)
