"""What the engine derives for the objects of one network, kept by the network instead of on the objects.

User objects (NeuGroup, SynConn) hold what the user gave them: model, state, parameters, data,
monitors, and the last run's results. The names they take in generated code and the delay lines
of delayed synapses belong to the network that runs them, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from bp_core.errors import ModelUseError

__all__ = ["BuildState", "DelayLine"]


@dataclass
class DelayLine:
    """The values of a synapse's delayed fields on their way.

    Attributes
    ----------
    buffer : ndarray
        (delay steps + 1, delayed fields, *state shape): one slot per step of delay.
    index : ndarray
        ``[write position, number of slots]`` (the length is data, so a new delay needs no recompilation).
    version : int
        The state version the buffer was filled for; a state set by the user since refills it.
    """

    buffer: np.ndarray
    index: np.ndarray
    version: int

    def copy(self) -> DelayLine:
        """An independent copy."""
        return DelayLine(self.buffer.copy(), self.index.copy(), self.version)


class BuildState:
    """Code names and delay lines of a network's objects (keyed by object name, unique in a network)."""

    def __init__(self) -> None:
        self._code_names: dict[str, str] = {}
        self._delays: dict[str, DelayLine] = {}

    def name_objects(self, members: Sequence[Any]) -> None:
        """Give each object its name in generated code.

        Objects the user did not name are named by position, so identical networks share one kernel.
        """
        codes = {}
        for k, obj in enumerate(members):
            code = obj.name if obj._named_by_user else f"{type(obj).__name__}{k}"
            codes[obj.name] = re.sub(r"\W", "_", code)
        if len(set(codes.values())) != len(codes):
            raise ModelUseError(f"object names must stay distinct in generated code, got {list(codes.values())}.")
        self._code_names = codes

    def code_name(self, obj: Any) -> str:
        """The identifier prefix of ``obj``'s kernel variables."""
        return self._code_names[obj.name]

    def delay_line(self, obj: Any) -> DelayLine | None:
        """``obj``'s delay line, if it has run one that is still current for its state."""
        line = self._delays.get(obj.name)
        if line is None or line.version != obj.ST.version:
            return None
        return line

    def set_delay_line(self, obj: Any, line: DelayLine) -> None:
        """Keep ``line`` as ``obj``'s delay line."""
        self._delays[obj.name] = line
