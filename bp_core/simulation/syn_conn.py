"""SynConn: synapses of one SynType between a pre- and a post-synaptic group."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from bp_core import connect as connect_module
from bp_core.errors import ModelUseError, UnusedDelayWarning, close_matches
from bp_core.model.obj_type import CONNECTIVITY_DATA, SynType
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.neu_group import NeuGroup
from bp_core.simulation.sub_group import NeuSubGroup
from bp_core.simulation.syn_pathways import (
    check_pathways,
    checked_delay,
    checked_pathway_delays,
    member_names,
    pathway_members,
    runs_as_members,
)

__all__ = ["SynConn", "CONNECTIVITY_DATA"]



def _group_indices(group: Any, role: str) -> np.ndarray:
    if isinstance(group, NeuGroup):
        return group.indices
    if isinstance(group, NeuSubGroup):
        return group.indices
    raise ModelUseError(f"{role}_group must be a NeuGroup or a slice of one, got {group!r}.")


_LIBRARY_TARGET = " (the plasticity rules of bp.models take it as post_field: get_STDP(post_field='ge'))"


class SynConn(Ensemble):
    """Synapses of a SynType.

    Either give ``pre_group``, ``post_group`` and ``conn`` (a connector, an ``(i, j)`` pair
    of index arrays, or a connectivity matrix), or give ``num`` and assign ``pre``,
    ``post``, ``pre2syn`` and ``post2syn`` afterwards.

    Parameters
    ----------
    model : SynType
    pre_group, post_group : NeuGroup or NeuSubGroup, optional
    conn : Connector, tuple or ndarray, optional
    delay : float, array or dict
        Synaptic delay in ms: ``@delayed`` steps read the state this long ago. An array gives one delay per
        synapse (in synapse order), for models whose delayed fields copy presynaptic events (spike queues).
        A model with several pathways (``@bp.delayed(pathway='up')``) takes a dict of one delay per pathway,
        each a number or an array: ``delay={'up': 1., 'down': 5.}``; a pathway of postsynaptic spikes
        (``@bp.delayed(pathway='back', on='post')``) takes one number, ``delay={'back': 2.}``. A spatial
        connector made with ``delay=`` (a function of the synapses' lengths) gives the delays itself.
    name : str, optional
    monitors : list of str, optional
    satisfies : dict, optional
    pars_update : dict, optional
    num : int, optional
        Number of synapses, for hand-assigned connectivity.
    """

    _reserved = Ensemble._reserved | {"pre", "post", "pre_group", "post_group", "delay"}

    def __init__(self, model: SynType, pre_group: Any = None, post_group: Any = None, conn: Any = None,
                 delay: float | np.ndarray | dict = 0.0, name: str | None = None, monitors: list | None = None,
                 satisfies: dict | None = None, pars_update: dict | None = None, num: int | None = None):
        if not isinstance(model, SynType):
            raise ModelUseError(f"SynConn needs a SynType model, got {model!r}.")
        object.__setattr__(self, "_connectivity", {})
        object.__setattr__(self, "_pathway_conns", None)
        pathways = model.pathways if runs_as_members(model) else ()
        if isinstance(delay, dict) and not pathways and set(delay) == set(model.pathways) and delay:
            delay = delay[model.pathways[0]]  # one named pathway is the usual single delayed step
        by_pathway = bool(pathways) or isinstance(delay, dict)  # checked once the SynConn has its name
        self.delay = 0.0 if by_pathway else _named_delay(name, delay)
        if num is not None:
            if pre_group is not None or conn is not None:
                raise ModelUseError("give either num (and assign pre, post, pre2syn, post2syn) or "
                                    "pre_group, post_group and conn, not both.")
            self.pre_group = self.post_group = None
            self.pre_ids = self.post_ids = None
            shape: Any = int(num)
        else:
            if pre_group is None or post_group is None or conn is None:
                raise ModelUseError("SynConn needs pre_group, post_group and conn (or num=...).")
            self.pre_group, self.post_group = pre_group, post_group
            self.pre_ids, self.post_ids = self._connect(conn)
            lengths_delays = self._connectivity.pop("connector_delays", None)
            if lengths_delays is not None:  # the connector gave each synapse a delay from its length
                if by_pathway or np.ndim(self.delay) or self.delay != 0.0:
                    raise ModelUseError(f"SynConn {name!r}: its connector {type(conn).__name__} gives every synapse "
                                        f"a delay (its delay=...) and the SynConn's delay= gives delays too; give "
                                        f"them in one place (drop the SynConn's delay=, or the connector's).")
                self.delay = _named_delay(name, lengths_delays)
            for ids in (self.pre_ids, self.post_ids):
                # compiled code trusts them once checked: a change in place would index outside the groups
                ids.flags.writeable = False
            shape = (self.pre_group.num, self.post_group.num) if model.mode == "matrix" else int(self.pre_ids.size)
        self.pre: Any = getattr(pre_group, "ST", None)
        self.post: Any = getattr(post_group, "ST", None)
        super().__init__(name, shape, model, monitors, pars_update, satisfies, "SynConn")
        if by_pathway:
            self.delay = checked_pathway_delays(self.name, model, delay)
            check_pathways(self)
            object.__setattr__(self, "_monitor_request", monitors)  # recorded by the first pathway
        elif np.ndim(self.delay) and (model.mode == "matrix" or self.delay.size != self.num):
            raise ModelUseError(f"SynConn {self.name!r} got {self.delay.size} delays for its {self.num} synapses"
                                f"{' (matrix mode takes one delay)' if model.mode == 'matrix' else ''}; give one "
                                f"delay per synapse, in the order of the synapses, or one number for all.")
        else:
            _check_delay_is_read(self.name, model, self.delay)
        if self.pre_group is not None:
            self.check_neuron_states()
        object.__setattr__(self, "_delay_checked", True)  # from now on, syn.delay = ... is checked as it is set

    @property
    def mon(self) -> Any:
        """Monitor results of the last run (a SynConn of several pathways: those its first pathway recorded)."""
        members = self.__dict__.get("_pathway_conns")
        return members[0].mon if members else self.__dict__["_mon"]

    @mon.setter
    def mon(self, value: Any) -> None:
        self.__dict__["_mon"] = value

    def pathway_conns(self) -> list[SynConn] | None:
        """The SynConns a network runs for a model with several pathways (None for one delayed step).

        Each pathway runs as a SynConn of the same connectivity with the model's copy steps and that
        pathway's delayed step, delayed by that pathway's delay; all of them share this SynConn's state,
        parameters and connectivity, so ``syn.ST['w'] = ...`` and ``syn.pars[...] = ...`` reach every one.
        A pathway of postsynaptic spikes runs as a SynConn holding only its step, after one holding the model's
        other steps (``<name>_pre``) or one per presynaptic pathway (``bp_core.simulation.syn_pathways``).
        """
        if not runs_as_members(self.model):
            return None
        if self._pathway_conns is None:
            object.__setattr__(self, "_pathway_conns", pathway_members(self))
        for pathway, conn in zip(member_names(self.model), self._pathway_conns):
            object.__setattr__(conn, "name", f"{self.name}_{pathway}")
            object.__setattr__(conn, "_named_by_user", self._named_by_user)
        return self._pathway_conns

    # -- connectivity ---------------------------------------------------------------------------

    def _connect(self, conn: Any) -> tuple[np.ndarray, np.ndarray]:
        pre_idx = _group_indices(self.pre_group, "pre")
        post_idx = _group_indices(self.post_group, "post")
        if isinstance(conn, connect_module.Connector):
            try:
                built = conn(pre_idx, post_idx)
            except MemoryError as err:  # NumPy's, naming an array the user never made
                raise ModelUseError(f"{type(conn).__name__} between {pre_idx.size:,} pre- and {post_idx.size:,} "
                                    f"post-synaptic neurons needs more memory than is available ({err}); connect "
                                    f"fewer neurons, or fewer synapses per neuron.") from None
            i, j = built[0], built[1]
            if len(built) == 3:  # weight connectors (GaussianWeight, DOG)
                self._connectivity["weights"] = np.asarray(built[2], dtype=float)
            if getattr(built, "delays", None) is not None:  # a distance-dependent delay (spatial connectors)
                self._connectivity["connector_delays"] = built.delays
        elif isinstance(conn, np.ndarray) and conn.ndim == 2:
            if conn.shape != (pre_idx.size, post_idx.size):
                raise ModelUseError(f"connectivity matrix has shape {conn.shape}, but the groups have "
                                    f"{pre_idx.size} pre and {post_idx.size} post neurons.")
            if conn.dtype.kind not in "biuf" or not np.isfinite(conn).all():
                # NaN is not zero: each would silently become a synapse
                got = "NaN or infinite values" if conn.dtype.kind in "biuf" else f"{conn.dtype} values"
                raise ModelUseError(f"a connectivity matrix holds 0 (no synapse) or another number (a synapse) in "
                                    f"each entry, got {got}; replace them (np.nan_to_num(matrix)) or give a "
                                    f"bp.connect connector.")
            li, lj = connect_module.mat2ij(conn)
            i, j = pre_idx.ravel()[li], post_idx.ravel()[lj]
        elif isinstance(conn, (tuple, list)) and len(conn) == 2:
            li = connect_module.formatter.as_index_array(conn[0], "conn pre indices")
            lj = connect_module.formatter.as_index_array(conn[1], "conn post indices")
            if li.size != lj.size:
                raise ModelUseError(f"conn pre and post index arrays differ in length: {li.size} != {lj.size}.")
            for arr, num, role in ((li, pre_idx.size, "pre"), (lj, post_idx.size, "post")):
                if arr.size and arr.max() >= num:
                    raise ModelUseError(f"conn {role} index {arr.max()} is out of range for a {role} group of {num}.")
            i, j = pre_idx.ravel()[li], post_idx.ravel()[lj]
        else:
            raise ModelUseError(f"conn must be a bp.connect connector, an (i, j) pair or a matrix, got {conn!r}.")
        return np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)

    def local_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """Synapse endpoints as positions within the pre and post groups (not their parents)."""
        return _local(self.pre_ids, self.pre_group), _local(self.post_ids, self.post_group)

    def connectivity(self, key: str) -> Any:
        """Connectivity data by name (``pre2syn``, ``post2syn``, ``pre2post``, ``post2pre``, ``conn_mat``, ...)."""
        if key in self._data:
            return self._data[key]
        if key in self._connectivity:
            return self._connectivity[key]
        if self.pre_ids is None:
            raise ModelUseError(f"SynConn {self.name!r} was made with num=...; assign {self.name}.{key} = ...")
        i, j = self.local_ids()
        num_pre, num_post = self.pre_group.num, self.post_group.num
        builders = {
            "pre2syn": lambda: connect_module.pre2syn(i, num_pre),
            "post2syn": lambda: connect_module.post2syn(j, num_post),
            "pre2post": lambda: connect_module.pre2post(i, j, num_pre),
            "post2pre": lambda: connect_module.post2pre(i, j, num_post),
            "conn_mat": lambda: connect_module.ij2mat(i, j, num_pre, num_post),
            "pre_ids": lambda: i, "post_ids": lambda: j,
            "weights": lambda: np.ones(i.size),
        }
        self._connectivity[key] = builders[key]()
        return self._connectivity[key]

    def required_data(self) -> dict[str, Any]:
        return {k: v for k, v in super().required_data().items() if k not in CONNECTIVITY_DATA}

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "delay" and self.__dict__.get("_delay_checked"):
            self._set_delay(value)
            return
        if key in CONNECTIVITY_DATA and "model" in self.__dict__:
            self._data[key] = value
            return
        super().__setattr__(key, value)

    def _set_delay(self, delay: Any) -> None:
        """``syn.delay = ...`` after construction: checked as the constructor checks it (a negative or NaN delay
        would read values not yet written), and passed on to the SynConns that run its pathways."""
        model = self.model
        if isinstance(delay, dict) and not runs_as_members(model) and set(delay) == set(model.pathways) and delay:
            delay = delay[model.pathways[0]]
        if not (runs_as_members(model) or isinstance(delay, dict)):
            checked = _named_delay(self.name, delay)
            if np.ndim(checked) and (model.mode == "matrix" or checked.size != self.num):
                raise ModelUseError(f"SynConn {self.name!r} got {checked.size} delays for its {self.num} synapses"
                                    f"{' (matrix mode takes one delay)' if model.mode == 'matrix' else ''}; give "
                                    f"one delay per synapse, in the order of the synapses, or one number for all.")
            _check_delay_is_read(self.name, model, checked)
            object.__setattr__(self, "delay", checked)
            return
        checked = checked_pathway_delays(self.name, model, delay)
        old = self.delay
        object.__setattr__(self, "delay", checked)
        try:
            check_pathways(self)
        except ModelUseError:
            object.__setattr__(self, "delay", old)
            raise
        for name, member in zip(member_names(model), self.__dict__.get("_pathway_conns") or ()):
            member.delay = checked.get(name, 0.0)  # the SynConn running the undelayed steps alone ('pre') has none

    # -- checks ------------------------------------------------------------------------------------

    def check_in_network(self, members: list[Ensemble]) -> None:
        """Check that this SynConn's groups are among ``members`` and have the states its model reads."""
        for role in ("pre", "post"):
            group = getattr(self, f"{role}_group")
            parent = group.parent if isinstance(group, NeuSubGroup) else group
            if parent is not None and not any(parent is m for m in members):
                raise ModelUseError(f"the {role}-synaptic group {parent.name!r} of SynConn {self.name!r} "
                                    f"is not in the network; add it too.")
        self.check_neuron_states()

    def check_neuron_states(self) -> None:
        """Check that pre and post states have every field the model reads or declares."""
        for role in ("pre", "post"):
            state = getattr(self, role)
            if state is None:
                raise ModelUseError(f"SynConn {self.name!r} has no {role} state; assign {self.name}.{role} = ...")
            needed = {}
            declared = self.model.requires.get(role)
            if declared is not None:
                needed.update({f: "requires" for f in declared.fields})
            for step in self.model.steps:
                needed.update({f: step.name for f in step.fields_used.get(role, [])})
            for field_name, where in needed.items():
                if field_name not in state.fields:
                    source = f"model {self.model.name!r} requires it" if where == "requires" else \
                        f"step {where!r} of model {self.model.name!r} reads {role}[{field_name!r}]"
                    raise ModelUseError(
                        f"the {role} group of SynConn {self.name!r} has no state field {field_name!r} ({source}); "
                        f"connect a group whose model has it, or make the synapse model use a field the group "
                        f"has{_LIBRARY_TARGET if role == 'post' else ''}.{close_matches(field_name, state.fields)}")

    def run(self, *args: Any, **kwargs: Any) -> None:
        """A SynConn cannot run alone; it raises ModelUseError."""
        raise ModelUseError(f"SynConn {self.name!r} cannot run on its own: put it in a bp.Network together "
                            f"with its pre- and post-synaptic groups and run the network.")


def _check_delay_is_read(name: str, model: SynType, delay: float | np.ndarray) -> None:
    """A delay only reaches the model's ``@bp.delayed`` steps: one given to a model without any is ignored,
    every step acting at once; say so (a warning: the spec's own example passes one to such a model)."""
    if np.any(np.asarray(delay) > 0.) and not any(step.is_delayed for step in model.steps):
        warnings.warn(
            f"SynConn {name!r} got a delay, but no step of model {model.name!r} is marked @bp.delayed, so the delay "
            f"changes nothing: every step acts at once (the delay reaches only the steps that read ST as it was the "
            f"delay ago). For an effect that arrives late, split off the step that makes it and mark it "
            f"@bp.delayed: ST['s'] = pre['spike'] in an undelayed step, then a @bp.delayed step acting where "
            f"ST['s'] > 0; else leave out delay=.", UnusedDelayWarning, stacklevel=3)


def _named_delay(name: str | None, delay: Any) -> float | np.ndarray:
    try:
        return checked_delay(delay)
    except ModelUseError as error:
        raise ModelUseError(f"SynConn {name!r}: {error}" if name else str(error)) from None


def _local(ids: np.ndarray, group: Any) -> np.ndarray:
    if isinstance(group, NeuGroup):
        return ids
    parent_num = group.parent.num
    lookup = np.full(parent_num, -1, dtype=np.int64)
    lookup[group.indices.ravel()] = np.arange(group.num)
    return lookup[ids]
