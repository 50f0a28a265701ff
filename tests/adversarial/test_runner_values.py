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


@pytest.mark.parametrize("seed", [-5, 2**32, float('nan'), 1.7, 'abc', True], ids=repr)
def test_a_seed_that_is_no_whole_number_a_generator_takes_is_refused_where_given(seed):
    # a negative one ended every pass in the worker with numpy's ValueError; 1.7 ran as seed 1 without a word
    with pytest.raises(ModelUseError, match=r"LiveRunner's seed must be a whole number from 0 to 2\*\*32 - 1, got "):
        LiveRunner(NET, duration=5., chunk=1., seed=seed)


def test_the_largest_seed_runs_its_pass():
    group = NET.objects[0]
    runner = LiveRunner(NET, duration=2., chunk=1., seed=2**32 - 1)
    try:
        before = group.ST['V'].copy()
        runner.restart()
        assert runner.wait(60) and runner.error == ""
        steps = round(2. / NET.dt)
        assert (group.ST['V'] == before + steps).all()
    finally:
        runner.close()
