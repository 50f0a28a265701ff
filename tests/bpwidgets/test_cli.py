"""The ``bpwidgets`` command: the demo serves the dashboards; the example runs without a browser."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from types import SimpleNamespace

import numpy as np
import psutil
import pytest

from bpwidgets import cli, demo
from bpwidgets.dashboards import DASHBOARD_DIR, DASHBOARDS
from bpwidgets.serving import voila_command


def test_example_fires_the_same_spikes_with_every_method():
    counts = set()
    for method in demo.ODE_METHODS:
        V = demo.simulate(method, duration=30.0, dt=0.01)
        counts.add(int(np.sum((V[1:] >= 0) & (V[:-1] < 0))))
    assert counts == {2}


def test_example_command_saves_the_figure(tmp_path, capsys):
    output = tmp_path / "demo.png"
    assert cli.main(["example", "--output", str(output)]) == 0
    assert output.stat().st_size > 10_000
    assert "figure saved" in capsys.readouterr().out


def test_voila_command_hides_code_and_tracebacks_and_frees_kernels():
    command = voila_command(9000, False, 60, DASHBOARD_DIR, closed_page_grace=12.5)
    assert str(DASHBOARD_DIR) in command and "--no-browser" in command
    assert "--show_tracebacks=False" in command and "--strip_sources=True" in command
    assert "--MappingKernelManager.cull_idle_timeout=60" in command
    assert "--ClosedPageKernelManager.closed_page_grace=12.5" in command
    assert {p.stem for p in DASHBOARD_DIR.glob("*.ipynb")} == set(DASHBOARDS) | {"index"}
    assert "--theme=light" in command and "--theme=dark" in voila_command(9000, False, 60, DASHBOARD_DIR,
                                                                          theme="dark")
    with pytest.raises(ValueError, match="light' or 'dark"):
        voila_command(9000, False, 60, DASHBOARD_DIR, theme="<script>")


def test_demo_serves_the_gallery_and_prints_the_url():
    from tests.browser.conftest import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--no-warm-up",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = process.stdout.readline()  # printed once the server answers
        assert f"http://127.0.0.1:{port}/voila/render/index.ipynb" in first
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/index.ipynb", timeout=30) as page:
                    body = page.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        for name in DASHBOARDS:
            assert f"{name}.ipynb" in body
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_unknown_command_and_bad_port_exit_with_usage():
    with pytest.raises(SystemExit):
        cli.main(["serve-everything"])
    with pytest.raises(SystemExit):
        cli.main(["demo", "--port", "0"])


def test_negative_or_nan_seconds_are_refused_naming_the_option(capsys):
    for option, value in (("--closed-page-grace", "-1"), ("--closed-page-grace", "nan"), ("--cull-idle-timeout", "-5")):
        with pytest.raises(SystemExit):
            cli.main(["serve", "missing-lecture/", option, value])
        assert f"{option} must be a number of seconds" in capsys.readouterr().err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_demo_ends_voila_and_its_kernels_on_a_signal(sig):
    from tests.browser.conftest import free_port, wait_for_http

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--no-warm-up",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/voila/render/gamma.ipynb", timeout=120)  # starts a kernel
        children = psutil.Process(process.pid).children(recursive=True)
        assert any("ipykernel" in " ".join(c.cmdline()) for c in children)
        process.send_signal(sig)
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]
    finally:
        if process.poll() is None:
            process.kill()


def test_served_config_waits_for_slow_output_and_frees_closed_pages():
    from bpwidgets import serving

    config = serving.served_config()
    assert config.VoilaExecutor.iopub_timeout >= 60 and config.VoilaExecutor.startup_timeout >= 300
    assert config.VoilaConfiguration.multi_kernel_manager_class is serving.ClosedPageKernelManager
    assert config.VoilaConfiguration.preheat_kernel  # pre-started kernels (tests/bpwidgets/test_serving_pool.py)
    assert config.KernelManager.transport == "ipc"  # no TCP port a busy machine can take first


def test_a_child_that_ignores_the_signal_is_killed_with_its_children_after_the_grace():
    stubborn = ("import signal, subprocess, sys, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); time.sleep(300)")
    driver = subprocess.Popen([sys.executable, "-c", "import sys; from bpwidgets.cli import run_child; "
                               f"sys.exit(run_child([sys.executable, '-c', {stubborn!r}], grace=2.0))"])
    try:
        deadline = time.monotonic() + 180  # importing bpwidgets on a loaded machine
        while len(psutil.Process(driver.pid).children(recursive=True)) < 2:
            assert time.monotonic() < deadline, "the stubborn child did not start"
            time.sleep(0.1)
        descendants = psutil.Process(driver.pid).children(recursive=True)
        start = time.monotonic()
        driver.send_signal(signal.SIGINT)
        assert driver.wait(timeout=30) == 0
        assert 2.0 <= time.monotonic() - start
        _, alive = psutil.wait_procs(descendants, timeout=10)
        assert not alive
    finally:
        if driver.poll() is None:
            driver.kill()


def test_voila_command_passes_the_door_and_refuses_negative_limits():
    command = voila_command(9000, False, 60, DASHBOARD_DIR, ip="0.0.0.0", allow_hosts=["lecture.local"],
                            max_kernels=30, max_kernels_per_client=2)
    assert "--Voila.ip=0.0.0.0" in command and "--DemoVoila.allow_hosts=lecture.local" in command
    assert "--ClosedPageKernelManager.max_kernels=30" in command
    assert "--ClosedPageKernelManager.max_kernels_per_client=2" in command
    assert not any("token" in part.lower() for part in command)  # secrets never on the command line
    with pytest.raises(ValueError, match="0 \\(no limit\\) or positive"):
        voila_command(9000, False, 60, DASHBOARD_DIR, max_kernels=-1)


def _door(*options, pooled=0):
    from bpwidgets.lan import Door

    return Door.from_arguments(cli._parser().parse_args(["serve", ".", *options]), pooled=pooled)


def test_the_default_limit_on_a_network_leaves_the_pools_memory_aside(monkeypatch):
    from bpwidgets import lan
    from bpwidgets.server_command import pooled_kernels

    monkeypatch.setattr(lan.psutil, "virtual_memory", lambda: SimpleNamespace(available=40 * lan.KERNEL_MEMORY))
    assert _door("--ip", "0.0.0.0").max_kernels == 40
    assert _door("--ip", "0.0.0.0", pooled=6).max_kernels == 34
    assert _door("--ip", "0.0.0.0", pooled=60).max_kernels == 1  # still one page, never none
    assert _door("--ip", "0.0.0.0", "--max-kernels", "50", pooled=6).max_kernels == 50  # asked for: kept
    served = ["index.ipynb", "gamma.ipynb", "sub/notes.ipynb"]
    assert pooled_kernels((), served) == 3
    assert pooled_kernels(("2", "gamma=20"), served) == 24
    assert pooled_kernels(("0", "sub/notes=3"), served) == 3


def test_the_door_asks_for_a_token_off_localhost_and_limits_kernels_there():
    from bpwidgets.serving import TOKEN_VARIABLE

    local = _door()
    assert not local.token and local.max_kernels == 0 and local.max_kernels_per_client == 0
    assert local.server_environment() == {} and local.with_token("http://h/") == "http://h/"
    lan = _door("--ip", "0.0.0.0")
    assert len(lan.token) >= 16 and lan.max_kernels >= 1 and lan.max_kernels_per_client == 2
    assert lan.server_environment() == {TOKEN_VARIABLE: lan.token}
    assert lan.with_token("http://h/a?x=1") == f"http://h/a?x=1&token={lan.token}"
    assert lan.probe_host == "127.0.0.1" and "0.0.0.0" not in lan.base_url(8866)
    assert _door("--ip", "0.0.0.0").token != lan.token  # made anew each time
    forced = _door("--token", "--max-kernels", "3", "--max-kernels-per-client", "1")
    assert forced.token and (forced.max_kernels, forced.max_kernels_per_client) == (3, 1)


@pytest.mark.parametrize("options, message", [
    (["--ip", "lecture-hall"], "--ip must be an IP address"),
    (["--allow-host", "evil.example/<script>"], "--allow-host"),
    (["--max-kernels", "-2"], "--max-kernels must be 0"),
    (["--max-kernels-per-client", "-1"], "--max-kernels-per-client must be 0"),
])
def test_the_door_names_the_option_to_fix(options, message):
    with pytest.raises(ValueError, match=message):
        _door(*options)


def test_serve_refuses_a_path_that_is_not_a_notebook_or_folder(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    for path in (tmp_path / "missing.ipynb", tmp_path / "notes.txt", tmp_path):  # the folder has no notebook
        with pytest.raises(SystemExit):
            cli.main(["serve", str(path), "--no-browser"])
        assert "serve PATH" in capsys.readouterr().err


def test_room_counts_kernels_starting_and_running_per_client():
    from bpwidgets.room import Room

    room = Room(max_kernels=3, max_kernels_per_client=2)
    with room.arriving("10.0.0.5"):
        room.seat("k1")
        with room.arriving("10.0.0.5"):  # a second page of the same device, its kernel still starting
            assert "already has 2" in room.refusal("10.0.0.5")
            assert room.refusal("10.0.0.6") is None
    assert room.refusal("10.0.0.5") is None  # the second page ended before it had a kernel
    with room.arriving("10.0.0.6"):
        room.seat("k2")
    with room.arriving("10.0.0.7"):
        room.seat("k3")
    assert "All 3 places" in room.refusal("10.0.0.8")
    room.leave("k2")
    assert room.refusal("10.0.0.8") is None
    room.seat("k4")  # a kernel started outside any page request is nobody's
    assert room.refusal("10.0.0.8") is None
    with pytest.raises(ValueError, match="kernel limits"):
        Room(max_kernels=-1)


def test_only_the_servers_own_host_names_are_allowed():
    from bpwidgets.room import ForeignHost, allowed_hosts, host_name

    assert host_name("LocalHost:8866") == "localhost" and host_name("[::1]:8866") == "::1"
    local = allowed_hosts("127.0.0.1", ["lecture.local"])
    assert {"localhost", "127.0.0.1", "::1", "lecture.local"} == set(local)
    wildcard = allowed_hosts("0.0.0.0")
    assert "127.0.0.1" in wildcard and len(wildcard) > 3  # this machine's addresses and names
    matcher = ForeignHost(local)

    class Request:
        def __init__(self, host):
            self.host = host

    assert matcher.match(Request("evil.example:8866")) == {}  # routed to the refusal
    assert matcher.match(Request("localhost:8866")) is None and matcher.match(Request("[::1]:1")) is None


def test_warm_up_executes_a_notebook_once_and_records_it(tmp_path, monkeypatch):
    from bpwidgets import warmup
    from tests.browser.conftest import write_notebook

    monkeypatch.setenv("BPWIDGETS_CACHE_DIR", str(tmp_path / "cache"))
    log = tmp_path / "executed.txt"
    write_notebook(tmp_path / "lesson.ipynb", [f"open({str(log)!r}, 'a').write('ran\\n')"])
    write_notebook(tmp_path / "broken.ipynb", ["1 / 0"])
    notebooks = warmup.notebooks_in(tmp_path)
    assert [p.name for p in notebooks] == ["broken.ipynb", "lesson.ipynb"]
    assert warmup.cold_notebooks(notebooks) == notebooks
    assert warmup.warm_all(notebooks) == 1  # the broken one is reported, the other warmed
    assert log.read_text() == "ran\n"
    assert warmup.cold_notebooks(notebooks) == [tmp_path / "broken.ipynb"]
    write_notebook(tmp_path / "lesson.ipynb", [f"open({str(log)!r}, 'a').write('changed\\n')"])
    assert warmup.cold_notebooks(notebooks) == notebooks  # an edited notebook is cold again


def test_a_password_replaces_the_token_and_only_its_hash_reaches_the_server(monkeypatch):
    from jupyter_server.auth import passwd_check

    from bpwidgets.serving import PASSWORD_VARIABLE

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "sesame")
    door = _door("--ip", "0.0.0.0", "--password")
    assert not door.token and passwd_check(door.hashed_password, "sesame")
    assert not passwd_check(door.hashed_password, "wrong")
    assert door.server_environment() == {PASSWORD_VARIABLE: door.hashed_password}
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "")
    with pytest.raises(ValueError, match="password is empty"):
        _door("--password")


def _command_of(process) -> str:
    try:
        return " ".join(process.cmdline())
    except (psutil.Error, AttributeError):  # ended meanwhile (or no parent)
        return ""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_ends_the_warm_up_and_its_kernel_on_a_signal(tmp_path, sig):
    from tests.browser.conftest import free_port, write_notebook

    write_notebook(tmp_path / "slow.ipynb", ["import time\ntime.sleep(600)"])  # a warm-up that is still running
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "serve", str(tmp_path / "slow.ipynb"),
                                "--no-browser", "--port", str(free_port())],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "BPWIDGETS_CACHE_DIR": str(tmp_path / "cache")})
    try:
        deadline = time.monotonic() + 180
        while not any("ipykernel" in _command_of(c) and "warmup" in _command_of(c.parent())
                      for c in psutil.Process(process.pid).children(recursive=True)):
            assert time.monotonic() < deadline, "the warm-up kernel did not start"
            time.sleep(0.3)
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(sig)
        assert process.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, [" ".join(p.cmdline())[:100] for p in alive]
    finally:
        if process.poll() is None:
            process.kill()
