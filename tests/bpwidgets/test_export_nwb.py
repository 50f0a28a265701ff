"""The NetworkExplorer's NWB export: the pass shown, readable with pynwb, saved through the export row."""

import io

import h5py
import numpy as np
from pynwb import NWBHDF5IO

import bp_core as bp
from bpwidgets import NetworkExplorer


def test_nwb_holds_the_pass_and_goes_through_the_downloader():
    with bp.profile.override(dt=0.04, numerical_method='exponential'):
        net, neu, syn = bp.models.gamma_network(num=30, seed=1)
    explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=40., params={syn: ['g_max']},
                               traces=(0, 3), chunk=10., seed=11)
    try:
        assert explorer.runner.wait()
        check_export(explorer, neu, syn)
    finally:
        explorer.runner.close()


def check_export(explorer, neu, syn):
    events = explorer._pass_events()
    assert len(events) > 0 and events.ts.size == 1000  # the whole pass, streamed in four chunks
    data = explorer.export_nwb()
    with h5py.File(io.BytesIO(data), 'r') as h5, NWBHDF5IO(file=h5, mode='r') as reader:
        nwb = reader.read()
        for neuron in range(neu.num):
            np.testing.assert_array_equal(nwb.units['spike_times'][neuron],
                                          events.time[events.index == neuron] / 1000.)
        traces = nwb.processing[neu.name]['V']
        filled = -(-explorer._filled_steps // explorer._per_bin)
        np.testing.assert_array_equal(traces.data[:], explorer._bin_voltages[:filled])
        assert '"elements": [0, 3]' in traces.comments
        assert syn.name not in nwb.processing  # its monitors hold the last chunk only
        assert bp.io.read_parameters(nwb)[syn.name]['g_max'] == syn.pars['g_max']
        assert "seed 11" in nwb.session_description
    sent = []
    explorer.export.downloader.send = lambda content, buffers=None: sent.append((content, buffers))
    explorer.export.buttons["NWB"].click()
    assert explorer.export.message.value == ""
    assert sent[-1][0] == {"type": "download", "name": "run.nwb", "mime": "application/x-hdf5"}
    with h5py.File(io.BytesIO(sent[-1][1][0]), 'r') as h5, NWBHDF5IO(file=h5, mode='r') as reader:
        assert len(reader.read().units) == neu.num
