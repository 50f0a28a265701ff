"""Monitors: spike events against the dense record, selective and decimated monitors, the budget."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError

# A scalar-mode LIF as the spec's chapters write it, with a drive that makes rates differ per neuron
tau, V_th, V_reset = 10., 1., 0.


@bp.integrate(method='euler')
def int_V(V, t, I):
    return (-V + I) / tau


def scalar_update(ST, _t):
    ST['spike'] = 0.
    V = int_V(ST['V'], _t, ST['input'])
    if V >= V_th:
        V = V_reset
        ST['spike'] = 1.
    ST['V'] = V
    ST['input'] = 0.


def vector_update(ST, _t):
    V = int_V(ST['V'], _t, ST['input'])
    sp = V >= V_th
    V[sp] = V_reset
    ST['spike'] = sp
    ST['V'] = V
    ST['input'] = 0.


def fire_all(ST, _t):
    ST['spike'] = 1.
    ST['V'] += 1.


STATE = bp.types.NeuState({'V': 0., 'spike': 0., 'input': 0.})


def lif_group(num=20, mode='scalar', monitors=('spike', 'V')):
    model = bp.NeuType(name='LIF_rec', ST=STATE, steps=scalar_update if mode == 'scalar' else vector_update,
                       mode=mode)
    group = bp.NeuGroup(model, num, monitors=list(monitors))
    group.ST['V'] = np.linspace(0., 0.9, num)
    return group


def drive(group):
    return np.linspace(1.05, 3.0, group.num)


def dense_reference(mode, jit, duration=50.):
    """The spike record written out densely by a monitor that records every field as rows (V's form)."""
    bp.profile.set(jit=jit, dt=0.1)
    group = lif_group(mode=mode)
    group.run(duration, inputs=('ST.input', drive(group)))
    return group


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_spike_events_equal_the_dense_record_step_for_step(mode, jit):
    group = dense_reference(mode, jit)
    spikes = group.mon.spike
    # the reference: a spike is the step after which V was reset, seen through the V monitor
    V = group.mon.V
    assert spikes.shape == (500, 20) and spikes.dtype == np.float64
    assert set(np.unique(spikes)) <= {0.0, 1.0} and spikes.sum() > 100
    np.testing.assert_array_equal(spikes > 0, V == V_reset)
    steps, neurons = np.nonzero(spikes)
    order = np.lexsort((group.mon.spike_index, group.mon.spike_events.step))
    np.testing.assert_array_equal(group.mon.spike_events.step[order], steps)
    np.testing.assert_array_equal(group.mon.spike_index[order], neurons)
    np.testing.assert_allclose(group.mon.spike_time[order], group.mon.ts[steps])


def test_events_are_recorded_as_events_not_rows():
    bp.profile.set(dt=0.1)
    group = lif_group(num=50)
    group.run(20., inputs=('ST.input', drive(group)))
    assert 'spike' in group.mon and 'spike' in group.mon.event_keys() and 'V' not in group.mon.event_keys()
    assert not dict.__contains__(group.mon, 'spike')  # nothing dense until asked for
    assert group.mon.spike.shape == (200, 50)
    assert group.mon.spike is group.mon.spike  # built once, then kept


def test_one_run_equals_many_advance_chunks(jit):
    bp.profile.set(jit=jit, dt=0.1)
    whole = lif_group()
    net = bp.Network(whole)
    net.run(40., inputs=[whole, 'ST.input', drive(whole)])
    parts = lif_group()
    net2 = bp.Network(parts)
    index, time, V = [], [], []
    for _ in range(8):
        chunk = net2.advance(5., inputs=[parts, 'ST.input', drive(parts)])[parts.name]
        index.append(chunk.spike_index)
        time.append(chunk.spike_time)
        V.append(chunk.V)
    np.testing.assert_array_equal(np.concatenate(index), whole.mon.spike_index)
    np.testing.assert_allclose(np.concatenate(time), whole.mon.spike_time)
    np.testing.assert_array_equal(np.concatenate(V), whole.mon.V)


def test_buffers_grow_mid_run_and_lose_no_event_when_every_neuron_fires_every_step(jit):
    bp.profile.set(jit=jit, dt=0.1)
    model = bp.NeuType(name='FireAll', ST=STATE, steps=fire_all, mode='vector')
    group = bp.NeuGroup(model, 300, monitors=['spike'])
    group.run(100.)  # 1000 steps x 300 neurons: far past the first buffer (sized for 10 Hz)
    assert len(group.mon.spike_events) == 300 * 1000
    assert group.mon.spike.sum() == 300 * 1000
    np.testing.assert_array_equal(group.mon.spike_events.step, np.repeat(np.arange(1000), 300))
    np.testing.assert_array_equal(group.ST['V'], 1000.)  # a step interrupted to grow the buffers ran once


period = 100.


def fire_periodically(ST, _t):
    ST['spike'] = ST['V'] % period == 0.
    ST['V'] += 1.


def test_a_run_at_the_expected_rate_records_without_stopping_to_grow(jit, monkeypatch):
    from bp_core.simulation.recording import Recording

    original = Recording.grow
    grown = []
    monkeypatch.setattr(Recording, "grow", lambda self, number: grown.append(number) or original(self, number))
    bp.profile.set(jit=jit, dt=1.)
    model = bp.NeuType(name='FirePeriodically', ST=STATE, steps=fire_periodically, mode='vector')
    group = bp.NeuGroup(model, 50, monitors=['spike'])
    # 10 Hz, the rate the first buffers are sized for: the last of the 500 events comes 100 steps before the end,
    # and the kernel, which asks for room for 50 more before each step, runs on without stopping to grow
    group.run(1000.)
    assert len(group.mon.spike_events) == 50 * 10 and grown == []
    group.pars['period'] = 10.  # 100 Hz: the buffers grow, and no event is lost
    group.ST['V'] = 0.
    group.run(1000.)
    assert len(group.mon.spike_events) == 50 * 100 and grown


def test_a_small_group_firing_fast_in_a_short_run_does_not_stop_to_grow(jit, monkeypatch):
    from bp_core.simulation.recording import Recording

    original = Recording.grow
    grown = []
    monkeypatch.setattr(Recording, "grow", lambda self, number: grown.append(number) or original(self, number))
    bp.profile.set(jit=jit, dt=1.)
    model = bp.NeuType(name='FirePeriodically', ST=STATE, steps=fire_periodically, mode='vector')
    group = bp.NeuGroup(model, 2, monitors=['spike'])
    group.pars['period'] = 2.  # 500 Hz, fifty times the rate the buffers are sized for: 2 x 150 events
    group.run(300.)
    assert grown == [] and len(group.mon.spike_events) == 2 * 150
    np.testing.assert_array_equal(group.mon.spike_events.step, np.repeat(np.arange(0, 300, 2), 2))


def test_values_other_than_one_are_kept_when_inputs_write_the_field(jit):
    bp.profile.set(jit=jit, dt=0.1)
    model = bp.NeuType(name='Reset', ST=bp.types.NeuState({'spike': 0.}), steps=reset_spike, mode='vector')
    assert 'spike' in model.binary_fields
    group = bp.NeuGroup(model, 4, monitors=['spike'])
    group.runner.set_schedule(['reset_spike', 'input', 'monitor'])  # the input lands after the step
    group.run(1., inputs=('ST.spike', np.array([0., 2.5, 0., -1.]), '='))
    np.testing.assert_array_equal(group.mon.spike, np.tile([0., 2.5, 0., -1.], (10, 1)))


def reset_spike(ST, _t):
    ST['spike'] = 0.


def test_a_spike_field_the_analysis_cannot_prove_binary_keeps_its_values(jit):
    bp.profile.set(jit=jit, dt=0.1)

    def odd(ST, _t):
        ST['spike'] = ST['V'] * (ST['V'] > 0.5)
        ST['V'] += 0.25

    model = bp.NeuType(name='Odd', ST=bp.types.NeuState({'V': 0., 'spike': 0.}), steps=odd, mode='vector')
    assert 'spike' not in model.binary_fields
    group = bp.NeuGroup(model, 2, monitors=['spike', 'V'])
    group.run(0.5)
    V_before = np.vstack([np.zeros(2), group.mon.V[:-1]])
    np.testing.assert_allclose(group.mon.spike, V_before * (V_before > 0.5))


def test_binary_fields_of_the_spec_models():
    assert 'spike' in bp.models.get_LIF().binary_fields
    assert 'spike' in bp.models.get_HH().binary_fields  # np.logical_and(...) through a local
    assert 'V' not in bp.models.get_HH().binary_fields


def test_selective_monitor_holds_exactly_the_chosen_elements(jit):
    bp.profile.set(jit=jit, dt=0.1)
    full = lif_group(monitors=['V'])
    full.run(10., inputs=('ST.input', drive(full)))
    some = lif_group(monitors=[('V', [0, 5, 19])])
    some.run(10., inputs=('ST.input', drive(some)))
    np.testing.assert_array_equal(some.mon.V, full.mon.V[:, [0, 5, 19]])
    np.testing.assert_array_equal(some.mon.V_index, [0, 5, 19])


def test_decimated_float32_monitor_records_every_kth_step_also_across_chunks(jit):
    bp.profile.set(jit=jit, dt=0.1)
    full = lif_group(monitors=['V'])
    net = bp.Network(full)
    net.run(10., inputs=[full, 'ST.input', drive(full)])
    dec = lif_group(monitors=[bp.Monitor('V', indices=[1, 2], interval=0.3, dtype='float32')])
    net2 = bp.Network(dec)
    rows, times = [], []
    for steps in (7, 1, 30, 62):  # chunk edges fall inside intervals
        chunk = net2.advance(n_steps=steps, inputs=[dec, 'ST.input', drive(dec)])[dec.name]
        rows.append(chunk.V)
        times.append(chunk.V_time)
    V = np.concatenate(rows)
    assert V.dtype == np.float32
    np.testing.assert_array_equal(V, full.mon.V[::3, 1:3].astype(np.float32))
    np.testing.assert_allclose(np.concatenate(times), full.mon.ts[::3])


@pytest.mark.parametrize("monitor, message", [
    (('V', []), "non-empty"), (('V', [20]), "outside the 20"), (('V', [0.5]), "ints"),
    (bp.Monitor('V', interval=0.25), "whole number of time steps"), (bp.Monitor('V', interval=-1.), "positive"),
    (bp.Monitor('V', dtype='int8'), "float32"), (('W', [0]), "no such field"), (3, "neither a field"),
])
def test_bad_monitor_declarations_name_the_monitor_and_the_fix(monitor, message):
    bp.profile.set(dt=0.1)
    with pytest.raises(ModelUseError, match=message):
        group = lif_group(monitors=['spike', monitor])
        group.run(1.)


def test_a_field_monitored_twice_is_refused():
    with pytest.raises(ModelUseError, match="twice"):
        lif_group(monitors=['V', ('V', [1])])


def test_monitors_exist_empty_before_the_first_run():
    group = lif_group()
    assert group.mon.V.shape == (0, 20) and group.mon.spike.shape == (0, 20)


def test_budget_error_fires_before_allocating_and_keeps_the_last_records():
    bp.profile.set(dt=0.1)
    group = lif_group(num=1000, monitors=['V', 'spike'])
    group.run(1., inputs=('ST.input', 2.))
    kept = group.mon.V
    bp.profile.set(monitor_memory_limit=1)
    with pytest.raises(ModelUseError, match=r"76.3 MiB, more than the limit of 1 MiB"):
        group.run(1000.)
    assert group.mon.V is kept


def test_event_growth_past_the_budget_stops_with_what_was_recorded():
    bp.profile.set(dt=0.1, monitor_memory_limit=0.5)
    model = bp.NeuType(name='FireAll', ST=STATE, steps=fire_all, mode='vector')
    group = bp.NeuGroup(model, 1000, monitors=['spike'])
    with pytest.raises(ModelUseError, match="events of monitor 'spike'.*stopped there"):
        group.run(100.)
    events = group.mon.spike_events
    assert 0 < len(events) < 1000 * 1000 and len(events) % 1000 == 0
    np.testing.assert_array_equal(group.ST['V'], events.ts.size)


def test_default_budget_follows_the_memory_available():
    import psutil

    limit = bp.profile.get_monitor_memory_limit()
    available = psutil.virtual_memory().available / 2**20
    assert 0.3 * available < limit < 0.7 * available
    bp.profile.set(monitor_memory_limit=100)
    assert bp.profile.get_monitor_memory_limit() == 100
    bp.profile.set(monitor_memory_limit='auto')
    assert bp.profile.get_monitor_memory_limit() != 100


def test_dense_view_of_events_beyond_the_budget_points_to_the_events():
    bp.profile.set(dt=0.1)
    group = lif_group(num=1000, monitors=['spike'])
    group.run(20., inputs=('ST.input', 2.))
    bp.profile.set(monitor_memory_limit=1)
    with pytest.raises(ModelUseError, match=r"dense view.*1.5 MiB.*spike_index"):
        group.mon.spike
    assert len(group.mon.spike_events) > 0
