"""Threads for parallel kernels: how many cores are free now, and whether the parallel kernel pays.

numba's ``parallel`` option splits element loops over threads, and every step then ends at a barrier; the
blocked kernel (``codegen.blocks``) meets once per shortest synaptic delay instead. On a machine whose cores
are shared (a virtual machine, a laptop running other work) a barrier can cost more than the work between two,
so a network with a parallel kernel times it against the one-thread kernel on the first steps of a run and keeps
the faster, for the number of threads it was timed on (``plan_threads``): a parallel kernel runs only on a number
of threads at which it was timed faster than one thread, and one core free means one thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

__all__ = ["free_cores", "note_threads", "ParallelChoice", "plan_threads", "TRIAL_MIN_STEPS"]

# numba's OpenMP threads spin after each parallel region before they sleep; where the cores are shared, the
# spinning holds the core another thread of the region waits for (on a loaded 2-core machine the blocked
# kernel's 2-thread trial took 15x the CPU time of one thread; passive waiting: the same). Set before numba
# starts its threads; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

TRIAL_MIN_STEPS = 40
"""A run shorter than this many steps runs one thread and leaves the decision to a longer run."""


_OWN = {"threads": 1}


def note_threads(count: int) -> None:
    """Record that this process now runs ``count`` threads (its own share of the load average)."""
    _OWN["threads"] = max(1, int(count))


def free_cores(affinity: int | None = None, load: float | None = None, limit: int | None = None,
               own: int | None = None) -> int:
    """Cores this process can use now: those it may run on, less those other work keeps busy.

    Parameters
    ----------
    affinity : int, optional
        Cores the process may run on (``os.sched_getaffinity``; ``os.cpu_count`` where it does not exist).
    load : float, optional
        Runnable threads, averaged over the last minute (``os.getloadavg``).
    limit : int, optional
        At most this many (numba's thread pool size).
    own : int, optional
        Threads of this process counted in ``load`` (those its last parallel run used, see
        :func:`note_threads`; at least the calling thread): they are not other work.

    Returns
    -------
    int
        At least 1.
    """
    if affinity is None:
        affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if load is None:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    own = _OWN["threads"] if own is None else max(1, own)
    busy = max(0, int(load + 0.5) - own)
    free = max(1, affinity - busy)
    return max(1, min(free, limit)) if limit else free


@dataclass
class ParallelChoice:
    """The timing of a structure's one-thread and parallel kernels, and the decision it leads to.

    The two kernels alternate for ``rounds`` calls each of ``steps`` steps (the first call of a kernel pays
    for starting its threads, so the best call of each counts); the parallel kernel is kept only if it is
    faster by more than ``margin``.

    Attributes
    ----------
    threads : int
        Threads the parallel kernel runs with.
    steps : int
        Steps per timed call.
    form : str
        What the parallel kernel is: ``'prange loops'`` (threads meet at the end of every element loop of every
        step) or ``'blocked'`` (threads meet once per shortest synaptic delay, ``codegen.blocks``).
    """

    threads: int
    steps: int
    rounds: int = 2
    margin: float = 0.05
    form: str = "prange loops"
    serial: list[float] = field(default_factory=list)
    parallel: list[float] = field(default_factory=list)
    decided: str | None = None

    @classmethod
    def for_run(cls, n_steps: int, threads: int) -> ParallelChoice | None:
        """A trial for a run of ``n_steps`` with ``threads`` free cores, or None when none can be made
        (one core free, or a run too short to time: it runs one thread and the decision waits)."""
        if threads < 2 or n_steps < TRIAL_MIN_STEPS:
            return None
        # calls of a few hundred steps span several blocks of a blocked kernel and the early transient of a run
        return cls(threads=threads, steps=max(1, min(250, n_steps // 20)))

    def next_kernel(self) -> str | None:
        """``'serial'`` or ``'parallel'``: the kernel the next timed call runs (None once decided)."""
        if self.decided is not None:
            return None
        if len(self.serial) <= len(self.parallel):
            return "serial"
        return "parallel"

    def record(self, kernel: str, seconds: float, steps: int) -> None:
        """Note a timed call of ``kernel`` over ``steps`` steps; decides after the last one."""
        (self.serial if kernel == "serial" else self.parallel).append(seconds / max(steps, 1))
        if len(self.parallel) >= self.rounds and len(self.serial) >= self.rounds:
            fast = min(self.parallel) < (1.0 - self.margin) * min(self.serial)
            self.decided = "parallel" if fast else "serial"

    @property
    def kernel(self) -> str:
        """The kernel to run once decided (``'serial'`` until then)."""
        return self.decided or "serial"

    def __str__(self) -> str:
        if self.decided is None:
            return "undecided"
        return (f"{self.decided} (one thread {min(self.serial) * 1e6:.1f} us/step, {self.threads} threads "
                f"{min(self.parallel) * 1e6:.1f} us/step, {self.form})")


def plan_threads(choices: dict[int, ParallelChoice], free: int, n_steps: int, form: str = "prange loops"
                 ) -> tuple[ParallelChoice | None, str, int]:
    """How a run of ``n_steps`` with ``free`` cores free uses a structure's two kernels.

    Parameters
    ----------
    choices : dict
        Threads -> the trial made with that many (filled here: a new trial is added to it).
    free : int
        Cores free now (:func:`free_cores`, capped at the threads the target has).
    n_steps : int
    form : str
        What the parallel kernel is (``ParallelChoice.form``).

    Returns
    -------
    trial : ParallelChoice or None
        The trial to run (its calls alternate the kernels), or None.
    kernel : str
        Without a trial, the kernel to run: ``'parallel'`` only on a number of threads at which a finished trial
        found it faster than one thread.
    threads : int
        The threads to run the parallel kernel (or the trial) with; 1 for ``'serial'``.
    """
    if free < 2:
        return None, "serial", 1  # one core: threads would take turns on it
    timed = choices.get(free)
    if timed is None:
        timed = ParallelChoice.for_run(n_steps, free)
        if timed is not None:
            timed.form = form
            choices[free] = timed
    if timed is not None and timed.decided is None:
        return timed, "serial", free  # a new trial, or one an error cut short
    # the fastest parallel kernel among those timed faster than one thread, on no more threads than are free
    faster = [c for t, c in choices.items() if t <= free and c.decided == "parallel"]
    if not faster:
        return None, "serial", 1
    best = min(faster, key=lambda c: min(c.parallel, default=0.0))
    return None, "parallel", best.threads
