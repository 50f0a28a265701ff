"""GPU runs under numba-cuda's simulator against the CPU kernel (collected only by ``test_gpu.py``).

``NUMBA_ENABLE_CUDASIM=1`` must be set before numba-cuda is imported, so ``test_gpu.py`` runs this file
in a pytest of its own. The simulator runs each thread as Python (about 5,000 thread-steps a second):
networks here have one block of at most 200 threads and 10 to 20 steps.
"""

from __future__ import annotations

import inspect
import os
import re

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError, RunError
from bp_core.inputs.sampling import binomial_cdf
from tests.bp_core.gpu import networks
from tests.bp_core.simulation.queue_networks import N, N_EXC, delay_note

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run through test_gpu.py (it sets the simulator)"


def _on_both(build, drive, jit=True):
    """Build a fresh network from ``build()`` on the CPU (compiled, or as NumPy) and on the GPU and run it with
    ``drive(net, group)``; return ``(net, group, what drive returned)`` for each, the CPU's first."""
    out = []
    for device in ("cpu", "gpu"):
        bp.profile.set(device=device, jit=jit or device == "gpu")
        net, group = build()
        result = drive(net, group)
        if device == "gpu":
            assert {type(kernel).__name__ for kernel in net._kernels.values()} == {"CudaKernel"}
        out.append((net, group, result))
    return out


def _both(build, duration, inputs=(), jit=True):
    """Run a fresh network from ``build()`` for ``duration`` on the CPU and on the GPU; return both."""
    def drive(net, group):
        net.run(duration, inputs=inputs(group) if callable(inputs) else inputs)

    return [(net, group) for net, group, _ in _on_both(build, drive, jit)]


def test_driven_group_equals_cpu_exactly():
    # no float atomics: every thread writes its own element, so the GPU gives the CPU's numbers bit for bit
    n, steps = 150, 15
    drive = np.random.default_rng(3).uniform(0., 3., (steps, n))

    def build():
        group = networks.lif_group(n, seed=1, monitors=('spike', 'V'))
        return bp.Network(group), group

    (_, cpu), (_, gpu) = _both(build, steps * 0.1, inputs=lambda g: [(g, 'ge', drive), (g, 'gi', 0.5, '=')])
    assert len(networks.spike_events(cpu)) > 20
    np.testing.assert_array_equal(networks.spike_events(gpu), networks.spike_events(cpu))
    np.testing.assert_array_equal(gpu.mon.V, cpu.mon.V)
    np.testing.assert_array_equal(gpu.ST['ge'], cpu.ST['ge'])


@pytest.mark.parametrize("forms", [("rows", "fancy"), ("range", "fancy")], ids=["rows+fancy", "range+fancy"])
def test_delivery_with_atomics_equals_cpu_statistically(forms):
    # synapses add to shared conductances with cuda.atomic.add: the order of additions is not fixed
    (_, cpu), (_, gpu) = _both(lambda: networks.coba(200, forms, seed=2), 2.0)
    a, b = np.asarray(cpu.mon.spike).sum(axis=0), np.asarray(gpu.mon.spike).sum(axis=0)
    assert a.sum() > 50
    assert abs(int(b.sum()) - int(a.sum())) <= 0.05 * a.sum()
    assert np.mean(a == b) >= 0.95
    np.testing.assert_allclose(gpu.ST['ge'], cpu.ST['ge'], rtol=1e-6, atol=1e-9)


def test_vector_mode_model_runs_element_by_element():
    # the CPU side runs as NumPy here: compiling this model for the CPU would take most of the test's time
    (_, cpu), (_, gpu) = _both(lambda: networks.wang_buzsaki(60), 1.0, jit=False)
    np.testing.assert_allclose(gpu.mon.V, cpu.mon.V, rtol=1e-12, atol=1e-12)


def test_delivery_without_event_list_scans_on_the_grid():
    (_, cpu), (_, gpu) = _both(lambda: networks.unmonitored(150, seed=5), 1.5)
    assert np.count_nonzero(cpu.ST['gi']) > 10
    np.testing.assert_allclose(gpu.ST['gi'], cpu.ST['gi'], rtol=1e-9)
    np.testing.assert_allclose(gpu.mon.V, cpu.mon.V, rtol=1e-9)


def test_delay_line_and_per_synapse_state():
    (cpu_net, cpu), (gpu_net, gpu) = _both(lambda: networks.delayed(60, seed=6), 1.5)
    assert np.count_nonzero(cpu.ST['ge']) > 10
    np.testing.assert_allclose(gpu.ST['ge'], cpu.ST['ge'], rtol=1e-9)
    np.testing.assert_allclose(gpu_net.objects[1].ST['s'], cpu_net.objects[1].ST['s'], rtol=1e-12)


def test_advance_in_chunks_equals_one_run():
    bp.profile.set(device="gpu")
    net, group = networks.coba(120, seed=4)
    net.run(1.0)
    whole = group.ST['V'].copy(), networks.spike_events(group)
    net2, group2 = networks.coba(120, seed=4)
    events = []
    for chunk in range(2):
        net2.advance(0.5)
        events.append(networks.spike_events(group2) + [chunk * 5, 0])
    np.testing.assert_array_equal(group2.ST['V'], whole[0])
    np.testing.assert_array_equal(np.concatenate(events), whole[1])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the simulator's generators overflow uint64 on purpose
def test_random_draws_per_thread():
    bp.profile.set(device="gpu", seed=7)  # the threads' generators are seeded from the network's
    net, group = networks.noisy(64)
    net.run(0.3)
    first = group.ST['V'].copy()
    sd = np.sqrt(3 * networks.NOISY_VARIANCE)
    assert abs(first.mean()) < 4 * sd / 8 and 0.7 * sd < first.std() < 1.3 * sd
    assert np.unique(first).size == first.size  # every thread has its own generator
    group.ST['V'] = 0.
    net.run(0.3)
    assert not np.array_equal(group.ST['V'], first)  # and the next run draws new numbers


def test_refusal_through_a_run_names_step_and_line():
    def noisy(ST, _t):
        ST['V'] += np.random.poisson(1.)

    bp.profile.set(device="gpu")
    group = bp.NeuGroup(bp.NeuType(name='noisy', ST=bp.types.NeuState({'V': 0.}), steps=noisy, mode='scalar'), 10)
    line = inspect.getsourcelines(noisy)[1] + 1
    with pytest.raises(ModelUseError, match=rf"(?s)'noisy' step.*random.*line {line}"):
        group.run(1.0)


def test_nonfinite_state_is_reported_with_field_and_time():
    def explode(ST, _t):
        if _t > 0.45:
            ST['V'] = ST['V'] * 1e300 * 1e300

    bp.profile.set(device="gpu")
    group = bp.NeuGroup(bp.NeuType(name='explode', ST=bp.types.NeuState({'V': 1.}), steps=explode, mode='scalar'),
                        20, monitors=['V'])
    with pytest.raises(RunError, match=r"'V' became NaN or infinite at t=0.5 ms"):
        group.run(1.0)


def test_index_out_of_range_is_refused_at_its_line_and_the_state_kept():
    # the CPU (as NumPy: no compile) and the GPU refuse the same step at the same time and line
    line = inspect.getsourcelines(networks.shifted_to_ge)[1] + 4
    refused = rf"(?s)'shifted_to_ge'.*IndexError at t=(\S+) ms.*line {line}: post\['ge'\]\[j \+ shift\] \+= w"
    told = {}
    for device in ("cpu", "gpu"):
        bp.profile.set(device=device, jit=device == "gpu")
        net, group = networks.shifted(60, 0, seed=8)
        net.run(0.5)  # in range
        before = {key: group.ST[key].copy() for key in ('V', 'ge', 't_last_spike')}
        assert before['ge'].any()
        net.objects[1].pars['shift'] = 1000
        with pytest.raises(RunError, match=refused) as info:
            net.run(1.0)
        told[device] = re.search(refused, str(info.value)).group(1)
        if device == "gpu":
            assert "on the GPU" in str(info.value)
            for key, values in before.items():  # nothing of the refused run is kept
                np.testing.assert_array_equal(group.ST[key], values)
    assert told["gpu"] == told["cpu"]


def test_indices_in_range_run_as_on_the_cpu():
    (_, cpu), (_, gpu) = _both(lambda: networks.shifted(60, 0, seed=8), 1.0)
    np.testing.assert_allclose(gpu.ST['ge'], cpu.ST['ge'], rtol=1e-9)


@pytest.mark.parametrize("per_synapse", [False, True], ids=["one-delay", "per-synapse-delays"])
def test_spike_queue_delays_equal_cpu_exactly(per_synapse):
    # the queue's slots are filled and walked in the CPU kernel's order; each arriving synapse adds w (2.0) to
    # an integer-valued sum before decay, so even the atomic adds give the CPU's numbers
    (cpu_net, cpu), (gpu_net, gpu) = _both(lambda: networks.queued(200, per_synapse, seed=3), 1.5, jit=False)
    assert len(networks.spike_events(cpu)) > 100 and np.count_nonzero(cpu.ST['ge']) > 100
    np.testing.assert_array_equal(networks.spike_events(gpu), networks.spike_events(cpu))
    np.testing.assert_array_equal(gpu.ST['ge'], cpu.ST['ge'])
    np.testing.assert_array_equal(gpu.mon.V, cpu.mon.V)
    # the field the queue stands for (this step's copy of the spikes), written when the call ends
    np.testing.assert_array_equal(gpu_net.objects[1].ST['s'], cpu_net.objects[1].ST['s'])
    assert gpu_net.objects[1].ST['s'].any()
    # a second call finds the queue's routes and sources on the device
    bp.profile.set(device="gpu", jit=True)
    gpu_net.run(0.2)
    uploads = next(iter(gpu_net._kernels.values())).residency.uploads
    routes = [name for name in uploads if name.endswith(("_q_src", "_q_ptr", "_q_syn"))]
    assert len(routes) == 3 and all(uploads[name] == 1 for name in routes), dict(uploads)


def _binomial_moments(N: int, p: float) -> tuple[float, float, float]:
    """Mean, variance and central fourth moment of Binomial(N, p)."""
    q = 1. - p
    return N * p, N * p * q, N * p * q * (1. + 3. * (N - 2) * p * q)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the simulator's generators overflow uint64 on purpose
@pytest.mark.parametrize("N, rate, path", [(20, 3000., "table"), (100, 4500., "mode walk"),
                                           (50, 7000., "mode walk, p > 1/2")])
def test_poisson_drive_draws_are_binomial(N, rate, path):
    # 256 neurons x 16 steps = 4096 draws of Binomial(N, rate dt); p = 0.3 by the host's table, p = 0.45
    # (N p = 45, past inversion) and p = 0.7 by the device's walk from the mode
    bp.profile.set(device="gpu", dt=0.1, seed=11)
    net, group = networks.drawn(256, N, rate)
    net.run(1.6)
    draws = np.asarray(group.mon.last)
    launch = next(op for op in net._kernels[next(iter(net._kernels))].plan.ops if "drive" in getattr(op, "name", ""))
    assert "binomial_cdf" in launch.host and "binomial_draw" in launch.source
    assert draws.shape == (16, 256) and np.array_equal(draws, np.round(draws)) and draws.min() >= 0
    p = rate * 0.1 / 1000.
    assert (binomial_cdf(N, p).size > 0) == (path == "table")  # which of the two the threads took
    mean, var, mu4 = _binomial_moments(N, p)
    n = draws.size
    # 4.5 standard errors: a Poisson count (variance N p, 1.43x to 3.3x too large) or a shifted one fails
    assert abs(draws.mean() - mean) < 4.5 * np.sqrt(var / n)
    assert abs(draws.var(ddof=1) - var) < 4.5 * np.sqrt((mu4 - var ** 2 * (n - 3) / (n - 1)) / n)
    # the whole distribution: chi-square over counts with at least 20 expected draws, tails pooled
    from scipy import stats
    pmf = stats.binom.pmf(np.arange(N + 1), N, p) * n
    seen = np.bincount(draws.astype(int).ravel(), minlength=N + 1)
    keep = pmf >= 20
    lo, hi = np.argmax(keep), N - np.argmax(keep[::-1])
    expected = np.r_[pmf[:lo].sum(), pmf[lo:hi + 1], pmf[hi + 1:].sum()]
    observed = np.r_[seen[:lo].sum(), seen[lo:hi + 1], seen[hi + 1:].sum()]
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 1e-3


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_poisson_sources_are_bernoulli_per_step_and_follow_a_new_rate():
    # 200 sources x 20 steps at p = 0.3 (3000 Hz, dt 0.1 ms): counts Binomial(20, 0.3), drawn as geometric waits
    # by the threads; then 0 Hz: the waits drawn at 0.3 are dropped, so no source fires again
    bp.profile.set(device="gpu", dt=0.1, seed=4)
    group = bp.inputs.PoissonInput(200, 3000., monitors=['spike'])
    net = bp.Network(group)
    net.run(2.)
    counts = group.mon.spike.sum(axis=0)
    mean, var, mu4 = _binomial_moments(20, 0.3)
    n = counts.size
    assert abs(counts.mean() - mean) < 4.5 * np.sqrt(var / n)
    assert abs(counts.var(ddof=1) - var) < 4.5 * np.sqrt((mu4 - var ** 2 * (n - 3) / (n - 1)) / n)
    group.pars['freqs'] = 0.
    net.advance(0.5)
    assert group.mon.spike.sum() == 0


def test_drive_refuses_bad_values_as_the_cpu_does():
    # the drive's own checks (a raise in the step) stop the GPU run with the CPU's message and line
    for device in ("cpu", "gpu"):
        bp.profile.set(device=device, jit=device == "gpu", dt=0.1)
        net, group = networks.drawn(16, 10, 10.)
        group.pars['drive_rate'] = -5.
        with pytest.raises(RunError, match=r"(?s)'drive'.*raised ValueError at t=0 ms.*drive_rate must be >= 0 Hz"
                                           r".*line 4: raise ValueError"):
            net.run(0.5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_brunel_runs_on_the_gpu_with_the_cpus_rates():
    # examples/brunel_2000 at 200 neurons for 30 steps: Poisson drive, two spike queues of 1.5 ms. The CPU's
    # spike count over 20 random streams of the same network (mean about 130, sd about 13; without the drive
    # it is 0) bounds the GPU's
    counts = []
    for seed in range(20):
        bp.profile.set(device="cpu", jit=False)
        net, group = networks.brunel(200, seed=0)
        net.reseed(100 + seed)
        net.run(3.0)
        counts.append(np.asarray(group.mon.spike_index).size)
    bp.profile.set(device="gpu", jit=True)
    net, group = networks.brunel(200, seed=0)
    net.reseed(7)
    net.run(3.0)
    assert {type(kernel).__name__ for kernel in net._kernels.values()} == {"CudaKernel"}
    spikes = np.asarray(group.mon.spike_index).size
    assert np.mean(counts) > 80
    assert abs(spikes - np.mean(counts)) < 4 * np.std(counts, ddof=1), (spikes, counts)
    assert np.asarray(group.mon.spike_time).max() > 1.5  # spikes all through the run, after the first delay


def test_state_stays_on_the_device_between_runs():
    # a driven group (no float atomics: exact) with synapses that deliver nothing: its state and connectivity
    # stay on the device between runs and advance chunks; the host reads the current values on demand, and a
    # host write (a field set, a view written in place) reaches the next run
    n, steps = 120, 5
    drive = np.random.default_rng(5).uniform(0., 3., (steps, n))

    def build():
        group = networks.lif_group(n, seed=2, monitors=('spike', 'V'))
        group.ST['V'] = np.random.default_rng(2).uniform(-70., -60., n)  # below threshold: V moves every step
        syn = bp.SynConn(networks.FORMS["rows"], pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.1))
        syn.pars['w'] = 0.
        return bp.Network(group, syn), group

    seen = {}
    for device in ("cpu", "gpu"):
        bp.profile.set(device=device, jit=True)
        net, group = build()
        inputs = [(group, 'ge', drive)]
        net.run(steps * 0.1, inputs=inputs)
        net.run(steps * 0.1, inputs=inputs)
        first = group.ST['V'].copy()  # read on the host after two runs
        group.ST['V'][:10] = -70.  # written in place through the view
        net.run(steps * 0.1, inputs=inputs)
        group.ST['ge'] = 1.5  # set
        net.advance(0.2, inputs=[(group, 'ge', drive[:2])])
        net.advance(0.3, inputs=[(group, 'ge', drive[:3])])
        seen[device] = first, group.ST['V'].copy(), group.ST['ge'].copy(), networks.spike_events(group)
        if device == "gpu":
            kernel = next(iter(net._kernels.values()))
            uploads = kernel.residency.uploads
    for cpu, gpu in zip(seen["cpu"], seen["gpu"]):
        np.testing.assert_array_equal(gpu, cpu)
    assert not np.array_equal(seen["cpu"][1][10:], seen["cpu"][0][10:])  # the runs moved the state
    # five calls: the group's state went up three times (first call, after each host write), the synapses'
    # connectivity once; a monitor's buffers are new at every call
    assert uploads["NeuGroup0_ST"] == 3
    assert uploads["SynConn1_pre2post_idx"] == uploads["SynConn1_pre2post_ptr"] == 1
    assert uploads["NeuGroup0_mon_spike_index"] == 5


def test_state_kept_on_the_device_is_read_back_once_and_restored_on_a_refusal():
    bp.profile.set(device="gpu")
    net, group = networks.shifted(60, 0, seed=8)
    net.run(0.5)
    kernel = next(iter(net._kernels.values()))
    fetched = kernel.transfers["to_host"]
    before = {key: group.ST[key].copy() for key in ('V', 'ge')}  # one copy of the state back, for both reads
    assert kernel.transfers["to_host"] == fetched + 1
    net.run(0.5)
    middle = group.ST['V'].copy()
    assert not np.array_equal(middle, before['V'])
    net.objects[1].pars['shift'] = 1000
    with pytest.raises(RunError, match="IndexError"):
        net.run(1.0)
    np.testing.assert_array_equal(group.ST['V'], middle)  # the refused call left the state as it began


def _stuck(ST, _t):
    x = ST['V']
    while x < 1.:
        x = x * 2.
    ST['V'] = x


def test_an_endless_while_loop_stops_the_gpu_run_naming_its_line(monkeypatch):
    # the safe mode's bound on while loops (passes.bound_loops) is lowered to the device's error value; a bound of
    # 20 rounds keeps the simulator's Python threads quick
    from bp_core.simulation import planning

    monkeypatch.setattr(planning, "WHILE_LIMIT", 20)
    bp.profile.set(device="gpu", jit=True)
    group = bp.NeuGroup(bp.NeuType(name='Stuck', ST=bp.types.NeuState({'V': 0.}), steps=_stuck, mode='scalar'), 8)
    net = bp.Network(group)
    line = inspect.getsourcelines(_stuck)[1] + 2
    with pytest.raises(RunError, match=rf"(?s)'_stuck'.*raised RuntimeError.*on the GPU: a 'while' loop went round "
                                       rf"more than.*line {line}: while x < 1.:"):
        net.run(0.2)
    assert {type(kernel).__name__ for kernel in net._kernels.values()} == {"CudaKernel"}
    np.testing.assert_array_equal(group.ST['V'], 0.)


def test_a_spike_queue_of_weights_times_spikes_equals_cpu():
    # Izhikevich's pulse synapses (ST['g'] = ST['w'] * pre['spike']): the queue carries the spikes, the delayed
    # step reads each synapse's weight at delivery; a few neurons start above threshold so events arrive early
    from tests.spec_models import izhikevich_network as izh

    def build():
        group, exc, inh, thalamic = izh.make(16, 4, prob=0.3)
        group.ST['v'] = np.where(np.arange(20) % 3 == 0, 35., -65.)
        exc.delay = np.random.default_rng(1).choice([0.1, 0.2, 0.3], exc.num)
        inh.delay = 0.1
        build.inputs = thalamic[:15]
        return bp.Network(group, exc, inh), group

    (cpu_net, cpu), (gpu_net, gpu) = _both(build, 1.5, inputs=lambda group: (group, 'ST.input', build.inputs),
                                           jit=False)
    assert "QueueArrival" in {type(op).__name__ for op in next(iter(gpu_net._kernels.values())).plan.ops}
    assert cpu.mon.spike.sum() >= 7
    np.testing.assert_array_equal(gpu.mon.spike, cpu.mon.spike)
    np.testing.assert_allclose(gpu.mon.v, cpu.mon.v, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(gpu_net.objects[1].ST['g'], cpu_net.objects[1].ST['g'])


def _j_times_spikes():
    """The spike-queue parameter tests' network of ``ST['g'] = J * ST['w'] * pre['spike']`` with delays of 0 to
    0.7 ms per synapse, its top neurons firing in the first steps (J and the weights are multiples of 1/4)."""
    from tests.bp_core.simulation import test_spike_queue_parameters as par

    net, group = par._network(par.J_W_SPIKE, [0., 0.3, 0.7])
    group.ST['V'] = np.linspace(0.8, 1.05, N)
    return net, group


def _same_spikes_and_state(out):
    """The GPU's spikes (what the runs returned), V and every synapse's g equal the CPU's bit for bit."""
    (cpu_net, cpu, cpu_spikes), (gpu_net, gpu, gpu_spikes) = out
    np.testing.assert_array_equal(gpu_spikes, cpu_spikes)
    np.testing.assert_array_equal(gpu.ST['V'], cpu.ST['V'])
    for mine, theirs in zip(gpu_net.objects[1:], cpu_net.objects[1:]):
        np.testing.assert_array_equal(mine.ST['g'], theirs.ST['g'])


def test_a_spike_queue_of_j_times_spikes_equals_cpu_with_j_changed_between_runs():
    # the capture stores the spike times J as the event leaves, so the events on their way when J changes keep
    # the old J
    def drive(net, group):
        exc, inh = net.objects[1:]
        spikes = []
        for n_steps, j in ((4, 1.25), (3, 0.25), (6, 0.5)):
            net.advance(n_steps=n_steps)
            spikes.append(np.asarray(group.mon.spike).copy())
            exc.pars['J'], inh.pars['J'] = j, -j
        return np.concatenate(spikes)

    out = _on_both(_j_times_spikes, drive, jit=False)
    (_, _, cpu_spikes), (gpu_net, _, _) = out
    kernel = next(iter(gpu_net._kernels.values()))
    captures = [op for op in kernel.plan.ops if type(op).__name__ == "QueueCapture"]
    assert len(captures) == 2 and all(len(op.factors) == 1 and op.factors[0].endswith("_J") for op in captures)
    assert cpu_spikes[:7].sum() > 3 and cpu_spikes.sum() > 10
    _same_spikes_and_state(out)


def test_a_j_made_per_synapse_with_events_on_their_way_moves_them_into_the_delay_line_as_on_the_cpu():
    # the events the GPU's queue holds when J becomes per-synapse go into the delay line the next call runs
    def drive(net, group):
        exc = net.objects[1]
        net.advance(n_steps=4)
        spikes = [np.asarray(group.mon.spike).copy()]
        exc.pars['J'] = np.random.default_rng(1).choice([0.25, 0.5, 1.], size=exc.num)
        net.advance(n_steps=8)
        spikes.append(np.asarray(group.mon.spike).copy())
        return np.concatenate(spikes)

    out = _on_both(_j_times_spikes, drive, jit=False)
    (_, _, cpu_spikes), (gpu_net, _, _) = out
    assert cpu_spikes[:4, :N_EXC].sum() > 0 and cpu_spikes.sum() > 10  # excitatory events on their way
    assert "delayed through a delay line" in delay_note(gpu_net, gpu_net.objects[1])
    _same_spikes_and_state(out)


def test_a_line_standing_for_a_queue_gives_way_to_it_as_on_the_cpu():
    # values no events copy go through a delay line; once it holds only copies of events (8 steps, the longest
    # delay's slots) the next call runs the queue, started from the line the GPU wrote
    def drive(net, group):
        exc = net.objects[1]
        net.advance(n_steps=2)
        exc.ST['g'] = np.random.default_rng(2).choice([0., 0.25, 0.5, 1.], size=exc.num)
        spikes, forms = [], []
        for n_steps in (3, 3, 3, 4):
            net.advance(n_steps=n_steps)
            spikes.append(np.asarray(group.mon.spike).copy())
            forms.append("spike queue" in delay_note(net, exc))
        assert forms == [False, False, False, True]
        return np.concatenate(spikes)

    out = _on_both(_j_times_spikes, drive, jit=False)
    assert out[0][2].sum() > 10
    _same_spikes_and_state(out)
