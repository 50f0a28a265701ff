"""A LiveRunner's duration and chunk: a value that is no length of time is refused where it is given (it used to
surface later, in the worker thread, as every pass ending in an error)."""

import pytest
from traitlets import TraitError

import bp_core as bp
from bp_core.errors import ModelUseError
from bpwidgets.runner import LiveRunner


def count(ST, _t):
    ST['V'] += 1.


NET = bp.Network(bp.NeuGroup(bp.NeuType(name='Count', ST=bp.types.NeuState({'V': 0.}), steps=count,
                                        mode='vector'), 2))
NOT_LENGTHS = [float('nan'), float('inf'), -5., 0., 'ten', None, True]


@pytest.mark.parametrize("name", ["duration", "chunk"])
@pytest.mark.parametrize("value", NOT_LENGTHS, ids=repr)
def test_a_runner_refuses_a_duration_or_chunk_that_is_no_length(name, value):
    with pytest.raises(ModelUseError, match=f"LiveRunner's {name} must be a positive, finite number of ms"):
        LiveRunner(NET, **{name: value})


@pytest.mark.parametrize("value", NOT_LENGTHS[:4], ids=repr)
def test_a_duration_set_later_is_checked_and_the_old_one_kept(value):
    runner = LiveRunner(NET, duration=100.)
    with pytest.raises(TraitError, match=r"positive, finite number of ms.*\(100 ms\) is kept"):
        runner.duration = value
    assert runner.duration == 100.
    runner.duration = 50.
    assert runner.duration == 50.
