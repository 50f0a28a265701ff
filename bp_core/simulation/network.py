"""Network: builds one compiled kernel for its groups and synapses, and runs it.

A run calls the kernel once (or once per progress chunk); the time loop is
inside. Planning, emitting and compiling happen once per structure (``builds``); a run
binds argument values (state, parameters, inputs, monitors' buffers), so runs that only
change values neither plan nor compile again: ``build_count`` and ``compile_count`` show it.
"""

from __future__ import annotations

import math
import numbers
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Iterator

import numpy as np

from bp_core import profile
from bp_core.codegen import device_plan as _gpu_lowering  # noqa: F401 (registers the GPU target's lowering)
from bp_core.codegen.device_listing import kernel_listing
from bp_core.codegen.kernel import (
    STATUS_GROW,
    STATUS_NONFINITE,
    STATUS_OK,
    STATUS_STEP_ERROR,
    KernelPlan,
    build_kernel,
    step_inputs,
)
from bp_core.codegen.passes import StepStages
from bp_core.codegen.step_translation import translate_step
from bp_core.errors import BrainPyError, ClockRestartWarning, CodeError, ModelUseError, RunError, close_matches
from bp_core.simulation import step_errors
from bp_core.simulation.build_state import BuildState
from bp_core.simulation.builds import Build, Builder
from bp_core.simulation.claims import claimed
from bp_core.simulation.clock import grid_start, run_steps
from bp_core.simulation.delay_limits import check_nothing_on_the_way
from bp_core.simulation.ensemble import Ensemble
from bp_core.simulation.inputs import InputSpec, format_inputs
from bp_core.simulation.interrupts import DeferredInterrupt
from bp_core.simulation.line_to_queue import return_to_queues
from bp_core.simulation.planning import plan_object
from bp_core.simulation.recording import Recording, RecordingLayout
from bp_core.simulation.report import Progress
from bp_core.simulation.snapshot import NetworkSnapshot, restore_snapshot, take_snapshot
from bp_core.tools.dicts import DictPlus

__all__ = ["Network", "MAX_STEPS"]

MAX_STEPS = 1e12
"""Most time steps one run may have (far beyond any run that ends; guards against a dt of 1e-300)."""


class Network:
    """The simulation controller: a set of NeuGroups and SynConns run together.

    Parameters
    ----------
    *args : NeuGroup or SynConn
        Objects, run in this order each step.
    mode : {'once', 'repeat'}
        'repeat' requires every run to keep the same duration and input shapes (the
        BrainPy contract for re-running a compiled network); runs reuse the kernel in
        both modes whenever the structure is unchanged.
    **kwargs : NeuGroup or SynConn
        Named objects, reachable as ``net.<name>``.

    A network plans, emits and compiles once per structure and binds values at every run: a run with new
    parameter or state values plans nothing (``build_count``); a new input shape, dt or mode builds again.
    """

    def __init__(self, *args: Ensemble, mode: str = "once", **kwargs: Ensemble):
        if mode not in ("once", "repeat"):
            raise ModelUseError(f"Network mode must be 'once' or 'repeat', got {mode!r}.")
        self.mode = mode
        self._objects: dict[str, Ensemble] = {}
        self._builder = Builder()  # plans, kernels and compiled code, once per structure (see builds)
        self._plan: KernelPlan | None = None
        self._build_state = BuildState()  # what the engine derives for the objects (see build_state)
        self._rng: np.random.Generator | None = None
        self._last_run: tuple | None = None
        self._restart_warned = False
        self.t_start = 0.0
        self.t_end = 0.0
        self._epoch_steps = 0
        self._asked = (0.0, 0)  # the time the last run or chunk asked to end at, and the epoch's steps then
        self.ts = np.zeros(0)
        self._lock = threading.RLock()
        self._profile = profile.snapshot()
        self.add(*args, **kwargs)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_lock")
        # a copy plans its own: plans hold syntax trees and getters bound to these objects, not to the copy's
        state["_builder"] = self._builder.without_builds()
        state["_plan"] = None
        state.pop("_object_plans", None)
        state.pop("_spare_events", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    @contextmanager
    def exclusive(self) -> Iterator["Network"]:
        """Hold the network for a sequence of runs (a streamed pass); other threads' runs are refused meanwhile.

        One network never runs twice at once: its state would be updated by both. A run (``run``,
        ``advance``, ``build``) while another thread holds or runs the network raises ``ModelUseError``
        at once rather than waiting, since waiting in a notebook cell would look like a hang while a
        widget streams the network.
        """
        if not self._lock.acquire(blocking=False):
            raise ModelUseError("this network is being run by another thread (a LiveRunner or widget streaming "
                                "it?); stop that first (runner.stop()), or build a second network for this run.")
        try:
            # its objects' states claimed for it, and its own settings, whatever the global profile says now
            with claimed(self.objects, self), profile.using(self._profile):
                yield self
        finally:
            self._lock.release()

    def refresh_profile(self) -> None:
        """Take the profile's current settings (a network keeps those it was built with until then).

        A group run on its own (``group.run``) refreshes its network at each run, since no network was built
        by the user.
        """
        with self.exclusive():
            settings = profile.snapshot()
            if settings.settings["dt"] != self.dt:
                check_nothing_on_the_way(self.objects, self._build_state, self.dt, settings.settings["dt"])
            self._profile = settings

    def snapshot(self) -> NetworkSnapshot:
        """Copy every object's state and parameters, to go back to with :meth:`restore`.

        It holds the values on their way through synaptic delays and the network's random generator, so a
        run after :meth:`restore` repeats the run after the snapshot bit for bit. Monitors and the clock are
        not part of it.
        """
        with self.exclusive():
            random_state = None if self._rng is None else self._rng.bit_generator.state
            return take_snapshot(self.objects, self._build_state, random_state)

    def restore(self, snapshot: NetworkSnapshot, parameters: bool = True) -> None:
        """Put a :meth:`snapshot` back: every object's state, and its parameters unless ``parameters=False``.

        Raises ``ModelUseError``, changing nothing, if the snapshot does not fit this network: other objects,
        other state fields (or their order), shapes or float types, parameters the model no longer has, or
        NaN values.
        """
        with self.exclusive():
            restore_snapshot(self.objects, self._build_state, snapshot, parameters=parameters)
            if snapshot.random_state is not None:
                if self._rng is None:
                    self._start_epoch(self.t_end)
                self._rng.bit_generator.state = snapshot.random_state

    # -- objects ------------------------------------------------------------------------------

    def add(self, *args: Ensemble, **kwargs: Ensemble) -> None:
        """Add objects; keyword arguments give them names reachable as ``net.<name>``.

        Refused with ``ModelUseError`` while another thread holds the network (see :meth:`exclusive`).
        """
        with self.exclusive():
            self._add(args, kwargs)

    def _add(self, args: tuple, kwargs: dict) -> None:
        for name, obj in [(None, a) for a in args] + list(kwargs.items()):
            if not isinstance(obj, Ensemble):
                raise ModelUseError(f"a Network holds NeuGroups and SynConns, got {obj!r}.")
            if name is not None:
                object.__setattr__(obj, "name", name)
                object.__setattr__(obj, "_named_by_user", True)
            if obj.name in self._objects and self._objects[obj.name] is not obj:
                raise ModelUseError(f"the network already has an object named {obj.name!r}.")
            # a SynConn of several pathways runs as one SynConn per pathway (simulation/syn_pathways.py)
            for member in getattr(obj, "pathway_conns", lambda: None)() or [obj]:
                if member.name in self._objects and self._objects[member.name] is not member:
                    raise ModelUseError(f"the network already has an object named {member.name!r}, the name SynConn "
                                        f"{obj.name!r} runs one of its pathways under; rename one of them.")
                self._objects[member.name] = member

    def __getattr__(self, name: str) -> Ensemble:
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(f"Network has no object or attribute {name!r}.{close_matches(name, objects)}"
                             if objects else f"Network has no attribute {name!r}")

    @property
    def objects(self) -> list[Ensemble]:
        """Objects in run order."""
        return list(self._objects.values())

    @property
    def dt(self) -> float:
        """Integration step (ms)."""
        return self._profile.settings["dt"]

    @property
    def code(self) -> str:
        """Source of the last built kernel (step functions and the time loop)."""
        if self._plan is None:
            raise ModelUseError("the network has not been built yet; run it first.")
        return self._plan.source

    def passes(self, obj: Ensemble | str | None = None, step: str | None = None) -> list[StepStages]:
        """Each step function's code after every pass of the code generator, as Brian2 prints abstract code.

        Parameters
        ----------
        obj : NeuGroup, SynConn or str, optional
            Only this object's steps (or the object of that name).
        step : str, optional
            Only the step functions of this name.

        Returns
        -------
        list of StepStages
            ``print`` one to read the step after each pass; ``.stage(name)`` gives one stage.
        """
        with self.exclusive():
            self._check_objects()
            jit = profile.is_jit()
            chosen = [o for o in self.objects if obj is None or o is obj or o.name == obj]
            if not chosen:
                raise ModelUseError(f"the network has no object {obj!r}."
                                    f"{close_matches(str(obj), [o.name for o in self.objects])}")
            # the whole network is planned: what a step is translated from depends on the steps before it
            plans = {id(o): plan_object(o, self.dt, jit, self._build_state) for o in self.objects}
            kernel_plan = build_kernel(list(plans.values()), [], catch_errors=False, check_finite=profile.is_safe())
            out = []
            for member in chosen:
                plan = plans[id(member)]
                for name, function in plan.steps.items():
                    if step is None or name == step:
                        inputs = kernel_plan.step_inputs.get(f"{plan.code_name}_{function.name}") or \
                            step_inputs(plan, function, profile.is_safe())  # a step the schedule leaves out
                        traced = translate_step(inputs, trace=True)
                        out.append(StepStages(f"{plan.display}: step {name!r} of model {plan.model.name!r}",
                                              traced.stages))
            if not out:
                raise ModelUseError(f"no step function {step!r} in {[o.name for o in chosen]}.")
            return out

    def show_kernel(self, target: str | None = None) -> None:
        """Print the run kernel as emitted for ``target``: its operations in order, its numbered source, each line
        with the user's file and line it came from (``bp.tools.show_passes`` prints each step after every pass).

        Parameters
        ----------
        target : {'cpu', 'gpu'}, optional
            The network's own device by default. ``'gpu'`` prints the operations the GPU's host loop launches
            every step and each step kernel (no GPU needed); ``'cpu'`` the one module numba compiles.

        Notes
        -----
        The kernel of the last run (with its inputs) when there is one; otherwise the network is planned now,
        without inputs, and nothing is compiled.
        """
        print(self.kernel_text(target))

    def kernel_text(self, target: str | None = None) -> str:
        """What :meth:`show_kernel` prints, as a string."""
        with self.exclusive():
            target = target or profile.get_device()
            plan = self._plan
            if plan is None:
                self._check_objects()
                plans = [plan_object(o, self.dt, profile.is_jit(), self._build_state) for o in self.objects]
                plan = build_kernel(plans, [], catch_errors=False, check_finite=profile.is_safe())
            return kernel_listing(plan, target, check_finite=profile.is_safe())

    @property
    def compile_count(self) -> int:
        """Number of kernel compilations so far (a new structure or new argument types)."""
        return sum(k.compile_count if k.jit else 1 for k in self._kernels.values())

    @property
    def build_count(self) -> int:
        """Times a structure was planned and its kernel emitted (runs that change only values plan nothing)."""
        return self._builder.count

    @property
    def _kernels(self) -> dict[tuple, Any]:
        return self._builder.kernels

    @property
    def parallel_choice(self) -> str:
        """How the last built kernel runs: ``'one thread'``, or the parallel decision and its timings."""
        build = self._builder.latest
        if build is None or build.parallel_kernel is None:
            return "one thread"
        return str(build.choice) if build.choice is not None else "undecided"

    # -- running ------------------------------------------------------------------------------

    def run(self, duration: float | tuple, inputs: Any = (), report: bool = False,
            report_percent: float = 0.1) -> None:
        """Run from ``start`` to ``end`` (``duration`` or ``(start, end)`` in ms).

        Parameters
        ----------
        duration : float or (float, float)
        inputs : tuple or list of tuples
            ``(target, key, value[, op])``: ``op`` is one of ``+ - * / =`` (default ``+``);
            ``value`` is a number, one value per element, or one value per time step.
        report : bool
            Print progress (a progress bar in notebooks).
        report_percent : float
            Progress interval, as a fraction of the run.
        """
        start, end = self._parse_duration(duration)
        n_steps = run_steps(start, end, self.dt)
        specs = format_inputs(inputs, self.objects, n_steps)
        if isinstance(report_percent, bool) or not isinstance(report_percent, numbers.Real) or \
                not 0 < report_percent < math.inf:
            raise ModelUseError(f"report_percent of a run is the fraction of the run between two progress "
                                f"reports, a positive number (0.1 reports every tenth), got {report_percent!r}.")
        with self.exclusive():
            self._check_repeat(end - start, specs)
            self._warn_restart(duration)
            clock = (self.t_start, self.t_end, self._epoch_steps, self._asked)
            self._start_epoch(start)
            try:
                self._execute(n_steps, specs, report, report_percent)
            except BrainPyError:
                if self._epoch_steps == 0:  # refused before any step (the monitor budget): the state's time stays
                    self.t_start, self.t_end, self._epoch_steps, self._asked = clock
                raise
            except KeyboardInterrupt:
                self._asked = (self.t_end, self._epoch_steps)  # what ran is recorded: continue from there
                raise
            self._last_run = (end - start, {(s.target.name, s.key): np.shape(s.value) for s in specs})
            self._asked = (end, self._epoch_steps)

    def build(self, duration: float | tuple = 1.0, inputs: Any = ()) -> str:
        """Generate and compile the kernel for these inputs without running; returns its source.

        Later runs with the same structure start at once (widgets call this before the first frame).
        """
        start, end = self._parse_duration(duration)
        specs = format_inputs(inputs, self.objects, run_steps(start, end, self.dt))
        with self.exclusive():
            return self._build_only(specs)

    def _build_only(self, specs: list[InputSpec]) -> str:
        if self._rng is None:
            self._start_epoch(self.t_end)
        build, values = self._build(specs)
        plan = build.kernel_plan
        values.update(self._recording(0, specs, build, release=False).buffers)
        values.update(_t_start=self.t_start, _dt=self.dt, _step0=self._epoch_steps, _mon0=0, _n_steps=0,
                      _rng=self._rng if build.reads_rng else None)
        for name, kernel in (("serial", build.kernel), ("parallel", build.parallel_kernel)):
            if kernel is not None:
                self._call(kernel, build.plan_of(name), [values[arg] for arg in plan.args])
        return plan.source

    def rewind(self, t_start: float = 0.0) -> None:
        """Start time again at ``t_start`` for the next :meth:`advance` (the state is kept).

        Refused with ``ModelUseError`` while another thread holds the network: the clock of its pass would
        be moved beneath it (and the rewind lost when the pass ends).
        """
        with self.exclusive():
            self._start_epoch(float(t_start))

    def reseed(self, seed: int) -> None:
        """Restart the network's random numbers from ``seed``; refused while another thread holds the network."""
        with self.exclusive():
            self._rng = np.random.default_rng(int(seed))

    def advance(self, duration: float | None = None, inputs: Any = (), n_steps: int | None = None,
                input_steps: int | None = None) -> dict[str, DictPlus]:
        """Continue the current run and return what the monitors recorded meanwhile.

        This is the streaming entry point: each call runs the compiled kernel from the
        current state and time, so ``advance`` ten times by 10 ms gives bit for bit the
        run of 100 ms. Monitors of each object hold only the new chunk afterwards. The
        kernel releases the GIL, so a worker thread can call this while Jupyter stays
        responsive.

        Parameters
        ----------
        duration : float, optional
            Length of the chunk in ms.
        inputs : tuple or list of tuples
            As in :meth:`run`; a time-varying value has one entry per step of the chunk.
        n_steps : int, optional
            Length of the chunk in steps (instead of ``duration``).
        input_steps : int, optional
            The time-varying inputs hold one value per step of a whole pass of this many steps since the
            last :meth:`rewind`; each chunk takes its own rows, so a pass streamed in chunks gets the
            inputs a single run of it would.

        Returns
        -------
        dict
            Object name -> its monitors for the chunk (with ``ts``).
        """
        if self._rng is None:
            self._start_epoch(self.t_end)
        if n_steps is None:
            if duration is None:
                raise ModelUseError("advance() needs a duration (ms) or n_steps.")
            n_steps, asked = self._steps_to(duration)
        if n_steps <= 0:
            raise ModelUseError(f"advance() needs at least one step, got duration={duration!r}, n_steps={n_steps!r}.")
        with self.exclusive():
            specs = self._chunk_inputs(inputs, n_steps, input_steps)
            try:
                self._execute(n_steps, specs, False, 1.0)
            except KeyboardInterrupt:
                self._asked = (self.t_end, self._epoch_steps)  # what ran is recorded: continue from there
                raise
            if duration is not None:
                self._asked = (asked, self._epoch_steps)
        return {obj.name: obj.mon for obj in self.objects}

    def _chunk_inputs(self, inputs: Any, n_steps: int, input_steps: int | None) -> list[InputSpec]:
        if input_steps is None:
            return format_inputs(inputs, self.objects, n_steps)
        start = self._epoch_steps
        if start + n_steps > input_steps:
            raise ModelUseError(f"advance(): the inputs cover input_steps={input_steps} steps since the last "
                                f"rewind, and this chunk would run steps {start} to {start + n_steps}; rewind "
                                f"the network or give inputs for the longer pass.")
        return [replace(spec, value=spec.value[start:start + n_steps]) if spec.iterated else spec
                for spec in format_inputs(inputs, self.objects, input_steps)]

    def _parse_duration(self, duration: Any) -> tuple[float, float]:
        try:
            if isinstance(duration, (tuple, list)) and len(duration) == 2:
                start, end = float(duration[0]), float(duration[1])
            elif np.isscalar(duration) and not isinstance(duration, (str, bytes, bool)):
                start, end = 0.0, float(duration)
            else:
                raise TypeError
        except (TypeError, ValueError):
            raise ModelUseError(f"duration must be a number of ms or (start, end), got {duration!r}.") from None
        if not (np.isfinite(start) and np.isfinite(end)) or end <= start:
            raise ModelUseError(f"duration must be finite and at least one step (dt={self.dt}), got {duration!r}.")
        if (end - start) / self.dt > MAX_STEPS:
            raise ModelUseError(f"a run of {end - start:g} ms at dt={self.dt:g} ms would take "
                                f"{(end - start) / self.dt:.3g} steps, more than {MAX_STEPS:.0e}; choose a larger "
                                f"dt (bp.profile.set(dt=...)) or a shorter duration.")
        if run_steps(start, end, self.dt) < 1:  # no step of the grid from start to end
            raise ModelUseError(f"duration must be finite and at least one step (dt={self.dt}), got {duration!r}.")
        return start, end

    def _steps_to(self, duration: Any) -> tuple[int, float]:
        # a chunk ends at the grid step at or after the time asked for plus duration, as Brian2's run() ends
        # (its clock keeps the time asked, so chunks of lengths between steps end where one long run would)
        try:
            duration = float(duration)
        except (TypeError, ValueError):
            raise ModelUseError(f"advance() needs a duration in ms, got {duration!r}.") from None
        if not np.isfinite(duration) or duration / self.dt > MAX_STEPS:
            raise ModelUseError(f"advance() needs a finite duration of at most {MAX_STEPS:.0e} steps (dt={self.dt}), "
                                f"got {duration!r}.")
        asked, at = self._asked
        now = asked if at == self._epoch_steps else self.t_end  # the grid's time after advance(n_steps=...)
        return run_steps(now, now + duration, self.dt), now + duration

    def _check_repeat(self, length: float, specs: list[InputSpec]) -> None:
        if self.mode != "repeat" or self._last_run is None:
            return
        last_length, last_shapes = self._last_run
        if not np.isclose(last_length, length):
            raise ModelUseError(f'Each run in "repeat" mode must be done with the same duration, but got '
                                f'{last_length} != {length}.')
        for spec in specs:
            key = (spec.target.name, spec.key)
            if key in last_shapes and last_shapes[key] != np.shape(spec.value):
                raise ModelUseError(
                    f'The input shape for "{spec.key}" should keep the same. However, we got the last input '
                    f'shape = {last_shapes[key]}, and the current input shape = {np.shape(spec.value)}')

    def _warn_restart(self, duration: Any) -> None:
        # The spec restarts the clock on a plain run(duration) and documents it for mode='repeat' only
        # (independent runs after resetting ST); in 'once' mode say so, once, as a user may mean to continue.
        if self.mode != "once" or isinstance(duration, (tuple, list)) or self._epoch_steps == 0:
            return
        if not self._restart_warned:
            self._restart_warned = True
            warnings.warn(f"run({duration!r}) starts the clock at 0 ms again, with the state the run that ended at "
                          f"t={self.t_end:g} ms left; to continue from there call net.advance({duration!r}) or "
                          f"net.run(({self.t_end:g}, {self.t_end + float(duration):g})); for independent repeated "
                          f"runs build the network with mode='repeat'. (Said once per network.)",
                          ClockRestartWarning, stacklevel=_user_level())

    def _start_epoch(self, start: float) -> None:
        self.t_start = self.t_end = grid_start(start, self.dt)
        self._epoch_steps = 0
        self._asked = (start, 0)  # the time asked for, at this many steps of the epoch
        if self._rng is None:
            # drawn from NumPy's global generator, so bp.profile.set(seed=...) makes runs reproducible
            self._rng = np.random.default_rng(np.random.randint(0, 2**62))

    def _execute(self, n_steps: int, specs: list[InputSpec], report: bool, report_percent: float) -> None:
        with DeferredInterrupt() as interrupt:  # a Ctrl-C is raised once the steps run so far are recorded
            self._execute_calls(n_steps, specs, report, report_percent, interrupt)

    def _execute_calls(self, n_steps: int, specs: list[InputSpec], report: bool, report_percent: float,
                       interrupt: DeferredInterrupt) -> None:
        progress = Progress(report, n_steps)
        began = time.perf_counter()
        build, values = self._build(specs)
        plan = build.kernel_plan
        first = self._epoch_steps
        recording = self._recording(n_steps, specs, build)
        values.update(recording.buffers)
        trial, chosen = self._builder.parallel_plan(build, n_steps)
        kernels = {"serial": build.kernel, "parallel": build.parallel_kernel}
        rng = self._rng if build.reads_rng else None
        if report or trial is not None:
            # a call of zero steps makes numba compile (or load) now, so the report and the trial time the run
            # alone (unneeded otherwise: the run's own call compiles, and the run is all the caller times)
            values.update(_t_start=self.t_start, _dt=self.dt, _step0=first, _mon0=0, _n_steps=0, _rng=rng)
            for name in {"serial", "parallel" if trial is not None else chosen}:
                self._call(kernels[name], build.plan_of(name), [values[arg] for arg in plan.args])
        progress.compiled(time.perf_counter() - began)
        chunk = max(1, int(np.ceil(n_steps * report_percent))) if report else n_steps
        done = 0
        while done < n_steps:
            timed = trial.next_kernel() if trial is not None else None
            target = min(done + chunk, n_steps, done + trial.steps if timed else n_steps)
            running = timed or (trial.kernel if trial is not None else chosen)
            kernel, kernel_plan = kernels[running], build.plan_of(running)
            before = done
            while done < target:
                values.update(recording.buffers)
                values.update(_t_start=self.t_start, _dt=self.dt, _step0=first + done, _mon0=done,
                              _n_steps=target - done, _rng=rng)
                called = time.perf_counter()
                status = self._call(kernel, kernel_plan, [values[name] for name in plan.args])
                if status[0] == STATUS_OK:
                    if timed and done == before:  # a call that grew buffers first is not a fair timing
                        trial.record(timed, time.perf_counter() - called, target - done)
                    done = target
                    continue
                reached = int(status[1]) - first  # steps completed before the one that stopped
                if status[0] == STATUS_GROW:
                    try:
                        recording.grow(int(status[2]))
                    except ModelUseError:
                        self._record(recording, reached)
                        raise
                    done = reached
                    continue
                # keep what was recorded up to the failing step (its row too, when the state went non-finite)
                self._record(recording, reached + (1 if status[0] == STATUS_NONFINITE else 0))
                self._raise_status(kernel_plan, status, values, first)
            progress.advanced(done, done - before)
            if interrupt.pending:
                self._record(recording, done)
                interrupt.raise_if_pending()
        progress.finished()
        self._record(recording, n_steps)

    def _recording(self, n_steps: int, specs: list[InputSpec], build: Build, release: bool = True) -> Recording:
        if build.layout is None:  # what is recorded follows from the structure: worked out once per build
            build.layout = RecordingLayout(list(zip(self.objects, build.plans)),
                                           {(s.target.name, s.field) for s in specs})
        # the budget is checked and the buffers allocated before the last run's records go, so a run that
        # cannot fit keeps them; the new buffers are untouched pages until the kernel writes them, by which
        # time the old records are released (unless the user holds them): the footprint does not double
        recording = Recording(build.layout, n_steps, self._epoch_steps, self.dt, build.layout.valued(),
                              spare=self.__dict__.pop("_spare_events", None)).allocate()
        for obj in self.objects if release else ():
            object.__setattr__(obj, "mon", build.layout.empty(obj))
        return recording

    def _record(self, recording: Recording, valid: int) -> None:
        first = self._epoch_steps
        # t_start + (first + k) * dt, computed in one array: four temporaries of a long run's length cost more
        # than a short run of a small network (fresh pages each)
        ts = np.arange(first, first + valid, dtype=np.float64)
        ts *= self.dt
        ts += self.t_start
        self.ts = ts
        self.t_end = self.t_start + (first + valid) * self.dt
        for obj, plan in zip(self.objects, self._object_plans):
            object.__setattr__(obj, "mon", recording.results(obj, plan, valid, self.t_start, self.dt, self.ts))
        self._epoch_steps += valid
        self._spare_events = recording.spare_events()  # the events were copied out: the next run may write there

    # -- building -----------------------------------------------------------------------------

    def _check_objects(self) -> None:
        self._name_objects()
        self._check_members()

    def _name_objects(self) -> None:
        members = self.objects
        if not members:
            raise ModelUseError("the network is empty; add NeuGroups and SynConns first.")
        names = tuple((obj.name, obj._named_by_user) for obj in members)
        if names != self.__dict__.get("_named"):  # code names follow from these alone
            self._build_state.name_objects(members)
            self._named = names

    def _check_members(self) -> None:
        members = self.objects
        provided: set[str] = set()
        for obj in members:
            obj.check_in_network(members)
            missing = obj.missing_data(provided)
            if missing:
                raise ModelUseError(obj.missing_message(missing[0]))

    def _build(self, specs: list[InputSpec]) -> tuple[Build, dict[str, Any]]:
        """The build of the current structure (planned, emitted and compiled only if new) and its arguments."""
        self._name_objects()
        for obj in self.objects:
            obj.resolve_late()
        return_to_queues(self.objects, self._build_state)  # a line that holds only copies of events gives way
        # the members are checked before a structure is built: a run of a structure built before skips the check
        build = self._builder.build(self.objects, specs, self._build_state, self._profile, self.dt,
                                    check=self._check_members)
        self._plan = build.kernel_plan
        self._object_plans = build.plans
        return build, build.bind(specs)

    # -- errors -------------------------------------------------------------------------------

    def _call(self, kernel: Any, plan: KernelPlan, args: list[Any]) -> tuple:
        for obj in self.objects:  # values a device holds for another kernel come back first
            obj.ST.sync(keep=kernel)
        try:
            return kernel(*args)
        except CodeError as err:
            raise step_errors.compile_error(err, plan, kernel.path) from None
        except BrainPyError:
            raise
        except Exception as err:
            if kernel.jit:
                raise
            mapped = step_errors.python_error(err, plan, kernel.path)
            if mapped is None:
                raise
            raise mapped from err
        finally:
            self._hold_states(kernel)

    def _hold_states(self, kernel: Any) -> None:
        """Tell each object's state whether ``kernel`` (a GPU kernel keeping state on the device) holds newer values."""
        holding = getattr(kernel, "holding", None)
        if holding is None:
            return
        states = {id(obj.ST._data): obj.ST for obj in self.objects}
        for state in states.values():
            state.release(kernel)
        for data, fetch in holding():
            if id(data) in states:
                states[id(data)].hold(kernel, fetch)

    def _raise_status(self, plan: KernelPlan, status: tuple, values: dict[str, Any], first: int) -> None:
        code, step, index, extra = (int(v) for v in status)
        t = self.t_start + step * self.dt
        if code == STATUS_NONFINITE:
            obj = self.objects[index]
            field = obj.ST.fields[extra]
            stores = step_errors.stores_of(plan, f"{type(obj).__name__} {obj.name!r}", field)
            where = "".join(f"\n  stored at {s}" for s in stores)
            raise RunError(f"{type(obj).__name__} {obj.name!r}: state variable {field!r} became NaN or infinite "
                           f"at t={t:g} ms (step {step}). The run stopped there; check the model's parameters, "
                           f"inputs and time step (dt={self.dt}).{where}")
        if code == STATUS_STEP_ERROR:
            found = step_errors.compiled_step_error(plan, values, step, first, index)
            if found is not None:
                raise found
            obj_plan, step_name = plan.call_sites[index]
            source = obj_plan.steps[step_name]
            raise RunError(f"step function {step_name!r} of model {obj_plan.model.name!r} ({obj_plan.display}) "
                           f"raised an error at t={t:g} ms (step {step}); with bounds checking on (the default) "
                           f"this is usually an index out of range or an integer division by zero.\n"
                           f"  in the function at {source.source_file}, line {source.first_line}\n"
                           f"The run stopped there; run with bp.profile.set(jit=False) to see the Python error "
                           f"and line.")


def _user_level() -> int:
    """The ``stacklevel`` of the first caller outside bp_core (net.run, or group.run through it)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("bp_core"):
        frame, level = frame.f_back, level + 1
    return level
