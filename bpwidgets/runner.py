"""LiveRunner: runs a network on a worker thread in chunks and streams each chunk to subscribers.

One pass runs the network from its initial state for ``duration`` ms. A new request
(a parameter or input changed) cancels the pass at the next chunk boundary and
starts a new one; passes never overlap. The compiled kernel releases the GIL, so the
kernel stays responsive while the worker runs. Everything subscribers see, and every
trait change, happens on the kernel's event loop, never on the worker thread.

A runner given a ``share`` name streams its first pass from the passes the warm-up recorded
(:mod:`bpwidgets.first_pass`) when one has the same key: the same frames, without simulating.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import numpy as np
from traitlets import Float, HasTraits, Int, TraitError, Unicode, validate

import bp_core as bp
from bpwidgets.first_pass import FirstPasses, pass_key, prestarted
from bpwidgets.text import one_line

__all__ = ["LiveRunner", "Frame", "StartFrame", "ChunkFrame", "DoneFrame", "CancelledFrame", "ErrorFrame",
           "MAX_FRAMES_IN_FLIGHT", "kernel_loop"]

MAX_FRAMES_IN_FLIGHT = 4
"""Frames the worker may post ahead of the event loop's delivery before it waits."""


@dataclass(frozen=True)
class Frame:
    """One message of a pass; ``kind`` says which ('start', 'chunk', 'done', 'cancelled' or 'error')."""

    generation: int
    kind: ClassVar[str] = ""


@dataclass(frozen=True)
class StartFrame(Frame):
    """A pass begins (views clear what the previous pass drew); ``snapshot`` is the network as the pass starts
    (state, parameters and random generator), from which :meth:`LiveRunner.replay` runs the same pass again.
    ``shared``: the pass is one the warm-up recorded, streamed instead of simulated (:mod:`bpwidgets.first_pass`)."""

    snapshot: Any = None
    shared: bool = False
    kind: ClassVar[str] = "start"


@dataclass(frozen=True)
class ChunkFrame(Frame):
    """A chunk was run: each object's monitors for it (``mon.spike_events``, ``mon.V``, ``mon.ts``)."""

    monitors: dict = field(default_factory=dict)
    progress: float = 0.0
    kind: ClassVar[str] = "chunk"


@dataclass(frozen=True)
class DoneFrame(Frame):
    """The pass ran to its end."""

    kind: ClassVar[str] = "done"


@dataclass(frozen=True)
class CancelledFrame(Frame):
    """The pass was cut short by a restart or a stop."""

    kind: ClassVar[str] = "cancelled"


@dataclass(frozen=True)
class ErrorFrame(Frame):
    """The model failed; ``message`` says how, in one line."""

    message: str = ""
    kind: ClassVar[str] = "error"


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop that will deliver frames: a Jupyter kernel's, or one running the coroutine that
    creates the runner. None otherwise (a script, a test): frames then wait for ``deliver_pending()``. A loop
    that is only nominally running here (Playwright's sync API leaves one that moves only during its own
    calls) would hold the frames for ever."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    if asyncio.current_task(loop) is not None:
        return loop
    from IPython import get_ipython

    return loop if getattr(get_ipython(), "kernel", None) is not None else None


class LiveRunner(HasTraits):
    """Run a Network again and again as its parameters change, streaming the monitors.

    Parameters
    ----------
    net : bp.Network
    inputs : list or callable, optional
        Inputs as for ``Network.run``, or a function returning them (read at each pass start).
    duration : float
        Length of one pass (ms).
    chunk : float
        Simulated time per chunk (ms); a cancel or stop takes effect at the next chunk boundary.
    seed : int, optional
        Seed of each pass's random numbers (the same for every pass, so changes show their own effect).
    share : str, optional
        Name of this runner's first pass among the passes the warm-up records (:mod:`bpwidgets.first_pass`),
        e.g. the dashboard's: until the runner has simulated a pass, a pass whose key the warm-up recorded is
        streamed from its file, not simulated, and the network is not built for it (in a pre-started kernel it
        is built right after, while no page waits). The network is left as such a pass started, not as it ended
        (:meth:`save_state` simulates it first). None: every pass is simulated.
    first_passes : FirstPasses, optional
        Where recorded passes are found (default: the warm-up's folder).
    """

    status = Unicode("idle", help="idle, running, paused, done, stopped or error")
    error = Unicode("", help="Short message of the last error, empty otherwise.")
    progress = Float(0.0, help="Fraction of the current pass done.")
    speed = Float(0.0, help="Simulated milliseconds per wall-clock second in the current pass (1000 is real time).")
    duration = Float(500.0, help="Length of one pass in ms.")
    completed_passes = Int(0, help="Passes that ran to the end.")

    def __init__(self, net: bp.Network, inputs: Any = (), duration: float = 500.0, chunk: float = 20.0,
                 seed: int | None = None, share: str | None = None, first_passes: FirstPasses | None = None):
        for name, value in (("duration", duration), ("chunk", chunk)):
            if not _positive_ms(value):
                # found in the worker, it would end every pass as an error the caller never sees raised
                raise bp.errors.ModelUseError(f"LiveRunner's {name} must be a positive, finite number of ms, got "
                                              f"{value!r}; e.g. LiveRunner(net, duration=500., chunk=20.).")
        super().__init__(duration=float(duration))
        if not isinstance(net, bp.Network):
            raise bp.errors.ModelUseError(f"LiveRunner needs a bp.Network, got {net!r}.")
        self.net = net
        self.inputs = inputs
        self.chunk = float(chunk)
        if seed is not None and not (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
                                     and 0 <= seed < 2**32):
            # found in the worker, a negative seed ended every pass as an error; 1.7 ran as 1 without a word
            raise bp.errors.ModelUseError(f"LiveRunner's seed must be a whole number from 0 to 2**32 - 1, got "
                                          f"{seed!r}; e.g. LiveRunner(net, seed=42).")
        self.seed = int(np.random.randint(0, 2**31 - 1)) if seed is None else int(seed)
        self._initial = net.snapshot()
        self.share = share
        self._first_passes = (first_passes or FirstPasses()) if share is not None else None
        self._simulated = False  # a pass of this runner has been simulated: later ones are not looked up
        self._shared_pass = False
        self._behind: tuple | None = None  # after a streamed pass: (its start, inputs, steps), the network left there
        self._replays: dict[int, Any] = {}  # generation -> the snapshot that pass starts from
        self._subscribers: list[Callable[[Frame], None]] = []
        self._cond = threading.Condition()
        self._requested = 0
        self._served = 0
        self._busy = False
        self._paused = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._pending: queue.SimpleQueue = queue.SimpleQueue()
        self._in_flight = 0  # frames posted to the event loop and not yet delivered
        self._loop: asyncio.AbstractEventLoop | None = kernel_loop()

    @validate("duration")
    def _checked_duration(self, proposal: Any) -> float:
        if not _positive_ms(proposal["value"]):
            raise TraitError(f"LiveRunner.duration must be a positive, finite number of ms, got "
                             f"{proposal['value']!r}; the duration in use ({self.duration:g} ms) is kept.")
        return proposal["value"]

    # -- control --------------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[Frame], None]) -> None:
        """Receive every frame (on the kernel's event loop)."""
        self._subscribers.append(callback)

    def restart(self) -> int:
        """Cancel the current pass (at its next chunk) and start a new one; returns its generation."""
        return self._request(None)

    def _request(self, snapshot: Any) -> int:
        with self._cond:
            self._requested += 1
            self._stopped = False
            self._paused = False
            generation = self._requested
            self._replays = {} if snapshot is None else {generation: snapshot}
            self._cond.notify_all()
        self.status = "running"
        self._ensure_thread()
        return generation

    run = restart

    def replay(self, snapshot: Any) -> int:
        """Start a pass from ``snapshot`` (a :class:`StartFrame`'s), its parameters included: the same pass again."""
        if not isinstance(snapshot, bp.NetworkSnapshot):
            raise bp.errors.ModelUseError(f"LiveRunner.replay needs the snapshot of a start frame, got "
                                          f"{type(snapshot).__name__}.")
        return self._request(snapshot)

    def stop(self) -> None:
        """End the current pass at its next chunk boundary."""
        with self._cond:
            self._stopped = True
            self._paused = False
            self._cond.notify_all()

    def pause(self) -> None:
        """Hold the current pass between two chunks."""
        with self._cond:
            self._paused = True
        self.status = "paused"

    def resume(self) -> None:
        """Continue a paused pass."""
        with self._cond:
            self._paused = False
            self._cond.notify_all()
        self.status = "running"

    def reset(self) -> int:
        """Restore the initial state and start a new pass."""
        return self.restart()

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until no pass is running or requested, then deliver pending frames; True if idle."""
        with self._cond:
            idle = self._cond.wait_for(lambda: not self._busy and self._served >= self._requested, timeout)
        self.deliver_pending()
        return idle

    def deliver_pending(self) -> None:
        """Deliver frames queued for the main thread (used when no event loop runs)."""
        while True:
            try:
                frame = self._pending.get_nowait()
            except queue.Empty:
                return
            self._deliver(frame)

    def close(self, timeout: float = 10.0) -> bool:
        """Stop the worker thread and wait (at most ``timeout`` seconds) until it has let go of the network.

        A pass ends at its next chunk boundary, so the wait is about one chunk's run time. Returns True when
        the worker has ended: the network can then be run or streamed by another runner at once.
        """
        self.stop()
        with self._cond:
            self._requested = -1
            self._cond.notify_all()
        worker = self._thread
        if worker is None or worker is threading.current_thread():
            return True
        worker.join(timeout)
        return not worker.is_alive()

    # -- worker ------------------------------------------------------------------------------------

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="bpwidgets-runner", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._requested != self._served)
                if self._requested < 0:
                    return
                generation = self._requested
                self._served = generation
                self._busy = True
            try:
                self._run_pass(generation)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _cancelled(self, generation: int) -> bool:
        with self._cond:
            # paused, or the event loop has not yet drawn the last frames: the worker waits (backpressure, so
            # a long pass never runs ahead of what the page shows and queues frames without bound)
            self._cond.wait_for(lambda: (not self._paused and self._in_flight < MAX_FRAMES_IN_FLIGHT)
                                or self._requested != generation or self._stopped)
            return self._requested != generation or self._stopped

    def _run_pass(self, generation: int) -> None:
        try:
            with self.net.exclusive():  # a cell's net.run() meanwhile is refused instead of interleaving
                self._stream(generation)
        except BaseException as err:  # noqa: BLE001 - whatever ends the pass (a user's inputs function too) is shown
            self._post(ErrorFrame(generation, message=one_line(err)))

    def _stream(self, generation: int) -> None:
        net = self.net
        with self._cond:
            replay = self._replays.pop(generation, None)
        net.rewind(0.0)
        if replay is not None:
            net.restore(replay)
        else:
            net.restore(self._initial, parameters=False)  # the parameters are the ones being explored
            net.reseed(self.seed)
        start = net.snapshot()
        total = int(round(self.duration / net.dt))
        per_chunk = max(1, int(round(self.chunk / net.dt)))
        inputs = self._pass_inputs()
        key = None
        if self._first_passes is not None and replay is None and not self._simulated:
            key = pass_key(self.share, net, start, inputs, self.seed, total, per_chunk)
        recording = key is not None and FirstPasses.recording()
        recorded = None
        if key is not None and not recording:
            recorded = self._first_passes.load(key, total, per_chunk, [obj.name for obj in net.objects])
        self._post(StartFrame(generation, snapshot=start, shared=recorded is not None))
        self._behind = None
        if recorded is not None:
            self._behind = (start, inputs, total)
            if self._stream_recorded(generation, recorded) and prestarted():
                self._build(inputs)
            return
        kept: list[dict] | None = [] if recording else None
        done = 0
        while done < total:
            if self._cancelled(generation):
                self._post(CancelledFrame(generation))
                return
            steps = min(per_chunk, total - done)
            try:
                chunk = net.advance(n_steps=steps, inputs=inputs, input_steps=total)
            except Exception as err:  # shown in the widget: the model's error, not a traceback
                self._post(ErrorFrame(generation, message=one_line(err)))
                return
            # each chunk's records are new arrays, and spikes stay events: nothing to copy or densify
            monitors = dict(chunk)
            done += steps
            if kept is not None:
                kept.append(monitors)
            self._post(ChunkFrame(generation, monitors, progress=done / total))
        self._simulated = True
        if kept is not None:
            try:
                self._first_passes.save(key, kept, net.objects)
            except Exception:  # noqa: BLE001 - a full disk, a monitor it cannot write: kernels simulate, as before
                pass
        self._post(DoneFrame(generation))

    def _stream_recorded(self, generation: int, chunks: list[dict]) -> bool:
        """Stream a recorded pass's chunks as a simulated pass streams its own; False if it was cancelled."""
        for k, monitors in enumerate(chunks):
            if self._cancelled(generation):
                self._post(CancelledFrame(generation))
                return False
            self._post(ChunkFrame(generation, dict(monitors), progress=(k + 1) / len(chunks)))
        self._post(DoneFrame(generation))
        return True

    def _build(self, inputs: Any) -> None:
        # what the next pass would build on a page's first slider move, done while no page waits for this kernel
        try:
            self.net.build(self.duration, inputs)
        except Exception:  # noqa: BLE001 - the pass that needs the network raises the same error, shown there
            pass

    def _pass_inputs(self) -> Any:
        if not callable(self.inputs):
            return self.inputs
        try:
            return self.inputs()
        except Exception as err:
            name = getattr(self.inputs, "__qualname__", type(self.inputs).__name__)
            raise bp.errors.ModelUseError(f"the inputs function {name}() of this LiveRunner raised "
                                          f"{one_line(err)}; fix it and run again.") from err

    def save_state(self) -> None:
        """Make the objects' current state the initial state of every later pass (after a pass streamed from a
        recording, the state that pass ends with: it is simulated first, since streaming left the network as the
        pass started)."""
        with self.net.exclusive():
            behind, self._behind = self._behind, None
            if behind is not None:
                start, inputs, n_steps = behind
                self.net.rewind(0.0)
                self.net.restore(start)
                self.net.advance(n_steps=n_steps, inputs=inputs, input_steps=n_steps)
            self._initial = self.net.snapshot()

    # -- delivery on the main thread ------------------------------------------------------------

    def _post(self, frame: Frame) -> None:
        if self._loop is not None and self._loop.is_running():
            with self._cond:
                self._in_flight += 1
            self._loop.call_soon_threadsafe(self._deliver_in_flight, frame)
        else:
            self._pending.put(frame)

    def _deliver_in_flight(self, frame: Frame) -> None:
        try:
            self._deliver(frame)
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def _measure_speed(self) -> None:
        if self._shared_pass:  # streamed from a file: no simulation speed to tell
            return
        elapsed = time.monotonic() - getattr(self, "_pass_started", time.monotonic())
        if elapsed > 0:
            self.speed = self.progress * self.duration / elapsed

    def _deliver(self, frame: Frame) -> None:
        if frame.generation != self._requested and frame.kind != "cancelled":
            return  # a frame of a pass already replaced: drop it
        if frame.kind == "start":
            self.error = ""
            self.progress = 0.0
            self.speed = 0.0
            self._pass_started = time.monotonic()
            self._shared_pass = frame.shared
            self.status = "running"
        elif frame.kind == "chunk":
            self.progress = frame.progress
            self._measure_speed()
        elif frame.kind == "done":
            self.progress = 1.0
            self._measure_speed()
            self.status = "done"
            self.completed_passes += 1
        elif frame.kind == "error":
            self.error = frame.message
            self.status = "error"
        elif frame.kind == "cancelled" and frame.generation == self._requested:
            self.status = "stopped"
        for callback in self._subscribers:
            try:
                callback(frame)
            except Exception as err:  # one broken view must not starve the others, nor reach asyncio
                self.error = f"a view of this run failed on a {frame.kind} frame: {one_line(err)}"


def _positive_ms(value: Any) -> bool:
    try:
        return not isinstance(value, (bool, str)) and bool(np.isfinite(float(value))) and float(value) > 0
    except (TypeError, ValueError):
        return False
