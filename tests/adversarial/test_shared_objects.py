"""A group in two networks, run from two threads: one network at a time runs its state (updates used to be lost)."""

import threading

import numpy as np

import bp_core as bp
from bp_core.errors import ModelUseError


def count(ST, _t):
    ST['V'] += 1.


COUNTER = bp.NeuType(name='Counter', ST=bp.types.NeuState({'V': 0.}), steps=count, mode='vector')


def test_a_network_holding_a_group_refuses_another_network_of_it():
    shared = bp.NeuGroup(COUNTER, 4, name='shared')
    first, second = bp.Network(shared), bp.Network(shared, bp.NeuGroup(COUNTER, 2))
    entered, release = threading.Event(), threading.Event()

    def hold():
        with first.exclusive():
            entered.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(30)
    try:
        for attempt in (lambda: second.run(1.), lambda: shared.run(1.)):  # a group run alone too
            try:
                attempt()
                raise AssertionError("ran while another network held the group")
            except ModelUseError as error:
                assert "NeuGroup 'shared' is being run by another network" in str(error)
    finally:
        release.set()
        holder.join()
    second.run(1.)  # free again
    np.testing.assert_array_equal(shared.ST['V'], 10.)


def test_two_networks_of_one_group_in_two_threads_lose_no_update():
    shared = bp.NeuGroup(COUNTER, 200_000)
    nets = [bp.Network(shared), bp.Network(shared, bp.NeuGroup(COUNTER, 3))]
    for net in nets:
        net.run(0.1)
    shared.ST['V'] = 0.
    ran = []

    def work(net):
        for _ in range(10):
            try:
                net.run((0., 5.))
                ran.append(1)
            except ModelUseError:
                pass

    threads = [threading.Thread(target=work, args=(net,)) for net in nets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # every run let in ran alone: 50 steps of +1 each, none lost to the other network's run
    np.testing.assert_array_equal(shared.ST["V"], 50. * len(ran))
    assert ran
