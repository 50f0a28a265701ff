"""AUTO-07p's cycle branches of a demo again on a finer mesh, as the arbiter where bp_core and AUTO-07p on the
demo's own mesh disagree.

    python -m benchmarks.continuation_fine_mesh --demos AUTO_DEMOS --demo NAME [--ntst N] [--record]

The run is :mod:`benchmarks.continuation_auto_demos`'s (the demo's equations and constants, the same tightened
tolerances, range and period limit) with only the number of mesh intervals of the periodic orbits (NTST)
raised, 200 by default. Near a homoclinic orbit, where the orbit lingers at a saddle for most of its
period, the demo's 50 intervals place AUTO's folds of cycles up to 1e-4 off in the parameter and 1e-2 in
the period (chu); four times as many move them onto the values a shooting method at 1e-13 tolerances gives.
Printed: AUTO's labelled points on periodic orbits and the turns of its cycle branches. ``--record`` writes
them under the demo's name to ``tests/examples/auto_fine_mesh_reference.json``, which
tests/examples/test_auto_demos.py reads.
"""

from __future__ import annotations

import argparse
import json
from contextlib import contextmanager
from pathlib import Path

from benchmarks import continuation_auto_demos as demos

REFERENCE = Path(__file__).resolve().parent.parent / "tests" / "examples" / "auto_fine_mesh_reference.json"


@contextmanager
def cycle_mesh(name: str, ntst: int):
    """The demo module's AUTO settings with ``ntst`` intervals for the periodic orbits, while inside."""
    module = demos.demo_module(name)
    saved = module.AUTO
    module.AUTO = {**saved, "cycles": {**(saved["cycles"] or {}), "NTST": ntst}}
    try:
        yield module
    finally:
        module.AUTO = saved


def fine_mesh_points(name: str, auto_demos: str, ntst: int) -> dict:
    """AUTO-07p's special points and turns on the demo's cycle branches, with ``ntst`` mesh intervals."""
    with cycle_mesh(name, ntst) as module:
        found = demos.auto07p(name, auto_demos)
        limit = module.MAX_PERIOD
    periodic = [{k: p[k] for k in ("type", "par", "period", "periodic")} for p in found["points"]
                if p["periodic"] and p["period"] <= limit]
    turns = [t for t in found["turns"] if t["period"] <= limit]
    return {"ntst": ntst, "points": periodic, "turns": turns, "times": found["times"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demos", required=True, help="the demos/ folder of the auto-07p source")
    parser.add_argument("--demo", required=True, choices=demos.DEMOS)
    parser.add_argument("--ntst", type=int, default=200, help="mesh intervals of the periodic orbits")
    parser.add_argument("--record", action="store_true", help="write AUTO's points to " + REFERENCE.name)
    args = parser.parse_args()
    found = fine_mesh_points(args.demo, args.demos, args.ntst)
    print(f"{args.demo}, NTST = {args.ntst}: AUTO-07p {found['times'][1]:.2f} s (second run)")
    for p in sorted(found["points"], key=lambda p: p["period"]):
        print(f"  {p['type']:3} {p['par']:.10g}  T = {p['period']:.8g}")
    print("  turns:", ", ".join(f"{t['par']:.10g} (T = {t['period']:.5g})" for t in found["turns"]))
    if args.record:
        recorded = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
        recorded[args.demo] = {k: found[k] for k in ("ntst", "points", "turns")}
        REFERENCE.write_text(json.dumps(recorded, indent=1) + "\n")


if __name__ == "__main__":
    main()
