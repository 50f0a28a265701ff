"""Continuation beside AUTO-07p: the same models, one invocation, special points side by side.

    python -m benchmarks.continuation [--case NAME ...] [--record FILE]

For each model bp_core computes the codimension-1 diagram (equilibria with their folds and Hopf
points, the periodic orbits from every Hopf point with their folds of cycles, period doublings and
Neimark-Sacker points) and AUTO-07p does the same from the same equations: its Fortran file is
printed from the sympy form bp_core analyses, so both solve one system. Printed per model: every
special point of either, matched by type and nearest parameter value, with the relative difference of
the parameter and of the period; then both run times. bp_core's times: ``cold`` is a new process with an
empty compile cache, ``warm`` a second analysis in the same process (a notebook re-run). AUTO's: the first
run (which compiles the Fortran) and the second.

Then the codimension-2 cases: the Hopf curves in two parameters and their GH, BT and ZH points, by
bp_core and by AUTO-07p (``ISW=2``).

AUTO-07p comes from Debian (``apt-get install auto-07p gfortran``) and runs under ``/usr/bin/python3``
with ``OMP_NUM_THREADS=1``. ``--record FILE`` writes AUTO's points as the reference the tests read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import sympy
from scipy.optimize import linear_sum_assignment
from sympy.printing.fortran import fcode

import bp_core as bp
from bp_core.models import MORRIS_LECAR_SETS, get_FitzHughNagumo, get_HH, get_MorrisLecar

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "peers" / "auto_runner.py"
REFERENCE = HERE.parent / "tests" / "bp_core" / "dynamics" / "auto_reference.json"
HH_VARS = {'V': [-90., 60.], 'm': [0., 1.], 'h': [0., 1.], 'n': [0., 1.]}
ML_VARS = {'V': [-80., 60.], 'w': [0., 1.]}
#: bp_core's labels -> AUTO's (TY name, on a periodic branch).
AUTO_TYPES = {"LP": ("LP", False), "H": ("HB", False), "LPC": ("LP", True), "PD": ("PD", True),
              "NS": ("TR", True)}


@dataclass
class Case:
    """A model, its analysed variables with their ranges, and the parameter with its range."""

    model: Callable[[], bp.NeuType]
    variables: dict
    par: str
    par_range: tuple[float, float]
    resolution: float
    max_period: float


def get_freire_circuit(beta: float = 0.5, gamma: float = -0.6, r: float = 0.6, a3: float = 0.328578,
                       b3: float = 0.933578) -> bp.NeuType:
    """The electronic circuit of Freire, Rodriguez-Luis, Gamero & Ponce (1993), of AUTO's ``tor`` demo: as
    ``nu`` varies its cycles approach a Shilnikov homoclinic orbit through a snake of folds of cycles."""

    @bp.integrate
    def int_x(x, t, y, nu):
        return (-(beta + nu) * x + beta * y - a3 * x ** 3 + b3 * (y - x) ** 3) / r

    @bp.integrate
    def int_y(y, t, x, z):
        return beta * x - (beta + gamma) * y - z - b3 * (y - x) ** 3

    @bp.integrate
    def int_z(z, t, y):
        return y

    def update(ST, _t):
        x = int_x(ST['x'], _t, ST['y'], 0.)
        y = int_y(ST['y'], _t, ST['x'], ST['z'])
        ST['z'] = int_z(ST['z'], _t, ST['y'])
        ST['x'], ST['y'] = x, y

    return bp.NeuType(name='freire_circuit', ST=bp.types.NeuState('x', 'y', 'z'), steps=update)


CASES = {
    "fhn": Case(get_FitzHughNagumo, {'v': [-3., 3.], 'w': [-3., 3.]}, 'Iext', (0., 1.5), 0.01, 500.),
    "hh_gL0.3": Case(get_HH, HH_VARS, 'I_ext', (-20., 200.), 2., 500.),
    "hh_gL0.03": Case(lambda: get_HH(g_Leak=0.03), HH_VARS, 'I_ext', (-20., 200.), 2., 500.),
    "hh_gL0.003": Case(lambda: get_HH(g_Leak=0.003, E_Leak=-54.402), HH_VARS, 'I_ext', (-20., 200.), 2., 500.),
    "ml_hopf": Case(lambda: get_MorrisLecar(**MORRIS_LECAR_SETS["hopf"]), ML_VARS, 'Iext', (0., 150.), 1., 2000.),
    "ml_snic": Case(lambda: get_MorrisLecar(**MORRIS_LECAR_SETS["snic"]), ML_VARS, 'Iext', (0., 150.), 1., 2000.),
    "freire": Case(get_freire_circuit, {'x': [-1., 1.], 'y': [-1., 1.], 'z': [-1., 1.]}, 'nu', (-0.9, -0.5), 0.01,
                  200.),
}


@dataclass
class Codim2Case:
    """A model and two parameters with their ranges: the Hopf curves through the Hopf points of the first
    parameter, the second held at ``start``."""

    model: Callable[[], bp.NeuType]
    variables: dict
    pars: tuple[str, str]
    ranges: tuple[tuple[float, float], tuple[float, float]]
    start: float
    resolution: float


CODIM2_CASES = {
    "hh_I_gK": Codim2Case(get_HH, HH_VARS, ('I_ext', 'g_K'), ((-20., 200.), (10., 60.)), 36., 2.),
}


def codim2_analyzer(case: Codim2Case) -> bp.BifurcationAnalyzer:
    targets = {name: list(bounds) for name, bounds in zip(case.pars, case.ranges)}
    return bp.BifurcationAnalyzer(case.model(), targets, case.variables, par_resolution=case.resolution)


def ours_codim2(case: Codim2Case) -> tuple[list[dict], float]:
    """bp_core's codimension-2 points on the Hopf and fold curves, and the time they took."""
    start = time.perf_counter()
    result = codim2_analyzer(case).codim2_curves()
    elapsed = time.perf_counter() - start
    return [{"type": p.label, "par": p.par[case.pars[0]], "par2": p.par[case.pars[1]]} for p in result.special], \
        elapsed


def auto07p_codim2(case: Codim2Case, workdir: str) -> dict:
    """AUTO-07p's Hopf curves (ISW=2) from the Hopf points of the first parameter, and their special points."""
    analysis = codim2_analyzer(case)
    branch = analysis.branches({case.pars[1]: case.start})[0]
    first = int(np.argmin(branch.par))
    (lo, hi), (lo2, hi2) = case.ranges
    span = hi - lo
    constants = dict(NDIM=analysis.field.dim, IPS=1, ILP=1, ICP=[1], NTST=50, NCOL=4, IAD=3, ISP=2, ISW=1,
                     IPLT=0, NBC=0, NINT=0, NMX=3000, NPR=100000, MXBF=0, IID=0, ITMX=8, ITNW=7, NWTN=3, JAC=0,
                     EPSL=1e-8, EPSU=1e-8, EPSS=1e-6, DS=span / 1000, DSMIN=1e-7, DSMAX=span / 100, IADS=1,
                     THL={11: 0.0}, UZSTOP={1: [lo, hi]})
    curves = dict(ICP=[1, 2], ISW=2, ISP=2, NMX=3000, DS=span / 2000, DSMAX=span / 200,
                  UZSTOP={1: [lo, hi], 2: [lo2, hi2]})
    job = {"workdir": workdir, "name": "model", "constants": constants, "cycles": {}, "hopf_curves": curves,
           "starts": [{"fortran": fortran(analysis, branch.states[first], branch.par[first], case.start),
                       "backward": float(branch.par[first]) > lo + 1e-9 * span}]}
    env = dict(os.environ, OMP_NUM_THREADS="1", AUTO_DIR="/usr/lib/auto-07p")
    out = subprocess.run(["/usr/bin/python3", str(RUNNER)], input=json.dumps(job), capture_output=True,
                         text=True, env=env)
    if out.returncode:
        raise RuntimeError(f"AUTO-07p failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"points": [p for p in result["points"] if "par2" in p], "time": result["time"]}


def report_codim2(name: str, mine: list[dict], theirs: dict, elapsed: float) -> None:
    print(f"\n## {name} (codimension 2)")
    print(f"{'type':5} {'bp_core':>26} {'AUTO-07p':>26} {'rel diff':>9}")
    left = list(theirs["points"])
    for point in mine:
        same = [q for q in left if q["type"] == point["type"]]
        best = min(same, key=lambda q: relative(point["par"], q["par"]), default=None)
        if best is not None:
            left.remove(best)
        diff = max(relative(point["par"], best["par"]), relative(point["par2"], best["par2"])) if best else np.nan
        theirs_text = f"({best['par']:.9g}, {best['par2']:.9g})" if best else "-"
        print(f"{point['type']:5} {'(%.9g, %.9g)' % (point['par'], point['par2']):>26} {theirs_text:>26} {diff:9.1e}")
    for q in left:
        print(f"{q['type']:5} {'-':>26} {'(%.9g, %.9g)' % (q['par'], q['par2']):>26}")
    print(f"time: bp_core {elapsed:.2f} s (warm), AUTO-07p {theirs['time']:.2f} s (first run, compiles)")


def analyzer(case: Case) -> bp.BifurcationAnalyzer:
    return bp.BifurcationAnalyzer(case.model(), {case.par: list(case.par_range)}, case.variables,
                                  par_resolution=case.resolution)


def ours(case: Case) -> tuple[list[dict], float]:
    """bp_core's special points of the whole codimension-1 diagram, and the time it took."""
    start = time.perf_counter()
    points = analyzer(case).special_points()
    elapsed = time.perf_counter() - start
    return [{"type": p.label, "par": p.par[case.par], "period": p.period, "coefficient": p.coefficient}
            for p in points], elapsed


# -- AUTO-07p ---------------------------------------------------------------------------------------

def fortran(analysis: bp.BifurcationAnalyzer, start: np.ndarray, par: float, second: float | None = None) -> str:
    """AUTO's equations file for the analysed field, starting at the equilibrium ``start`` (PAR(1) = ``par``,
    PAR(2) = ``second`` when the analysis has a second parameter)."""
    field = analysis.field
    names = {s: sympy.Symbol(f"U({k + 1})") for k, s in enumerate(field.symbols)}
    names.update({s: sympy.Symbol(f"PAR({k + 1})") for k, s in enumerate(field.free_symbols)})
    body = "\n".join("  " + fcode(sympy.sympify(e).xreplace(names), assign_to=f"F({k + 1})", standard=95,
                                  source_format="free")
                     for k, e in enumerate(field.exprs))
    start_lines = "\n".join(f"  U({k + 1}) = {float(value):.17e}" for k, value in enumerate(start)).replace("e", "d")
    return f"""SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
{body}
END SUBROUTINE FUNC
SUBROUTINE STPNT(NDIM,U,PAR,T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  PAR(1) = {f"{float(par):.17e}".replace("e", "d")}
  PAR(2) = {f"{float(second or 0.0):.17e}".replace("e", "d")}
{start_lines}
END SUBROUTINE STPNT
SUBROUTINE BCND
END SUBROUTINE BCND
SUBROUTINE ICND
END SUBROUTINE ICND
SUBROUTINE FOPT
END SUBROUTINE FOPT
SUBROUTINE PVLS
END SUBROUTINE PVLS
"""


def run_auto_twice(job: dict) -> list[dict]:
    """AUTO-07p's runner on ``job`` twice (the first run compiles the Fortran, the second times AUTO alone);
    each run's parsed result."""
    env = dict(os.environ, OMP_NUM_THREADS="1", AUTO_DIR="/usr/lib/auto-07p")
    runs = []
    for _ in range(2):
        out = subprocess.run(["/usr/bin/python3", str(RUNNER)], input=json.dumps(job), capture_output=True,
                             text=True, env=env)
        if out.returncode:
            raise RuntimeError(f"AUTO-07p failed:\n{out.stderr[-3000:]}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs


def auto07p(case: Case, workdir: str) -> dict:
    """AUTO-07p's special points, and its run times (wall-clock ``times``, ``cpu`` seconds): the first run
    compiles the Fortran, the second (a new process in the same directory) reuses it."""
    analysis = analyzer(case)
    lo, hi = case.par_range
    span = hi - lo
    starts = []
    for branch in analysis.branches():  # AUTO starts on every branch bp_core found, at its lowest parameter
        first = int(np.argmin(branch.par))
        par = float(branch.par[first])
        starts.append({"fortran": fortran(analysis, branch.states[first], par), "backward": par > lo + 1e-9 * span})
    constants = dict(NDIM=analysis.field.dim, IPS=1, ILP=1, ICP=[1], NTST=50, NCOL=4, IAD=3, ISP=2, ISW=1,
                     IPLT=0, NBC=0, NINT=0, NMX=3000, NPR=100000, MXBF=0, IID=0, ITMX=8, ITNW=7, NWTN=3, JAC=0,
                     EPSL=1e-8, EPSU=1e-8, EPSS=1e-6, DS=span / 1000, DSMIN=1e-7, DSMAX=span / 100, IADS=1,
                     THL={11: 0.0}, UZSTOP={1: [lo, hi]})
    cycles = dict(IPS=2, ICP=[1, 11], ISP=2, ILP=1, NMX=600, DS=span / 1000, DSMAX=span / 50,
                  UZSTOP={1: [lo, hi], 11: case.max_period})
    job = {"workdir": workdir, "name": "model", "starts": starts, "constants": constants, "cycles": cycles}
    runs = run_auto_twice(job)
    return {"points": runs[0]["points"], "samples": runs[0]["samples"], "times": [r["time"] for r in runs],
            "cpu": [r["cpu"] for r in runs]}


# -- comparison -------------------------------------------------------------------------------------

def match(mine: list[dict], theirs: list[dict], types: dict[str, tuple[str, bool]] = AUTO_TYPES,
          within: tuple[float, float] | None = None) -> list[tuple[dict | None, dict | None]]:
    """Pairs of (bp_core point, AUTO point) of the same type, assigned to minimise the total relative
    difference of parameter and period, in AUTO's parameter order; the rest unpaired. ``types`` maps
    bp_core's labels to AUTO's (TY name, on a periodic branch); with ``within=(par, period)`` a pair whose
    relative differences exceed those is left unpaired."""
    pairs, used_mine, used_theirs = [], set(), set()
    for label, kind in types.items():
        a = [k for k, p in enumerate(mine) if p["type"] == label]
        b = [k for k, q in enumerate(theirs) if (q["type"], q["periodic"]) == kind]
        if not a or not b:
            continue
        # Folds of cycles can crowd within 1e-8 of a parameter (canards, homoclinic snakes): the period
        # tells them apart.
        cost = np.array([[relative(mine[i]["par"], theirs[j]["par"]) +
                          (relative(mine[i]["period"], theirs[j]["period"]) if kind[1] else 0.0) for j in b]
                         for i in a])
        for r, c in zip(*linear_sum_assignment(cost)):
            ours_, auto = mine[a[r]], theirs[b[c]]
            if within and (relative(ours_["par"], auto["par"]) > within[0] or
                           (kind[1] and relative(ours_["period"], auto["period"]) > within[1])):
                continue
            pairs.append((ours_, auto))
            used_mine.add(a[r])
            used_theirs.add(b[c])
    pairs.sort(key=lambda pair: pair[1]["par"])
    return (pairs + [(p, None) for k, p in enumerate(mine) if k not in used_mine] +
            [(None, q) for k, q in enumerate(theirs) if k not in used_theirs])


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-12)


def report(name: str, mine: list[dict], theirs: dict, times: dict) -> dict:
    print(f"\n## {name}")
    print(f"{'type':5} {'bp_core':>16} {'AUTO-07p':>16} {'rel diff':>9}   {'period':>10} {'AUTO T':>10} {'rel':>9}")
    worst_par, worst_period = 0.0, 0.0
    for a, b in match(mine, theirs["points"]):
        label = a["type"] if a else next((k for k, v in AUTO_TYPES.items() if v == (b["type"], b["periodic"])),
                                         b["type"])
        par_a = f"{a['par']:.10g}" if a else "-"
        par_b = f"{b['par']:.10g}" if b else "-"
        diff = relative(a["par"], b["par"]) if a and b else float("nan")
        t_a = a.get("period", float("nan")) if a else float("nan")
        t_b = b.get("period", float("nan")) if b else float("nan")
        t_diff = relative(t_a, t_b) if np.isfinite(t_a) and np.isfinite(t_b) else float("nan")
        worst_par = max(worst_par, diff if np.isfinite(diff) else 0.0)
        worst_period = max(worst_period, t_diff if np.isfinite(t_diff) else 0.0)
        print(f"{label:5} {par_a:>16} {par_b:>16} {diff:9.1e}   {t_a:10.5g} {t_b:10.5g} {t_diff:9.1e}")
    ratio = times["warm"] / theirs["times"][-1]
    print(f"time: bp_core cold {times['cold']:.2f} s, warm {times['warm']:.2f} s; AUTO-07p first "
          f"{theirs['times'][0]:.2f} s (compiles), second {theirs['times'][-1]:.2f} s; warm ratio {ratio:.2f}x")
    return {"worst_par": worst_par, "worst_period": worst_period, "ratio": ratio, **times}


def time_ours(name: str) -> dict:
    """bp_core's cold time (new process, empty cache) and warm time (second analysis in that process)."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, BP_CORE_CACHE_DIR=cache, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-m", "benchmarks.continuation", "--inner", name], env=env,
                             capture_output=True, text=True, check=True, cwd=HERE.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def inner(name: str) -> None:
    case = CASES[name]
    points, cold = ours(case)
    points, warm = ours(case)
    print(json.dumps({"points": points, "cold": cold, "warm": warm}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES) + sorted(CODIM2_CASES))
    parser.add_argument("--record", metavar="FILE", nargs="?", const=str(REFERENCE))
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner)
        return
    recorded, summary = {}, {}
    for name in [c for c in args.case or list(CASES) if c in CASES]:
        result = time_ours(name)
        with tempfile.TemporaryDirectory() as workdir:
            theirs = auto07p(CASES[name], workdir)
        recorded[name] = {"points": theirs["points"], "samples": theirs["samples"]}
        summary[name] = report(name, result["points"], theirs, {"cold": result["cold"], "warm": result["warm"]})
    if summary:
        print("\n| model | worst parameter diff | worst period diff | bp_core warm | AUTO-07p | ratio |")
        print("|---|---|---|---|---|---|")
    for name, s in summary.items():
        print(f"| {name} | {s['worst_par']:.1e} | {s['worst_period']:.1e} | {s['warm']:.2f} s | "
              f"{s['warm'] / s['ratio']:.2f} s | {s['ratio']:.2f}x |")
    for name, case in CODIM2_CASES.items():
        if args.case and name not in args.case:
            continue
        ours_codim2(case)  # compile
        mine, elapsed = ours_codim2(case)
        with tempfile.TemporaryDirectory() as workdir:
            theirs = auto07p_codim2(case, workdir)
        recorded[name] = {"points": theirs["points"], "samples": []}
        report_codim2(name, mine, theirs, elapsed)
    if args.record:  # the cases run replace theirs in the file; the others stay
        path = Path(args.record)
        previous = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**previous, **recorded}, indent=1) + "\n")
        print(f"\nrecorded AUTO-07p's points in {args.record}")


if __name__ == "__main__":
    main()
