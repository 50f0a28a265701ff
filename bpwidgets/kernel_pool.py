"""Pre-started kernels: each served notebook keeps a few kernels that have already run it, so that a student's
page is a kernel handed over, not one started, imported and run while twenty others do the same.

Voila's preheated kernels (``VoilaConfiguration.preheat_kernel``) execute the notebook in a kernel before any
page asks for it and give the result to the next page; each page taken starts a replacement. What
:class:`KernelPool` adds to them, for a room on one machine:

- **Starts go through a gate** (:class:`StartGate`) a few at a time (one per core), the gallery's
  (``index.ipynb``) first, then the first kernel of every notebook before the second of any. Voila starts
  every pool at once, and on two cores twenty notebook executions at once made the gallery, and every page
  waiting for one of them, as slow as having no pool. A pooled kernel passes the gate once its notebook has
  finished running, so a page never waits for a pooled kernel that is still importing while it could have one
  that is ready.
- **Pages go first**: replacements for taken kernels start only once every page that took one has connected
  to it and :data:`QUIET_SECONDS` have passed (at most :data:`HOLD_SECONDS` after a page took one): twenty
  pages loading at once need the CPU for themselves, and replacements started among them took as much CPU as
  the pages did. When a page takes a pool's next kernel and that one has not passed the gate yet, it is let
  through at once. The pause holds replacements only: a notebook none of whose kernels has passed the gate
  yet still gets its first one through as a place at the gate frees, since a page of it arriving later would
  otherwise find no kernel ready and wait for a whole start among the loading pages.
- **Warm-up first**: a pooled kernel of a notebook that the background warm-up (:mod:`bpwidgets.warmup`) has
  not warmed yet waits for it before it reaches the gate, so it loads the compiled code instead of compiling
  the same models beside the warm-up. The notebook is registered before its first kernel waits (for the
  warm-up or at the gate), so that a page asking for it waits for its pool too (rather than starting a kernel
  of its own beside the pool's) and hurries that kernel. A page that asks for a notebook whose warm-up has not
  started yet does not wait for the warm-ups before it (on a fresh install the first dashboard's took 8 s, and
  a page then waited for two compilations and a run: 20 s): the pool's first kernel of it stops waiting and
  compiles it on the other core, its other kernels wait for that one to have run it, and the warm-up takes
  the notebook last.
- **Pooled kernels are nobody's**: the room (:mod:`bpwidgets.room`) counts a pooled kernel against the limits
  only once a page has taken it, as the page's client's. The closed-page rule and the idle culler leave a pooled
  kernel alone (it has never had a connection, and Voila's culler skips pooled kernels).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
import time
import weakref
from collections import Counter
from typing import Iterable

from jupyter_server._tz import utcnow
from traitlets import List, Unicode, default
from traitlets.config import LoggingConfigurable
from voila.voila_kernel_manager import voila_kernel_manager_factory

from bpwidgets.server_command import pool_sizes
from bpwidgets.warm_board import WarmBoard

__all__ = ["FIRST_NOTEBOOKS", "HOLD_SECONDS", "QUIET_SECONDS", "KernelPool", "StartGate",
           "pooled_kernel_manager_factory"]

FIRST_NOTEBOOKS = ("index.ipynb",)
"""Notebooks whose pooled kernels start before the others': the gallery the URL opens."""
QUIET_SECONDS = 10.0
"""Seconds after the last page that took a pooled kernel has connected to it before replacements start."""
HOLD_SECONDS = 120.0
"""The longest replacements wait for pages that took a kernel to connect (a page may never do so)."""
RENDER_TIMEOUT = 600.0
"""Seconds a pooled kernel may take to run its notebook before the gate lets the next one through anyway."""
CONNECT_GRACE = 120.0
"""Seconds a taken kernel is kept from the idle culler while its page has not connected yet."""
WARM_UP_TIMEOUT = 1200.0
"""The longest a pooled kernel waits for its notebook's warm-up (a warm-up killed outright never ends it)."""
WARM_UP_POLL_SECONDS = 0.5


class StartGate:
    """Lets at most ``width`` pooled-kernel starts run at once, in order of priority (see the module docstring).
    Each start is known by a key (the task running it), so that a page can hurry the one it waits for.

    Parameters
    ----------
    width : int
        Starts running at once (one per core: a start is mostly one process computing).
    first : iterable of str
        Notebooks whose starts go before every other notebook's.
    """

    def __init__(self, width: int, first: Iterable[str] = FIRST_NOTEBOOKS):
        if width < 1:
            raise ValueError(f"StartGate width must be 1 or more, got {width}")
        self.width = width
        self.first = frozenset(first)
        self._waiting: list[tuple[tuple, object, str, asyncio.Future]] = []  # heap of (rank, key, notebook, turn)
        self._running: set[object] = set()
        self._hurried: set[object] = set()  # keys hurried before they reached the gate
        self._pending: Counter[str] = Counter()  # starts of each notebook waiting or running
        self._started: set[str] = set()  # notebooks one of whose starts has been let through
        self._order = itertools.count()
        self._paused_until = 0.0  # on the event loop's clock

    @property
    def running(self) -> int:
        """Starts let through and not yet ended."""
        return len(self._running)

    @property
    def waiting(self) -> list[str]:
        """The notebooks of the waiting starts, next first."""
        return [w[2] for w in sorted(self._waiting, key=lambda w: w[0])]

    async def enter(self, notebook: str, key: object) -> None:
        """Wait for the turn of start ``key`` of ``notebook``; it ends with :meth:`leave`."""
        rank = (0 if notebook in self.first else 1, self._pending[notebook], next(self._order))
        self._pending[notebook] += 1
        if key in self._hurried:
            self._hurried.discard(key)
            self._let_through(key, notebook)
            return
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, key, notebook, turn))
        self._admit()
        try:
            await turn
        except asyncio.CancelledError:
            if key in self._running:  # let through just as it was cancelled: pass the turn on
                self.leave(notebook, key)
            else:
                self._waiting = [w for w in self._waiting if w[1] is not key]
                heapq.heapify(self._waiting)
                self._pending[notebook] -= 1
            raise

    def leave(self, notebook: str, key: object) -> None:
        """Start ``key`` has ended: let the next waiting one through."""
        self._pending[notebook] -= 1
        self._running.discard(key)
        self._admit()

    def pause(self, seconds: float, *, extend: bool = True) -> None:
        """Let no replacement through (hurried starts and a notebook's first start still go) for ``seconds``
        from now: pages are arriving, and a replacement kernel started now would take the CPU their pages need.
        With ``extend=False`` the pause ends then even if an earlier one would have lasted longer."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        self._paused_until = max(self._paused_until, until) if extend else until
        loop.call_at(self._paused_until, self._admit)

    def _admit(self) -> None:
        paused = asyncio.get_running_loop().time() < self._paused_until
        while len(self._running) < self.width:
            # while paused only a notebook's first start goes: the pause is there to hold replacements
            entry = next((w for w in sorted(self._waiting, key=lambda w: w[0])
                          if not paused or w[2] not in self._started), None)
            if entry is None:
                return
            self._waiting.remove(entry)
            heapq.heapify(self._waiting)
            self._let_through(entry[1], entry[2])
            entry[3].set_result(None)

    def _let_through(self, key: object, notebook: str) -> None:
        self._running.add(key)
        self._started.add(notebook)

    def let_through(self, key: object) -> bool:
        """Whether start ``key`` has passed the gate and not ended."""
        return key in self._running

    def hurry(self, key: object) -> None:
        """A page waits for start ``key``: let it through now, past the width, whether it waits at the gate or has
        not reached it yet (nothing changes for one already through)."""
        if key in self._running:
            return
        for entry in self._waiting:
            if entry[1] is key:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
                self._let_through(key, entry[2])
                entry[3].set_result(None)
                return
        self._hurried.add(key)


class KernelPool(LoggingConfigurable):
    """Mixed in over Voila's preheating kernel manager (see :func:`pooled_kernel_manager_factory`): the pool
    sizes, the gate, the pages' priority and the room's count of taken kernels."""

    pool = List(Unicode(), ["1"], config=True,
                help="Pre-started kernels per notebook: 'N' for every notebook, 'NAME=N' for one (see pool_sizes).")
    warm_board: WarmBoard | None = None
    """The background warm-up's board (:mod:`bpwidgets.warm_board`), where one runs."""

    def __init__(self, **kwargs):
        self.start_gate = StartGate(max(1, os.cpu_count() or 1))
        self.unconnected: set[str] = set()  # kernels pages have taken and not yet connected to
        self._taken_at: dict[str, float] = {}
        self._page_compiles: dict[str, str] = {}  # notebook -> 'compiling' or 'run' (see _until_warm)
        self._page_taken: weakref.WeakSet = weakref.WeakSet()  # pool entries pages took before they were ready
        self.warm_board = WarmBoard.from_environment()
        super().__init__(**kwargs)

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._connected(kernel_id)

    def remove_kernel(self, kernel_id: str):
        self._connected(kernel_id)
        return super().remove_kernel(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str):
        # A pooled kernel has been idle since it ran its notebook: once a page takes it, the culler would count
        # that time and shut it down before the page's socket connects. The page gets a grace period instead.
        taken = self._taken_at.get(kernel_id)
        if kernel_id in self.unconnected and taken is not None and time.monotonic() - taken < CONNECT_GRACE:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    def _connected(self, kernel_id: str) -> None:
        self._taken_at.pop(kernel_id, None)
        if kernel_id in self.unconnected:
            self.unconnected.discard(kernel_id)
            if not self.unconnected:  # every page that took a kernel has it: replacements may start soon
                self.start_gate.pause(QUIET_SECONDS, extend=False)

    @default("kernel_pools_config")
    def _pools_from_options(self) -> dict:
        every, sizes = pool_sizes(self.pool)
        return {"default": {"pool_size": every, "kernel_env_variables": {}},
                **{name: {"pool_size": size} for name, size in sizes.items()}}

    async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs) -> dict:
        if kernel_id is not None:  # a restart of a kernel a page has: no gate
            return await super()._initialize(notebook_path, kernel_id, **kwargs)
        key = asyncio.current_task()  # the pool's entry for this kernel: what a page hurries
        await self._register(notebook_path)
        compiles = False  # this kernel compiles the notebook for a page, ahead of its warm-up
        if self.warm_board is not None and self.warm_board.pending(self._notebook_file(notebook_path)):
            compiles = await self._until_warm(notebook_path, key)
        await self.start_gate.enter(notebook_path, key)
        try:
            content = await super()._initialize(notebook_path, None, **kwargs)
            # wait for the notebook to have run: the next start then has the CPU to itself
            done, _ = await asyncio.wait({content["task"]}, timeout=RENDER_TIMEOUT)
            self.log.info("Pre-started kernel %s has run %s%s", content["kernel_id"], notebook_path,
                          "" if done else f" (still running after {RENDER_TIMEOUT:.0f} s)")
            return content
        finally:
            if compiles:
                self._page_compiles[notebook_path] = "run"  # its other kernels load what this one compiled
            self.start_gate.leave(notebook_path, key)

    def _notebook_file(self, notebook_path: str) -> str:
        root = getattr(self.parent, "root_dir", None) or self.root_dir
        return os.path.join(root, notebook_path)

    async def _register(self, notebook_path: str) -> None:
        # Voila's page handler sends a page to the pool only once a pooled kernel of its notebook has started;
        # registering it before the warm-up and the gate sends the pages that arrive meanwhile there too, where
        # they hurry the pool's kernel, instead of starting one more kernel of their own beside it
        if notebook_path not in self.notebook_data:
            renderer = self._notebook_renderer_factory(notebook_path)
            await renderer.initialize()
            self.notebook_data.setdefault(notebook_path, {
                "notebook": renderer.notebook, "template": renderer.template_name, "theme": renderer.theme,
                "kernel_name": renderer.notebook.metadata.kernelspec.name, "kernel_ids": set()})

    async def _until_warm(self, notebook_path: str, key: object = None) -> bool:
        """Wait for the notebook's warm-up; True where this kernel (the pool's entry ``key``) is to compile it for
        a page instead: the one a page has taken."""
        notebook, deadline = self._notebook_file(notebook_path), time.monotonic() + WARM_UP_TIMEOUT
        self.log.info("Kernel pool of %s waits for its warm-up", notebook_path)
        while self.warm_board.pending(notebook) and time.monotonic() < deadline:
            claim = self._page_compiles.get(notebook_path)
            if claim == "run":  # a kernel of this pool has compiled it for a page
                return False
            if claim is None and key in self._page_taken and self.warm_board.taken_by_page(notebook):
                self._page_compiles[notebook_path] = "compiling"
                self.log.info("A page asked for %s before its warm-up: its kernel compiles it now", notebook_path)
                return True
            await asyncio.sleep(WARM_UP_POLL_SECONDS)
        return False

    async def shutdown_all(self, *args, **kwargs) -> None:
        # Voila awaits every pool entry before shutting its kernel down: an entry still waiting at the gate would
        # first start a kernel and run the notebook. Those are cancelled and dropped; the ones starting finish.
        for name, pool in self._pools.items():
            waiting = [task for task in pool if not task.done() and not self.start_gate.let_through(task)]
            for task in waiting:
                task.cancel()
            self._pools[name] = [task for task in pool if task not in waiting]
        await super().shutdown_all(*args, **kwargs)

    async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
        pool = self._pools.get(notebook_name) or []
        if pool and not pool[0].done():  # the kernel this page gets is not ready: let it through first
            self.start_gate.hurry(pool[0])
            self._page_taken.add(pool[0])
        if self.warm_board is not None and self.warm_board.pending(self._notebook_file(notebook_name)):
            self.warm_board.want(self._notebook_file(notebook_name))  # its pool's kernel compiles it if still queued
        self.start_gate.pause(HOLD_SECONDS)
        render_task, rendered_cache, kernel_id = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
        self.unconnected.add(kernel_id)
        self._taken_at[kernel_id] = time.monotonic()
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and hasattr(kernel, "last_activity"):
            kernel.last_activity = utcnow()  # idle time counts from the page taking it, not from its start
        room = getattr(self, "room", None)
        if room is not None:
            room.seat(kernel_id)  # from now on the kernel is the page's: its client's
        return render_task, rendered_cache, kernel_id


def pooled_kernel_manager_factory(base_class: type, preheat_kernel: bool, default_pool_size: int,
                                  page_config_hook=None) -> type:
    """Voila's kernel manager factory, with :class:`KernelPool` over the preheating manager it makes."""
    managed = voila_kernel_manager_factory(base_class, preheat_kernel, default_pool_size, page_config_hook)
    if not preheat_kernel:
        return managed
    return type(f"Pooled{base_class.__name__}", (KernelPool, managed), {})
