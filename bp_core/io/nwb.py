"""A run in Neurodata Without Borders format: spikes, traces, parameters and the model's code, with pynwb.

The file holds what a lab's NWB tools expect of a recording, so a simulated session is read like a
recorded one:

- ``units``: one unit per neuron of every group whose spikes were monitored, ``spike_times`` in seconds;
  the columns ``group`` (the NeuGroup's name) and ``neuron`` (its index in the group) stand in for the
  electrodes a recording would name.
- ``processing[<object>][<field>]``: a ``TimeSeries`` per monitored state field of each NeuGroup or SynConn
  (time along the first axis, one column per recorded element), in the unit the model declares; its
  ``comments`` hold, as JSON, the object, the field and the recorded elements.
- ``scratch['parameters']``: a table of every object's parameters (``object``, ``parameter``, ``value`` as
  JSON text, ``unit``) and the network's ``dt``, ``t_start`` and ``t_end``; :func:`read_parameters` reads
  it back as dictionaries.
- ``scratch['code_<object>']``: the source of the step and derivative functions of each object's model.

pynwb (with h5py and pandas) is imported when a file is written or read, not with ``bp_core``, so
importing the engine stays light.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np

from bp_core.errors import ModelUseError
from bp_core.model.event_fields import EVENT_NAMES
from bp_core.simulation import Ensemble, Events, Network
from bp_core.tools.codes import get_func_source

__all__ = ["to_nwb", "nwb_bytes", "nwb_file", "read_parameters"]

PARAMETERS = "parameters"
"""Name of the scratch table holding the parameters."""

NETWORK_ROW = "network"
"""The ``object`` of the parameter rows that belong to the network (dt, t_start, t_end)."""


def _pynwb():
    # pynwb brings h5py, hdmf and pandas: loaded on the first export, not with every `import bp_core`
    import pynwb

    return pynwb


def to_nwb(net: Network, path: str | os.PathLike, overwrite: bool = False, *,
           records: Mapping[Any, Mapping[str, Any]] | None = None, session_description: str | None = None,
           identifier: str | None = None, session_start_time: datetime | None = None) -> Path:
    """Write the last run of ``net`` to an NWB file.

    Parameters
    ----------
    net : bp.Network
        A network after a run.
    path : str or path-like
        The file to write; its folder must exist.
    overwrite : bool
        Replace ``path`` if it exists. The file is written beside it first and moved into place when
        complete, so a failed export leaves an existing file as it was.
    records : dict, optional
        Object (or its name) -> what to export instead of its monitors (``object.mon``), in the monitors' own
        form: ``'ts'``, a field's rows (``'V'``), their ``'V_time'`` and ``'V_index'``, and events as
        :class:`bp.Events` (``'spike'``). Objects not named export their monitors.
    session_description, identifier, session_start_time :
        The NWB file's own fields; by default a description of the network, a new UUID and now (UTC).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ModelUseError
        The network was never run, the folder does not exist, or the file exists and ``overwrite`` is False.

    Examples
    --------
    >>> net.run(100.)
    >>> bp.io.to_nwb(net, 'run.nwb')
    """
    target = _target_path(path, overwrite)
    nwbfile = nwb_file(net, records=records, session_description=session_description, identifier=identifier,
                       session_start_time=session_start_time)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".part.nwb", dir=target.parent)
    os.close(handle)
    try:
        with _pynwb().NWBHDF5IO(temporary, mode="w") as writer:
            writer.write(nwbfile)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return target


def nwb_bytes(net: Network, **kwargs: Any) -> bytes:
    """The NWB file :func:`to_nwb` would write, as bytes (for a download); same keyword arguments."""
    import h5py  # comes with pynwb; loaded with it, for the same reason

    buffer = io.BytesIO()
    nwbfile = nwb_file(net, **kwargs)
    with h5py.File(buffer, "w") as h5:
        with _pynwb().NWBHDF5IO(file=h5, mode="w") as writer:
            writer.write(nwbfile)
    return buffer.getvalue()


def nwb_file(net: Network, records: Mapping[Any, Mapping[str, Any]] | None = None,
             session_description: str | None = None, identifier: str | None = None,
             session_start_time: datetime | None = None) -> Any:
    """The in-memory ``pynwb.NWBFile`` of the last run of ``net`` (see :func:`to_nwb` for the arguments)."""
    pynwb = _pynwb()
    objects, dt, span = _members(net)
    chosen = _records(objects, records)
    nwbfile = pynwb.NWBFile(
        session_description=session_description or _describe(objects),
        identifier=identifier or str(uuid.uuid4()),
        session_start_time=session_start_time or datetime.now(timezone.utc),
        notes="Simulated with bp_core; parameters and model code are in scratch.")
    spikes = []
    for obj in objects:
        for key, series in _series(obj, chosen[obj.name]):
            if isinstance(series, Events) and key in EVENT_NAMES and obj.model.kind == "neuron":
                spikes.append((obj, series))
            else:
                _add_trace(nwbfile, obj, key, series)
    if spikes:
        nwbfile.units = _units(pynwb, spikes)
    nwbfile.add_scratch(_parameter_table(objects, dt, span))
    for obj in objects:
        nwbfile.add_scratch(pynwb.core.ScratchData(
            name=f"code_{obj.name}", data=_model_code(obj.model),
            description=f"source of the step and derivative functions of model {obj.model.name!r} "
                        f"({type(obj).__name__} {obj.name!r})"))
    return nwbfile


def read_parameters(source: str | os.PathLike | Any) -> dict[str, dict[str, Any]]:
    """The parameters an NWB file of :func:`to_nwb` holds: object name -> {parameter -> value}.

    Parameters
    ----------
    source : str, path-like or pynwb.NWBFile
        The file, or the file as pynwb read it.

    Returns
    -------
    dict
        Per-element parameters come back as arrays; the network's ``dt``, ``t_start`` and ``t_end`` are
        under ``'network'``.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ModelUseError(f"bp.io.read_parameters: there is no file {str(path)!r}; give the path of a file "
                                f"written by bp.io.to_nwb.")
        try:
            io = _pynwb().NWBHDF5IO(str(path), mode="r")
        except OSError as err:  # h5py's words: 'file signature not found'
            raise ModelUseError(f"bp.io.read_parameters: {str(path)!r} is not an NWB (HDF5) file ({err}); give the "
                                f"path of a file written by bp.io.to_nwb.") from None
        with io as reader:
            return read_parameters(reader.read())
    if PARAMETERS not in getattr(source, "scratch", {}):
        raise ModelUseError(f"this NWB file has no scratch table {PARAMETERS!r}; read_parameters reads files "
                            f"written by bp.io.to_nwb.")
    table = source.scratch[PARAMETERS]
    out: dict[str, dict[str, Any]] = {}
    for obj, name, text in zip(table["object"].data[:], table["parameter"].data[:], table["value"].data[:]):
        value = json.loads(_text(text))
        out.setdefault(_text(obj), {})[_text(name)] = np.asarray(value) if isinstance(value, list) else value
    return out


# -- what is exported -------------------------------------------------------------------------------


def _members(net: Any) -> tuple[list[Ensemble], float, tuple[float, float]]:
    if isinstance(net, Ensemble):
        raise ModelUseError(f"bp.io.to_nwb exports a network: run {net.name!r} in one (net = bp.Network({net.name}); "
                            f"net.run(duration)) and export net.")
    if not isinstance(net, Network):
        raise ModelUseError(f"bp.io.to_nwb exports a bp.Network after a run, got {net!r}.")
    return list(net.objects), net.dt, (net.t_start, net.t_end)


def _records(objects: list[Ensemble], records: Mapping[Any, Mapping[str, Any]] | None) -> dict[str, Mapping]:
    given = {}
    names = {obj.name for obj in objects}
    for key, value in (records or {}).items():
        name = key if isinstance(key, str) else getattr(key, "name", None)
        if name not in names:
            raise ModelUseError(f"bp.io.to_nwb: records= names {key!r}, which is not an object of this network "
                                f"(its objects are {sorted(names)}).")
        if not isinstance(value, Mapping):
            raise ModelUseError(f"bp.io.to_nwb: records[{name!r}] must map field names to recorded arrays "
                                f"(like {name}.mon), got {type(value).__name__}.")
        given[name] = value
    chosen = {obj.name: given.get(obj.name, obj.mon) for obj in objects}
    if not any("ts" in rec for rec in chosen.values()):
        raise ModelUseError("bp.io.to_nwb: the network was never run, so there is nothing to export; run it first "
                            "(net.run(duration)) with monitors=[...] on the groups whose records you want.")
    return chosen


def _series(obj: Ensemble, rec: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(field, Events)`` for event records, ``(field, (times, rows, elements))`` for dense ones."""
    event_keys = set(rec.event_keys()) if hasattr(rec, "event_keys") else set()
    keys = list(rec.keys())
    # <field>_time and <field>_index describe the rows and columns of <field>; they are not fields
    described = {f"{k}_{part}" for k in keys for part in ("time", "index")}
    for key in keys:
        if key == "ts" or key in described:
            continue
        # spikes stay events (they become units); another event field (a 0/1 flag) is exported as its dense
        # rows, which the monitors build under their memory budget
        value = rec[f"{key}_events"] if key in event_keys and key in EVENT_NAMES else rec[key]
        if isinstance(value, Events):
            yield key, value
            continue
        rows = np.asarray(value)
        if key in event_keys:  # the dense rows of an event record, one per step (its _time are the events')
            yield key, (np.asarray(rec["ts"], dtype=float), rows, None)
            continue
        times = _extra(rec, f"{key}_time", rec.get("ts"))
        times = None if times is None else np.asarray(times, dtype=float)
        if rows.dtype.kind not in "fiub" or rows.ndim < 1 or times is None or times.shape != rows.shape[:1]:
            raise ModelUseError(f"bp.io.to_nwb: the record {key!r} of {obj.name!r} must be numbers with one row per "
                                f"time; it has {rows.shape[0] if rows.ndim else 0} rows of {rows.dtype} and "
                                f"{0 if times is None else times.size} times; give '{key}_time' (ms) for its rows.")
        yield key, (times, rows, _extra(rec, f"{key}_index", None))


def _extra(rec: Mapping[str, Any], key: str, default: Any) -> Any:
    try:  # a MonitorResults holds <field>_time and <field>_index as extras, outside its keys
        return rec[key]
    except KeyError:
        return default


def _add_trace(nwbfile: Any, obj: Ensemble, key: str, series: Any) -> None:
    pynwb = _pynwb()
    if isinstance(series, Events):  # events given in records= that are not a group's spikes: their dense rows
        series = (series.ts, series.dense().reshape((series.ts.size,) + obj.ST.shape), None)
    times, rows, elements = series
    data = rows.reshape(rows.shape[0], -1) if rows.ndim > 2 else rows
    timing = _timing(times)
    comments = json.dumps({"object": obj.name, "field": key, "shape": list(obj.ST.shape),
                           "elements": None if elements is None else np.asarray(elements).tolist()})
    unit = obj.model.units.get(key, "n.a.")
    if obj.name not in nwbfile.processing:
        nwbfile.create_processing_module(obj.name, f"monitors of {type(obj).__name__} {obj.name!r} "
                                                   f"(model {obj.model.name!r})")
    description = obj.model.descriptions.get(key, f"state field {key!r}")
    nwbfile.processing[obj.name].add(pynwb.TimeSeries(name=key, data=data, unit=unit, comments=comments,
                                                      description=description, **timing))


def _timing(times_ms: np.ndarray) -> dict[str, Any]:
    """Regular rows as a start and a rate (NWB's compact form), others as timestamps, in seconds."""
    seconds = times_ms / 1000.0
    if seconds.size >= 2:
        steps = np.diff(seconds)
        if np.allclose(steps, steps[0], rtol=1e-9, atol=0.0) and steps[0] > 0:
            return {"starting_time": float(seconds[0]), "rate": float(1.0 / steps[0])}
    return {"timestamps": seconds}


def _units(pynwb: Any, spikes: list[tuple[Ensemble, Events]]) -> Any:
    """One unit per neuron, built as whole columns (adding 10^4 units one by one takes seconds)."""
    times, ends, groups, neurons = [], [], [], []
    total = 0
    for obj, events in spikes:
        order = np.argsort(events.index, kind="stable")  # events are in time order; keep it within a neuron
        times.append(np.asarray(events.time, dtype=float)[order] / 1000.0)
        counts = np.bincount(events.index, minlength=obj.num)
        ends.append(total + np.cumsum(counts))
        total += int(counts.sum())
        groups += [obj.name] * obj.num
        neurons.append(np.arange(obj.num))
    from hdmf.common import VectorData, VectorIndex  # pynwb's table columns (hdmf comes with pynwb)

    spike_times = VectorData(name="spike_times", description="the spike times of each unit (s)",
                             data=np.concatenate(times))
    columns = [spike_times,
               VectorIndex(name="spike_times_index", data=np.concatenate(ends).astype(np.int64), target=spike_times),
               VectorData(name="group", description="the NeuGroup of the neuron", data=groups),
               VectorData(name="neuron", description="the neuron's index in its group", data=np.concatenate(neurons))]
    return pynwb.misc.Units(name="units", id=list(range(len(groups))), columns=columns,
                            description="simulated neurons: one unit per neuron, 'group' names its NeuGroup and "
                                        "'neuron' its index there; spike times in s")


def _parameter_table(objects: list[Ensemble], dt: float, span: tuple[float, float]) -> Any:
    table = _pynwb().core.DynamicTable(name=PARAMETERS, description="parameters of the run: one row per parameter "
                                                                    "of each object, the value as JSON text")
    for column, text in (("object", "the object's name (or 'network')"), ("parameter", "the parameter's name"),
                         ("value", "the value as JSON (a list for one value per element)"),
                         ("unit", "the unit the model declares ('' when none)")):
        table.add_column(column, text)
    for name, value in {"dt": dt, "t_start": span[0], "t_end": span[1]}.items():
        table.add_row(object=NETWORK_ROW, parameter=name, value=json.dumps(float(value)), unit="ms")
    for obj in objects:
        units = obj.model.units
        for name in obj.pars.keys():
            table.add_row(object=obj.name, parameter=name, value=json.dumps(_plain(obj.pars[name])),
                          unit=units.get(name, ""))
    return table


def _plain(value: Any) -> Any:
    array = np.asarray(value)
    if array.ndim:
        return array.tolist()
    return array.item()


def _model_code(model: Any) -> str:
    parts = [f"# model {model.name!r} ({type(model).__name__}, {model.mode} mode)"]
    seen: set[int] = set()
    for step in model.steps:
        for func in [step.func] + [i.diff_eq.func for i in step.integrators.values()]:
            if id(func) not in seen:
                seen.add(id(func))
                parts.append(get_func_source(func))
    return "\n\n".join(parts) + "\n"


def _describe(objects: list[Ensemble]) -> str:
    return "bp_core simulation of " + ", ".join(f"{type(o).__name__} {o.name!r} (model {o.model.name!r})"
                                                for o in objects)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _target_path(path: Any, overwrite: bool) -> Path:
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ModelUseError(f"bp.io.to_nwb: path must be a file name like 'run.nwb', got {path!r}.")
    target = Path(path).expanduser().absolute()
    if not target.parent.is_dir():
        raise ModelUseError(f"bp.io.to_nwb: the folder {str(target.parent)!r} does not exist; create it first "
                            f"(os.makedirs) or write to an existing folder.")
    if target.is_dir():
        raise ModelUseError(f"bp.io.to_nwb: {str(target)!r} is a folder; give a file name inside it ('run.nwb').")
    if target.exists() and not overwrite:
        raise ModelUseError(f"bp.io.to_nwb: {str(target)!r} exists; pass overwrite=True to replace it, or choose "
                            f"another name.")
    return target
