"""Global settings of bp_core: backend, device, time step, default method, dtypes.

All settings live in one validated record. :func:`set` checks every value it is
given before changing anything, so a bad call leaves the previous settings intact.

A network takes a snapshot of the settings when it is built and runs with that one, in
whatever thread runs it: changing the profile affects networks built afterwards (or after
``net.refresh_profile()``; a group run alone refreshes at each run). :func:`override`
changes settings for a ``with`` block only.

``merge_integrators``, ``merge_steps`` and ``substitute`` are accepted and kept
for compatibility with the BrainPy API. bp_core always inlines integrators into
the step code and compiles one kernel per run, so they do not change the
generated code.
"""

from __future__ import annotations

import math
import numbers
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import psutil

from bp_core.errors import ProfileError, close_matches

__all__ = [
    "set",
    "override",
    "snapshot",
    "ProfileSnapshot",
    "run_on_cpu",
    "run_on_gpu",
    "set_device",
    "get_device",
    "set_dt",
    "get_dt",
    "set_numerical_method",
    "get_numerical_method",
    "set_numba_profile",
    "get_numba_profile",
    "set_backend",
    "get_backend",
    "get_num_thread_gpu",
    "is_jit",
    "is_merge_integrators",
    "is_merge_steps",
    "is_substitute_equation",
    "show_code_scope",
    "show_format_code",
    "get_float_type",
    "is_safe",
    "get_monitor_memory_limit",
    "monitor_limit_is_set",
    "get_int_type",
    "set_seed",
    "get_seed",
]

_DEVICES = ("cpu", "gpu")
_BACKENDS = {"numba": True, "numpy": False}
_FLOAT_TYPES = {"float32": np.float32, "float64": np.float64}
_INT_TYPES = {"int32": np.int32, "int64": np.int64}
_NUMBA_OPTIONS = ("nopython", "fastmath", "parallel", "cache", "nogil", "boundscheck", "error_model")

_settings: dict[str, Any] = {
    "jit": True,
    "device": "cpu",
    "numerical_method": "euler",
    "dt": 0.1,
    "float_type": np.float64,
    "int_type": np.int64,
    "merge_integrators": True,
    "merge_steps": True,
    "substitute": False,
    "show_code": False,
    "show_code_scope": False,
    "seed": None,
    "num_thread_gpu": 1024,
    "safe": True,
    "monitor_memory_limit": "auto",
}

# fastmath stays off: it lets LLVM assume no NaN/inf, which breaks NaN checks.
_numba_settings: dict[str, Any] = {
    "nopython": True,
    "fastmath": False,
    "parallel": False,
    "cache": True,
    "nogil": True,
    "boundscheck": None,
    "error_model": "numpy",
}


@dataclass(frozen=True)
class ProfileSnapshot:
    """The profile's settings at one moment (read-only); a network keeps the one it was built with."""

    settings: Mapping[str, Any]
    numba: Mapping[str, Any]

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "numba", MappingProxyType(dict(self.numba)))

    def __reduce__(self):
        # a read-only mapping does not pickle; networks sent to sweep workers carry their snapshot
        return ProfileSnapshot, (dict(self.settings), dict(self.numba))


_local = threading.local()


def snapshot() -> ProfileSnapshot:
    """The current settings, frozen."""
    return ProfileSnapshot(_settings, _numba_settings)


@contextmanager
def using(frozen: ProfileSnapshot) -> Iterator[None]:
    """Read ``frozen`` instead of the global settings in this thread while the block runs (networks run so)."""
    previous = getattr(_local, "snapshot", None)
    _local.snapshot = frozen
    try:
        yield
    finally:
        _local.snapshot = previous


@contextmanager
def override(**settings: Any) -> Iterator[None]:
    """Change settings for the block only: ``with bp.profile.override(dt=0.01): ...``; the previous values
    come back afterwards, even if the block raises."""
    saved = dict(_settings), dict(_numba_settings)
    set(**settings)
    try:
        yield
    finally:
        _settings.clear()
        _settings.update(saved[0])
        _numba_settings.clear()
        _numba_settings.update(saved[1])


def _active() -> Mapping[str, Any]:
    frozen = getattr(_local, "snapshot", None)
    return frozen.settings if frozen is not None else _settings


def _active_numba() -> Mapping[str, Any]:
    frozen = getattr(_local, "snapshot", None)
    return frozen.numba if frozen is not None else _numba_settings


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ProfileError(f"profile option {name!r} must be True or False, got {value!r}.")
    return bool(value)


def _check_dt(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ProfileError(f"profile option 'dt' must be a positive finite number (ms), got {value!r}.")
    return float(value)


def _check_positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ProfileError(f"profile option {name!r} must be a positive number, got {value!r}.")
    return float(value)


def _check_dtype(name: str, value: Any, allowed: dict[str, type]) -> type:
    key = value if isinstance(value, str) else getattr(value, "__name__", None)
    if key not in allowed:
        try:
            key = np.dtype(value).name
        except TypeError:
            key = None
    if key not in allowed:
        raise ProfileError(
            f"profile option {name!r} must be one of {', '.join(allowed)}, got {value!r}."
        )
    return allowed[key]


def _check_device(value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in _DEVICES:
        raise ProfileError(f"profile option 'device' must be 'cpu' or 'gpu', got {value!r}.")
    device = value.lower()
    if device == "gpu":
        if not _cuda_available():
            raise ProfileError(
                "device='gpu' needs NVIDIA's numba-cuda (pip install 'bpwidgets[gpu]') and a CUDA-capable GPU "
                "and driver, or numba-cuda's simulator (NUMBA_ENABLE_CUDASIM=1 before numba is imported); "
                "numba finds neither (numba.cuda.is_available() is False). Use device='cpu'."
            )
    return device


def _cuda_available() -> bool:
    try:
        from numba import config, cuda  # only when a GPU is asked for: numba's import is slow

        # the simulator is a CUDA device for numba: kernels run there with the GPU's semantics, as Python
        return bool(config.ENABLE_CUDASIM) or bool(cuda.is_available())
    except Exception:  # numba raises various errors when no driver is installed
        return False


_numerical_methods: list[str] = []
_seed_hooks: list[Callable[[int], None]] = []


def register_numerical_methods(names: Iterable[str]) -> None:
    """Make ``names`` valid values of ``numerical_method`` (the integration package registers its methods)."""
    _numerical_methods.extend(n for n in names if n not in _numerical_methods)


def on_seed(hook: Callable[[int], None]) -> None:
    """Call ``hook(seed)`` whenever a seed is set, and now if one is set already (compiled generators)."""
    _seed_hooks.append(hook)
    if _settings["seed"] is not None:
        hook(_settings["seed"])


def _check_method(value: Any) -> str | Callable:
    if callable(value):
        return value
    if not isinstance(value, str) or value not in _numerical_methods:
        hint = close_matches(str(value), _numerical_methods)
        raise ProfileError(f"unknown numerical method {value!r} for 'numerical_method'.{hint}")
    return value


def _check_seed(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < 2**32:
        raise ProfileError(f"profile option 'seed' must be None or an integer in [0, 2**32), got {value!r}.")
    return int(value)


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "jit": lambda v: _check_bool("jit", v),
    "device": _check_device,
    "numerical_method": _check_method,
    "dt": _check_dt,
    "float_type": lambda v: _check_dtype("float_type", v, _FLOAT_TYPES),
    "int_type": lambda v: _check_dtype("int_type", v, _INT_TYPES),
    "merge_integrators": lambda v: _check_bool("merge_integrators", v),
    "merge_steps": lambda v: _check_bool("merge_steps", v),
    "substitute": lambda v: _check_bool("substitute", v),
    "show_code": lambda v: _check_bool("show_code", v),
    "show_code_scope": lambda v: _check_bool("show_code_scope", v),
    "seed": _check_seed,
    "safe": lambda v: _check_bool("safe", v),
    "monitor_memory_limit": lambda v: "auto" if v == "auto" else _check_positive("monitor_memory_limit", v),
}

AUTO_MONITOR_FRACTION = 0.5
"""With ``monitor_memory_limit='auto'`` (the default), one run's monitors may take this fraction of the
memory the operating system reports as available when the run starts."""


def set(
    jit: bool | None = None,
    device: str | None = None,
    numerical_method: str | Callable | None = None,
    dt: float | None = None,
    float_type: Any = None,
    int_type: Any = None,
    merge_integrators: bool | None = None,
    merge_steps: bool | None = None,
    substitute: bool | None = None,
    show_code: bool | None = None,
    show_code_scope: bool | None = None,
    seed: int | None = None,
    safe: bool | None = None,
    monitor_memory_limit: float | str | None = None,
    **unknown: Any,
) -> None:
    """Change global settings; options left as ``None`` keep their value.

    Parameters
    ----------
    jit : bool
        Compile with numba (True) or run the generated code as plain NumPy (False).
    device : {'cpu', 'gpu'}
        Where compiled code runs; 'gpu' needs a CUDA device.
    numerical_method : str or callable
        Default integration method of :func:`bp_core.integrate`.
    dt : float
        Integration step in ms, positive.
    float_type, int_type : dtype or str
        Types of state arrays ('float32' / 'float64', 'int32' / 'int64').
    merge_integrators, merge_steps, substitute : bool
        Accepted for compatibility; code is always merged into one kernel.
    show_code, show_code_scope : bool
        Print generated source (and the names it uses) when it is compiled.
    seed : int, optional
        Seed of every random source (NumPy's and numba's, and of each network's generator),
        for reproducible runs. Numba's generator is seeded as soon as bp_core compiles anything
        (``bp.tools.jit`` or a first run), before any compiled code runs.
    safe : bool
        The default True bounds-checks user step functions, catches their errors and checks
        every state for NaN/inf each step; False drops all three for speed (a bad index can
        then crash the process).
    monitor_memory_limit : float or 'auto'
        Largest memory (MiB) the monitors of one run may take; a run whose dense monitors would
        take more fails before allocating. The default 'auto' allows half of the memory available
        when the run starts.

    Raises
    ------
    ProfileError
        For an unknown option or an invalid value; nothing is changed then.
    """
    if unknown:
        name = next(iter(unknown))
        valid = list(_VALIDATORS)
        raise ProfileError(f"unknown profile option {name!r}.{close_matches(name, valid)}")
    given = {
        "jit": jit, "device": device, "numerical_method": numerical_method, "dt": dt,
        "float_type": float_type, "int_type": int_type, "merge_integrators": merge_integrators,
        "merge_steps": merge_steps, "substitute": substitute, "show_code": show_code,
        "show_code_scope": show_code_scope, "safe": safe, "monitor_memory_limit": monitor_memory_limit,
    }
    checked = {k: _VALIDATORS[k](v) for k, v in given.items() if v is not None}
    if seed is not None:
        checked["seed"] = _check_seed(seed)
    _settings.update(checked)
    if seed is not None:
        _apply_seed(checked["seed"])


def run_on_cpu() -> bool:
    """Return True when models run on the CPU."""
    return _active()["device"] == "cpu"


def run_on_gpu() -> bool:
    """Return True when models run on a GPU."""
    return _active()["device"] == "gpu"


def set_device(jit: bool, device: str | None = None) -> None:
    """Set whether to compile (``jit``) and, optionally, the device ('cpu' or 'gpu')."""
    set(jit=jit, device=device)


def get_device() -> str:
    """Return the device name, 'cpu' or 'gpu'."""
    return _active()["device"]


def set_dt(dt: float) -> None:
    """Set the integration step (ms)."""
    set(dt=dt)


def get_dt() -> float:
    """Return the integration step (ms)."""
    return _active()["dt"]


def set_numerical_method(method: str | Callable) -> None:
    """Set the default integration method (a method keyword or an Integrator class)."""
    set(numerical_method=method)


def get_numerical_method() -> str | Callable:
    """Return the default integration method."""
    return _active()["numerical_method"]


def set_numba_profile(**kwargs: Any) -> None:
    """Set numba compilation options.

    Parameters
    ----------
    **kwargs
        Any of ``nopython``, ``fastmath``, ``parallel``, ``cache``, ``nogil``,
        ``boundscheck``, ``error_model``.

    Raises
    ------
    ProfileError
        For an unknown option, or ``nopython=False`` (object mode is not supported).
    """
    for name in kwargs:
        if name not in _NUMBA_OPTIONS:
            raise ProfileError(f"unknown numba option {name!r}.{close_matches(name, _NUMBA_OPTIONS)}")
    if kwargs.get("nopython", True) is not True:
        raise ProfileError("numba option nopython=False is not supported: generated code runs in nopython mode.")
    if kwargs.get("error_model", "numpy") not in ("numpy", "python"):
        raise ProfileError("numba option 'error_model' must be 'numpy' or 'python'.")
    for name in ("fastmath", "parallel", "cache", "nogil", "boundscheck"):
        # numba reads any truthy object as "on": parallel='no' would switch threads on.
        if name in kwargs and not isinstance(kwargs[name], (bool, np.bool_)):
            raise ProfileError(f"numba option {name!r} must be True or False, not {kwargs[name]!r}: "
                               f"set_numba_profile({name}=True) or ({name}=False).")
    _numba_settings.update(kwargs)


def get_numba_profile() -> dict[str, Any]:
    """Return a copy of the numba compilation options."""
    return dict(_active_numba())


def set_backend(backend: str) -> None:
    """Set the backend: 'numba' (compiled) or 'numpy' (plain Python, debuggable)."""
    if backend not in _BACKENDS:
        raise ProfileError(f"unknown backend {backend!r}.{close_matches(str(backend), _BACKENDS)}")
    set(jit=_BACKENDS[backend])


def get_backend() -> str:
    """Return the backend name, 'numba' or 'numpy'."""
    return "numba" if _settings["jit"] else "numpy"


def get_num_thread_gpu() -> int:
    """Return the number of GPU threads per block used when running on a GPU."""
    return _active()["num_thread_gpu"]


def is_jit() -> bool:
    """Return True when generated code is compiled with numba."""
    return _active()["jit"]


def is_merge_integrators() -> bool:
    """Return the ``merge_integrators`` setting."""
    return _active()["merge_integrators"]


def is_merge_steps() -> bool:
    """Return the ``merge_steps`` setting."""
    return _active()["merge_steps"]


def is_substitute_equation() -> bool:
    """Return the ``substitute`` setting."""
    return _active()["substitute"]


def show_code_scope() -> bool:
    """Return True when the names used by generated code are printed with it."""
    return _active()["show_code_scope"]


def show_format_code() -> bool:
    """Return True when generated code is printed as it is compiled."""
    return _active()["show_code"]


def is_safe() -> bool:
    """Return True when runs are checked (bounds, step errors, NaN/inf)."""
    return _active()["safe"]


def get_monitor_memory_limit() -> float:
    """Return the monitor memory limit of one run, in MiB (for 'auto', of the memory available now)."""
    limit = _active()["monitor_memory_limit"]
    if limit == "auto":
        return AUTO_MONITOR_FRACTION * psutil.virtual_memory().available / 2**20
    return limit


def monitor_limit_is_set() -> bool:
    """Return True when the monitor memory limit was set to a number rather than left 'auto'."""
    return _active()["monitor_memory_limit"] != "auto"


def get_float_type() -> type:
    """Return the floating-point type of state arrays."""
    return _active()["float_type"]


def get_int_type() -> type:
    """Return the integer type of index arrays."""
    return _active()["int_type"]


def set_seed(seed: int | None) -> None:
    """Seed NumPy's and numba's random generators (same as ``set(seed=seed)``)."""
    checked = _check_seed(seed)
    _settings["seed"] = checked
    _apply_seed(checked)


def get_seed() -> int | None:
    """Return the last seed given, or None."""
    return _active()["seed"]


def _apply_seed(seed: int | None) -> None:
    if seed is None:
        return
    np.random.seed(seed)
    for hook in _seed_hooks:
        hook(seed)
