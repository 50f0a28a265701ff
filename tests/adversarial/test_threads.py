"""A second thread and a network another thread holds (runs, or streams chunk by chunk as a LiveRunner does):
what moves its clock, its random numbers or its objects is refused, never silently lost or mixed into the run."""

import threading

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError


def count(ST, _t):
    ST['V'] += 1.


COUNTER = bp.NeuType(name='ThreadCounter', ST=bp.types.NeuState({'V': 0.}), steps=count, mode='vector')


@pytest.mark.parametrize("change", ["rewind", "reseed", "add"])
def test_the_clock_random_numbers_and_objects_of_a_held_network_are_not_changed_from_another_thread(change):
    group = bp.NeuGroup(COUNTER, 3)
    net = bp.Network(group)
    net.run(1.)
    net.reseed(7)
    entered, release = threading.Event(), threading.Event()
    ended = []

    def stream():  # a pass of two chunks, held between them as a LiveRunner holds it
        with net.exclusive():
            net.advance(1.)
            entered.set()
            release.wait(30)
            net.advance(1.)
            ended.append((net.t_end, net._rng.bit_generator.state, list(net._objects)))

    holder = threading.Thread(target=stream)
    holder.start()
    try:
        assert entered.wait(30)
        rng_before = net._rng.bit_generator.state
        attempt = {"rewind": lambda: net.rewind(0.0), "reseed": lambda: net.reseed(3),
                   "add": lambda: net.add(extra=bp.NeuGroup(COUNTER, 2))}[change]
        with pytest.raises(ModelUseError, match="another thread"):
            attempt()
    finally:
        release.set()
        holder.join(30)
    t_end, rng_after, names = ended[0]
    assert t_end == pytest.approx(3.)  # the pass's two chunks after the first run, not rewound beneath it
    assert names == [group.name]
    if change == "reseed":
        assert rng_after != np.random.default_rng(3).bit_generator.state and rng_before is not None
    net.rewind(0.0)  # free again: the same calls work once the holder has let go
    net.reseed(3)
    net.add(extra=bp.NeuGroup(COUNTER, 2))
    assert net.t_end == 0.0 and len(net.objects) == 2
