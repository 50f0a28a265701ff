"""How ``bpwidgets demo`` serves the dashboards: Voila, configured for a room full of browsers on one machine.

These things differ from Voila's defaults, each for a failure seen under load:

- A page's kernel is shut down ``closed_page_grace`` seconds after its last browser connection closes
  (:class:`ClosedPageKernelManager`). Voila's own request on unload was refused for want of an ``_xsrf``
  cookie, which the page is now given (:func:`give_xsrf_cookie`); the disconnect rule also frees the kernels
  of tabs that crash or lose the network. Kernels that have never had a connection (pages still loading)
  are left to the idle culler and its long timeout.
- The executor waits up to a minute for a cell's output, not four seconds: on a loaded machine the output of
  the dashboard's cell can arrive well after the cell's reply, and without it the page is blank.
- Kernels get five minutes to start, not one, for the same reason.
- JupyterLab extensions for editing notebooks are not loaded: jupytext's expects JupyterLab around it
  and breaks the page's scripts.
- Kernels talk to the server over Unix sockets (``ipc``), not TCP: a kernel is given TCP ports that were free
  when they were picked, and with twenty kernels and their browsers' connections starting at once one of
  those ports was sometimes taken before the kernel bound it; its restarts reuse the same ports, so it died.
- SIGINT stops the server as SIGTERM does, through the event loop: as a KeyboardInterrupt it can land
  inside a notebook being rendered and be swallowed there, leaving the server and its kernels running.

Run as ``python -m bpwidgets.serving DIRECTORY [voila options]``.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float
from traitlets.config import Config
from voila.app import Voila

__all__ = ["ClosedPageKernelManager", "DemoVoila", "give_xsrf_cookie", "served_config", "voila_command", "main"]

UNUSED_EXTENSIONS = ["jupyterlab-jupytext", "@voila-dashboards/jupyterlab-preview", "@jupyter-notebook/lab-extension"]
"""JupyterLab extensions for editing notebooks, which a dashboard's page does not load."""
IOPUB_TIMEOUT = 60
KERNEL_STARTUP_TIMEOUT = 300


class ClosedPageKernelManager(AsyncMappingKernelManager):
    """Shuts a kernel down once no browser has been connected to it for ``closed_page_grace`` seconds."""

    closed_page_grace = Float(10.0, config=True,
                              help="Seconds after a kernel's last connection closes before it is shut down.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pending_shutdowns: dict[str, asyncio.TimerHandle] = {}
        self._shutdown_tasks: set[asyncio.Task] = set()

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        pending = self._pending_shutdowns.pop(kernel_id, None)
        if pending is not None:
            pending.cancel()

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id) == 0 and kernel_id not in self._pending_shutdowns:
            loop = asyncio.get_running_loop()
            self._pending_shutdowns[kernel_id] = loop.call_later(self.closed_page_grace, self._shut_down_if_closed,
                                                                 kernel_id)

    def _shut_down_if_closed(self, kernel_id: str) -> None:
        self._pending_shutdowns.pop(kernel_id, None)
        if kernel_id in self and self._kernel_connections.get(kernel_id) == 0:
            self.log.info("Shutting down kernel %s: its page has been closed for %.0f s", kernel_id,
                          self.closed_page_grace)
            task = asyncio.ensure_future(self.shutdown_kernel(kernel_id))
            self._shutdown_tasks.add(task)
            task.add_done_callback(self._shutdown_tasks.discard)

    def remove_kernel(self, kernel_id: str):
        pending = self._pending_shutdowns.pop(kernel_id, None)
        if pending is not None:
            pending.cancel()
        return super().remove_kernel(kernel_id)


class DemoVoila(Voila):
    """Voila that stops on SIGINT through its event loop, as it does on SIGTERM."""

    def initialize(self, argv=None):
        super().initialize(argv)
        signal.signal(signal.SIGINT, self._stop_on_signal)

    def _stop_on_signal(self, signum, frame):
        loop = getattr(self, "ioloop", None)
        if loop is None:  # not serving yet
            raise KeyboardInterrupt
        self.log.info("Stopping on signal %s.", signum)
        loop.add_callback_from_signal(loop.stop)


def give_xsrf_cookie(handler, notebook, cwd):
    """Voila prelaunch hook: touching the handler's XSRF token sets the ``_xsrf`` cookie on the page.

    The page sends that cookie back with its shutdown request when it unloads; without it the request is
    refused (403) and the kernel outlives its tab.
    """
    _ = handler.xsrf_token
    return None


def served_config() -> Config:
    """The Voila configuration of the demo server (see the module docstring for why)."""
    config = Config()
    config.VoilaConfiguration.multi_kernel_manager_class = ClosedPageKernelManager
    config.VoilaConfiguration.prelaunch_hook = give_xsrf_cookie
    config.VoilaConfiguration.extension_denylist = UNUSED_EXTENSIONS
    config.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT
    config.VoilaExecutor.startup_timeout = KERNEL_STARTUP_TIMEOUT
    config.KernelManager.transport = "ipc"
    return config


def voila_command(port: int, open_browser: bool, cull_idle_timeout: int, directory: Path | str,
                  closed_page_grace: float = 10.0, theme: str = "light") -> list[str]:
    """The command line serving ``directory`` (code hidden, no tracebacks, closed and idle kernels freed) in the
    ``theme`` ('light' or 'dark') of Voila's lab template."""
    if theme not in ("light", "dark"):
        raise ValueError(f"theme must be 'light' or 'dark', got {theme!r}")
    command = [sys.executable, "-m", "bpwidgets.serving", str(directory), f"--port={port}",
               "--Voila.ip=127.0.0.1", "--show_tracebacks=False", "--strip_sources=True",
               f"--ClosedPageKernelManager.closed_page_grace={closed_page_grace}",
               f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
               f"--MappingKernelManager.cull_interval={max(1, min(60, cull_idle_timeout // 2))}",
               "--MappingKernelManager.cull_connected=False", f"--theme={theme}"]
    if not open_browser:
        command.append("--no-browser")
    return command


def main(argv: list[str] | None = None) -> None:
    """Start Voila with :func:`served_config`; options on the command line override it."""
    DemoVoila.launch_instance(argv if argv is not None else sys.argv[1:], config=served_config())


if __name__ == "__main__":
    main()
