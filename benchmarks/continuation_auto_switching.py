"""AUTO-07p's ``tor`` and ``lor`` demos as their own scripts run them, beside bp_core. ``tor``: the cycles born
at the Hopf point, the branch switched to at their symmetry-breaking branch point (ISW = -1), the torus
bifurcation (TR) and period doubling (PD) on it, and the curves of both in (nu, beta) (ISW = 2). ``lor``:
Lorenz's cycle at rho = 280 continued down through a period-doubling cascade, switching at each period
doubling onto the doubled cycles (ISW = -1), three branches. In one invocation, both timed.

    python -m benchmarks.continuation_auto_switching --demos AUTO_DEMOS [--record]

``AUTO_DEMOS`` is the ``demos/`` folder of the auto-07p source (Debian's ``auto-07p`` and ``gfortran``
installed). AUTO runs the demo's equations file ``tor.f90`` and constants files ``c.tor*`` with the runs of
its ``tor.auto`` script (HB1, then BP1 with ISW = -1, then TR1 with ISW = 2 and ICP = [1, 2, 11]) and
the same continuation from PD1, each curve both ways within beta in [0.3, 0.7]. bp_core runs the port
``examples/auto/tor.py``. Printed: every special point of the switched branch and the nu of each point AUTO
reports on the two curves against bp_core's curve at the same beta (a cubic through the curve's points).
``--record`` writes AUTO's numbers to ``tests/examples/auto_reference.json`` under ``_tor_switching``, which
``tests/examples/test_auto_demos.py`` reads. For ``lor``, AUTO runs ``lor.f90``, ``lor.dat`` and
``c.lor.1`` to ``c.lor.3`` as its ``lor.auto`` does, and once more with the third run's mesh doubled
(NTST = 120): on the demo's 60 intervals AUTO's third period doubling is 2.3e-6 away from where finer
meshes put it. Recorded under ``_lor_switching``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq

import bp_core as bp
from bp_core.dynamics.cycles import CycleSettings
from examples.auto import lor, tor

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "tests" / "examples" / "auto_reference.json"
BETA_RANGE = (0.3, 0.7)

#: The runs of the demo's tor.auto script (and the same from PD1), in AUTO's Python, standard library only.
AUTO_SCRIPT = r"""
import contextlib, io, json, sys, time
sys.path.insert(0, "/usr/lib/auto-07p/python")
import auto
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    r1 = auto.run(e="tor", c="tor")
    r2 = auto.run(r1("HB1"), IPS=2, ICP=[1, 11])
    r3 = auto.run(r2("BP1"), ISW=-1, NMX=90)
    curve = dict(ICP=[1, 2, 11], ISW=2, ILP=0, ISP=0, NPR=4, DSMAX=0.1, UZSTOP={2: [0.3, 0.7], 1: [-0.9, -0.4]})
    runs = {}
    for name, label in (("pd_curve", "PD1"), ("torus_curve", "TR1")):
        first = auto.run(r3(label), NMX=100, DS=0.05, **curve)
        runs[name] = [auto.run(first, ITNW=7, NMX=100, DS=ds, **curve) for ds in (0.05, -0.05)]
elapsed = time.perf_counter() - start

def points(run):
    return [{"type": p["TY name"], "par": p.PAR[0], "beta": p.PAR[1], "period": p.PAR[10]}
            for b in run for p in b() if p["TY name"] != "No Label"]

bp1 = r2("BP1")
print(json.dumps({"branch_point": {"par": bp1.PAR[0], "period": bp1.PAR[10]}, "switched": points(r3),
                  **{name: [p for run in both for p in points(run)] for name, both in runs.items()},
                  "time": elapsed}))
"""


#: The runs of the demo's lor.auto, then its third run on a mesh of twice as many intervals.
LOR_SCRIPT = r"""
import contextlib, io, json, sys, time
sys.path.insert(0, "/usr/lib/auto-07p/python")
import auto
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    r1 = auto.run("lor", c="lor.1")
    r2 = auto.run(r1("PD1"), c="lor.2")
    r3 = auto.run(r2("PD1"), c="lor.3")
elapsed = time.perf_counter() - start
with contextlib.redirect_stdout(io.StringIO()):
    fine = auto.run(r2("PD1"), c="lor.3", NTST=120)

def first_pd(run):
    p = next(p for b in run for p in b() if p["TY name"] == "PD")
    return [p.PAR[0], p.PAR[10]]

print(json.dumps({"pd": [first_pd(r) for r in (r1, r2, r3)], "pd_fine_mesh": first_pd(fine), "time": elapsed}))
"""


def lor_auto07p(demos: str) -> dict:
    """AUTO's period doublings on the three branches of the ``lor`` demo, and the third on a finer mesh."""
    with tempfile.TemporaryDirectory() as workdir:
        for f in Path(demos, "lor").iterdir():
            if f.name in ("lor.f90", "lor.dat") or f.name.startswith("c.lor"):
                shutil.copy(f, workdir)
        env = dict(os.environ, OMP_NUM_THREADS="1", AUTO_DIR="/usr/lib/auto-07p")
        out = subprocess.run(["/usr/bin/python3", "-c", LOR_SCRIPT], cwd=workdir, capture_output=True, text=True,
                             env=env)
        if out.returncode:
            raise RuntimeError(f"AUTO-07p failed on lor:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def lor_ours(lowest: float = 200.0) -> list[bp.dynamics.SpecialPoint]:
    """bp_core's period doublings on the three branches of the cascade: from the demo's orbit at rho = 280
    down to ``lowest``, switching at each branch's first period doubling."""
    an = bp.BifurcationAnalyzer(lor.model(), {lor.PAR: [lowest, lor.PAR_RANGE[1]]}, lor.VARIABLES,
                                par_resolution=lor.RESOLUTION)
    branch = an.cycles_from_orbit(lor.START[:, 0] - lor.START[0, 0], lor.START[:, 1:], lor.PAR_RANGE[1],
                                  direction=-1.0)
    found = []
    for _ in range(3):
        found.append(next(q for q in branch.special if q.label == "PD"))
        if len(found) < 3:
            branch = an.switch_cycle_branch(found[-1], direction=-1.0)
    return found


def auto07p(demos: str) -> dict:
    """AUTO's branch point, switched branch and two curves on the demo (its own files)."""
    with tempfile.TemporaryDirectory() as workdir:
        for f in Path(demos, "tor").iterdir():
            if f.name == "tor.f90" or f.name.startswith("c.tor"):
                shutil.copy(f, workdir)
        env = dict(os.environ, OMP_NUM_THREADS="1", AUTO_DIR="/usr/lib/auto-07p")
        out = subprocess.run(["/usr/bin/python3", "-c", AUTO_SCRIPT], cwd=workdir, capture_output=True, text=True,
                             env=env)
        if out.returncode:
            raise RuntimeError(f"AUTO-07p failed on tor:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for name in ("pd_curve", "torus_curve"):  # the curve's points, not its start (EP) or range ends twice
        result[name] = [[p["par"], p["beta"], p["period"]] for p in result[name] if p["type"] in ("RG", "UZ")]
    result["switched"] = [p for p in result["switched"] if p["type"] in ("LP", "BP", "PD", "TR")]
    return result


def analyzer() -> bp.BifurcationAnalyzer:
    return bp.BifurcationAnalyzer(tor.model(), {tor.PAR: list(tor.PAR_RANGE), "beta": list(BETA_RANGE)},
                                  tor.VARIABLES, par_resolution=tor.RESOLUTION)


def ours(max_period: float = 45.0, max_points: int = 300) -> dict:
    """bp_core's branch point of cycles, the branch switched to there, and the PD and NS curves from it."""
    an = analyzer()
    (branch,) = an.cycle_branches({"beta": 0.5}, settings=CycleSettings(max_period=9.0))
    point = next(q for q in branch.special if q.label == "BPC")
    switched = an.switch_cycle_branch(point, CycleSettings(max_period=max_period))
    # compared point by point with AUTO-07p's curves: followed to their ends, however long that takes
    curves = {label: an.cycle_bifurcation_curve(next(q for q in switched.special if q.label == label), max_points,
                                                time_budget=None)
              for label in ("PD", "NS")}
    return {"branch_point": point, "switched": switched, "pd_curve": curves["PD"], "torus_curve": curves["NS"]}


def nu_at(curve, beta: float) -> list[tuple[float, float]]:
    """(nu, period) where ``curve`` crosses ``beta``: a cubic in the chord length through the points around
    each crossing."""
    values, periods = curve.values, curve.period
    found = []
    for k in range(len(values) - 1):
        if (values[k, 1] - beta) * (values[k + 1, 1] - beta) > 0:
            continue
        part = slice(max(k - 2, 0), min(k + 4, len(values)))
        chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(values[part], axis=0), axis=1))])
        if np.any(np.diff(chord) <= 0):
            continue
        first = k - part.start
        b, n, t = (CubicSpline(chord, values[part, 1]), CubicSpline(chord, values[part, 0]),
                   CubicSpline(chord, periods[part]))
        s = brentq(lambda x: b(x) - beta, chord[first], chord[first + 1])
        found.append((float(n(s)), float(t(s))))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demos", required=True, help="the demos/ folder of the auto-07p source")
    parser.add_argument("--record", action="store_true", help="write AUTO's numbers to the tests' reference")
    args = parser.parse_args()
    start = time.perf_counter()
    mine = ours()
    mine_time = time.perf_counter() - start
    theirs = auto07p(args.demos)
    point = mine["branch_point"]
    print(f"BP of cycles: bp_core {point.par['nu']:.10g} (T = {point.period:.8g}), AUTO-07p "
          f"{theirs['branch_point']['par']:.10g} (T = {theirs['branch_point']['period']:.8g})")
    print("switched branch (AUTO's points; bp_core's nearest of the same type):")
    names = {"TR": "NS", "LP": "LPC", "PD": "PD", "BP": "BPC"}
    for p in theirs["switched"]:
        same = [q for q in mine["switched"].special if q.label == names[p["type"]]]
        q = min(same, key=lambda q: abs(q.par["nu"] - p["par"]), default=None)
        print(f"  {p['type']:3} {p['par']:.10g} T = {p['period']:.8g}" +
              (f"   bp_core {q.par['nu']:.10g} T = {q.period:.8g}" if q else "   bp_core -"))
    for name in ("pd_curve", "torus_curve"):
        print(f"{name} (nu at AUTO's beta; relative differences in nu and the period):")
        for nu, beta, period in theirs[name]:
            found = nu_at(mine[name], beta)
            if found:
                n, t = min(found, key=lambda f: abs(f[0] - nu))
                print(f"  beta {beta:.8f}: AUTO {nu:.10g}, bp_core {n:.10g}  {abs(n / nu - 1):.1e}  "
                      f"{abs(t / period - 1):.1e}")
    print(f"tor: bp_core {mine_time:.2f} s, AUTO-07p {theirs['time']:.2f} s (one invocation)")
    start = time.perf_counter()
    cascade = lor_ours()
    cascade_time = time.perf_counter() - start
    lor_theirs = lor_auto07p(args.demos)
    print("lor: the period doubling of each branch (rho, T), bp_core and AUTO-07p:")
    for point, (rho, period) in zip(cascade, lor_theirs["pd"]):
        print(f"  {point.par['rho']:.10g} T = {point.period:.10g}   AUTO {rho:.10g} T = {period:.10g}  "
              f"{abs(point.par['rho'] / rho - 1):.1e}")
    rho, period = lor_theirs["pd_fine_mesh"]
    print(f"  AUTO's third on NTST = 120: {rho:.10g} T = {period:.10g}")
    print(f"lor: bp_core {cascade_time:.2f} s, AUTO-07p {lor_theirs['time']:.2f} s (one invocation)")
    if args.record:
        previous = json.loads(REFERENCE.read_text())
        produced = "python -m benchmarks.continuation_auto_switching --demos AUTO_DEMOS --record"
        entry = {k: v for k, v in theirs.items() if k != "time"}
        entry["_produced_by"] = produced
        lor_entry = {k: v for k, v in lor_theirs.items() if k != "time"}
        lor_entry["_produced_by"] = produced
        REFERENCE.write_text(json.dumps({**previous, "_tor_switching": entry, "_lor_switching": lor_entry},
                                        indent=1, sort_keys=True) + "\n")
        print(f"recorded AUTO-07p's numbers in {REFERENCE.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
