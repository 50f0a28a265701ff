"""First passes shared between kernels: a dashboard's first pass, computed once, shown by every kernel.

Every student's kernel of a dashboard runs the same first pass: the same network, parameters, inputs, seed and
duration, so the same spikes. The background warm-up (:mod:`bpwidgets.warmup`) records that pass in a file;
a kernel that starts later finds it by its key and streams it to its figures without simulating, and without
building the network (no numba import, no code generation, no kernel loaded) until the first pass it has to
compute itself.

The key (:func:`pass_key`) holds everything that decides the result: the name the dashboard gives the pass, the
installed code (the size and modification time of every source file of ``bp_core`` and ``bpwidgets``, and the
versions of Python, NumPy and numba), the profile, each object's model code, size, parameters, monitors,
connectivity and delay, the network's state and random generator as the pass starts, the inputs, the seed, the
time step, the duration and the chunk. A file is written whole under a temporary name and renamed (a reader
never sees half of one), and read with no pickles, checked against its key and its shapes: a file that is
missing, truncated, corrupt or of another key is a miss, and the kernel simulates as before. A file's name
starts with a digest of the installed code: writing one removes those of other installations
(:meth:`FirstPasses.prune`), never one a process is reading.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

import bp_core as bp

__all__ = ["FORMAT", "RECORD_ENV", "FirstPasses", "cache_root", "pass_key", "installed_code", "model_code",
           "prestarted"]

FORMAT = 2
"""Version of the file layout; part of every key, so a new layout never reads an old file."""
RECORD_ENV = "BPWIDGETS_RECORD_FIRST_PASSES"
"""Set (to ``1``) in the environment of the warm-up's kernels: their first passes are simulated and recorded."""
CODE_PREFIX = 16
"""Hex digits of :func:`installed_code` that start a file's name: :meth:`FirstPasses.prune` removes the others."""
MAX_FILE_BYTES = 256 * 2**20
"""A file larger than this is not read (it is not one this module wrote for a dashboard)."""


def prestarted() -> bool:
    """Whether this is a pre-started kernel (Voila's preheated kernels have ``VOILA_PREHEAT``): one that runs its
    notebook before any page waits for it, and so may prepare what a page's first slider move needs."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def cache_root() -> Path:
    """``BPWIDGETS_CACHE_DIR``, else ``~/.cache/bpwidgets``: where the warm-up keeps what it records."""
    return Path(os.environ.get("BPWIDGETS_CACHE_DIR") or Path.home() / ".cache" / "bpwidgets")


# -- the key ---------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def installed_code() -> str:
    """A digest of the code that computes a pass: every ``.py`` file of ``bp_core`` and ``bpwidgets`` (path, size,
    modification time) and the versions of Python, NumPy and numba. An edit or a reinstall changes it."""
    import importlib.metadata as metadata

    digest = hashlib.sha256()
    for package in (bp, sys.modules["bpwidgets"]):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(root.parent)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    try:
        numba = metadata.version("numba")
    except metadata.PackageNotFoundError:
        numba = ""
    digest.update(f"{sys.version}\0{np.__version__}\0{numba}\0{bp.__version__}".encode())
    return digest.hexdigest()


class _Unkeyable(Exception):
    """A value whose content cannot be written into a key (an object of unknown kind): no sharing."""


def _feed(digest: Any, value: Any) -> None:
    # a tagged, unambiguous walk: each value says its kind and its length before its content
    if value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, type):
        digest.update(f"type:{value.__module__}.{value.__qualname__};".encode())
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise _Unkeyable("an array of Python objects")
        data = np.ascontiguousarray(value)
        digest.update(f"array:{data.dtype.str}:{data.shape};".encode())
        digest.update(data.view(np.uint8).reshape(-1) if data.size else b"")
    elif isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: repr(item[0]))
        digest.update(f"dict:{len(items)};".encode())
        for key, item in items:
            _feed(digest, key)
            _feed(digest, item)
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}:{len(value)};".encode())
        for item in value:
            _feed(digest, item)
    else:
        raise _Unkeyable(f"a {type(value).__name__}")


def model_code(model: Any) -> list[str]:
    """What of a model's code decides its results: its kind, name and mode, and the source of each step and of
    the equations its integrators integrate."""
    sources = [type(model).__name__, model.name, model.mode]
    for step in model.steps:
        functions = [step.func] + [integrator.diff_eq.func for integrator in step.integrators.values()]
        sources += [bp.tools.get_func_source(func) for func in functions]
    return sources


def _group(group: Any, positions: dict[int, int]) -> Any:
    # by position in the network, not by name: a name given automatically depends on what a process made before
    if id(group) in positions:
        return positions[id(group)]
    parent = getattr(group, "parent", None)
    if parent is not None and id(parent) in positions:
        return [positions[id(parent)], np.asarray(group.indices)]
    raise _Unkeyable("a group outside the network")


def _object(obj: Any, positions: dict[int, int]) -> list[Any]:
    parts = [type(obj).__name__, int(obj.num), model_code(obj.model),
             {key: obj.pars[key] for key in obj.pars.keys()},
             {key: [getattr(spec, f.name) for f in dataclasses.fields(spec)]
              for key, spec in obj.monitor_specs.items()}]
    if isinstance(obj, bp.SynConn):
        parts += [np.asarray(obj.pre_ids), np.asarray(obj.post_ids), obj.delay, _group(obj.pre_group, positions),
                  _group(obj.post_group, positions)]
    return parts


def _inputs(inputs: Any, positions: dict[int, int]) -> list[Any]:
    items = [inputs] if inputs and isinstance(inputs[0], bp.core.Ensemble) else list(inputs or ())
    return [[_group(item[0], positions), *[part if isinstance(part, str) else np.asarray(part) for part in item[1:]]]
            for item in items]


def _settings() -> list[Any]:
    # the settings in force: inside ``net.exclusive()`` (where a runner's pass computes its key) the network's own
    p = bp.profile
    return [p.is_jit(), p.get_device(), p.get_numerical_method(), p.get_float_type(), p.get_int_type(),
            p.is_merge_integrators(), p.is_merge_steps(), p.is_substitute_equation(), p.is_safe(),
            p.get_numba_profile()]


def pass_key(name: str, net: bp.Network, start: bp.NetworkSnapshot, inputs: Any, seed: int, n_steps: int,
             chunk_steps: int) -> str | None:
    """The key of a pass of ``net`` named ``name`` (the dashboard's) that starts from ``start`` with ``inputs``
    and ``seed`` and runs ``n_steps`` steps in chunks of ``chunk_steps``, under the profile in force (call it
    inside ``net.exclusive()``, as a pass runs, for the network's own); None if some part of it cannot be keyed
    (the pass is then simulated, never shared)."""
    digest = hashlib.sha256()
    try:
        positions = {id(obj): k for k, obj in enumerate(net.objects)}
        _feed(digest, [FORMAT, name, installed_code(), _settings(), float(net.dt),
                       [_object(o, positions) for o in net.objects],
                       [start.states, start.parameters, start.delays, start.random_state, start.fields,
                        start.parameter_names], _inputs(inputs, positions), int(seed), int(n_steps),
                       int(chunk_steps)])
    except Exception:  # noqa: BLE001 - whatever cannot be keyed (a source not found, an odd value) is simulated
        return None
    return digest.hexdigest()


# -- the files -------------------------------------------------------------------------------------------------

def _chunk_record(chunk: dict[str, Any], objects: list[Any]) -> tuple[dict, dict[str, np.ndarray]]:
    """One chunk's monitors as a manifest and named arrays, each object known by its position in ``objects``."""
    manifest, arrays = {}, {}
    for position, obj in enumerate(objects):
        mon, name = chunk[obj.name], f"o{position}"
        event_keys = list(mon.event_keys()) if hasattr(mon, "event_keys") else []
        dense = [key for key in dict.keys(mon) if key not in event_keys]
        extras = []
        for key in dense:
            for suffix in ("_time", "_index"):
                try:
                    extra = mon[key + suffix]
                except KeyError:
                    continue
                extras.append(key + suffix)
                arrays[f"{name}/x/{key}{suffix}"] = np.asarray(extra)
        for key in dense:
            arrays[f"{name}/a/{key}"] = np.asarray(mon[key])
        events = {}
        for key in event_keys:
            ev = mon[f"{key}_events"]
            arrays[f"{name}/e/{key}/index"] = ev.index
            arrays[f"{name}/e/{key}/step"] = ev.step
            if ev.value is not None:
                arrays[f"{name}/e/{key}/value"] = ev.value
            shape = tuple(getattr(obj.ST, "shape", (ev.num,)))
            events[key] = {"num": int(ev.num), "shape": [int(s) for s in shape], "value": ev.value is not None}
        manifest[name] = {"arrays": dense, "extras": extras, "events": events}
    return manifest, arrays


def _replayed(manifest: dict, arrays: Any, prefix: str, names: list[str]) -> dict[str, bp.MonitorResults]:
    out = {}
    if sorted(manifest) != sorted(f"o{k}" for k in range(len(names))):
        raise ValueError("the recorded objects are not the network's")
    for position, object_name in enumerate(names):
        name = f"o{position}"
        entry = manifest[name]
        dense = {key: arrays[f"{prefix}{name}/a/{key}"] for key in entry["arrays"]}
        ts = dense["ts"]
        if ts.ndim != 1 or ts.dtype.kind != "f":
            raise ValueError("ts is not a vector of times")
        extras = {key: arrays[f"{prefix}{name}/x/{key}"] for key in entry["extras"]}
        events, shapes = {}, {}
        for key, spec in entry["events"].items():
            index, step = arrays[f"{prefix}{name}/e/{key}/index"], arrays[f"{prefix}{name}/e/{key}/step"]
            value = arrays[f"{prefix}{name}/e/{key}/value"] if spec["value"] else None
            num, shape = int(spec["num"]), tuple(int(s) for s in spec["shape"])
            if (index.ndim != 1 or index.shape != step.shape or index.dtype.kind not in "iu" or
                    step.dtype.kind not in "iu" or int(np.prod(shape)) != num or
                    (value is not None and value.shape != index.shape) or
                    (index.size and (index.min() < 0 or index.max() >= num or step.min() < 0 or
                                     step.max() >= ts.size))):
                raise ValueError(f"events {name}.{key} do not fit their monitor")
            events[key] = bp.Events(index, step, ts, num, value)
            shapes[key] = shape
        for key, array in dense.items():
            if array.dtype.hasobject or (key + "_time" not in extras and array.shape[:1] != ts.shape):
                raise ValueError(f"monitor {name}.{key} does not fit the chunk's times")
        out[object_name] = bp.MonitorResults(dense, events, extras, shapes)
    return out


class FirstPasses:
    """The recorded first passes in folder ``path`` (made when one is written).

    Parameters
    ----------
    path : str or Path, optional
        Default: ``first-passes`` in :func:`cache_root`.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else cache_root() / "first-passes"

    @staticmethod
    def recording() -> bool:
        """Whether this process records first passes (the warm-up's kernels) instead of reading them."""
        return os.environ.get(RECORD_ENV) == "1"

    def _file(self, key: str) -> Path:
        # named by the installed code first: what another installation wrote is known without opening it
        return self.path / f"{installed_code()[:CODE_PREFIX]}-{key}.npz"

    def prune(self) -> list[Path]:
        """Remove the files another installation of the code wrote (their keys can never be asked for again),
        except any a process is reading (:meth:`_read` holds a shared lock on the file it reads; a file is
        removed only under an exclusive lock taken without waiting, so a reader never loses its file). Returns
        the files removed."""
        mine, removed = f"{installed_code()[:CODE_PREFIX]}-", []
        for file in self.path.glob("*.npz"):
            if file.name.startswith((mine, ".partial-")):  # a partial one is another writer's, being written
                continue
            try:
                with open(file, "rb") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    file.unlink()
                removed.append(file)
            except OSError:  # being read (the lock is taken), or removed by another writer: left alone
                continue
        return removed

    def save(self, key: str, chunks: Iterable[dict[str, Any]], objects: Iterable[Any]) -> None:
        """Record the monitors of each chunk of a pass (``advance``'s results, in order) under ``key``, whole or
        not at all. ``objects`` are the network's, in order: an object is recorded by its position (its name, given
        automatically, may differ in another process) and its state's shape gives the dense view of events."""
        objects = list(objects)
        manifests, arrays = [], {}
        for k, chunk in enumerate(chunks):
            manifest, named = _chunk_record(chunk, objects)
            manifests.append(manifest)
            arrays.update({f"c{k}/{name}": array for name, array in named.items()})
        self._write(key, {"chunks": manifests}, arrays)

    def _write(self, key: str, header: dict, arrays: dict[str, np.ndarray]) -> None:
        header = json.dumps({"format": FORMAT, "key": key, **header}).encode()
        buffer = io.BytesIO()
        np.savez(buffer, __header__=np.frombuffer(header, dtype=np.uint8), **arrays)
        self.path.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=self.path, prefix=".partial-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(buffer.getvalue())
            os.replace(partial, self._file(key))
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.prune()

    def load(self, key: str, n_steps: int, chunk_steps: int,
             names: list[str]) -> list[dict[str, bp.MonitorResults]] | None:
        """The chunks of ``n_steps`` steps in all, ``chunk_steps`` each, recorded under ``key``, each object's
        monitors under its name in ``names`` (the network's objects' names, in order), or None: no such file, or
        one that is not whole, not ours, not for this key or not of these chunks (whatever is wrong with it, the
        caller simulates)."""
        chunks = self._read(key, lambda header, archive: [
            _replayed(manifest, archive, f"c{k}/", names) for k, manifest in enumerate(header["chunks"])])
        if chunks is None:
            return None
        sizes = [min(chunk_steps, n_steps - first) for first in range(0, n_steps, chunk_steps)]
        if len(chunks) != len(sizes) or any(not chunk or any(mon["ts"].size != size for mon in chunk.values())
                                            for chunk, size in zip(chunks, sizes)):
            return None
        return chunks

    def _read(self, key: str, take: Callable[[dict, Any], Any]) -> Any:
        """``take(header, archive)`` on the file of ``key`` (reading only the members it names), or None where the
        file is missing, too large, not whole, not ours or of another key, or ``take`` finds it wrong."""
        file = self._file(key)
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                return None
            with open(file, "rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_SH)  # not removed while read (see prune); released on close
                with np.load(handle, allow_pickle=False) as archive:
                    header = json.loads(bytes(archive["__header__"]).decode())
                    if header.get("format") != FORMAT or header.get("key") != key:
                        return None
                    return take(header, archive)
        except Exception:  # noqa: BLE001 - a damaged or foreign file is a miss, never a crash
            return None

    def computed(self, name: str, parts: Any, compute: Callable[[], dict[str, np.ndarray]],
                 valid: Callable[[dict[str, np.ndarray]], bool] = lambda arrays: True) -> dict[str, np.ndarray]:
        """What ``compute()`` returns (named numeric arrays), for a result other than a runner's pass: read from
        the file the warm-up recorded under the key of ``name`` and ``parts`` (with the installed code and the
        profile in force) when there is one and ``valid`` accepts it, else computed (and recorded, in the
        warm-up's kernels). ``parts`` must hold everything besides the code that decides the result."""
        digest = hashlib.sha256()
        try:
            _feed(digest, [FORMAT, "computed", name, installed_code(), _settings(), parts])
        except Exception:  # noqa: BLE001 - whatever cannot be keyed is computed, as without a recording
            return compute()
        key = digest.hexdigest()
        if not self.recording():
            def take(header: dict, archive: Any) -> dict[str, np.ndarray] | None:
                arrays = {member: archive[f"r/{member}"] for member in header["arrays"]}
                numeric = all(array.dtype.kind in "biufc" for array in arrays.values())
                return arrays if numeric and valid(arrays) else None

            found = self._read(key, take)
            if found is not None:
                return found
        arrays = {member: np.asarray(value) for member, value in compute().items()}
        if self.recording():
            try:
                self._write(key, {"arrays": list(arrays)}, {f"r/{member}": a for member, a in arrays.items()})
            except Exception:  # noqa: BLE001 - a full disk, an odd array: the kernels compute it, as before
                pass
        return arrays
