"""The ``bpwidgets`` command: the demo serves the dashboards; the example runs without a browser."""

import signal
import subprocess
import sys
import time
import urllib.request

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
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = process.stdout.readline()
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


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_demo_ends_voila_and_its_kernels_on_a_signal(sig):
    from tests.browser.conftest import free_port, wait_for_http

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bpwidgets.cli", "demo", "--no-browser", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    assert config.VoilaConfiguration.prelaunch_hook is serving.give_xsrf_cookie
    assert config.KernelManager.transport == "ipc"  # no TCP port a busy machine can take first


def test_a_child_that_ignores_the_signal_is_killed_with_its_children_after_the_grace():
    stubborn = ("import signal, subprocess, sys, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); time.sleep(300)")
    driver = subprocess.Popen([sys.executable, "-c", "import sys; from bpwidgets.cli import run_child; "
                               f"sys.exit(run_child([sys.executable, '-c', {stubborn!r}], grace=2.0))"])
    try:
        deadline = time.monotonic() + 30
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
