"""Traces that only decay between a synapse's spike visits are decayed at the visits (``passes.decay_at_events``):
the same spikes and, to rounding, the same state as stepping them, between calls as at the end; left alone where
a monitor, an input or another step reads them, or where the decay is not a per-run factor."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_core as bp
from bp_core.backend.runtime import DECAY_POWERS
from bp_core.codegen.passes.decay_at_events import DECAY_AT_EVENTS
from bp_core.errors import RunError
from tests.bp_core.codegen.lif_networks import pipeline_without
from tests.bp_core.codegen.test_split_event_branches import _rule_loader, neuron, rule_states, rules

DT = 0.1
TAU_PRE, TAU_POST = 20., 30.


@bp.integrate(method='exponential')
def int_Apre(Apre, t):
    return -Apre / TAU_PRE


@bp.integrate
def int_Apost(Apost, t):  # Euler: a factor (1 - dt / tau) per step
    return -Apost / TAU_POST


_TRACES = "Apre = int_Apre(ST['Apre'], _t)\nApost = int_Apost(ST['Apost'], _t)"
_RULE = """{traces}
w = {w}
if pre['spike'] > 0.:
    post['input'] += w
    Apre += 0.01
    w = {bound_pre}
if post['spike'] > 0.:
    Apost -= 0.0105
    w = {bound_post}
ST['Apre'] = Apre
ST['Apost'] = Apost
ST['w'] = w"""
_BOUNDED = "min(max({}, 0.), 1.)"
VARIANTS = {
    'stdp': {},
    # the spec's own STDP chapter bounds the weight with np.clip
    'clipped': {'bound': "np.clip({}, 0., 1.)"},
    # the decay's factor changes with time: not a per-run factor
    'in_time': {'traces': "Apre = ST['Apre'] * (0.99 + 0.0001 * _t)\nApost = ST['Apost']"},
    # relaxes towards 0.1, not to 0: the new value is not the old one times a factor
    'affine': {'traces': "Apre = ST['Apre'] + 0.05 * (0.1 - ST['Apre'])\nApost = ST['Apost']"},
    # a decay by a product written out, one operation the split would rather compute again than store
    'product': {'traces': "Apre = ST['Apre'] * 0.95\nApost = ST['Apost'] * 0.9"},
    # factors of 0 and below: the power itself, not the exponential of a logarithm
    'signed': {'traces': "Apre = ST['Apre'] * 0.0\nApost = ST['Apost'] * -0.5"},
    # the weight creeps with the trace at every step: the trace is read at every synapse every step
    'read_every_step': {'w': "ST['w'] + 0.001 * Apre"},
}
"""Rules of one pair STDP form: the traces' update, the weight's load and its bound vary."""


@pytest.fixture(scope="module")
def rule(tmp_path_factory):
    load = _rule_loader(tmp_path_factory.mktemp("decay_variants"),
                        header="import numpy as np\n"
                               "from tests.bp_core.codegen.test_decay_at_events import int_Apre, int_Apost\n")
    loaded = {}
    for name, parts in VARIANTS.items():
        fields = {'traces': _TRACES, 'w': "ST['w']", 'bound': _BOUNDED, **parts}
        bound = fields.pop('bound')
        fields.update(bound_pre=bound.format("w + Apost"), bound_post=bound.format("w + Apre"))
        loaded[name] = load(_RULE.format(**fields), func=name)
    return loaded


def _fails_late(t):
    if t > FAIL_AFTER:
        raise ValueError("the clock passed the failing time")
    return t


def ticking(ST, _t):
    ST['t'] = _fails_late(_t)


FAIL_AFTER = 1e9
RAISED: list[str] = []
"""The errors the last ``_run(..., fail_after=...)`` met."""


def _run(step, lazy: bool, conn=None, calls=(40., 40., 40.), jit: bool = True, monitors=(), tau_pre=None,
         drive=(1.1, 3.), fail_after=None):
    global TAU_PRE, FAIL_AFTER
    saved = TAU_PRE
    if tau_pre is not None:
        TAU_PRE = tau_pre
    FAIL_AFTER = 1e9 if fail_after is None else fail_after
    RAISED.clear()
    try:
        with pipeline_without(*([] if lazy else [DECAY_AT_EVENTS])):
            with bp.profile.override(jit=jit, dt=DT):
                Neuron = bp.NeuType(name='DecayLIF', ST=bp.types.NeuState({'V': 0., 'drive': 0., 'input': 0.,
                                                                           'spike': 0.}), steps=neuron, mode='scalar')
                Syn = bp.SynType(name=f'Decay_{step.__name__}', ST=bp.types.SynState({'w': 0.5, 'Apre': 0., 'Apost': 0.}),
                                 requires=dict(pre=bp.types.NeuState(['spike']),
                                               post=bp.types.NeuState(['spike', 'input'])),
                                 steps=step, mode='scalar')
                rng = np.random.default_rng(0)
                pre, post = bp.NeuGroup(Neuron, 30, monitors=['spike']), bp.NeuGroup(Neuron, 6, monitors=['spike'])
                for group in (pre, post):
                    group.ST['drive'] = rng.uniform(*drive, group.num)
                    group.ST['V'] = rng.uniform(0., 1., group.num)
                syn = bp.SynConn(Syn, pre_group=pre, post_group=post, monitors=list(monitors),
                                 conn=bp.connect.All2All() if conn is None else conn)
                syn.ST['w'] = rng.uniform(0., 1., syn.num)
                syn.ST['Apre'] = rng.uniform(0., 0.01, syn.num)
                syn.ST['Apost'] = -rng.uniform(0., 0.01, syn.num)
                members = [pre, post, syn]
                if fail_after is not None:  # a group whose step raises once the clock passes fail_after
                    members.append(bp.NeuGroup(bp.NeuType(name='DecayTicking', ST=bp.types.NeuState({'t': 0.}),
                                                          steps=ticking, mode='scalar'), 1))
                net = bp.Network(*members)
                states = []
                for duration in calls:
                    try:
                        net.advance(duration)
                    except RunError as err:
                        if fail_after is None:
                            raise
                        RAISED.append(str(err))
                    states.append({k: np.array(syn.ST[k]) for k in ('w', 'Apre', 'Apost')})
                spikes = np.asarray(post.mon.spike_index), np.asarray(post.mon.spike_time)
                return states, spikes, net.code, syn
    finally:
        TAU_PRE = saved


def _close(lazy, stepped, rtol=1e-12):
    (states, spikes, _, _), (whole_states, whole_spikes, _, _) = lazy, stepped
    for got, expected in zip(spikes, whole_spikes):
        np.testing.assert_array_equal(got, expected)
    for state, whole in zip(states, whole_states):
        for key in state:
            np.testing.assert_allclose(state[key], whole[key], rtol=rtol, atol=1e-14, err_msg=key)


@pytest.mark.parametrize("conn", [None, bp.connect.FixedProb(0.4, seed=3)])
def test_traces_decayed_at_the_visits_equal_stepped_traces_between_calls(rule, conn):
    lazy, stepped = _run(rule['stdp'], True, conn), _run(rule['stdp'], False, conn)
    code = lazy[2]
    assert "_decay_last[_obj_i] = _i" in code and "_decay_f_Apre ** " in code and "_decay_f_Apost ** " in code
    synapse_step = code.split("def SynConn")[1].split("\ndef ")[0]
    assert "for _obj_i in range(ST.shape[1])" not in synapse_step  # no loop over every synapse
    assert "_decay_last" not in stepped[2]
    assert stepped[1][0].size > 20
    # values differ from stepping by rounding only (one power against n products), and only where a visit
    # or the end of a call decayed them: the decayed values are not the stored ones as they were
    assert not np.array_equal(lazy[0][0]['Apre'], stepped[0][0]['Apre']) or \
        not np.array_equal(lazy[0][0]['Apost'], stepped[0][0]['Apost'])
    _close(lazy, stepped)


def test_a_decay_written_as_a_product_is_decayed_at_the_visits(rule):
    lazy, stepped = _run(rule['product'], True), _run(rule['product'], False)
    assert "_decay_f_Apre ** " in lazy[2] and "_decay_f_Apost ** " in lazy[2]
    _close(lazy, stepped)


def test_a_factor_of_zero_or_below_takes_its_power(rule):
    lazy, stepped = _run(rule['signed'], True), _run(rule['signed'], False)
    assert "_decay_f_Apre ** " in lazy[2] and "_decay_f_Apost ** " in lazy[2]
    assert np.any(lazy[0][0]['Apost'] != 0.) and np.all(lazy[0][0]['Apre'] == 0.)
    _close(lazy, stepped)


def test_a_rule_bounded_with_np_clip_follows_the_spikes_too(rule):
    lazy, stepped = _run(rule['clipped'], True), _run(rule['clipped'], False)
    assert "_post_rows_ptr" in lazy[2] and "_decay_f_Apre ** " in lazy[2]
    _close(lazy, stepped)


def test_synapses_never_visited_are_decayed_when_the_kernel_returns(rule):
    # no neuron spikes: no visit ever decays a trace, only the end of each call
    lazy, stepped = _run(rule['stdp'], True, drive=(0., 0.5)), _run(rule['stdp'], False, drive=(0., 0.5))
    assert stepped[1][0].size == 0
    _close(lazy, stepped)
    assert np.all(np.abs(lazy[0][-1]['Apre']) < np.abs(lazy[0][0]['Apre']))


def test_gaps_beyond_the_table_of_powers_decay_by_the_exponential(rule):
    # 5,000 steps without a spike: the flush's gap is beyond the table (decay_powers), then the next call's
    # visits read it again
    assert 450. / DT > DECAY_POWERS
    runs = [_run(rule['stdp'], lazy, calls=(450., 40.), tau_pre=2000., drive=(0., 0.5)) for lazy in (True, False)]
    assert np.abs(runs[0][0][0]['Apre']).mean() > 2e-3  # a slow trace: still large after the gap
    _close(*runs)


def test_a_step_that_raises_leaves_every_trace_decayed_to_where_the_run_stopped(rule):
    # the error leaves the kernel before its flush: the next call's start decays what it left behind, and the
    # runner makes that call at once (no steps), so the state the user sees after the error is the stepped one
    runs = []
    for lazy in (True, False):
        runs.append(_run(rule['stdp'], lazy, calls=(40., 40.), fail_after=25., drive=(0., 3.)))
        assert len(RAISED) == 2 and "the clock passed the failing time" in RAISED[0]
    assert "_decay_last" in runs[0][2]
    _close(*runs)


def test_one_call_equals_several_calls_and_the_plain_python_run(rule):
    one = _run(rule['stdp'], True, calls=(120.,))
    several = _run(rule['stdp'], True, calls=(40., 40., 40.))
    plain = _run(rule['stdp'], True, calls=(120.,), jit=False)  # plain Python steps the traces (no split loop to drop)
    for a, b in zip(plain[1], one[1]):
        np.testing.assert_array_equal(a, b)
    for got in (several, plain):  # the monitor of several calls holds the last one's spikes: compare the state
        for key in one[0][-1]:
            np.testing.assert_allclose(got[0][-1][key], one[0][-1][key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("monitors", [['Apre'], ['w']])
def test_a_monitored_trace_is_stepped(rule, monitors):
    lazy, stepped = _run(rule['stdp'], True, monitors=monitors), _run(rule['stdp'], False, monitors=monitors)
    decayed = [line for line in lazy[2].split("\n") if "** _decay_k" in line]
    assert not any("Apre" in line for line in decayed) if monitors == ['Apre'] else decayed
    if monitors == ['Apre']:
        np.testing.assert_array_equal(lazy[3].mon.Apre, stepped[3].mon.Apre)


@pytest.mark.parametrize("variant", ['in_time', 'affine'])
def test_a_decay_that_is_no_per_run_factor_is_stepped(rule, variant):
    lazy, stepped = _run(rule[variant], True), _run(rule[variant], False)
    assert "_decay_last" not in lazy[2]
    assert lazy[2] == stepped[2]


def test_a_trace_the_every_step_work_reads_is_stepped(rule):
    lazy, stepped = _run(rule['read_every_step'], True), _run(rule['read_every_step'], False)
    decayed = [line for line in lazy[2].split("\n") if "** _decay_k" in line]
    assert not any("Apre" in line for line in decayed)
    _close(lazy, stepped)


def test_a_trace_that_grows_without_bound_is_still_caught(rule):
    # a negative time constant: every synapse's trace grows until it overflows, and no neuron spikes
    for lazy in (True, False):
        with pytest.raises(RunError, match=r"state variable 'Apre' became NaN or infinite"):
            _run(rule['stdp'], lazy, tau_pre=-0.02, drive=(0., 0.5), calls=(100.,))


@pytest.fixture(scope="module")
def rule_files(tmp_path_factory):
    return _rule_loader(tmp_path_factory.mktemp("decay_rules"),
                        header="from tests.bp_core.codegen.test_decay_at_events import int_Apre, int_Apost\n")


def _integrated(body: str) -> str:
    """A generated rule with its traces integrated as the spec writes them (the rules' own products by a
    literal are the other form, ``test_a_decay_written_as_a_product_is_decayed_at_the_visits``)."""
    return body.replace("ST['Apre'] * 0.9", "int_Apre(ST['Apre'], _t)").replace(
        "ST['Apost'] * 0.8", "int_Apost(ST['Apost'], _t)")


def _rule_run(rule, lazy: bool):
    return rule_states(rule, () if lazy else (DECAY_AT_EVENTS,), random_apre=True, calls=(15., 15.))


@settings(max_examples=5, deadline=None)
@given(body=rules(decay=True))
def test_generated_rules_give_the_stepped_state(rule_files, body):
    body = _integrated(body)
    rule = rule_files(body)
    (lazy, code), (stepped, _) = _rule_run(rule, True), _rule_run(rule, False)
    np.testing.assert_array_equal(lazy[-1], stepped[-1], err_msg=f"{body}\n{code}")
    for got, expected in zip(lazy, stepped):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12, err_msg=f"{body}\n{code}")
