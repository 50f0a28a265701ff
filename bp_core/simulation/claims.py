"""Objects shared by networks: one network at a time runs a state.

A network's lock keeps two threads from running it at once, but a NeuGroup (or a SynConn) may belong to two
networks, and two threads running those networks would update its state together: updates are lost, with no
word. While a network is held, each object's state is claimed for it; another network that needs one of them
is refused at once with a ``ModelUseError`` naming the object, as a second run of one network is.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator

from bp_core.errors import ModelUseError

__all__ = ["claimed"]

_guard = threading.Lock()
_holders: dict[int, list[Any]] = {}  # id of a state -> [the network holding it, how many times it entered]


@contextmanager
def claimed(objects: list[Any], network: Any) -> Iterator[None]:
    """Claim the states of ``objects`` for ``network`` while the block runs (re-entrant for that network).

    Parameters
    ----------
    objects : list
        The network's objects (their states are claimed: a subgroup's is its parent's).
    network : Network
        The claimant.

    Raises
    ------
    ModelUseError
        When another network holds one of the states; nothing is claimed then.
    """
    states = {id(obj.ST): obj for obj in objects}
    with _guard:
        for key, obj in states.items():
            holder = _holders.get(key)
            if holder is not None and holder[0] is not network:
                raise ModelUseError(
                    f"{type(obj).__name__} {obj.name!r} is being run by another network (in another thread, or held "
                    f"by a LiveRunner or widget streaming it); two networks running one state at once would lose "
                    f"updates. Stop that one first (runner.stop()), or give this network objects of its own.")
        for key in states:
            _holders.setdefault(key, [network, 0])[1] += 1
    try:
        yield
    finally:
        with _guard:
            for key in states:
                holder = _holders[key]
                holder[1] -= 1
                if holder[1] == 0:
                    del _holders[key]
