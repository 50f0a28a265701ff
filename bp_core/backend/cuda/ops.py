"""What one step of a network does on the GPU, as data: the operations the host loop launches in order.

The code generator (``bp_core.codegen.device_plan``) turns a network's kernel plan into a
``DevicePlan``; the target (``bp_core.backend.cuda.target``) runs it. Values are named by ``Ref``:
a kernel variable of the CPU kernel's argument list, a row of one, or something the host loop
supplies each step (the time, the step number, an event list's bounds, a device flag).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Ref", "Launch", "ApplyInput", "RecordEvents", "RecordRow", "CheckFinite", "PushDelay", "AdvanceDelay",
           "QueueCapture", "QueueArrival", "AdvanceQueue", "QueueOutput", "Site", "DevicePlan", "register_lowering",
           "lower_kernel"]

_LOWERING: list = []  # the code generator's KernelPlan -> DevicePlan (it sits above this layer, so it registers)


def register_lowering(lower: Any) -> None:
    """Install ``lower(kernel_plan, inputs, check_finite) -> DevicePlan`` (``codegen.device_plan`` does at import)."""
    _LOWERING[:] = [lower]


def lower_kernel(plan: Any, check_finite: bool) -> "DevicePlan":
    """The GPU form of a ``KernelPlan`` (inputs read from its schedule), by the registered lowering."""
    if not _LOWERING:
        raise RuntimeError("no GPU lowering registered: import bp_core (its network imports codegen.device_plan)")
    return _LOWERING[0](plan, None, check_finite)


@dataclass(frozen=True)
class Ref:
    """One value an operation reads.

    Attributes
    ----------
    kind : str
        ``'var'`` (kernel variable ``name``), ``'row'`` (row ``row`` of kernel variable ``name``),
        ``'t'`` / ``'dt'`` (the time and time step, as ``dtype``), ``'i'`` (the step number), ``'lo'`` /
        ``'hi'`` (start and end of this step's events in event record ``name``, one-element device arrays),
        ``'flag'`` (the device flag of site ``row``), ``'step'`` (the step number, for flags), ``'read'``
        (the row of delay buffer ``name`` a delayed step reads now; ``name`` is the line's ``_delay_idx``),
        ``'rng'`` (the states of the threads' random generators), ``'arrivals'`` (the synapses spike queue
        ``name`` reaches this step), ``'const'`` (the integer ``row``), ``'host'`` (the value named ``name``
        that the launch's ``host`` statements compute).
    name : str
    row : int
    dtype : str
    """

    kind: str
    name: str = ""
    row: int = -1
    dtype: str = "float64"


@dataclass(frozen=True)
class Site:
    """Where a non-finite value can be caught: object ``obj_id`` of the kernel, field row ``row`` (-1: any)."""

    obj_id: int
    row: int
    label: str


@dataclass(frozen=True)
class Launch:
    """Launch the translated step function ``name`` (its source: ``source``) over a grid.

    ``setup`` and ``count`` (Python, on the host, in the step's argument names) give the number of
    threads; when ``events`` names an event record, the grid has one thread per element that could
    have fired this step (``event_size`` of them). ``host`` (Python, in the same names) computes the
    values of the ``'host'`` references, once per call or, with ``host_per_step``, before every launch.
    ``raises``: the user's line of each ``raise`` of the step and what it raises.
    """

    name: str
    source: str
    args: tuple[str, ...]
    refs: tuple[Ref, ...]
    setup: str
    count: str
    events: str = ""
    event_size: Ref | None = None
    lines: tuple[int | None, ...] = ()
    source_file: str = ""
    step: str = ""
    owner: str = ""
    host: str = ""
    host_per_step: bool = False
    raises: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ApplyInput:
    """``row op= value`` each step; ``value`` is kernel variable ``value`` (row ``k`` of it when ``iterated``)."""

    target: Ref
    value: str
    op: str
    iterated: bool


@dataclass(frozen=True)
class RecordEvents:
    """Append the nonzero elements of ``values`` to event record ``var`` (``<var>_index`` ... ``<var>_count``)."""

    values: Ref
    var: str


@dataclass(frozen=True)
class RecordRow:
    """Copy ``values`` into row ``_mon0 + k`` of record ``var`` (every ``every``-th step; ``<var>_sel`` only)."""

    values: Ref
    var: str
    every: int = 1
    selected: bool = False


@dataclass(frozen=True)
class CheckFinite:
    """Set the flag of site ``site`` when ``values`` holds a NaN or an infinity."""

    values: Ref
    site: int


@dataclass(frozen=True)
class PushDelay:
    """Copy fields of ``state`` into the write row of delay ``buffer`` (``index`` holds [write row, length]).

    ``rows`` are (buffer row, state row) pairs; ``per_element``: the state holds one value per element.
    """

    state: str
    buffer: str
    index: str
    rows: tuple[tuple[int, int], ...]
    per_element: bool


@dataclass(frozen=True)
class AdvanceDelay:
    """Move the write row of the delay line whose ``_delay_idx`` is ``index`` on by one."""

    index: str


@dataclass(frozen=True)
class QueueCapture:
    """Record this step's events of ``values`` in spike queue ``queue``'s current slot (``codegen.queue_ops``).

    The queue's sources are scanned in order, even where the CPU kernel follows a monitor's list of the
    step's events: the GPU appends those in no fixed order, and the order of a slot decides the arrivals'.
    """

    queue: str
    values: Ref
    factors: tuple[str, ...] = ()  # kernel variables of the parameters each event's value is stored times


@dataclass(frozen=True)
class QueueArrival:
    """Push the current slot; list the synapses reached now (``<queue>_arr``) and their delayed values.

    ``scaled_rows``: (row of ``<queue>_dval``, scale) of each event field.
    """

    queue: str
    scaled_rows: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class AdvanceQueue:
    """Move spike queue ``queue``'s write slot on by one."""

    queue: str


@dataclass(frozen=True)
class QueueOutput:
    """When a call ends: the event fields of the copy step queue ``queue`` replaces, in ``state``'s rows."""

    queue: str
    state: str
    scaled_rows: tuple[tuple[int, float], ...]
    factor_rows: tuple[tuple[int, ...], ...] = ()  # rows of each event field's static factors


@dataclass
class DevicePlan:
    """A network's step on the GPU.

    Attributes
    ----------
    args : list of str
        The CPU kernel's arguments, in order (the GPU kernel takes the same).
    ops : list
        Operations of one step, in order.
    sites : list of Site
        Device flags; ``Launch`` ``i`` of the ops uses the site ``flag_of[i]`` gives.
    written : list of str
        Kernel variables the device writes (copied back after a run).
    event_records : list of (str, Ref)
        Each event record's variable and the field it records (for the room check), in the order
        of the CPU kernel's grow statuses.
    entry_checks : list of (int, str)
        ``(object id, state variable)`` checked for NaN/inf before the first step.
    extra : dict
        Kernel variables the GPU reads that the CPU kernel does not take -> a function giving the value now
        (the build's own getter).
    states : list of str
        The objects' state variables: kept on the device between calls (``backend.cuda.residency``).
    structure : list of str
        Connectivity the device only reads (compressed rows, spike-queue routes): kept on the device while
        the host array is the same object.
    """

    args: list[str]
    ops: list = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    flag_of: dict[int, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    event_records: list[tuple[str, Ref]] = field(default_factory=list)
    entry_checks: list[tuple[int, str]] = field(default_factory=list)
    scope: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    states: list[str] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)
    check_finite: bool = True
    queue_outputs: list[QueueOutput] = field(default_factory=list)
