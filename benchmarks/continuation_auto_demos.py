"""AUTO-07p's own demos beside bp_core: every labelled special point, one invocation, both timed.

    python -m benchmarks.continuation_auto_demos --demos AUTO_DEMOS [--demo NAME ...] [--record]

``AUTO_DEMOS`` is the ``demos/`` folder of the auto-07p source distribution. For each demo ported in
``examples/auto/`` AUTO-07p (Debian's ``auto-07p`` and ``gfortran``, under ``/usr/bin/python3`` with
``OMP_NUM_THREADS=1``) runs the demo's own equations file and constants file: the equilibria from the
demo's starting point, both ways, then the periodic orbits from every Hopf point. The comparison changes
only what makes the recorded points sharp and complete: tolerances tightened (EPSL = EPSU = 1e-9,
EPSS = 1e-7), every special point detected and located (ISP = 2, ILP = 1), the parameter range and the
period limit of the port's module (UZSTOP), and the changes each module lists in its ``AUTO``. bp_core
runs ``BifurcationAnalyzer(...).special_points()`` on the port (a NeuType) over the same range. A port
that is no AUTO-07p demo (a neuron model), or whose demo file cannot run as an ODE, sets
``AUTO["generated"]``: AUTO-07p then runs the equations file printed from the sympy form bp_core analyses
(benchmarks/continuation.py's ``fortran``) and a constants file written here.

AUTO's points are cleaned in three stated ways: a periodic branch is cut at its first orbit of vanishing
amplitude (it has reached a Hopf point, past which AUTO retraces it); a point computed twice (a family
joining two Hopf points, followed from both) counts once; points outside the range are dropped. The
turns of AUTO's cycle branches in the parameter are recorded too: a fold of cycles bp_core finds where
AUTO's branch turns without a label (the flat canard fold of ``fhn``) counts as matched. bp_core's HOM and
SNIC points, which AUTO does not label, and its points past the period limit are printed, not compared.

Printed per demo: every special point of either (LP, HB, BP on equilibria; LP of cycles, PD, TR, BP on
periodic orbits), matched by type and nearest parameter (and period), with the relative differences;
then both times: bp_core's first analysis in the process (it compiles) and its second (warm), AUTO's
first run (it compiles the Fortran) and its second; and the CPU seconds of bp_core's warm analysis and of
AUTO-07p's second run (its Python and the Fortran programs it starts: ``peers/cpu_clock.py``), which a loaded
machine distorts less than wall-clock seconds (``CPU ratio``). Then a summary table. ``--record`` writes AUTO's
points to ``tests/examples/auto_reference.json``, the values tests/examples/test_auto_demos.py reads.

The two runs are not always the same work, and the table says where they differ. AUTO follows one
equilibrium branch (from the demo's starting point, both ways) and the cycles of the Hopf points it labels on
it; bp_core follows every equilibrium branch its seeds reach, the branches through their branch points, and
the cycles of every Hopf point on them, each to its end (a homoclinic orbit past AUTO's period limit
included). The table lists the branches each computed (equilibrium branches / cycle families; AUTO's two
halves of its one branch count as one) and bp_core's warm time for its equilibria alone; where the counts
differ the warm ratio compares different work ("no" under "same work"), and where AUTO computed no
cycles the ratio of bp_core's equilibria alone to AUTO's run is the like-for-like one (``eq. ratio``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import bp_core as bp
from benchmarks.continuation import fortran, relative
from benchmarks.continuation import match as shared_match

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "peers" / "auto_demo_runner.py"
REFERENCE = HERE.parent / "tests" / "examples" / "auto_reference.json"
DEMOS = ["ab", "abc", "abcb", "apbp", "bru", "chu", "cusp", "enz", "fhh", "fhn", "kpr", "lrz", "ops", "phs", "pla",
         "plp", "pp2", "pp3", "ppp", "she", "tfc", "tor", "vhb", "wav", "ml_homoclinic", "connor_stevens",
         "sib", "snh", "pen", "inapik_m", "rinzel_hh", "bautin", "selkov", "rosenzweig", "rossler",
         "wilson_cowan", "inapik_low", "butera_fast", "goodwin", "ml_snic", "hh_gk", "bru2", "allee",
         "lengyel_epstein", "hastings_powell", "ml_pair", "bogdanov_takens", "hh_temperature"]
#: bp_core's labels -> AUTO's (TY name, on a periodic branch).
TYPES = {"LP": ("LP", False), "H": ("HB", False), "BP": ("BP", False), "LPC": ("LP", True), "PD": ("PD", True),
         "NS": ("TR", True), "BPC": ("BP", True)}
#: A periodic orbit of smaller peak-to-peak amplitude is taken as the Hopf point a branch has reached.
SMALLEST = 1e-4
TIGHT = {"EPSL": 1e-9, "EPSU": 1e-9, "EPSS": 1e-7, "ISP": 2, "ILP": 1, "NPR": 100000}


def demo_module(name: str):
    return importlib.import_module(f"examples.auto.{name}")


def analyzer(name: str) -> bp.BifurcationAnalyzer:
    demo = demo_module(name)
    return bp.BifurcationAnalyzer(demo.model(), {demo.PAR: list(demo.PAR_RANGE)}, demo.VARIABLES,
                                  par_resolution=demo.RESOLUTION)


def ours(name: str) -> list[dict]:
    """bp_core's special points of the demo's one-parameter diagram."""
    demo = demo_module(name)
    return [{"type": p.label, "par": float(p.par[demo.PAR]), "period": float(p.period)}
            for p in analyzer(name).special_points()]


def comparable(name: str, mine: list[dict]) -> list[dict]:
    """bp_core's points that AUTO-07p has a label for (not HOM or SNIC, the ends of cycle branches AUTO
    leaves unlabelled), on orbits within the period limit AUTO's continuation stops at."""
    limit = demo_module(name).MAX_PERIOD
    return [p for p in mine if p["type"] in TYPES and not p["period"] > limit]


def auto_job(name: str, demos: str, workdir: str) -> dict:
    """The runner's job: the demo's constants, the module's changes, and the comparison's."""
    demo = demo_module(name)
    lo, hi = demo.PAR_RANGE
    k = demo.AUTO["par_index"]
    equilibria = {**TIGHT, "ICP": [k], "UZSTOP": {k: [lo, hi]}, "UZR": {}, "STOP": [], **demo.AUTO["equilibria"]}
    cycles = None
    if demo.AUTO["cycles"] is not None:
        cycles = {**TIGHT, "IPS": 2, "ICP": [k, 11], "ISW": 1, "UZSTOP": {k: [lo, hi], 11: demo.MAX_PERIOD},
                  "UZR": {}, "STOP": [], "NMX": 500, **demo.AUTO["cycles"]}
    return {"demos": demos, "workdir": workdir, "name": demo.DEMO, "folder": getattr(demo, "FOLDER", demo.DEMO),
            "par_index": k, "equilibria": equilibria, "cycles": cycles, "ndim": len(demo.VARIABLES),
            "smallest_amplitude": SMALLEST}


def generated_demo(name: str, folder: str) -> str:
    """A demos folder holding AUTO's files for a port that is no AUTO-07p demo (a neuron model): the
    equations file printed from the sympy form bp_core analyses (benchmarks/continuation.py's ``fortran``),
    starting at bp_core's first equilibrium branch at its lowest parameter (or where ``AUTO["start"]`` says),
    and a constants file as benchmarks/continuation.py writes them. Returns the folder."""
    demo = demo_module(name)
    an = analyzer(name)
    # AUTO["start"] = (branch, parameter): AUTO starts on that branch of bp_core's at the point nearest the
    # parameter (where the first branch or its lowest point is not where the demo's points are, or is a fold).
    index, near = demo.AUTO.get("start", (0, None))
    branch = an.branches()[index]
    first = int(np.argmin(branch.par)) if near is None else int(np.argmin(np.abs(branch.par - near)))
    lo, hi = demo.PAR_RANGE
    span = hi - lo
    constants = dict(NDIM=an.field.dim, IPS=1, ILP=1, ICP=[1], NTST=50, NCOL=4, IAD=3, ISP=2, ISW=1, IPLT=0,
                     NBC=0, NINT=0, NMX=3000, NPR=100000, MXBF=0, IID=0, ITMX=8, ITNW=7, NWTN=3, JAC=0,
                     EPSL=1e-8, EPSU=1e-8, EPSS=1e-6, DS=span / 1000, DSMIN=1e-7, DSMAX=span / 100, IADS=1,
                     NPAR=11, THL={11: 0.0}, THU={}, UZR={})
    target = Path(folder) / demo.DEMO
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{demo.DEMO}.f90").write_text(fortran(an, branch.states[first], float(branch.par[first])))
    (target / f"c.{demo.DEMO}").write_text("".join(f"{key} = {value!r}\n" for key, value in constants.items()))
    return folder


def auto07p(name: str, demos: str) -> dict:
    """AUTO-07p's special points on the demo, and its times: the first run compiles the Fortran, the
    second (a new process in the same folder) reuses it."""
    env = dict(os.environ, OMP_NUM_THREADS="1", AUTO_DIR="/usr/lib/auto-07p")
    runs = []
    with tempfile.TemporaryDirectory() as workdir, tempfile.TemporaryDirectory() as generated:
        if demo_module(name).AUTO.get("generated"):
            demos = generated_demo(name, generated)
        job = json.dumps(auto_job(name, demos, workdir))
        for _ in range(2):
            out = subprocess.run(["/usr/bin/python3", str(RUNNER)], input=job, capture_output=True, text=True,
                                 env=env)
            if out.returncode:
                raise RuntimeError(f"AUTO-07p failed on {name}:\n{out.stderr[-3000:]}")
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    lo, hi = demo_module(name).PAR_RANGE
    inside = [p for p in runs[0]["points"] if lo <= p["par"] <= hi]
    turns = [t for t in runs[0]["turns"] if lo <= t["par"] <= hi]
    # The runner continues cycles from every Hopf point of its equilibrium branch, in range or not.
    hopfs = sum(p["type"] == "HB" and not p["periodic"] for p in runs[0]["points"])
    cycles = hopfs if demo_module(name).AUTO["cycles"] is not None else 0
    return {"points": distinct(inside), "turns": turns, "times": [r["time"] for r in runs],
            "cpu": [r["cpu"] for r in runs], "work": (1, cycles)}


def distinct(points: list[dict]) -> list[dict]:
    """AUTO's points less repeats: a cycle family joining two Hopf points is computed from both, and a
    point counts once (same type, parameter within 1e-7 relative, period within 1e-6, and the same state:
    the equilibrium within 1e-5, or the maximum of each variable over the orbit's mesh within 5 %).
    Symmetric copies (Lorenz's two Hopf points at one parameter) stay apart."""
    kept = []
    for p in points:
        if not any(q["type"] == p["type"] and q["periodic"] == p["periodic"] and relative(p["par"], q["par"]) < 1e-7
                   and (not p["periodic"] or relative(p["period"], q["period"]) < 1e-6)
                   and np.allclose(p["state"], q["state"], rtol=0.05 if p["periodic"] else 1e-5,
                                   atol=0.05 if p["periodic"] else 1e-5) for q in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p["periodic"], p["par"]))


def match(mine: list[dict], theirs: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Pairs (bp_core point, AUTO point) of the same type, as :func:`benchmarks.continuation.match` pairs
    them, but only where the parameters agree within 1e-3 (relative) and the periods within 10 %: the demos'
    branches hold many points of one type, far apart."""
    return shared_match(mine, theirs, TYPES, within=(1e-3, 0.1))


def label_of(point: dict) -> str:
    return next(k for k, v in TYPES.items() if v == (point["type"], point["periodic"]))


def unlabelled_turn(point: dict, turns: list[dict], par_tol: float = 1e-6) -> dict | None:
    """The turn of one of AUTO's cycle branches that a fold of cycles found by bp_core alone sits at
    (parameter within ``par_tol``; the period only within 5 %, a turn being a sampled point), if any."""
    if point["type"] != "LPC":
        return None
    return next((t for t in turns if relative(point["par"], t["par"]) <= par_tol
                 and relative(point["period"], t["period"]) <= 0.05), None)


def discrepancies(mine: list[dict], reference: dict, par_tol: float = 1e-6,
                  period_tol: float = 1e-4) -> list[str]:
    """What keeps bp_core's points from matching AUTO's (``reference``: its points and the turns of its
    cycle branches): missed, extra or misplaced points, in words. A fold of cycles AUTO did not label
    but where its branch turns back is no discrepancy."""
    found = []
    for a, b in match(mine, reference["points"]):
        if b is None and unlabelled_turn(a, reference["turns"], par_tol):
            continue
        if b is None:
            found.append(f"extra {a['type']} at {a['par']:.10g}" +
                         (f" (T = {a['period']:.6g})" if np.isfinite(a["period"]) else ""))
        elif a is None:
            hopf = next((q for q in reference["points"] if q["type"] == "HB" and b["type"] == "BP" and b["periodic"]
                         and relative(b["par"], q["par"]) < 1e-3), None)
            found.append(f"missed {label_of(b)} at {b['par']:.10g}" +
                         (f" (T = {b['period']:.6g})" if b["periodic"] else "") +
                         (f" next to the Hopf point at {hopf['par']:.10g}" if hopf else ""))
        else:
            if relative(a["par"], b["par"]) > par_tol:
                found.append(f"{a['type']} at {a['par']:.10g}, AUTO {b['par']:.10g} "
                             f"(rel. {relative(a['par'], b['par']):.1e})")
            if b["periodic"] and relative(a["period"], b["period"]) > period_tol:
                found.append(f"{a['type']} period {a['period']:.8g}, AUTO {b['period']:.8g} "
                             f"(rel. {relative(a['period'], b['period']):.1e})")
    return found


def report(name: str, everything: list[dict], theirs: dict, times: dict) -> dict:
    """Prints bp_core's and AUTO's points side by side, what differs, and both times."""
    mine = comparable(name, everything)
    print(f"\n## {name}")
    print(f"{'type':5} {'bp_core':>16} {'AUTO-07p':>16} {'rel diff':>9}   {'period':>12} {'AUTO T':>12} {'rel':>9}")
    for a, b in match(mine, theirs["points"]):
        label = a["type"] if a else label_of(b)
        diff = relative(a["par"], b["par"]) if a and b else float("nan")
        t_a = a["period"] if a else float("nan")
        t_b = b.get("period", float("nan")) if b else float("nan")
        t_diff = relative(t_a, t_b) if np.isfinite(t_a) and np.isfinite(t_b) else float("nan")
        turn = unlabelled_turn(a, theirs["turns"]) if a and not b else None
        print(f"{label:5} {a['par'] if a else '-':>16.10} {b['par'] if b else '-':>16.10} {diff:9.1e}   "
              f"{t_a:12.7g} {t_b:12.7g} {t_diff:9.1e}" +
              (f"   AUTO's branch turns at {turn['par']:.10g} (T = {turn['period']:.6g}), unlabelled" if turn else ""))
    for p in everything:
        if p not in mine:
            print(f"{p['type']:5} {p['par']:>16.10} {'(not compared)':>16}             {p['period']:12.7g}")
    gaps = discrepancies(mine, theirs)
    print("matches AUTO-07p" if not gaps else "differs: " + "; ".join(gaps))
    print(f"time: bp_core first {times['first']:.2f} s (compiles), warm {times['warm']:.2f} s (its equilibria "
          f"alone {times['equilibria']:.2f} s); AUTO-07p first {theirs['times'][0]:.2f} s (compiles), second "
          f"{theirs['times'][1]:.2f} s; CPU seconds: bp_core warm {times['warm_cpu']:.2f}, AUTO-07p second "
          f"{theirs['cpu'][1]:.2f}")
    print(f"work: bp_core {times['work'][0]} equilibrium branches, {times['work'][1]} cycle families; AUTO-07p "
          f"{theirs['work'][0]} equilibrium branch, {theirs['work'][1]} cycle families")
    return {"match": not gaps, "points": len(theirs["points"]), **times, "auto": theirs["times"][1],
            "auto_cpu": theirs["cpu"][1],
            "auto_work": theirs["work"]}


def timed_warm(name: str) -> tuple[list[dict], dict]:
    """bp_core's points on a second analysis in the process, its time, the time of its equilibria alone (the
    first part of the same analysis) and its work: (equilibrium branches, cycle families)."""
    demo = demo_module(name)
    start, start_cpu = time.perf_counter(), time.process_time()
    an = analyzer(name)
    an.bifurcation_points()
    equilibria = time.perf_counter() - start
    points = [{"type": p.label, "par": float(p.par[demo.PAR]), "period": float(p.period)}
              for p in an.special_points()]
    warm, warm_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return points, {"warm": warm, "warm_cpu": warm_cpu, "equilibria": equilibria,
                    "work": (len(an.branches()), len(an.cycle_branches()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demos", required=True, help="the demos/ folder of the auto-07p source")
    parser.add_argument("--demo", action="append", choices=DEMOS)
    parser.add_argument("--record", action="store_true", help=f"write AUTO's points to {REFERENCE.name}")
    args = parser.parse_args()
    recorded, summary = {}, {}
    for name in args.demo or DEMOS:
        start = time.perf_counter()
        ours(name)
        first = time.perf_counter() - start
        mine, warm = timed_warm(name)
        theirs = auto07p(name, args.demos)
        recorded[name] = {"points": theirs["points"], "turns": theirs["turns"]}
        summary[name] = report(name, mine, theirs, {"first": first, **warm})
    print("\n| demo | AUTO points | matches | bp_core first | bp_core warm | bp_core eq. warm | AUTO-07p | "
          "warm ratio | CPU ratio | branches bp_core / AUTO | same work | eq. ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, s in summary.items():
        work, auto_work = s["work"], s["auto_work"]
        same = tuple(work) == tuple(auto_work)
        eq_ratio = f"{s['equilibria'] / s['auto']:.1f}x" if auto_work[1] == 0 and work[1] else "-"
        print(f"| {name} | {s['points']} | {'yes' if s['match'] else 'no'} | {s['first']:.2f} s | "
              f"{s['warm']:.2f} s | {s['equilibria']:.2f} s | {s['auto']:.2f} s | {s['warm'] / s['auto']:.1f}x | "
              f"{s['warm_cpu'] / s['auto_cpu']:.1f}x | {work[0]}+{work[1]} / {auto_work[0]}+{auto_work[1]} | "
              f"{'yes' if same else 'no'} | {eq_ratio} |")
    if args.record:  # the demos run replace theirs in the file; the others stay
        previous = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
        version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "auto-07p"], capture_output=True,
                                 text=True).stdout.strip()
        produced = {"_produced_by": "python -m benchmarks.continuation_auto_demos --demos AUTO_DEMOS --record "
                                    "(AUTO_DEMOS: the demos/ folder of the auto-07p source)",
                    "_auto07p": f"AUTO-07p {version} (Debian's auto-07p package)"}
        REFERENCE.write_text(json.dumps({**previous, **recorded, **produced}, indent=1, sort_keys=True) + "\n")
        print(f"\nrecorded AUTO-07p's points in {REFERENCE.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
