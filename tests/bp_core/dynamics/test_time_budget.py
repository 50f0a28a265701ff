"""Calls that follow curves in two parameters end within their time budget, with what they computed and a
warning that names the curves cut short and the argument that gives more time."""

import time
import warnings

import numpy as np
import pytest

import bp_core as bp
from bp_core.dynamics import time_budget
from bp_core.dynamics.codim2 import continue_codim2
from bp_core.errors import ModelUseError, TimeBudgetWarning
from tests.bp_core.dynamics.test_continuation import bautin_normal_form

BOX = {'x': [-2., 2.], 'y': [-2., 2.]}


@pytest.fixture(scope="module")
def analyzer():
    return bp.BifurcationAnalyzer(bautin_normal_form(), {'b1': [-0.3, 0.3], 'b2': [-0.5, 0.5]}, BOX, par_resolution=0.02)


def test_codim2_curves_out_of_time_says_what_it_left_and_how_to_give_more(analyzer):
    began = time.perf_counter()
    with pytest.warns(TimeBudgetWarning) as record:
        result = analyzer.codim2_curves(cycles=True, time_budget=1e-6)
    assert time.perf_counter() - began < 5.0
    message = str(record[0].message)
    assert record[0].filename == __file__  # told at the user's call
    assert "codim2_curves" in message and "time_budget=" in message and "None for no limit" in message
    assert result.unfinished and all("not searched" in u or "cut short" in u for u in result.unfinished)
    assert "b2 = " in result.unfinished[0]
    # Not kept: a call with time enough computes every curve, the Hopf curve b1 = 0 with its GH point.
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimeBudgetWarning)
        full = analyzer.codim2_curves(time_budget=None)
    assert full.unfinished == []
    (hopf,) = [c for c in full.curves if c.label == "H"]
    np.testing.assert_allclose(hopf.values[:, 0], 0.0, atol=1e-10)
    assert [p.label for p in hopf.special] == ["GH"]


def test_a_curve_followed_when_the_budget_has_run_out_ends_saying_why(analyzer):
    (hopf,) = [p for p in analyzer.bifurcation_points({'b2': 0.4}) if p.label == "H"]
    with time_budget.within(1e-9, "codim2_curves"):
        time.sleep(1e-3)
        curve = continue_codim2(analyzer.field, hopf, ['b1', 'b2'], np.array([0.0, 0.4]),
                                [(-0.3, 0.3), (-0.5, 0.5)], [(-2., 2.), (-2., 2.)], max_step=0.02)
    assert curve.stopped.count("the time budget of codim2_curves (1e-09 s) ran out") == 2
    assert len(curve.values) <= 4  # a step each way


def test_a_fold_of_cycles_curve_out_of_time_warns_and_names_its_argument(analyzer):
    (branch,) = analyzer.cycle_branches({'b2': 0.4})
    (fold,) = [p for p in branch.special if p.label == "LPC"]
    with pytest.warns(TimeBudgetWarning, match=r"fold_of_cycles_curve.*the LPC curve: cut short") as record:
        curve = analyzer.fold_of_cycles_curve(fold, branch, {'b2': 0.4}, time_budget=1e-9)
    assert record[0].filename == __file__
    assert "fold_of_cycles_curve(time_budget=...)" in curve.stopped
    # its points are folds of cycles all the same: on b1 = -b2^2 / 4
    np.testing.assert_allclose(curve.values[:, 0], -curve.values[:, 1] ** 2 / 4, atol=1e-9)


def test_an_inner_call_keeps_the_outer_deadline():
    with time_budget.within(1e-9, "outer") as outer:
        with time_budget.within(100.0, "inner") as inner:
            assert inner is outer and time_budget.current().call == "outer"
        with time_budget.within(None, "inner"):
            assert time_budget.current() is outer
    assert time_budget.current() is None and not time_budget.expired()


@pytest.mark.parametrize("bad", [0, -1.0, "30", float("nan")])
def test_a_time_budget_that_is_no_positive_number_is_refused(analyzer, bad):
    with pytest.raises(ModelUseError, match=r"codim2_curves\(time_budget=\.\.\.\) takes a positive number"):
        analyzer.codim2_curves(time_budget=bad)
