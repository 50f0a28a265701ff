"""How ``bpwidgets demo`` serves the dashboards: Voila, configured for a room full of browsers on one machine.

These things differ from Voila's defaults, each for a failure seen under load:

- Each notebook keeps kernels that have already run it (Voila's preheated kernels, with the start gate and
  the room's rules of :mod:`bpwidgets.kernel_pool`), so a page gets a kernel that is ready.
- A page's kernel is shut down ``closed_page_grace`` seconds after its last browser connection closes
  (:class:`ClosedPageKernelManager`). Voila's own request on unload was refused for want of an ``_xsrf``
  cookie, which the page is now given (by the page handler of :mod:`bpwidgets.room`); the disconnect rule
  also frees the kernels of tabs that crash or lose the network.
  Kernels that have never had a connection (pages still loading, pooled kernels) are left to the idle culler
  and its long timeout (which skips pooled kernels).
- The executor waits up to a minute for a cell's output, not four seconds: on a loaded machine the output of
  the dashboard's cell can arrive well after the cell's reply, and without it the page is blank.
- Kernels get five minutes to start, not one, for the same reason.
- JupyterLab extensions for editing notebooks are not loaded: jupytext's expects JupyterLab around it
  and breaks the page's scripts. Nor is jupyterlab_pygments: the colours of highlighted code it would add
  (three requests, a script to run) are already in the page, inline.
- Kernels talk to the server over Unix sockets (``ipc``), not TCP: a kernel is given TCP ports that were free
  when they were picked, and with twenty kernels and their browsers' connections starting at once one of
  those ports was sometimes taken before the kernel bound it; its restarts reuse the same ports, so it died.
- SIGINT stops the server as SIGTERM does, through the event loop: as a KeyboardInterrupt it can land
  inside a notebook being rendered and be swallowed there, leaving the server and its kernels running.
- Requests naming a host the server was not started for are refused, and kernels are limited in all and per
  client address (:mod:`bpwidgets.room`).
- Front-end files named by their content's hash are kept by browsers for a year
  (:mod:`bpwidgets.static_cache`), not asked for again on every page.
- Voila's ``voila.js`` and the widget libraries' ``remoteEntry`` scripts are sent with the chunks the dashboards
  load written in front of them (:mod:`bpwidgets.combined_scripts`): a page makes about 90 fewer requests.
- Responses are sent gzip-compressed to browsers that accept it (tornado's ``compress_response``), and the
  front-end files compressed once each, not for every request (:mod:`bpwidgets.compressed_files`); kernel
  messages over the WebSocket are deflated (``permessage-deflate``). A dashboard's page of 6.1 MiB crosses the
  network as 1.8 MiB (``benchmarks/page_cost.py``).
- anywidget's and the widget manager's front ends are sent with their two-second deadlines for a widget to
  load raised to two minutes (:mod:`bpwidgets.frontend_patches`): a page whose main thread is busy missed
  them and stayed blank.
- A page whose notebook holds no TeX does not load MathJax (:mod:`bpwidgets.page_math`): every widget view
  asked for typesetting, so each dashboard fetched, compiled and ran about 0.9 MB of MathJax for nothing.
- Pages use the ``bpwidgets`` template: Voila's lab template with Font Awesome served from the
  ``fontawesomefree`` package instead of a CDN, so that no request leaves the machine.
- A token or a password hash comes in through the environment (:data:`TOKEN_VARIABLE`,
  :data:`PASSWORD_VARIABLE`), not the command line, where any user of the machine can read it; it is taken
  out of the environment before kernels inherit it.

Run as ``python -m bpwidgets.serving PATH [voila options]``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import fontawesomefree
import voila.app as voila_app
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from tornado.routing import Rule
from traitlets import Float, Int, List, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from bpwidgets.compressed_files import GzipMultiStaticFileHandler, GzipTemplateStaticFileHandler
from bpwidgets.frontend_patches import unmatched_patches
from bpwidgets.kernel_pool import KernelPool, pooled_kernel_manager_factory
from bpwidgets.page_math import NO_MATH_URL, NoMathScriptHandler, math_page_config_hook
from bpwidgets.room import ForeignHost, ForeignHostHandler, Room, RoomVoilaHandler, allowed_hosts
from bpwidgets.server_command import PASSWORD_VARIABLE, TOKEN_VARIABLE, voila_command
from bpwidgets.static_cache import HashedFileHandler

__all__ = ["ClosedPageKernelManager", "DemoVoila", "PASSWORD_VARIABLE", "TOKEN_VARIABLE", "served_config",
           "voila_command", "main"]

UNUSED_EXTENSIONS = ["jupyterlab-jupytext", "@voila-dashboards/jupyterlab-preview", "@jupyter-notebook/lab-extension",
                     "jupyterlab_pygments"]
"""JupyterLab extensions a dashboard's page does not load: those for editing notebooks, and jupyterlab_pygments,
whose only content, the colours of highlighted code, the page already holds inline (nbconvert's template)."""
IOPUB_TIMEOUT = 60
KERNEL_STARTUP_TIMEOUT = 300
TORNADO_SETTINGS = {"compress_response": True, "websocket_compression_options": {}}
"""Responses gzip-compressed where the browser accepts it; WebSocket messages deflated where it offers to."""
TEMPLATE = "bpwidgets"
TEMPLATE_ROOT = Path(__file__).parent / "share" / "jupyter"
"""A Jupyter data directory holding the ``bpwidgets`` Voila template."""
FONT_AWESOME_STATIC = Path(fontawesomefree.__file__).parent / "static"
"""Served under ``voila/static/``: the template's ``fontawesomefree/css/*.css`` and their web fonts."""


class ClosedPageKernelManager(AsyncMappingKernelManager):
    """Shuts a kernel down once no browser has been connected to it for ``closed_page_grace`` seconds."""

    closed_page_grace = Float(10.0, config=True,
                              help="Seconds after a kernel's last connection closes before it is shut down.")
    max_kernels = Int(0, config=True, help="Most kernels at once (0: no limit).")
    max_kernels_per_client = Int(0, config=True, help="Most kernels of one client address (0: no limit).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pending_shutdowns: dict[str, asyncio.TimerHandle] = {}
        self._shutdown_tasks: set[asyncio.Task] = set()
        self.room = Room(self.max_kernels, self.max_kernels_per_client)

    async def start_kernel(self, **kwargs) -> str:
        kernel_id = await super().start_kernel(**kwargs)
        if (kwargs.get("env") or {}).get("VOILA_PREHEAT") != "True":  # a pooled kernel is seated when taken
            self.room.seat(kernel_id)
        return kernel_id

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
        self.room.leave(kernel_id)
        return super().remove_kernel(kernel_id)


class DemoVoila(Voila):
    """Voila that stops on SIGINT through its event loop, as it does on SIGTERM, answers only to its own host
    names, limits kernels, serves Font Awesome itself and takes its secrets from the environment."""

    classes = [*Voila.classes, KernelPool]  # so that --KernelPool.pool=NAME=N parses as the list it is
    allow_hosts = List(Unicode(), config=True,
                       help="Host names besides this machine's local names and the bound address to answer to.")

    def initialize(self, argv=None):
        token = os.environ.pop(TOKEN_VARIABLE, "")
        hashed_password = os.environ.pop(PASSWORD_VARIABLE, "")
        if hashed_password:
            self.config.PasswordIdentityProvider.hashed_password = hashed_password
        super().initialize(argv)
        if token:
            self.token = token
        signal.signal(signal.SIGINT, self._stop_on_signal)

    def init_settings(self) -> dict:
        # the kernel manager Voila builds here gets the pool's rules over its preheated kernels
        voila_app.voila_kernel_manager_factory = pooled_kernel_manager_factory
        # here, not in tornado_settings: those are applied after the application is made, too late for tornado
        # to add its gzip transform
        return {**super().init_settings(), **TORNADO_SETTINGS}

    def setup_template_dirs(self):
        super().setup_template_dirs()
        self.static_paths.append(str(FONT_AWESOME_STATIC))

    def init_handlers(self) -> list:
        unmatched_patches(self.labextensions_path)
        swapped = {TornadoVoilaHandler: RoomVoilaHandler, FileFindHandler: HashedFileHandler,
                   MultiStaticFileHandler: GzipMultiStaticFileHandler,
                   TemplateStaticFileHandler: GzipTemplateStaticFileHandler}
        handlers = [(handler[0], swapped.get(handler[1], handler[1]), *handler[2:])
                    for handler in super().init_handlers()]
        return [Rule(ForeignHost(allowed_hosts(self.ip, self.allow_hosts)), ForeignHostHandler),
                (url_path_join(self.server_url, NO_MATH_URL), NoMathScriptHandler), *handlers]

    def _stop_on_signal(self, signum, frame):
        loop = getattr(self, "ioloop", None)
        if loop is None:  # not serving yet
            raise KeyboardInterrupt
        self.log.info("Stopping on signal %s.", signum)
        loop.add_callback_from_signal(loop.stop)


def served_config() -> Config:
    """The Voila configuration of the demo server (see the module docstring for why)."""
    config = Config()
    config.VoilaConfiguration.multi_kernel_manager_class = ClosedPageKernelManager
    config.VoilaConfiguration.preheat_kernel = True
    config.VoilaConfiguration.extension_denylist = UNUSED_EXTENSIONS
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.page_config_hook = math_page_config_hook
    config.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT
    config.VoilaExecutor.startup_timeout = KERNEL_STARTUP_TIMEOUT
    config.KernelManager.transport = "ipc"
    return config


def main(argv: list[str] | None = None) -> None:
    """Start Voila with :func:`served_config`; options on the command line override it."""
    # the bpwidgets template is found where Voila looks for templates: Jupyter's data directories
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH")]))
    DemoVoila.launch_instance(argv if argv is not None else sys.argv[1:], config=served_config())


if __name__ == "__main__":
    main()
