"""The ``bpwidgets`` command."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the ``bpwidgets`` command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="bpwidgets", description="Neuronal dynamics in Jupyter.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="run the bundled example (the Voila dashboards will be served here once they exist)")
    demo.add_argument("--output", default="bpwidgets-demo.png", help="where to save the example's figure")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from bpwidgets import demo as demo_module

        print("bpwidgets demo: the dashboards are not built yet; running the bundled Hodgkin-Huxley "
              "example with every ODE integrator of bp_core.")
        demo_module.run(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
