"""bp.io.to_nwb: a run written as NWB and read back with pynwb equals the monitors it came from."""

import io

import h5py
import numpy as np
import pytest
from pynwb import NWBHDF5IO

import bp_core as bp
from bp_core.errors import ModelUseError


@pytest.fixture
def run_net():
    """A small LIF network after a 30 ms run: spikes, V, a 0/1 flag, a chosen-neuron decimated V, a synaptic trace."""
    bp.profile.set(dt=0.1, seed=4)
    lif = bp.models.get_LIF(V_rest=0., V_reset=0., V_th=10., tau=10., t_refractory=2.)
    group = bp.NeuGroup(lif, 6, name='exc', monitors=['spike', 'V', 'refractory'])
    probe = bp.NeuGroup(lif, 3, name='probe', monitors=[bp.Monitor('V', indices=[0, 2], interval=0.5)])
    syn = bp.SynConn(bp.models.get_AMPA1(), pre_group=group, post_group=probe, conn=bp.connect.All2All(),
                     name='ampa', monitors=['s'])
    group.pars['tau'] = np.linspace(8., 12., 6)  # one value per neuron
    net = bp.Network(group, probe, syn)
    net.run(30., inputs=[(group, 'ST.input', np.linspace(11., 30., 6))])
    return net, group, probe, syn


def read(path):
    reader = NWBHDF5IO(str(path), mode='r')
    return reader, reader.read()


def test_round_trip_spikes_traces_parameters_and_code(run_net, tmp_path):
    net, group, probe, syn = run_net
    path = bp.io.to_nwb(net, tmp_path / 'run.nwb')
    reader, nwb = read(path)
    try:
        units = nwb.units
        assert list(units['group'][:]) == ['exc'] * 6
        events = group.mon.spike_events
        assert len(events) > 6  # every neuron is driven over threshold
        for neuron in range(6):
            assert units['neuron'][neuron] == neuron
            np.testing.assert_array_equal(units['spike_times'][neuron], events.time[events.index == neuron] / 1000.)

        v = nwb.processing['exc']['V']
        np.testing.assert_array_equal(v.data[:], group.mon.V)
        np.testing.assert_allclose(v.starting_time + np.arange(v.data.shape[0]) / v.rate, group.mon.ts / 1000.,
                                   rtol=0, atol=1e-12)
        assert v.unit == lif_unit(group, 'V')

        chosen = nwb.processing['probe']['V']
        np.testing.assert_array_equal(chosen.data[:], probe.mon.V)
        assert chosen.rate == pytest.approx(1000. / 0.5)
        np.testing.assert_allclose(chosen.starting_time, probe.mon.V_time[0] / 1000.)
        assert '"elements": [0, 2]' in chosen.comments

        np.testing.assert_array_equal(nwb.processing['ampa']['s'].data[:], syn.mon.s)
        # a 0/1 flag recorded as events is exported as its dense rows
        assert group.mon.event_keys() == ['spike', 'refractory']
        np.testing.assert_array_equal(nwb.processing['exc']['refractory'].data[:], group.mon.refractory)
        assert 'spike' not in nwb.processing['exc'].data_interfaces

        pars = bp.io.read_parameters(nwb)
        np.testing.assert_array_equal(pars['exc']['tau'], group.pars['tau'])
        assert pars['ampa'] == {k: syn.pars[k] for k in syn.pars.keys()}
        assert pars['network'] == {'dt': 0.1, 't_start': 0.0, 't_end': pytest.approx(30.)}

        code = nwb.scratch['code_exc'].data  # pynwb reads text scratch data back as str
        code = code.decode() if isinstance(code, bytes) else code
        assert "def update(ST, _t):" in code and "def int_V(V, _t, I_ext):" in code
    finally:
        reader.close()
    assert bp.io.read_parameters(path)['exc'].keys() == set(group.pars.keys())


def lif_unit(group, key):
    return group.model.units.get(key, 'n.a.')


def test_bytes_are_the_same_file(run_net):
    net, group, _, _ = run_net
    data = bp.io.nwb_bytes(net, identifier='fixed')
    with h5py.File(io.BytesIO(data), 'r') as h5, NWBHDF5IO(file=h5, mode='r') as reader:
        nwb = reader.read()
        assert nwb.identifier == 'fixed'
        np.testing.assert_array_equal(nwb.processing['exc']['V'].data[:], group.mon.V)


def test_records_replace_the_monitors_of_named_objects(run_net, tmp_path):
    net, group, _, _ = run_net
    events = bp.Events(index=np.array([1, 0, 1]), step=np.array([3, 5, 8]), ts=np.arange(10) * 0.1, num=6)
    sampled = {'ts': np.arange(10) * 0.1, 'spike': events, 'V': np.ones((4, 2)), 'V_time': np.array([0., 1., 2.5, 3.]),
               'V_index': np.array([0, 3])}
    reader, nwb = read(bp.io.to_nwb(net, tmp_path / 'pass.nwb', records={group: sampled}))
    try:
        np.testing.assert_allclose(nwb.units['spike_times'][1], [0.0003, 0.0008])
        assert len(nwb.units['spike_times'][2]) == 0
        v = nwb.processing['exc']['V']
        np.testing.assert_allclose(v.timestamps[:], [0., 0.001, 0.0025, 0.003])  # irregular rows keep their times
        assert '"elements": [0, 3]' in v.comments
    finally:
        reader.close()


def test_a_network_never_run_is_refused(tmp_path):
    group = bp.NeuGroup(bp.models.get_LIF(), 2, monitors=['spike'])
    with pytest.raises(ModelUseError, match=r"never run.*net\.run"):
        bp.io.to_nwb(bp.Network(group), tmp_path / 'x.nwb')
    with pytest.raises(ModelUseError, match="bp.Network"):
        bp.io.to_nwb(group, tmp_path / 'x.nwb')
    assert not list(tmp_path.iterdir())


def test_paths_are_checked_and_an_existing_file_is_kept(run_net, tmp_path):
    net, group, _, _ = run_net
    with pytest.raises(ModelUseError, match="does not exist; create it"):
        bp.io.to_nwb(net, tmp_path / 'missing' / 'run.nwb')
    with pytest.raises(ModelUseError, match="is a folder"):
        bp.io.to_nwb(net, tmp_path)
    kept = tmp_path / 'run.nwb'
    kept.write_bytes(b'earlier results')
    with pytest.raises(ModelUseError, match="overwrite=True"):
        bp.io.to_nwb(net, kept)
    with pytest.raises(ModelUseError, match="3 rows of float64 and 2 times"):  # fails while building: the old file stays
        bp.io.to_nwb(net, kept, overwrite=True, records={'exc': {'ts': np.zeros(2), 'V': np.zeros((3, 6))}})
    assert kept.read_bytes() == b'earlier results'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['run.nwb']  # no partial file left beside it
    bp.io.to_nwb(net, kept, overwrite=True)
    reader, nwb = read(kept)
    try:
        np.testing.assert_array_equal(nwb.processing['exc']['V'].data[:], group.mon.V)
    finally:
        reader.close()


def test_records_for_an_unknown_object_are_refused(run_net, tmp_path):
    net, _, _, _ = run_net
    with pytest.raises(ModelUseError, match="not an object of this network"):
        bp.io.to_nwb(net, tmp_path / 'x.nwb', records={'inh': {}})
    with pytest.raises(ModelUseError, match="must map field names"):
        bp.io.to_nwb(net, tmp_path / 'x.nwb', records={'exc': [1, 2]})


def test_pynwb_loads_on_the_first_export_not_with_the_engine():
    import subprocess
    import sys

    script = "import sys, bp_core as bp; print(sorted(m for m in ('pynwb', 'h5py', 'hdmf') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip() == "[]"
