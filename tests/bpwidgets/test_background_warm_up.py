"""The warm-up behind the server: the board it reports on, the order it takes, the pooled kernels that wait for
it, the gallery that shows it, and ``bpwidgets serve`` answering while a slow warm-up still runs."""

import asyncio
import os
import subprocess
import sys
import threading
import time
import urllib.request
from types import SimpleNamespace

import psutil
import pytest

from bpwidgets.kernel_pool import KernelPool, StartGate
from bpwidgets.warm_board import BOARD_ENV, WarmBoard


def test_the_board_records_states_leaves_a_wanted_notebook_to_its_page_and_ends_what_is_pending(tmp_path):
    board = WarmBoard(tmp_path / "board")
    a, b, c = (tmp_path / f"{name}.ipynb" for name in "abc")
    board.announce([a, b, c])
    assert board.pending(a) and board.state(b) == "queued" and board.state(tmp_path / "other.ipynb") is None
    assert board.next_of([a, b, c]) == a and not board.taken_by_page(c)
    board.want(c)
    board.want(a)
    # a page's kernel compiles them: the warm-up takes the others first, and those last
    assert board.taken_by_page(c) and board.next_of([a, b, c]) == b and board.next_of([c, a]) == c
    board.set(c, "warming")  # a warm-up already running is waited for
    assert not board.taken_by_page(c)
    board.set(a, "warm")
    board.set(b, "warming")
    assert not board.pending(a) and board.pending(b)
    board.end()
    assert board.ended and not board.pending(b) and not board.pending(c)
    assert board.states() == {str(a.resolve()): "warm", str(b.resolve()): "skipped", str(c.resolve()): "skipped"}
    with pytest.raises(ValueError, match="WarmBoard.set: state must be one of"):
        board.set(a, "hot")


def test_the_board_is_found_only_where_the_environment_names_a_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(BOARD_ENV, raising=False)
    assert WarmBoard.from_environment() is None
    monkeypatch.setenv(BOARD_ENV, str(tmp_path / "missing"))
    assert WarmBoard.from_environment() is None
    monkeypatch.setenv(BOARD_ENV, str(tmp_path))
    assert WarmBoard.from_environment().path == tmp_path


def test_the_warm_up_leaves_a_notebook_a_page_asked_for_to_last_and_reports_each(tmp_path, monkeypatch):
    from bpwidgets import warmup
    from tests.browser.conftest import write_notebook

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    log = tmp_path / "order.txt"
    for name in ("first", "second"):
        write_notebook(tmp_path / f"{name}.ipynb", [f"open({str(log)!r}, 'a').write('{name}\\n')"])
    write_notebook(tmp_path / "broken.ipynb", ["1 / 0"])
    board = WarmBoard(tmp_path / "board")
    notebooks = [tmp_path / "first.ipynb", tmp_path / "broken.ipynb", tmp_path / "second.ipynb"]
    board.announce(notebooks)
    board.want(tmp_path / "first.ipynb")  # a page asked for it: its kernel compiles it
    assert warmup.warm_all(notebooks, board) == 1
    assert log.read_text() == "second\nfirst\n"
    assert board.ended and board.state(tmp_path / "broken.ipynb") == "failed"
    assert board.state(tmp_path / "first.ipynb") == board.state(tmp_path / "second.ipynb") == "warm"


def test_a_pooled_kernel_waits_for_its_notebooks_warm_up_and_pages_are_sent_to_it(tmp_path, monkeypatch):
    from bpwidgets import kernel_pool

    monkeypatch.setattr(kernel_pool, "WARM_UP_POLL_SECONDS", 0.01)
    monkeypatch.setattr(kernel_pool, "HOLD_SECONDS", 0.3)  # replacements wait this long for the page to connect
    started = []

    class VoilaLike:
        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
            started.append(notebook_path)
            done = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return {"task": done, "kernel_id": f"k-{notebook_path}", "renderer": None}

        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            content = await self._pools[notebook_name].pop(0)
            return content["task"], [], content["kernel_id"]

        def _notebook_renderer_factory(self, notebook_path):
            async def initialize():
                pass

            kernelspec = SimpleNamespace(name="python3")
            return SimpleNamespace(initialize=initialize, notebook=SimpleNamespace(metadata=SimpleNamespace(
                kernelspec=kernelspec)), template_name="bpwidgets", theme="light")

    class Manager(KernelPool, VoilaLike):
        def __init__(self):
            self.start_gate = StartGate(2)
            self.unconnected, self._taken_at, self._kernels = set(), {}, {}
            self._page_compiles, self._page_taken = {}, set()
            self.notebook_data, self._pools = {}, {}
            self.root_dir = str(tmp_path)  # the served folder (Voila's root_dir)
            self.log = SimpleNamespace(info=lambda *args: None)
            self.warm_board = WarmBoard(tmp_path / "board")

    async def scenario():
        manager = Manager()
        manager.warm_board.announce([tmp_path / "slow.ipynb"])
        manager._pools = {name: [asyncio.ensure_future(manager._initialize(name))]
                          for name in ("slow.ipynb", "quick.ipynb")}
        await asyncio.sleep(0.1)
        assert started == ["quick.ipynb"]  # the other waits for its warm-up instead of compiling beside it
        assert "slow.ipynb" in manager.notebook_data  # so a page arriving now is sent to the pool
        # a second kernel of the notebook (a larger pool) waits for the one that compiles it for the page
        manager._pools["slow.ipynb"].append(asyncio.ensure_future(manager._initialize("slow.ipynb")))
        await asyncio.sleep(0.1)
        assert started == ["quick.ipynb"]
        page = asyncio.ensure_future(manager.get_rendered_notebook("slow.ipynb"))
        # its warm-up had not started: the pool's first kernel runs it now, not after the warm-ups before it
        _, _, kernel_id = await asyncio.wait_for(page, timeout=5)
        assert kernel_id == "k-slow.ipynb" and manager.warm_board.state(tmp_path / "slow.ipynb") == "queued"
        await asyncio.wait_for(manager._pools["slow.ipynb"][0], timeout=5)  # then the second, from the cache
        assert started == ["quick.ipynb", "slow.ipynb", "slow.ipynb"]
        assert manager.warm_board.next_of([tmp_path / "slow.ipynb", tmp_path / "other.ipynb"]) == \
            tmp_path / "other.ipynb"  # the warm-up takes it last

    asyncio.run(scenario())


def test_the_gallery_says_which_dashboards_are_being_prepared_until_none_is(tmp_path, monkeypatch):
    from bpwidgets.dashboards import DASHBOARD_DIR, DASHBOARDS, gallery

    monkeypatch.setattr(gallery, "POLL_SECONDS", 0.02)
    assert gallery.preparing(None) == ""
    board = WarmBoard(tmp_path)
    names = list(DASHBOARDS)
    board.announce(DASHBOARD_DIR / f"{name}.ipynb" for name in names)
    board.set(DASHBOARD_DIR / f"{names[0]}.ipynb", "warming")
    board.set(DASHBOARD_DIR / f"{names[1]}.ipynb", "warm")
    line = gallery.preparing(board)
    assert f"{names[0].replace('_', ' ')} (compiling now)" in line and names[2].replace("_", " ") in line
    assert names[1].replace("_", " ") not in line
    assert all(f"href='{name}.ipynb'" in gallery.links().data for name in names)

    async def follow():
        status = gallery.status_widget(board)
        assert status.value == line
        for name in names:
            board.set(DASHBOARD_DIR / f"{name}.ipynb", "warm")
        await asyncio.wait_for(status._follow_task, timeout=5)
        return status.value

    assert asyncio.run(follow()) == ""


SLOW = """\
import os, time
open(os.path.join({folder!r}, 'runs.txt'), 'a').write('run\\n')
if not os.path.exists(os.path.join({folder!r}, 'compiled')):  # a first open that compiles, as a fresh install's
    open(os.path.join({folder!r}, 'runs.txt'), 'a').write('compiling\\n')
    deadline = time.monotonic() + 300
    while not os.path.exists(os.path.join({folder!r}, 'release')) and time.monotonic() < deadline:
        time.sleep(0.1)
    open(os.path.join({folder!r}, 'compiled'), 'w').close()
print('figure drawn')"""


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=600) as page:
        return page.read().decode()


def test_serve_answers_at_once_while_the_warm_up_runs_and_a_page_opened_meanwhile_waits_for_it(tmp_path):
    from tests.browser.conftest import free_port, wait_for_http, write_notebook

    folder = tmp_path / "lecture"
    folder.mkdir()
    write_notebook(folder / "slow.ipynb", [SLOW.format(folder=str(folder))])
    write_notebook(folder / "quick.ipynb", ["print('quick page')"])
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "serve", str(folder), "--no-browser",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "BPWIDGETS_CACHE_DIR": str(tmp_path / "cache")})
    try:
        assert "serving" in process.stdout.readline()  # printed once the server answers
        threading.Thread(target=process.stdout.read, daemon=True).start()
        base = f"http://127.0.0.1:{port}/voila/render"
        wait_for_http(f"{base}/quick.ipynb", timeout=240)
        assert "quick page" in _get(f"{base}/quick.ipynb")
        runs = folder / "runs.txt"
        deadline = time.monotonic() + 240
        while "compiling" not in (runs.read_text() if runs.exists() else ""):
            assert time.monotonic() < deadline, "the warm-up did not reach the slow notebook"
            time.sleep(0.2)
        slow_page = {}
        reader = threading.Thread(target=lambda: slow_page.setdefault("body", _get(f"{base}/slow.ipynb")))
        reader.start()
        time.sleep(3)
        assert reader.is_alive()  # the page waits for the warm-up (nothing compiles beside it)
        assert runs.read_text().count("run") == 1
        (folder / "release").touch()
        reader.join(timeout=300)
        assert "figure drawn" in slow_page["body"]
        assert runs.read_text().count("compiling") == 1  # the page's kernel loaded what the warm-up compiled
    finally:
        descendants = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        process.terminate()
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(descendants, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]
