"""NeuGroup: a concrete group of neurons of one NeuType (a slice of it is a NeuSubGroup)."""

from __future__ import annotations

from typing import Any

import numpy as np

from bp_core.errors import ModelUseError
from bp_core.model.obj_type import NeuType
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.network import Network
from bp_core.simulation.sub_group import NeuSubGroup, select

__all__ = ["NeuGroup"]


def _geometry(geometry: Any) -> tuple[int, ...]:
    if isinstance(geometry, (int, np.integer)):
        shape = (int(geometry),)
    elif isinstance(geometry, (tuple, list)) and 1 <= len(geometry) <= 2:
        shape = tuple(int(g) for g in geometry)
    else:
        raise ModelUseError(f"geometry must be an int or a tuple of one or two ints, got {geometry!r}.")
    if any(g <= 0 for g in shape):
        raise ModelUseError(f"geometry must be positive, got {geometry!r}.")
    return shape


class NeuGroup(Ensemble):
    """A group of neurons of one NeuType.

    Parameters
    ----------
    model : NeuType
    geometry : int or (int, int)
        Number of neurons, or a 2-D grid.
    monitors : list of str, optional
        State fields to record each step (``group.mon.V`` after a run).
    name : str, optional
    satisfies : dict, optional
        Data the model's steps require.
    pars_update : dict, optional
        Parameter values for this group.
    """

    def __init__(self, model: NeuType, geometry: int | tuple, monitors: list | None = None, name: str | None = None,
                 satisfies: dict | None = None, pars_update: dict | None = None):
        if not isinstance(model, NeuType):
            raise ModelUseError(f"NeuGroup needs a NeuType model, got {model!r}.")
        self.geometry = _geometry(geometry)
        super().__init__(name, int(np.prod(self.geometry)), model, monitors, pars_update, satisfies, "NeuGroup")

    @property
    def indices(self) -> np.ndarray:
        """Neuron indices laid out in the group's geometry."""
        return np.arange(self.num).reshape(self.geometry)

    def __getitem__(self, item: Any) -> NeuSubGroup:
        return NeuSubGroup(self, select(self.name, self.indices, item))

    def run(self, duration: float | tuple, inputs: Any = (), report: bool = False,
            report_percent: float = 0.1) -> None:
        """Run this group alone.

        Parameters
        ----------
        duration : float or (float, float)
            Length in ms, or (start, end).
        inputs : tuple or list of tuples
            ``(key, value[, op])`` items, e.g. ``('ST.input', 5.)``.
        report : bool
            Print progress.
        report_percent : float
            Progress interval, as a fraction of the run.
        """
        items = [inputs] if isinstance(inputs, tuple) and inputs and isinstance(inputs[0], str) else list(inputs)
        formatted = []
        for item in items:
            if not isinstance(item, (tuple, list)) or not item or not isinstance(item[0], str):
                raise ModelUseError(f"inputs of {self.name}.run() are (key, value[, op]) tuples, got {item!r}.")
            formatted.append((self, *item))
        self._network().run(duration, inputs=formatted, report=report, report_percent=report_percent)

    def passes(self, step: str | None = None) -> list:
        """This group's step functions after each pass of the code generator (see ``Network.passes``)."""
        return self._network().passes(step=step)

    def _network(self) -> Network:
        """The network that runs this group alone, with the profile's current settings."""
        if "_lone_network" not in self.__dict__:
            object.__setattr__(self, "_lone_network", Network(self))
        self._lone_network.refresh_profile()
        return self._lone_network
