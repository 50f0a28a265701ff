"""Connectivity and delays a careless user changes after building: the arrays compiled code trusts cannot be
changed in place, and every delay, given or assigned later, is checked before a run reads it."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError


def neuron(ST, _t):
    ST['V'] += ST['input']
    ST['input'] = 0.


NEURON = bp.NeuType(name='N', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 1.}), steps=neuron,
                    mode='scalar')


def fires_every_third(ST, _t, _i):
    ST['spike'] = 1. if _i % 3 == 0 else 0.


FIRING = bp.NeuType(name='F', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=fires_every_third, mode='scalar')


def copy(ST, pre):
    ST['s'] = pre['spike']


@bp.delayed
def output(ST, post):
    post['V'] += 0.1 * ST['s']


DELTA = bp.SynType(name='delta', ST=bp.types.SynState(['s']), steps=(copy, output), mode='scalar')


@bp.delayed(pathway='up')
def up(ST, post):
    post['V'] += 0.1 * ST['s']


@bp.delayed(pathway='down')
def down(ST, post):
    post['V'] -= 0.01 * ST['s']


UPDOWN = bp.SynType(name='updown', ST=bp.types.SynState(['s']), steps=(copy, up, down), mode='scalar')


def delta_net(delay, model=DELTA, n=4):
    pre, post = bp.NeuGroup(FIRING, n), bp.NeuGroup(FIRING, n, monitors=['V'])
    syn = bp.SynConn(model, pre_group=pre, post_group=post, conn=bp.connect.One2One(), delay=delay)
    return bp.Network(pre, post, syn), post, syn


# -- connectivity changed in place ------------------------------------------------------------------------

MUTATE = textwrap.dedent("""
    import numpy as np
    import bp_core as bp

    def neuron(ST, _t):
        ST['V'] += ST['input']
        ST['input'] = 0.

    def deliver(ST, pre, post):
        post['input'] += pre['spike']

    model = bp.NeuType(name='N', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 1.}), steps=neuron,
                       mode='scalar')
    a, b = bp.NeuGroup(model, 3), bp.NeuGroup(model, 3)
    syn = bp.SynConn(bp.SynType(name='S', ST=bp.types.SynState(['s']), steps=deliver, mode='scalar'),
                     pre_group=a, post_group=b, conn=bp.connect.One2One())
    net = bp.Network(a, b, syn)
    net.run(0.1)
    try:
        syn.IDS[2] = 2**40  # compiled code indexed the groups with it unchecked
    except ValueError as err:
        print("REFUSED", err)
    net.advance(0.1)
    print("V", b.ST['V'].tolist())
""")


@pytest.mark.parametrize("ids", ["post_ids", "pre_ids"])
def test_synapse_ids_cannot_be_changed_in_place_after_their_check(ids, tmp_path):
    script = tmp_path / "case.py"
    script.write_text(MUTATE.replace("IDS", ids))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]  # a segfault is -11
    assert "REFUSED assignment destination is read-only" in out.stdout
    assert "V [1.0, 1.0, 1.0]" in out.stdout  # the synapses as built: the first step's input arrives in the second


def test_a_subgroup_selection_is_fixed_once_made():
    group = bp.NeuGroup(NEURON, 5)
    sub = group[1:3]
    with pytest.raises(ValueError, match="read-only"):
        sub.indices[0] = 99
    np.testing.assert_array_equal(sub.indices, [1, 2])


@pytest.mark.parametrize("item", [slice(None, None, 0), slice(1.5, None)], ids=["step-zero", "float-start"])
def test_a_subgroup_slice_python_rejects_is_a_model_use_error(item):
    group = bp.NeuGroup(NEURON, 5, name='pop')
    with pytest.raises(ModelUseError, match=r"cannot index 'pop' \(geometry \(5,\)\).*group\[10:20\]"):
        group[item]


# -- delays ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("delay, words", [
    (np.array(['1', '2', '3', '4']), "holds <U1 values"),
    (np.array([1j, 1., 1., 1.]), "holds complex128 values"),
    (np.array([True, False, True, True]), "holds bool values"),
    (np.ones((2, 2)), "is not one-dimensional (2 dimensions)"),
    (None, "got None"),
], ids=["strings", "complex", "booleans", "matrix", "none"])
def test_a_delay_that_is_not_numbers_of_ms_is_refused_naming_the_synconn(delay, words):
    with pytest.raises(ModelUseError, match="SynConn 'far': delay of a SynConn must be") as info:
        bp.SynConn(DELTA, pre_group=bp.NeuGroup(FIRING, 4), post_group=bp.NeuGroup(FIRING, 4),
                   conn=bp.connect.One2One(), delay=delay, name='far')
    assert words in str(info.value)


def test_a_zero_dimensional_array_is_one_delay():
    net, post, _ = delta_net(np.array(0.5))
    net.run(1.)
    ref, _, _ = delta_net(0.5)
    ref.run(1.)
    np.testing.assert_array_equal(post.mon.V, ref.objects[1].mon.V)


@pytest.mark.parametrize("delay", [1e9, 1e20, np.array([1., 1e12, 1., 1.]), 1e300],
                         ids=["1e9-ms", "1e20-ms", "one-synapse-1e12-ms", "1e300-ms"])
def test_a_delay_no_memory_could_hold_is_refused_before_allocating(delay):
    net, _, _ = delta_net(delay)
    with pytest.raises(ModelUseError, match=r"SynConn '\w+': its delay of [\d.e+]+ steps .* GiB, more than the "
                                            r"[\d.]+ GiB of memory available; give a shorter delay"):
        net.run(1.)


def test_a_post_pathway_delay_no_memory_could_hold_is_refused(jit):
    def on_post(ST, _t, post):
        ST['s'] += post['spike']

    model = bp.SynType(name='back', ST=bp.types.SynState(['s']), mode='scalar',
                       steps=bp.delayed(pathway='back', on='post')(on_post))
    net, _, _ = delta_net({'back': 1e10}, model=model)
    with pytest.raises(ModelUseError, match=r"its delay of 1e\+11 steps \(delay=1e\+10 ms\)"):
        net.run(1.)


@pytest.mark.parametrize("delay, words", [
    (-1., "got -1.0"),
    (float('nan'), "got nan"),
    (np.array([-1., 1., 1., 1.]), "negative, NaN or infinite"),
    (np.array([1., 1., 1.]), "got 3 delays for its 4 synapses"),
    ('2ms', "got '2ms'"),
], ids=["negative", "nan", "negative-in-array", "wrong-length", "text"])
def test_a_delay_assigned_after_building_is_checked_and_the_old_one_kept(delay, words):
    net, post, syn = delta_net(0.5)
    net.run(1.)
    with pytest.raises(ModelUseError, match=f"SynConn '{syn.name}'") as info:
        syn.delay = delay
    assert words in str(info.value)
    assert syn.delay == 0.5
    net.run((1., 2.))  # still runs, with the delay it had


def test_a_delay_assigned_later_is_the_delay_given_at_construction(jit):
    ref, ref_post, _ = delta_net(np.array([0.1, 0.2, 0.3, 0.4]))
    ref.run(2.)
    net, post, syn = delta_net(0.5)
    syn.delay = np.array([0.1, 0.2, 0.3, 0.4])
    net.run(2.)
    np.testing.assert_array_equal(post.mon.V, ref_post.mon.V)


def test_pathway_delays_assigned_later_reach_the_synconns_running_them(jit):
    ref, ref_post, _ = delta_net({'up': 0.5, 'down': 0.1}, model=UPDOWN)
    ref.run(2.)
    net, post, syn = delta_net({'up': 0.2, 'down': 0.3}, model=UPDOWN)
    syn.delay = {'up': 0.5, 'down': 0.1}
    net.run(2.)
    np.testing.assert_array_equal(post.mon.V, ref_post.mon.V)
    assert [m.delay for m in syn.pathway_conns()] == [0.5, 0.1]
    with pytest.raises(ModelUseError, match=r"SynConn '\w+', pathway 'up': .*got -1.0"):
        syn.delay = {'up': -1., 'down': 0.1}
    assert syn.delay == {'up': 0.5, 'down': 0.1} and [m.delay for m in syn.pathway_conns()] == [0.5, 0.1]


def test_a_pathway_synconn_whose_name_another_object_has_is_refused_naming_both():
    pre, post = bp.NeuGroup(FIRING, 3, name='A'), bp.NeuGroup(FIRING, 3, name='S_up')
    syn = bp.SynConn(UPDOWN, pre_group=pre, post_group=post, conn=bp.connect.One2One(),
                     delay={'up': 0.2, 'down': 0.1}, name='S')
    with pytest.raises(ModelUseError, match="already has an object named 'S_up', the name SynConn 'S' runs one of "
                                            "its pathways under; rename one"):
        bp.Network(pre, post, syn)


# -- a new dt while spikes are on their way ------------------------------------------------------------------

def fires_at_half_ms(ST, _t):
    ST['spike'] = 1. if abs(_t - 0.5) < 1e-6 else 0.


ONE_SPIKE = bp.NeuType(name='One', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=fires_at_half_ms,
                       mode='scalar')


def one_spike_net(monkeypatch, form):
    import bp_core.simulation.planning as planning

    monkeypatch.setattr(planning, "SPIKE_QUEUES", form == "queue")
    pre, post = bp.NeuGroup(ONE_SPIKE, 1), bp.NeuGroup(ONE_SPIKE, 1, monitors=['V'])
    syn = bp.SynConn(DELTA, pre_group=pre, post_group=post, conn=bp.connect.One2One(), delay=2., name='late')
    net = bp.Network(pre, post, syn)
    net.run(1.)
    return net, post, syn


@pytest.mark.parametrize("form", ["queue", "line"])
def test_a_new_dt_is_refused_while_a_spike_is_on_its_way_and_the_spike_still_arrives(monkeypatch, form):
    net, post, syn = one_spike_net(monkeypatch, form)
    assert syn.ST['s'][0] == 0.  # the spike fired at 0.5 ms is in the delay, not in the state
    with bp.profile.override(dt=0.05):
        with pytest.raises(ModelUseError, match=r"SynConn 'late' holds values on their way through its delay, "
                                                r"timed in steps of dt=0.1 ms; a network at dt=0.05 ms would start "
                                                r"its delays without them.*network keeps dt=0.1 ms"):
            net.refresh_profile()
    assert net.dt == 0.1
    net.run((1., 3.))
    assert post.ST['V'][0] == 0.1  # 0.1 * the one spike, delivered (a new dt used to drop it)
    with bp.profile.override(dt=0.05):  # nothing on its way any more
        net.refresh_profile()
    assert net.dt == 0.05
    net.run((3., 4.))


def test_setting_the_state_lets_a_new_dt_start_the_delays_again(monkeypatch):
    net, post, syn = one_spike_net(monkeypatch, "queue")
    syn.ST['s'] = syn.ST['s']  # the documented way to start delays from the state
    with bp.profile.override(dt=0.05):
        net.refresh_profile()
    net.run((1., 3.))
    assert net.dt == 0.05 and post.ST['V'][0] == 0.


@pytest.mark.parametrize("form", ["queue", "line"])
def test_a_new_delay_is_refused_while_a_spike_is_on_its_way_and_nothing_changes(monkeypatch, form):
    net, post, syn = one_spike_net(monkeypatch, form)
    syn.delay = 3.
    with pytest.raises(ModelUseError, match=r"SynConn 'late' holds values on their way through a delay buffer that "
                                            r"no longer fits it .*syn.ST\['s'\] = syn.ST\['s'\]"):
        net.run((1., 3.))
    assert net.t_end == pytest.approx(1.) and post.ST['V'][0] == 0.
    syn.delay = 2.  # the delay it was sent with: it arrives
    net.run((1., 3.))
    assert post.ST['V'][0] == 0.1


def test_a_snapshot_restored_into_another_delay_keeps_its_spike_or_says_why(monkeypatch):
    net, post, syn = one_spike_net(monkeypatch, "queue")
    snap = net.snapshot()  # the spike of 0.5 ms on its way
    syn.delay = 1.5
    net.restore(snap)
    with pytest.raises(ModelUseError, match="no longer fits it"):
        net.run((1., 3.))
    syn.ST['s'] = syn.ST['s']  # dropped on purpose: the new delay starts from the state
    net.run((1., 3.))
    assert post.ST['V'][0] == 0.
