"""SweepExplorer: a grid on worker processes fills the heatmap, and a click replays the point in the explorer."""

import numpy as np
import pytest

import bp_core as bp
from bpwidgets import SweepExplorer
from bpwidgets.dashboards import gamma


def test_the_gamma_sweep_fills_every_cell_and_a_click_replays_the_measured_run():
    lab = gamma.GammaLab(num=20, duration=40., sweep_size=3)
    lab.runner.wait()
    sweep = lab.sweep
    sweep.run()
    assert sweep.wait(600)
    assert sweep.done == 9 and not sweep.errors
    rates = sweep.values["mean_rate"]
    assert np.all(np.isfinite(rates)) and np.all(rates > 0)
    # stronger drive, more spikes (the columns are the input current)
    assert np.all(np.diff(rates, axis=1) > 0)
    assert all(cell.style.button_color not in ("", "transparent") for cell in sweep.cells)
    assert "mean rate" in sweep.cells[4].tooltip and "9 of 9 points" in sweep.info
    lab.widget.selected_index = 1
    sweep.select(2, 1)
    lab.runner.wait()
    assert lab.widget.selected_index == 0
    shown = lab.explorer.summary
    for key in ("mean_rate", "coherence", "cv_isi"):
        assert shown[key] == sweep.values[key][2, 1] or (np.isnan(shown[key]) and np.isnan(sweep.values[key][2, 1]))
    assert lab.explorer.panels[0].g_max == sweep.rows[2]
    lab.runner.close()


def _half_broken(a, b):
    if a > 1:
        raise ValueError("too big")
    return {"sum": a + b}


def test_failing_points_are_marked_and_the_rest_kept():
    sweep = SweepExplorer(_half_broken, {"a": [0.0, 2.0], "b": [1.0, 2.0, 3.0]}, {"sum": "a + b"})
    sweep.run()
    assert sweep.wait(300)
    np.testing.assert_array_equal(sweep.values["sum"][0], [1.0, 2.0, 3.0])
    assert np.all(np.isnan(sweep.values["sum"][1])) and len(sweep.errors) == 3
    assert "too big" in sweep.cells[3].tooltip and sweep.cells[3].style.button_color == "#d62728"


def test_a_grid_that_is_not_two_parameters_or_a_missing_control_is_refused():
    with pytest.raises(bp.errors.ModelUseError, match="exactly two"):
        SweepExplorer(_half_broken, {"a": [1.0]}, {"sum": "s"})
    lab_explorer = gamma.explorer(num=10, duration=20.)
    with pytest.raises(bp.errors.ModelUseError, match="no control 'b'"):
        SweepExplorer(_half_broken, {"g_max": [0.0], "b": [1.0]}, {"sum": "s"}, explorer=lab_explorer)
    lab_explorer.runner.close()
