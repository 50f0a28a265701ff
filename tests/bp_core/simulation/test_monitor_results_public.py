"""``bp.MonitorResults``, the class of ``group.mon``, is public: code that holds recorded arrays (a recording read
from a file) builds one and hands it to whatever takes monitors."""

from __future__ import annotations

import numpy as np

import bp_core as bp
from bp_core.simulation.monitors import MonitorResults


def test_the_monitor_results_class_is_exported_and_documented():
    assert bp.MonitorResults is MonitorResults and "MonitorResults" in bp.__all__
    assert "Parameters" in bp.MonitorResults.__doc__ and "Examples" in bp.MonitorResults.__doc__


def test_built_from_recorded_arrays_it_answers_as_group_mon_does():
    ts = np.arange(4) * 0.5
    events = bp.Events(np.array([0, 3, 1]), np.array([1, 1, 3]), ts, 6)
    mon = bp.MonitorResults({"ts": ts, "V": np.arange(8.).reshape(4, 2)}, {"spike": events},
                            {"V_index": np.array([2, 5])}, {"spike": (2, 3)})
    assert mon.keys() == ["ts", "V", "spike"] and "spike" in mon and mon.event_keys() == ["spike"]
    dense = np.zeros((4, 6))
    dense[[1, 1, 3], [0, 3, 1]] = 1
    assert mon.spike.shape == (4, 2, 3) and np.array_equal(mon.spike.reshape(4, 6), dense)
    assert mon.spike_events is events and np.array_equal(mon.spike_index, [0, 3, 1])
    assert np.array_equal(mon.spike_time, [0.5, 0.5, 1.5]) and np.array_equal(mon.V_index, [2, 5])
