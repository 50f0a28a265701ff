"""The ``bpwidgets`` command: ``demo`` serves the bundled dashboards and ``serve PATH`` a lecturer's own
notebooks, both through :func:`serve` (one serving configuration, warm-up, door and shutdown); ``example`` runs
the bundled example without a browser."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path
from typing import Sequence

from bpwidgets.children import Children
from bpwidgets.dashboards import DASHBOARD_DIR, DASHBOARDS, PROJECTOR_ENV
from bpwidgets.lan import Door
from bpwidgets.server_command import PAGES, pooled_kernels, voila_command
from bpwidgets.warm_board import BOARD_ENV, WarmBoard
from bpwidgets.warmup import cold_notebooks, notebooks_in

__all__ = ["main", "run_child", "serve"]


def _parser() -> argparse.ArgumentParser:
    serving = argparse.ArgumentParser(add_help=False)
    serving.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    serving.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serving.add_argument("--cull-idle-timeout", type=int, default=300,
                         help="shut down a page's kernel after this many idle seconds with its page closed")
    serving.add_argument("--closed-page-grace", type=float, default=10.0,
                         help="shut down a page's kernel this many seconds after its page closes")
    serving.add_argument("--theme", choices=("light", "dark"), default="light",
                         help="the pages' colours (dark for a dim lecture hall)")
    serving.add_argument("--no-warm-up", action="store_true",
                         help="do not execute each new notebook once behind the server (the first page of each "
                              "then compiles its models itself)")
    serving.add_argument("--pool", action="append", default=[], metavar="N|NAME=N",
                         help="kernels kept ready per notebook, having run it (default 1): N for every notebook, "
                              "NAME=N for one (repeatable), e.g. --pool gamma=20 for a class of 20 on the gamma "
                              "dashboard; each holds 200-300 MB; 0 starts a kernel per page instead")
    Door.add_arguments(serving)
    page_help = ("the pages' front end: lean (a widget manager with the installed widget libraries, about a fifth "
                 "less work for each browser) or lab (Voila's JupyterLab front end, which also renders formulas and "
                 "other JupyterLab extensions; default %(default)s)")
    parser = argparse.ArgumentParser(prog="bpwidgets", description="Neuronal dynamics in Jupyter.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", parents=[serving], help="serve the bundled dashboards with Voila")
    demo.add_argument("--projector", action="store_true",
                      help="open every dashboard in projector mode: large fonts, figures that fit 1366 x 768")
    demo.add_argument("--page", choices=tuple(PAGES), default="lean", help=page_help)
    serve_ = commands.add_parser("serve", parents=[serving],
                                 help="serve your own notebook or folder of notebooks as the demo is served")
    serve_.add_argument("path", help="a notebook (.ipynb) or a folder of notebooks")
    serve_.add_argument("--page", choices=tuple(PAGES), default="lab", help=page_help)
    example = commands.add_parser("example", help="run the bundled Hodgkin-Huxley example without a browser")
    example.add_argument("--output", default="bpwidgets-demo.png", help="where to save the example's figure")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``bpwidgets`` command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "example":
        from bpwidgets import demo as demo_module

        demo_module.run(args.output)
        return 0
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535, got {args.port}")
    for option, value in (("--cull-idle-timeout", args.cull_idle_timeout), ("--closed-page-grace",
                                                                           args.closed_page_grace)):
        if not 0 <= value < float("inf"):
            parser.error(f"{option} must be a number of seconds, 0 or more, got {value}")
    if args.command == "demo":
        path = DASHBOARD_DIR
    else:
        path = Path(args.path).expanduser().resolve()
        if not (path.is_dir() or (path.is_file() and path.suffix == ".ipynb")):
            parser.error(f"serve PATH: {args.path} is neither a notebook (.ipynb) nor a folder; give one of those")
        if not notebooks_in(path):
            parser.error(f"serve PATH: the folder {args.path} holds no notebook (.ipynb)")
    served = [p.name if path.is_file() else str(p.relative_to(path)) for p in notebooks_in(path)]
    try:
        door = Door.from_arguments(args, pooled=pooled_kernels(args.pool or ("1",), served))
    except ValueError as err:
        parser.error(str(err))
    if args.command == "demo":
        if args.projector:  # the kernels Voila starts inherit this environment
            os.environ[PROJECTOR_ENV] = "1"
        pages = {"index.ipynb": "the gallery", **{f"{name}.ipynb": text for name, text in DASHBOARDS.items()}}
        # the gallery compiles nothing; the dashboards are warmed in the gallery's order
        order = [DASHBOARD_DIR / f"{name}.ipynb" for name in DASHBOARDS]
        return serve(DASHBOARD_DIR, args, door, f"{len(DASHBOARDS)} dashboards", pages, order)
    return serve(path, args, door, path.name, None, notebooks_in(path))


def _page_urls(path: Path, base: str, pages: dict[str, str] | None) -> tuple[str, list[str]]:
    """The URL to open first and one line per page (name: URL)."""
    if path.is_file():
        return base, []
    if pages is None:
        pages = {str(p.relative_to(path)): "" for p in notebooks_in(path)}
    first = f"{base}voila/render/index.ipynb" if "index.ipynb" in pages else base
    lines = [f"  {Path(name).stem}: {base}voila/render/{name}" + (f"  ({text})" if text else "")
             for name, text in pages.items() if name != "index.ipynb"]
    return first, lines


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError as err:
        return err.code < 500
    except OSError:
        return False


def serve(path: Path, args: argparse.Namespace, door: Door, what: str, pages: dict[str, str] | None,
          to_warm: list[Path]) -> int:
    """Serve ``path`` with :mod:`bpwidgets.serving`: start the server, print the URLs once it answers (and in LAN
    mode the token, as text and a QR code), then warm the cold ones of ``to_warm`` behind it; stop everything
    on SIGTERM or SIGINT."""
    command = voila_command(args.port, False, args.cull_idle_timeout, path, args.closed_page_grace,
                            theme=args.theme, ip=door.ip, allow_hosts=door.allow_hosts,
                            max_kernels=door.max_kernels, max_kernels_per_client=door.max_kernels_per_client,
                            pool=args.pool or ("1",), page=args.page)
    cold = [] if args.no_warm_up else cold_notebooks(to_warm)
    with tempfile.TemporaryDirectory(prefix="bpwidgets-warm-") as board_dir, Children() as children:
        environment = {**os.environ}
        if cold:  # the server's pooled kernels of these wait on the board for their warm-up
            WarmBoard(board_dir).announce(cold)
            environment[BOARD_ENV] = board_dir
        server = children.start(command, env={**environment, **door.server_environment()})
        probe = f"http://{door.probe_host}:{args.port}/"
        children.wait_until(lambda: server.poll() is not None or _answers(probe))
        if children.stopping:
            return 0
        if server.poll() is not None:
            print(f"bpwidgets {args.command}: the server ended (status {server.returncode}) before it served; "
                  "see its messages above", file=sys.stderr, flush=True)
            return server.returncode or 1
        first, lines = _page_urls(path, door.base_url(args.port), pages)
        print(f"bpwidgets {args.command}: serving {what} at {door.with_token(first)}", flush=True)
        print("\n".join(lines), flush=True)
        door.announce(first)
        if not args.no_browser:
            webbrowser.open(door.with_token(first))
        warming = None
        if cold:  # behind the server: it answers at once, and a page waits for its notebook's warm-up
            print(f"bpwidgets {args.command}: preparing {len(cold)} notebook(s) in the background (compiling "
                  "their models once; a page opened meanwhile waits for its own)", file=sys.stderr, flush=True)
            warming = children.start([sys.executable, "-m", "bpwidgets.warmup", *map(str, cold)], env=environment)

        def ended() -> bool:
            if warming is not None and warming.poll() is not None and not WarmBoard(board_dir).ended:
                WarmBoard(board_dir).end()  # it died before ending the board itself: nothing waits for it
            return server.poll() is not None

        children.wait_until(ended)
    return 0 if children.stopping else server.returncode


def run_child(command: Sequence[str], grace: float = 20.0) -> int:
    """Run ``command`` until it ends, passing SIGTERM and SIGINT on to it, so it never outlives this process.

    If it has not ended ``grace`` seconds after the signal, it and every process under it (its kernels) are
    killed.
    """
    with Children(grace) as children:
        child = children.start(command)
        children.wait_until(lambda: child.poll() is not None)
    return 0 if children.stopping else child.returncode


if __name__ == "__main__":
    sys.exit(main())
