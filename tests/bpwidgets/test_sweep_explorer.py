"""SweepExplorer: a grid on worker processes fills the heatmap, and a click replays the point in the explorer."""

import numpy as np
import psutil
import pytest

import bp_core as bp
from bpwidgets import SweepExplorer
from bpwidgets.dashboards import gamma
from tests.adversarial import sweep_points


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
    assert all(sweep.cell_state(r, c) == "ok" for r in range(3) for c in range(3))
    assert "mean rate" in sweep.tooltip(1, 1) and "9 of 9 points" in sweep.info
    lab.widget.selected_index = 1
    sweep.select(2, 1)
    lab.runner.wait()
    assert lab.widget.selected_index == 0
    shown = lab.explorer.summary
    for key in ("mean_rate", "coherence", "cv_isi"):
        assert shown[key] == sweep.values[key][2, 1] or (np.isnan(shown[key]) and np.isnan(sweep.values[key][2, 1]))
    assert lab.explorer.panels[0].g_max == sweep.rows[2]
    lab.runner.close()


_half_broken = sweep_points.half_broken  # in a module that workers import quickly


def test_failing_points_are_marked_and_the_rest_kept():
    # 'fork' starts the workers at once (nothing else runs in this test); the gamma test above uses 'spawn'
    sweep = SweepExplorer(_half_broken, {"a": [0.0, 2.0], "b": [1.0, 2.0, 3.0]}, {"sum": "a + b"},
                          start_method="fork")
    sweep.run()
    assert sweep.wait(300)
    np.testing.assert_array_equal(sweep.values["sum"][0], [1.0, 2.0, 3.0])
    assert np.all(np.isnan(sweep.values["sum"][1])) and len(sweep.errors) == 3
    assert "too big" in sweep.tooltip(1, 0) and sweep.cell_state(1, 0) == "failed"
    assert sweep.heatmap.cell_states.tolist() == [1, 1, 1, 2, 2, 2]


def test_a_grid_that_is_not_two_parameters_or_a_missing_control_is_refused():
    with pytest.raises(bp.errors.ModelUseError, match="exactly two"):
        SweepExplorer(_half_broken, {"a": [1.0]}, {"sum": "s"})
    lab_explorer = gamma.explorer(num=10, duration=20.)
    with pytest.raises(bp.errors.ModelUseError, match="no control 'b'"):
        SweepExplorer(_half_broken, {"g_max": [0.0], "b": [1.0]}, {"sum": "s"}, explorer=lab_explorer)
    lab_explorer.runner.close()


def _sum_or_text(a, b):
    if b > 2:
        return {"sum": "abc"}  # not a number: a failed cell, never a crash
    if a > 50:
        raise ValueError("row too high")
    return {"sum": a + b}


def _widgets_shown(build) -> int:
    """How many widgets the explorer's view holds (every cell a widget would make this grow with the grid)."""
    made = build()
    count, stack = 0, [made.widget]
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(getattr(node, "children", ()))
    made.heatmap.close()
    return count


def test_a_100_by_100_explorer_is_as_light_as_a_3_by_3_one_and_marks_failed_cells():
    small = _widgets_shown(lambda: SweepExplorer(_sum_or_text, {"a": [0.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]},
                                                {"sum": "a + b"}))
    grid = {"a": np.arange(100.0), "b": np.arange(100.0)}
    assert _widgets_shown(lambda: SweepExplorer(_sum_or_text, grid, {"sum": "a + b"})) == small
    sweep = SweepExplorer(_sum_or_text, grid, {"sum": "a + b"})
    syncs = []
    sweep.heatmap.observe(lambda change: syncs.append(1), names="states")
    # points arrive one by one as the worker thread delivers them: each sets its cells, the page is updated
    # at most every SYNC_S seconds, and what has not been sent yet goes with wait()
    outcomes = [bp.running.SweepResult({"a": 0.0, "b": float(c)}, value={"sum": float(c)}, index=c) for c in range(3)]
    outcomes += [bp.running.SweepResult({"a": 0.0, "b": 3.0}, value={"sum": "abc"}, index=3),
                 bp.running.SweepResult({"a": 51.0, "b": 0.0}, error="Traceback...\nValueError: row too high",
                                        failure="exception", index=5100)]
    for result in outcomes:
        sweep._post(lambda result=result: sweep._arrived(result.index, result))
    sweep.wait(1)
    assert sweep.done == 5 and 1 <= len(syncs) <= 3
    np.testing.assert_array_equal(sweep.values["sum"][0, :3], [0.0, 1.0, 2.0])
    assert [sweep.cell_state(0, c) for c in range(5)] == ["ok", "ok", "ok", "failed", "pending"]
    assert "not a number: sum = str 'abc'" in sweep.tooltip(0, 3)
    assert sweep.cell_state(51, 0) == "failed" and sweep.tooltip(51, 0).endswith("failed: ValueError: row too high")
    assert "2 failed" in sweep.info and sweep.heatmap.cell_states[3] == 2
    # a point still arriving from a sweep that was cancelled and started again is dropped
    sweep._arrived(7, bp.running.SweepResult({"a": 0.0, "b": 7.0}, value={"sum": 7.0}, index=7), generation=-1)
    assert sweep.cell_state(0, 7) == "pending" and sweep.done == 5
    # what the page receives: the float32 values and the states of every cell
    sent = np.frombuffer(sweep.heatmap.values, "<f4")
    assert sent.size == 10_000 and sent[2] == 2.0 and np.isnan(sent[4])
    sweep.heatmap.close()


def test_a_cell_clicked_or_hovered_in_the_page_answers_and_bad_messages_are_ignored():
    sweep = SweepExplorer(_half_broken, {"a": [0.0, 2.0], "b": [1.0, 2.0, 3.0]}, {"sum": "a + b"})
    sent = []
    sweep.heatmap.send = lambda content, buffers=None: sent.append(content)
    for message in ({"type": "tip", "cell": 4}, {"type": "tip", "cell": 99}, {"type": "tip", "cell": True},
                    "junk", {"type": "select", "cell": "4"}, {"type": "select", "cell": 5}):
        sweep.heatmap._handle_message(None, message)
    assert sent == [{"type": "tip", "cell": 4, "text": "a = 2, b = 2: not run yet"}]
    assert sweep.selected == (1, 2) and sweep.heatmap.selected == 5
    sweep.heatmap.set_state({"selected": 0, "n_rows": 7})  # state from the page is refused: it only draws
    assert sweep.heatmap.selected == 5 and sweep.heatmap.n_rows == 2 and "set from Python" in sweep.heatmap.refused
    sweep.heatmap.close()




def test_cancel_keeps_the_finished_cells_and_ends_every_worker():
    sweep = SweepExplorer(sweep_points.slow_sum, {"a": np.arange(100.0), "b": np.arange(100.0)}, {"sum": "a + b"},
                          start_method="fork")
    sweep.run()
    assert sweep.running and not sweep.cancel_button.disabled
    while sweep.done < 2 and sweep.running:
        sweep.wait(0.2)
    sweep.cancel()
    assert sweep.wait(60)
    kept = np.isfinite(sweep.values["sum"])
    assert 2 <= kept.sum() < 10_000 and sweep.cancelled and "cancelled" in sweep.info
    assert np.all(sweep.values["sum"][kept] == np.add.outer(np.arange(100.0), np.arange(100.0))[kept])
    assert sweep.cancel_button.disabled and not sweep.errors
    assert not [p for p in psutil.Process().children(recursive=True)
                if p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())]
    sweep.heatmap.close()


@pytest.mark.parametrize("grid, said", [({"a": "10", "b": [1.0]}, "string '10'"),
                                        ({"a": [1.0, float("nan")], "b": [1.0]}, "non-finite"),
                                        ({"a": ["x"], "b": [1.0]}, "give numbers")])
def test_bad_axes_are_refused_naming_the_parameter(grid, said):
    with pytest.raises(bp.errors.ModelUseError, match="'a'") as err:
        SweepExplorer(_half_broken, grid, {"sum": "s"})
    assert said in str(err.value)
