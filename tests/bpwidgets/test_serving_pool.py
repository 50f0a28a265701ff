"""Pre-started kernels: the ``--pool`` sizes, the start gate's order, and the room's count of pooled kernels."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from bpwidgets import cli
from bpwidgets.dashboards import DASHBOARD_DIR
from bpwidgets.kernel_pool import KernelPool, StartGate, pooled_kernel_manager_factory
from bpwidgets.server_command import pool_sizes, voila_command


def test_pool_sizes_read_every_notebook_and_named_ones():
    assert pool_sizes([]) == (1, {})
    assert pool_sizes(["0", "gamma=20", "lessons/one.ipynb=3"]) == (0, {"gamma.ipynb": 20, "lessons/one.ipynb": 3})
    for bad in ("x", "-1", "=3", "gamma=", "gamma=-2", "gamma=2.5"):
        with pytest.raises(ValueError, match="--pool .*NAME=N"):
            pool_sizes([bad])


def test_the_pool_reaches_the_server_and_a_bad_size_is_refused_naming_the_option(capsys):
    command = voila_command(9000, False, 60, DASHBOARD_DIR, pool=["2", "gamma=20"])
    assert "--KernelPool.pool=2" in command and "--KernelPool.pool=gamma=20" in command
    with pytest.raises(SystemExit):
        cli.main(["demo", "--no-browser", "--pool", "gamma=many"])
    assert "--pool gamma=many" in capsys.readouterr().err


def test_the_server_reads_the_pool_option_into_voilas_pool_configuration():
    from traitlets.config import Config

    from bpwidgets.serving import ClosedPageKernelManager, DemoVoila

    assert KernelPool in DemoVoila.classes  # so that the repeated --KernelPool.pool parses as a list
    manager_class = pooled_kernel_manager_factory(ClosedPageKernelManager, True, 0)
    assert manager_class.__mro__[1] is KernelPool and issubclass(manager_class, ClosedPageKernelManager)
    assert pooled_kernel_manager_factory(ClosedPageKernelManager, False, 0).__mro__[1] is ClosedPageKernelManager
    config = Config({"KernelPool": {"pool": ["0", "gamma=20"]}})
    pool = KernelPool(config=config)  # the mixin alone: its configuration, without a server around it
    assert pool._pools_from_options() == {"default": {"pool_size": 0, "kernel_env_variables": {}},
                                          "gamma.ipynb": {"pool_size": 20}}


def run(coroutine):
    """Run ``coroutine`` on a loop of its own, in a thread: a browser test's Playwright may leave a loop running
    in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


async def _order_of_starts(gate: StartGate, starts: list[tuple[str, str]], hurry: str | None = None) -> list[str]:
    """Run starts (key, notebook) through ``gate``, each taking one loop turn; returns the keys in the order they
    were let through. ``hurry``: a key a page waits for, hurried once every start is queued."""
    order, tasks = [], {}

    async def start(key: str, notebook: str) -> None:
        await gate.enter(notebook, key)
        order.append(key)
        await asyncio.sleep(0.01)
        gate.leave(notebook, key)

    for key, notebook in starts:
        tasks[key] = asyncio.ensure_future(start(key, notebook))
    await asyncio.sleep(0)
    if hurry is not None:
        gate.hurry(hurry)
    await asyncio.gather(*tasks.values())
    return order


def test_the_gate_runs_the_gallery_first_then_every_notebooks_first_kernel_then_the_rest():
    gate = StartGate(1)
    starts = [("g1", "gamma.ipynb"), ("g2", "gamma.ipynb"), ("h1", "hh.ipynb"), ("h2", "hh.ipynb"),
              ("i1", "index.ipynb")]
    # g1 finds the gate free; then the gallery, then hh's first kernel before either notebook's second
    assert run(_order_of_starts(gate, starts)) == ["g1", "i1", "h1", "g2", "h2"]
    assert gate.running == 0 and gate.waiting == []


def test_the_gate_lets_no_more_than_its_width_run_at_once():
    gate, most = StartGate(2), [0]

    async def start(key: int) -> None:
        await gate.enter("a.ipynb", key)
        most[0] = max(most[0], gate.running)
        await asyncio.sleep(0.01)
        gate.leave("a.ipynb", key)

    async def all_starts():
        await asyncio.gather(*(start(k) for k in range(7)))

    run(all_starts())
    assert most[0] == 2 and gate.running == 0
    with pytest.raises(ValueError, match="width"):
        StartGate(0)


def test_a_page_hurries_the_kernel_it_waits_for_past_the_queue():
    gate = StartGate(1)
    starts = [("a1", "a.ipynb"), ("a2", "a.ipynb"), ("b1", "b.ipynb"), ("c1", "c.ipynb"), ("d1", "d.ipynb")]
    order = run(_order_of_starts(gate, starts, hurry="d1"))
    assert order[:2] == ["a1", "d1"]  # let through at once, beside the one running
    assert sorted(order) == sorted(k for k, _ in starts)


def test_a_start_hurried_before_it_reaches_the_gate_goes_through_at_once():
    gate = StartGate(1)

    async def scenario():
        await gate.enter("a.ipynb", "a1")  # the gate is full
        gate.hurry("late")  # a page took this pool entry while it still waited out Voila's refill delay
        await asyncio.wait_for(gate.enter("a.ipynb", "late"), timeout=1.0)
        assert gate.running == 2
        gate.leave("a.ipynb", "late")
        gate.leave("a.ipynb", "a1")

    run(scenario())
    assert gate.running == 0


def test_a_cancelled_start_leaves_the_queue():
    gate = StartGate(1)

    async def scenario():
        await gate.enter("a.ipynb", "a1")
        waiting = asyncio.ensure_future(gate.enter("b.ipynb", "b1"))
        await asyncio.sleep(0)
        assert gate.waiting == ["b.ipynb"]
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        assert gate.waiting == []
        gate.leave("a.ipynb", "a1")

    run(scenario())
    assert gate.running == 0


def test_a_pooled_kernel_counts_in_the_room_only_once_a_page_takes_it():
    """The manager's seating rule: a kernel Voila starts for its pool is nobody's, the one it hands a page is
    the page's client's (the room refuses a page past the limit)."""
    from bpwidgets.room import Room

    class Pool(KernelPool):
        def __init__(self):
            self.start_gate = StartGate(1)
            self.room = Room(max_kernels=1)
            self.unconnected, self._taken_at, self._kernels = set(), {}, {}
            self._page_compiles, self._page_taken = {}, set()
            self._pools = {"a.ipynb": []}

    class VoilaLike:
        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            return "task", [], "k-pooled"

    manager = type("Manager", (Pool, VoilaLike), {})()
    assert manager.room.refusal("10.0.0.5") is None  # a ready pooled kernel takes no place

    async def page():
        with manager.room.arriving("10.0.0.5"):
            return await manager.get_rendered_notebook("a.ipynb")

    assert run(page())[2] == "k-pooled"
    assert "All 1 places" in manager.room.refusal("10.0.0.6")  # now the page's
    manager.room.leave("k-pooled")
    assert manager.room.refusal("10.0.0.6") is None


def test_while_pages_arrive_only_the_kernels_they_wait_for_start():
    gate = StartGate(2)

    async def scenario():
        await gate.enter("a.ipynb", "first")  # a.ipynb's first kernel: the one the page took
        gate.leave("a.ipynb", "first")
        gate.pause(0.3)  # a page just took a pooled kernel
        refill = asyncio.ensure_future(gate.enter("a.ipynb", "refill"))
        await asyncio.sleep(0.1)
        assert not refill.done() and gate.waiting == ["a.ipynb"]
        gate.hurry("needed")  # a page waits for this one: it goes through despite the pause
        await asyncio.wait_for(gate.enter("a.ipynb", "needed"), timeout=0.1)
        await asyncio.wait_for(refill, timeout=1.0)  # the room is quiet again
        gate.leave("a.ipynb", "needed")
        gate.leave("a.ipynb", "refill")

    run(scenario())
    assert gate.running == 0


def test_a_pause_holds_replacements_but_not_a_notebooks_first_kernel():
    """Pages opened right after the gallery: a page of one notebook pauses the gate, and another notebook whose
    kernel had not started yet found none ready when its page came (18.6 s to its first figure instead of
    2.2 s). The first kernel of each notebook still goes, one per place at the gate; replacements wait."""
    gate = StartGate(1)

    async def scenario():
        await gate.enter("a.ipynb", "a1")
        gate.leave("a.ipynb", "a1")
        gate.pause(0.3)  # a page took a.ipynb's kernel
        refill = asyncio.ensure_future(gate.enter("a.ipynb", "a2"))
        b_first = asyncio.ensure_future(gate.enter("b.ipynb", "b1"))
        c_first = asyncio.ensure_future(gate.enter("c.ipynb", "c1"))
        await asyncio.sleep(0.05)
        assert b_first.done() and not c_first.done() and not refill.done()  # one place: b's first, c's next
        b_second = asyncio.ensure_future(gate.enter("b.ipynb", "b2"))  # b's second kernel is no first one
        gate.leave("b.ipynb", "b1")
        await asyncio.sleep(0.05)
        assert c_first.done() and not refill.done() and not b_second.done()
        assert gate.waiting == ["a.ipynb", "b.ipynb"]
        gate.leave("c.ipynb", "c1")
        await asyncio.sleep(0.05)
        assert not refill.done() and not b_second.done()  # still paused: the free place stays free
        assert gate.running == 0
        await asyncio.wait_for(refill, timeout=1.0)  # the pause over, the replacements go in turn
        gate.leave("a.ipynb", "a2")
        await asyncio.wait_for(b_second, timeout=1.0)
        gate.leave("b.ipynb", "b2")

    run(scenario())
    assert gate.running == 0 and gate.waiting == []


class _Renderer:
    """What the pool's registration reads of Voila's notebook renderer."""

    def __init__(self, notebook_path):
        self.template_name, self.theme = "bpwidgets", "light"

    async def initialize(self):
        self.notebook = type("Notebook", (), {"metadata": type("Meta", (), {"kernelspec": type(
            "Spec", (), {"name": "python3"})})})()


def _StartingManager(voila_like: type) -> KernelPool:
    """A pool over ``voila_like`` (Voila's preheating manager's part the pool calls), one start at a time."""

    class Manager(KernelPool, voila_like):
        def __init__(self):
            self.start_gate = StartGate(1)
            self.unconnected, self._taken_at, self._kernels = set(), {}, {}
            self._page_compiles, self._page_taken = {}, set()
            self._pools, self.notebook_data, self.warm_board = {"a.ipynb": [], "b.ipynb": []}, {}, None
            self._notebook_renderer_factory = _Renderer

    return Manager()


def test_a_page_arriving_while_its_first_kernel_waits_at_the_gate_hurries_that_kernel():
    """The notebook is registered before its first kernel waits at the gate, so Voila sends its page to the pool
    (which hurries that kernel) instead of starting one more kernel beside it (E/I's page did, on a full gate)."""
    started = []

    class VoilaLike:
        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
            started.append(notebook_path)
            return {"task": asyncio.ensure_future(asyncio.sleep(0)), "kernel_id": f"k{len(started)}"}

        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            return "task", [], (await self._pools[notebook_name].pop(0))["kernel_id"]

    async def scenario():
        manager = _StartingManager(VoilaLike)
        await manager.start_gate.enter("a.ipynb", "busy")  # the gate is full
        entry = asyncio.ensure_future(manager._initialize("b.ipynb"))
        manager._pools["b.ipynb"].append(entry)
        await asyncio.sleep(0.05)
        assert "b.ipynb" in manager.notebook_data and started == []  # a page would go to the pool now
        _, _, kernel = await asyncio.wait_for(manager.get_rendered_notebook("b.ipynb"), timeout=1.0)
        assert started == ["b.ipynb"] and kernel == "k1"
        manager.start_gate.leave("a.ipynb", "busy")
        manager.start_gate.pause(0, extend=False)

    run(scenario())


def test_a_page_taking_a_kernel_of_one_notebook_does_not_hold_anothers_first_kernel(monkeypatch):
    """Through the pool's own start path: a page takes notebook A's kernel; B's first kernel starts at once,
    A's replacement waits until the page has connected and the quiet time has passed."""
    from bpwidgets import kernel_pool

    monkeypatch.setattr(kernel_pool, "QUIET_SECONDS", 0.2)
    started = []

    class VoilaLike:
        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
            started.append(notebook_path)
            task = asyncio.ensure_future(asyncio.sleep(0))
            return {"task": task, "kernel_id": f"k-{notebook_path}-{len(started)}"}

        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            return "task", [], "k-taken"

        def notify_connect(self, kernel_id):
            pass

    async def scenario():
        manager = _StartingManager(VoilaLike)
        await manager._initialize("a.ipynb")  # A's first kernel, ready
        await manager.get_rendered_notebook("a.ipynb")  # a page takes it: the gate pauses
        replacement = asyncio.ensure_future(manager._initialize("a.ipynb"))
        b_first = asyncio.ensure_future(manager._initialize("b.ipynb"))
        await asyncio.wait_for(b_first, timeout=1.0)
        await asyncio.sleep(0.1)
        assert started == ["a.ipynb", "b.ipynb"] and not replacement.done()
        manager.notify_connect("k-taken")  # the page has its kernel: replacements after the quiet time
        await asyncio.sleep(0.05)
        assert not replacement.done()
        await asyncio.wait_for(replacement, timeout=1.0)
        assert started == ["a.ipynb", "b.ipynb", "a.ipynb"]

    run(scenario())


def test_shutting_down_drops_the_pool_entries_still_waiting_at_the_gate():
    class VoilaLike:
        async def shutdown_all(self, *args, **kwargs):
            # as Voila does: await every pool entry (a cancelled one would raise here)
            for pool in self._pools.values():
                for task in pool:
                    await task
            self.shut = True

    class Manager(KernelPool, VoilaLike):
        def __init__(self):
            self.start_gate = StartGate(1)

    async def scenario():
        manager = Manager()

        async def entry(name):
            key = asyncio.current_task()  # as KernelPool._initialize keys a start: by its pool entry
            await manager.start_gate.enter("a.ipynb", key)
            await asyncio.sleep(0.05)  # the kernel starting and running the notebook
            manager.start_gate.leave("a.ipynb", key)
            return {"kernel_id": name}

        first = asyncio.ensure_future(entry("first"))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(entry("second"))
        await asyncio.sleep(0)
        manager._pools = {"a.ipynb": [first, second]}
        assert manager.start_gate.let_through(first) and not manager.start_gate.let_through(second)
        await asyncio.wait_for(manager.shutdown_all(), timeout=1.0)
        assert manager.shut and first.result() == {"kernel_id": "first"} and second.cancelled()
        assert manager._pools == {"a.ipynb": [first]}

    run(scenario())


def test_replacements_wait_until_the_pages_that_took_kernels_have_connected():
    from bpwidgets import kernel_pool

    class VoilaLike:
        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            return "task", [], f"k{len(self.unconnected)}"

        def notify_connect(self, kernel_id):
            pass

    class Manager(KernelPool, VoilaLike):
        def __init__(self):
            self.start_gate = StartGate(1)
            self.unconnected, self._taken_at, self._kernels = set(), {}, {}
            self._page_compiles, self._page_taken = {}, set()
            self._pools = {"a.ipynb": []}

    async def scenario():
        manager, loop = Manager(), asyncio.get_running_loop()
        await manager.get_rendered_notebook("a.ipynb")
        await manager.get_rendered_notebook("a.ipynb")
        assert manager.unconnected == {"k0", "k1"}
        held = manager.start_gate._paused_until - loop.time()
        assert kernel_pool.HOLD_SECONDS - 1 < held <= kernel_pool.HOLD_SECONDS  # pages still loading
        manager.notify_connect("k0")
        assert manager.start_gate._paused_until - loop.time() > kernel_pool.HOLD_SECONDS - 1  # one still loading
        manager.notify_connect("k1")
        quiet = manager.start_gate._paused_until - loop.time()
        assert kernel_pool.QUIET_SECONDS - 1 < quiet <= kernel_pool.QUIET_SECONDS and not manager.unconnected

    run(scenario())


def test_a_taken_kernel_is_not_culled_before_its_page_connects():
    """A pooled kernel has been idle since it ran its notebook; the idle culler must count from the page taking
    it, and leave it alone until the page's socket connects (a 6 s cull timeout culled it mid-load)."""
    import datetime

    from bpwidgets import kernel_pool

    culled = []

    class Kernel:
        last_activity = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)

    class VoilaLike:
        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            return "task", [], "k0"

        async def cull_kernel_if_idle(self, kernel_id):
            culled.append(kernel_id)

        def notify_connect(self, kernel_id):
            pass

    class Manager(KernelPool, VoilaLike):
        def __init__(self):
            self.start_gate = StartGate(1)
            self.unconnected, self._taken_at, self._kernels = set(), {}, {"k0": Kernel()}
            self._page_compiles, self._page_taken = {}, set()
            self._pools = {"a.ipynb": []}

    async def scenario():
        manager = Manager()
        await manager.get_rendered_notebook("a.ipynb")
        assert manager._kernels["k0"].last_activity.year > 2000  # idle time restarts when a page takes it
        await manager.cull_kernel_if_idle("k0")
        assert culled == []  # taken, not connected yet: kept
        manager.notify_connect("k0")
        await manager.cull_kernel_if_idle("k0")
        assert culled == ["k0"]  # connected: the culler's own rules apply again
        manager.start_gate.pause(0, extend=False)

    asyncio.run(scenario())
    assert kernel_pool.CONNECT_GRACE > 6
