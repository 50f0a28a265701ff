"""Bursting cycles to long periods beside AUTO-07p: Hindmarsh-Rose's branch from its Hopf point, one
invocation, both timed.

    python -m benchmarks.continuation_long_periods [--record]

The model (Hindmarsh & Rose's bursting neuron with the slow variable at r = 0.006)

    x' = y - x^3 + 3 x^2 - z + I,   y' = 1 - 5 x^2 - y,   z' = 0.006 (4 (x + 1.6) - z)

has one Hopf point, at I = 1.35867. The cycles born there add spikes to their bursts as the branch goes on:
the period climbs through folds of cycles and period doublings (the branch turns in I at each fold) to
periods of several hundred. bp_core follows the branch with ``CycleSettings(max_period=400)``; AUTO-07p
(Debian's ``auto-07p``, under ``/usr/bin/python3`` with ``OMP_NUM_THREADS=1``) follows it from its own
Hopf point on 200 mesh intervals (NTST = 200, NCOL = 4, adapted; on 300 it labels the same points, while
on its default-sized 50 it labels spurious folds at periods over 200 and stops at period 231 with no
convergence) to the same period limit, with the tolerances of ``benchmarks.continuation``. Printed:
every fold of cycles (LP) and period doubling (PD) of either, side by side, the longest period each
reached and both times. ``--record`` writes AUTO's points to ``tests/bp_core/dynamics/auto_reference.json``
(key ``hindmarsh_rose_long_periods``), the values tests/bp_core/dynamics/test_long_periods.py reads.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np

import bp_core as bp
from benchmarks.continuation import REFERENCE, fortran, match, relative, run_auto_twice
from bp_core.dynamics.cycles import CycleSettings

KEY = "hindmarsh_rose_long_periods"
PAR, PAR_RANGE = "I", (0.0, 4.0)
VARIABLES = {"x": [-2.0, 2.0], "y": [-15.0, 2.0], "z": [0.0, 4.0]}
MAX_PERIOD = 400.0
AUTO_MESH = 200


def get_hindmarsh_rose(r: float = 0.006) -> bp.NeuType:
    """Hindmarsh-Rose's three equations (the spec's API), with the current ``I`` as the parameter."""

    @bp.integrate
    def int_x(x, t, y, z, I):
        return y - x ** 3 + 3. * x ** 2 - z + I

    @bp.integrate
    def int_y(y, t, x):
        return 1. - 5. * x ** 2 - y

    @bp.integrate
    def int_z(z, t, x):
        return r * (4. * (x + 1.6) - z)

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], ST['z'], 0.)
        y = int_y(ST['y'], _t, ST['x'])
        ST['z'] = int_z(ST['z'], _t, ST['x'])
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name='hindmarsh_rose_bursting', ST=bp.types.NeuState('x', 'y', 'z'), steps=update)


def analyzer() -> bp.BifurcationAnalyzer:
    return bp.BifurcationAnalyzer(get_hindmarsh_rose(), {PAR: list(PAR_RANGE)}, VARIABLES, par_resolution=0.01)


def settings(max_period: float = MAX_PERIOD, max_steps: int = 3000) -> CycleSettings:
    """Steps enough for the whole branch (about a thousand) and no wall-clock limit."""
    return CycleSettings(max_period=max_period, max_steps=max_steps, wall_clock=None)


def ours(max_period: float = MAX_PERIOD, max_steps: int = 3000) -> tuple[bp.dynamics.CycleBranch, float]:
    """bp_core's cycle branch from the Hopf point, and the seconds it took."""
    an = analyzer()
    an.bifurcation_points()  # the equilibria are not what is timed
    start = time.perf_counter()
    (branch,) = an.cycle_branches(settings=settings(max_period, max_steps))
    return branch, time.perf_counter() - start


def auto07p(workdir: str, mesh: int = AUTO_MESH) -> dict:
    """AUTO-07p's special points on the cycle branch from the Hopf point, its longest period, and the times of
    two runs (the first compiles the Fortran, the second reuses it)."""
    an = analyzer()
    (equilibria,) = an.branches()
    first = int(np.argmin(equilibria.par))
    lo, hi = PAR_RANGE
    span = hi - lo
    constants = dict(NDIM=3, IPS=1, ILP=1, ICP=[1], NTST=50, NCOL=4, IAD=3, ISP=2, ISW=1, IPLT=0, NBC=0, NINT=0,
                     NMX=3000, NPR=100000, MXBF=0, IID=0, ITMX=8, ITNW=7, NWTN=3, JAC=0, EPSL=1e-8, EPSU=1e-8,
                     EPSS=1e-6, DS=span / 1000, DSMIN=1e-7, DSMAX=span / 100, IADS=1, THL={11: 0.0},
                     UZSTOP={1: [lo, hi]})
    cycles = dict(IPS=2, ICP=[1, 11], ISP=2, ILP=1, NTST=mesh, NMX=5000, DS=span / 1000, DSMAX=span / 50,
                  UZSTOP={1: [lo, hi], 11: MAX_PERIOD})
    job = {"workdir": workdir, "name": "hr", "constants": constants, "cycles": cycles,
           "starts": [{"fortran": fortran(an, equilibria.states[first], float(equilibria.par[first])),
                       "backward": float(equilibria.par[first]) > lo + 1e-9 * span}]}
    runs = run_auto_twice(job)
    points = [p for p in runs[0]["points"] if p["periodic"] and p["type"] in ("LP", "PD")]
    return {"points": points, "longest_period": max(s[1] for s in runs[0]["samples"]), "mesh": mesh,
            "period_limit": MAX_PERIOD, "times": [r["time"] for r in runs]}


def report(branch, elapsed: float, theirs: dict) -> None:
    mine = [{"type": q.label, "par": q.par[PAR], "period": q.period} for q in branch.special
            if q.label in ("LPC", "PD")]
    print(f"{'type':5} {'bp_core':>14} {'AUTO-07p':>14} {'rel diff':>9}   {'period':>10} {'AUTO T':>10} {'rel':>9}")
    for a, b in match(mine, theirs["points"]):
        label = a["type"] if a else {"LP": "LPC", "PD": "PD"}[b["type"]]
        diff = relative(a["par"], b["par"]) if a and b else float("nan")
        t_a, t_b = (a["period"] if a else float("nan")), (b["period"] if b else float("nan"))
        t_diff = relative(t_a, t_b) if a and b else float("nan")
        print(f"{label:5} {a['par'] if a else '-':>14.10} {b['par'] if b else '-':>14.10} {diff:9.1e}   "
              f"{t_a:10.6g} {t_b:10.6g} {t_diff:9.1e}")
    print(f"folds of cycles: bp_core {sum(p['type'] == 'LPC' for p in mine)}, AUTO-07p "
          f"{sum(p['type'] == 'LP' for p in theirs['points'])}")
    print(f"longest period: bp_core {branch.period.max():.2f} ({len(branch.par)} points, {branch.stopped}), "
          f"AUTO-07p {theirs['longest_period']:.2f}")
    print(f"time: bp_core {elapsed:.2f} s; AUTO-07p first {theirs['times'][0]:.2f} s (compiles), second "
          f"{theirs['times'][1]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help=f"write AUTO's points to {REFERENCE.name}")
    args = parser.parse_args()
    branch, elapsed = ours()
    with tempfile.TemporaryDirectory() as workdir:
        theirs = auto07p(workdir)
    report(branch, elapsed, theirs)
    if args.record:
        previous = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
        previous[KEY] = {k: v for k, v in theirs.items() if k != "times"}
        REFERENCE.write_text(json.dumps(previous, indent=1) + "\n")
        print(f"\nrecorded AUTO-07p's points in {REFERENCE.name}")


if __name__ == "__main__":
    main()
