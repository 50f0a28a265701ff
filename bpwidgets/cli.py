"""The ``bpwidgets`` command: ``bpwidgets demo`` serves the dashboards with Voila."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from typing import Sequence

import psutil

from bpwidgets.dashboards import DASHBOARD_DIR, DASHBOARDS, PROJECTOR_ENV
from bpwidgets.serving import voila_command


def main(argv: list[str] | None = None) -> int:
    """Run the ``bpwidgets`` command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="bpwidgets", description="Neuronal dynamics in Jupyter.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="serve the dashboards with Voila on localhost")
    demo.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    demo.add_argument("--no-browser", action="store_true", help="do not open a browser")
    demo.add_argument("--cull-idle-timeout", type=int, default=300,
                      help="shut down a dashboard's kernel after this many idle seconds with its page closed")
    demo.add_argument("--closed-page-grace", type=float, default=10.0,
                      help="shut down a dashboard's kernel this many seconds after its page closes")
    demo.add_argument("--theme", choices=("light", "dark"), default="light",
                      help="the pages' colours (dark for a dim lecture hall)")
    demo.add_argument("--projector", action="store_true",
                      help="open every dashboard in projector mode: large fonts, figures that fit 1366 x 768")
    example = commands.add_parser("example", help="run the bundled Hodgkin-Huxley example without a browser")
    example.add_argument("--output", default="bpwidgets-demo.png", help="where to save the example's figure")
    args = parser.parse_args(argv)
    if args.command == "example":
        from bpwidgets import demo as demo_module

        demo_module.run(args.output)
        return 0
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535, got {args.port}")
    url = f"http://127.0.0.1:{args.port}/voila/render/index.ipynb"
    if args.projector:  # the kernels Voila starts inherit this environment
        os.environ[PROJECTOR_ENV] = "1"
    print(f"bpwidgets demo: serving {len(DASHBOARDS)} dashboards at {url}", flush=True)
    for name, text in DASHBOARDS.items():
        print(f"  {name}: http://127.0.0.1:{args.port}/voila/render/{name}.ipynb  ({text})", flush=True)
    return run_child(voila_command(args.port, not args.no_browser, args.cull_idle_timeout, DASHBOARD_DIR,
                                   args.closed_page_grace, theme=args.theme))


def run_child(command: Sequence[str], grace: float = 20.0) -> int:
    """Run ``command`` until it ends, passing SIGTERM and SIGINT on to it, so it never outlives this process.

    Voila shuts its kernels down when it is told to stop; if it has not ended ``grace`` seconds after the
    signal, it and every process under it (its kernels) are killed.
    """
    child = subprocess.Popen(list(command))
    received: list[float] = []

    def forward(signum: int, _frame) -> None:
        received.append(time.monotonic())
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                code = child.wait(timeout=0.5)  # short waits: a signal's grace must be noticed
                break
            except subprocess.TimeoutExpired:
                if received and time.monotonic() - received[0] > grace:
                    _kill_tree(child.pid)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if received else code


def _kill_tree(pid: int) -> None:
    try:
        parent = psutil.Process(pid)
        processes = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


if __name__ == "__main__":
    sys.exit(main())
