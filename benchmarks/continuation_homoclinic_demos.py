"""AUTO-07p's HomCont demos beside bp_core: homoclinic curves in two parameters and their codimension-2
points, one invocation, both timed.

    python -m benchmarks.continuation_homoclinic_demos --demos AUTO_DEMOS [--demo NAME ...] [--record]

``AUTO_DEMOS`` is the ``demos/`` folder of the auto-07p source. AUTO-07p (Debian's ``auto-07p``, under
``/usr/bin/python3`` with ``OMP_NUM_THREADS=1``) runs each demo's own script (``<demo>.auto``, unchanged:
HomCont's defining system of the connecting orbit on a truncated time interval) in a temporary folder; the
saved branches the comparison reads are listed per demo in :data:`AUTO`. bp_core continues the same
homoclinic orbits as orbits of one large, fixed period with both parameters free
(``bp_core.dynamics.homoclinic_curves``), started from a cycle branch's end or from a simulated passage
of the loop.

The fixed-period orbit lies ``O(exp(-lambda T))`` from the homoclinic one (``lambda`` the smaller of the
saddle's leading unstable eigenvalue and the modulus of the real part of its leading stable one), and so do
its parameters. Each of AUTO's curve points inside the ranges is matched with bp_core's curve at the same
second parameter (a cubic through the four nearest points of the curve) and the difference in the first
parameter is printed with ``lambda T`` there; points where ``lambda T < 20`` are printed, not compared. The
tolerance of a compared point is AUTO's Newton tolerance plus the law, ``1e-7 + A exp(-lambda T)``
(:func:`tolerance`); the summary prints the largest ``(diff - 1e-7) exp(lambda T)``, the law's constant as
measured beyond AUTO's tolerance.
Codimension-2 points: the non-central saddle-node homoclinic points (NCH) bp_core lists beside AUTO's
(``mtn``: where HomCont's test function psi_15 vanishes), and from the saddle along bp_core's curve the
neutral saddles (``lambda_u + Re lambda_s = 0``, HomCont's psi_4 on ``cir``) and neutrally divergent
saddle-foci (``lambda_u + 2 Re lambda_s = 0``, psi_5) beside AUTO's.

``--record`` writes AUTO's curves and points to ``tests/examples/auto_homoclinic_reference.json``, the
values tests/examples/test_auto_homoclinic_demos.py reads.
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
from scipy.integrate import solve_ivp

import bp_core as bp
from bp_core.dynamics.diagram import Codim2Curve, SpecialPoint
from bp_core.dynamics.homoclinic_curves import MIN_RATE_TIMES_PERIOD, continue_homoclinic
from bp_core.dynamics.homoclinic_orbits import homoclinic_point, large_period_orbit

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "peers" / "auto_homcont_runner.py"
REFERENCE = HERE.parent / "tests" / "examples" / "auto_homoclinic_reference.json"
DEMOS = ["san", "mtn", "cir"]
#: Where each demo's script saves the homoclinic curves compared: the file, the branches (indices in it),
#: AUTO's columns of the first and second parameters, and the labelled points: (file, branch, column of the
#: test function that vanishes there, what bp_core calls the point).
AUTO = {
    "san": {"curves": ("11", [0], "PAR(8)", "PAR(7)"), "points": [("11", 0, "PAR(31)", "orbit flip")]},
    "mtn": {"curves": ("1", [2, 3], "PAR(2)", "PAR(1)"),
            "points": [("1", 0, "PAR(35)", "NCH"), ("1", 1, "PAR(35)", "NCH")],
            # The second NCH point's run (c.mtn.2) uses 50 mesh intervals, the first's 100: rerun on 100.
            "fine": [["c.mtn.2", "NTST=  50", "NTST= 100"]]},
    "cir": {"curves": ("2", [0, 1], "PAR(1)", "PAR(2)"),
            "points": [("2", 0, "PAR(25)", "neutrally divergent saddle-focus"), ("2", 1, "PAR(24)", "neutral saddle"),
                       ("2", 1, "PAR(22)", "double leading stable eigenvalue")]},
}
#: Below this ``lambda T`` a fixed-period orbit is no longer exponentially close to the homoclinic one.
ACCURATE = 20.0
#: The tolerance of a compared point: AUTO's Newton tolerance (EPSL = 1e-7) plus the law's
#: ``A exp(-lambda T)``, with the constant ``A`` (units of the first parameter) at most this (measured: 1.4e4
#: on mtn's second saddle homoclinic branch; san's and cir's points are all within AUTO's tolerance).
LAW_CONSTANT = 2e4


def tolerance(lambda_t: float) -> float:
    """How far bp_core's fixed-period curve may be from HomCont's at ``lambda T`` (see :data:`LAW_CONSTANT`)."""
    return 1e-7 + LAW_CONSTANT * np.exp(-lambda_t)


def demo_module(name: str):
    return importlib.import_module(f"examples.auto.{name}")


def analyzer(name: str) -> bp.BifurcationAnalyzer:
    demo = demo_module(name)
    return bp.BifurcationAnalyzer(demo.model(), {demo.PAR: list(demo.PAR_RANGE), demo.SECOND: list(demo.SECOND_RANGE)},
                                  demo.VARIABLES, par_resolution=demo.RESOLUTION)


def loop_start(an: bp.BifurcationAnalyzer, pars: dict, saddle: np.ndarray, duration: float) -> SpecialPoint:
    """A large-period orbit from one passage of the loop: the saddle's unstable manifold simulated (scipy,
    tolerances 1e-11) from 1e-7 off the saddle until it is back nearest to it, within ``duration``."""
    f = an.field.compiled
    p = np.array([pars[name] for name in an.par_names], dtype=float)
    lam, vectors = np.linalg.eig(f.jac1(saddle, p))
    unstable = vectors[:, int(np.argmax(lam.real))].real
    solution = solve_ivp(lambda t, y: f.f(y[:, None], p)[:, 0], (0, duration), saddle + 1e-7 * unstable,
                         rtol=1e-11, atol=1e-14, dense_output=True)
    grid = np.linspace(0, duration, 4000)
    distance = np.linalg.norm(solution.sol(grid).T - saddle, axis=1)
    far = int(np.argmax(distance))
    period = grid[far + int(np.argmin(distance[far:]))]
    times = np.linspace(0, period, 1000)
    return large_period_orbit(an.field, times, solution.sol(times).T, p, 0, an.par_ranges[an.par_names[0]],
                              list(an.var_ranges.values()), an.par_names)


def start(name: str, an: bp.BifurcationAnalyzer) -> SpecialPoint:
    """bp_core's start of the demo's homoclinic curve."""
    demo = demo_module(name)
    if name == "mtn":  # the stable cycle at K = 14 followed in GF to its homoclinic end
        branch = an.cycles_from_simulation(demo.CYCLE_AT, start=demo.CYCLE_START, others={demo.SECOND: demo.CYCLE_K})
        point = max((q for q in branch.special if q.label in ("HOM", "LPC")), key=lambda q: q.period)
        return point if point.label == "HOM" else homoclinic_point(an.field, point.located, an.par_names)
    return loop_start(an, demo.START, np.zeros(len(demo.VARIABLES)), demo.LOOP_TIME)


def ours(name: str, an: bp.BifurcationAnalyzer | None = None,
         max_points: int = 300) -> tuple[SpecialPoint, Codim2Curve]:
    """bp_core's homoclinic curve of the demo, from :func:`start`, and the point it started at."""
    demo = demo_module(name)
    an = an or analyzer(name)
    point = start(name, an)
    ranges = [an.par_ranges[demo.PAR], an.par_ranges[demo.SECOND]]
    step = min(0.05, demo.RESOLUTION / min(b - a for a, b in ranges))
    curve = continue_homoclinic(an.field, point, an.par_names, ranges, list(an.var_ranges.values()), max_step=step,
                                max_points=max_points, min_rate_times_period=getattr(demo, "MIN_RATE_TIMES_PERIOD",
                                                                                    MIN_RATE_TIMES_PERIOD))
    return point, curve


def rates(an: bp.BifurcationAnalyzer, curve: Codim2Curve) -> np.ndarray:
    """``lambda`` along the curve: the smaller of the leading unstable eigenvalue of the saddle each orbit
    slows at (the curve's states) and the modulus of its leading stable one's real part; NaN where the
    orbit passes no saddle (along a SNIC curve)."""
    f = an.field.compiled
    lam = np.full(len(curve.values), np.nan)
    for k, (x, q) in enumerate(zip(curve.states, curve.values)):
        if np.all(np.isfinite(x)):
            real = np.linalg.eigvals(f.jac1(x, q)).real
            lam[k] = min(np.min(real[real > 0]), -np.max(real[real < 0]))
    return lam


def curve_at(curve: Codim2Curve, second: float) -> list[tuple[float, int]]:
    """bp_core's first parameter where its curve passes ``second``: a cubic through the four nearest points of
    each crossing, with the index of the point before it."""
    first, seconds = curve.values[:, 0], curve.values[:, 1]
    found = []
    for k in range(len(seconds) - 1):
        if (seconds[k] - second) * (seconds[k + 1] - second) <= 0 and seconds[k] != seconds[k + 1]:
            near = slice(max(0, k - 1), min(len(seconds), k + 3))
            degree = min(3, len(seconds[near]) - 1)
            coefficients = np.polyfit(seconds[near] - second, first[near], degree)
            found.append((float(coefficients[-1]), k))
    return found


def compare(curve: Codim2Curve, lam: np.ndarray, period: float, auto_points: list, span: float) -> list[dict]:
    """Each of AUTO's curve points (first, second) against bp_core's curve at its second parameter (where the
    curve passes it within ``1e-3 span`` of AUTO's first parameter; ``span`` is that parameter's range)."""
    rows = []
    for first, second in auto_points:
        found = curve_at(curve, second)
        if not found:
            rows.append({"auto": (first, second), "ours": None})
            continue
        mine, k = min(found, key=lambda f: abs(f[0] - first))
        if abs(mine - first) > 1e-3 * span:  # the curve passes this value elsewhere only: not this part
            rows.append({"auto": (first, second), "ours": None})
            continue
        rate = np.nanmin(lam[k:k + 2]) if np.any(np.isfinite(lam[k:k + 2])) else np.nan
        rows.append({"auto": (first, second), "ours": mine, "diff": abs(mine - first), "lambda_T": rate * period})
    return rows


def auto07p(name: str, demos: str, edits: list | None = None) -> dict:
    """AUTO-07p's run of the demo's script (with ``edits`` to its constants files, if any): its homoclinic
    curves, its labelled points, its time."""
    spec = AUTO[name]
    files = sorted({spec["curves"][0]} | {p[0] for p in spec["points"]})
    env = dict(os.environ, OMP_NUM_THREADS="1", AUTO_DIR="/usr/lib/auto-07p")
    with tempfile.TemporaryDirectory() as workdir:
        job = json.dumps({"demos": demos, "workdir": os.path.join(workdir, name), "name": name, "files": files,
                          "edits": edits or []})
        out = subprocess.run(["/usr/bin/python3", str(RUNNER)], input=job, capture_output=True, text=True, env=env)
    if out.returncode:
        raise RuntimeError(f"AUTO-07p failed on {name}:\n{out.stderr[-3000:]}")
    run = json.loads(out.stdout.strip().splitlines()[-1])
    file, indices, first, second = spec["curves"]
    curves = []
    for k in indices if not edits else []:  # a variant's later runs restart from renumbered labels: points only
        branch = run["files"][file][k]
        a, b = branch["columns"].index(first), branch["columns"].index(second)
        curves.append([[row[a], row[b]] for row in branch["rows"]])
    points = []
    for file, k, column, label in spec["points"]:
        branch = run["files"][file][k]
        a, b, c = (branch["columns"].index(x) for x in (first, second, column))
        for point in branch["labels"]:
            if point["type"] == "UZ" and abs(point["row"][c]) < 1e-3:
                points.append({"label": label, "pars": [point["row"][a], point["row"][b]]})
    return {"curves": curves, "points": points, "time": run["time"]}


def neutral_saddles(curve: Codim2Curve, an: bp.BifurcationAnalyzer) -> list[tuple[str, list[float]]]:
    """Where, along the curve, the saddle's leading eigenvalues satisfy ``lambda_u + Re lambda_s = 0`` (a neutral
    saddle or saddle-focus) or, with a complex leading stable pair, ``lambda_u + 2 Re lambda_s = 0`` (a
    neutrally divergent saddle-focus): each sign change, linearly interpolated between the two points."""
    f = an.field.compiled
    quantities = np.full((len(curve.values), 2), np.nan)
    for k, (x, q) in enumerate(zip(curve.states, curve.values)):
        if np.all(np.isfinite(x)):
            lam = np.linalg.eigvals(f.jac1(x, q))
            unstable, stable = lam[lam.real > 0], lam[lam.real < 0]
            leading = stable[np.argmax(stable.real)]
            quantities[k, 0] = np.min(unstable.real) + leading.real
            if abs(leading.imag) > 0:
                quantities[k, 1] = np.min(unstable.real) + 2 * leading.real
    found = []
    for column, label in enumerate(("neutral saddle", "neutrally divergent saddle-focus")):
        g = quantities[:, column]
        for k in range(len(g) - 1):
            if np.isfinite(g[k]) and np.isfinite(g[k + 1]) and g[k] * g[k + 1] < 0:
                found.append((label, _root_on_curve(curve.values, g, k)))
    return found


def _root_on_curve(values: np.ndarray, g: np.ndarray, k: int) -> list[float]:
    """Where ``g`` vanishes between curve points ``k`` and ``k + 1``: cubics in the chord length through the
    four nearest points (where ``g`` is known), of ``g`` and of both parameters."""
    near = [j for j in range(max(0, k - 1), min(len(g), k + 3)) if np.isfinite(g[j])]
    chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(values[near], axis=0), axis=1))])
    degree = len(near) - 1
    roots = np.roots(np.polyfit(chord, g[near], degree))
    a, b = chord[near.index(k)], chord[near.index(k + 1)]
    inside = [r.real for r in roots if abs(r.imag) < 1e-12 and a <= r.real <= b]
    w = g[k] / (g[k] - g[k + 1])
    s = inside[0] if inside else a + w * (b - a)
    return [float(np.polyval(np.polyfit(chord, values[near, i], degree), s)) for i in range(2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demos", required=True, help="the demos/ folder of the auto-07p source")
    parser.add_argument("--demo", action="append", choices=DEMOS)
    parser.add_argument("--record", action="store_true", help=f"write AUTO's curves and points to {REFERENCE.name}")
    args = parser.parse_args()
    recorded, summary = {}, {}
    for name in args.demo or DEMOS:
        demo = demo_module(name)
        started = time.perf_counter()
        an = analyzer(name)
        point, curve = ours(name, an)
        first = time.perf_counter() - started
        started = time.perf_counter()
        point, curve = ours(name, an)
        warm = time.perf_counter() - started
        theirs = auto07p(name, args.demos)
        recorded[name] = {"curves": theirs["curves"], "points": theirs["points"]}
        if "fine" in AUTO[name]:
            recorded[name]["points_fine_mesh"] = auto07p(name, args.demos, AUTO[name]["fine"])["points"]
        lam = rates(an, curve)
        print(f"\n## {name}: bp_core's curve at T = {point.period:.6g} from {point.par}, {len(curve.values)} points "
              f"({curve.stopped})")
        print(f"{demo.SECOND:>12} {'AUTO ' + demo.PAR:>16} {'bp_core':>16} {'|diff|':>9} {'lambda T':>9}")
        compared, worst, constant = 0, 0.0, 0.0
        for part in theirs["curves"]:
            for row in compare(curve, lam, point.period, part, demo.PAR_RANGE[1] - demo.PAR_RANGE[0]):
                first_auto, second_auto = row["auto"]
                if row["ours"] is None:
                    print(f"{second_auto:12.7g} {first_auto:16.10g} {'(not reached)':>16}")
                    continue
                accurate = row["lambda_T"] >= ACCURATE
                print(f"{second_auto:12.7g} {first_auto:16.10g} {row['ours']:16.10g} {row['diff']:9.1e} "
                      f"{row['lambda_T']:9.3g}" + ("" if accurate else "   (not compared)"))
                if accurate:
                    compared, worst = compared + 1, max(worst, row["diff"])
                    constant = max(constant, max(row["diff"] - 1e-7, 0.0) * np.exp(row["lambda_T"]))
        for p in theirs["points"]:
            print(f"AUTO {p['label']} at {demo.PAR} = {p['pars'][0]:.10g}, {demo.SECOND} = {p['pars'][1]:.10g}")
        for p in recorded[name].get("points_fine_mesh", []):
            print(f"AUTO {p['label']} at {demo.PAR} = {p['pars'][0]:.10g}, {demo.SECOND} = {p['pars'][1]:.10g}, "
                  f"with {AUTO[name]['fine']}")
        for p in curve.special:
            print(f"bp_core {p.label} at {p.par}")
        for label, p in neutral_saddles(curve, an):
            print(f"bp_core {label} at {demo.PAR} = {p[0]:.10g}, {demo.SECOND} = {p[1]:.10g}")
        print(f"time: bp_core first {first:.2f} s, warm {warm:.2f} s; AUTO-07p's script {theirs['time']:.2f} s "
              f"(compiles the Fortran first)")
        summary[name] = (compared, worst, constant, first, warm, theirs["time"])
    print("\n| demo | AUTO points compared | largest difference | law's constant | bp_core first | "
          "bp_core warm | AUTO-07p script |")
    print("|---|---|---|---|---|---|---|")
    for name, (compared, worst, constant, first, warm, auto_time) in summary.items():
        print(f"| {name} | {compared} | {worst:.1e} | {constant:.1e} | {first:.2f} s | {warm:.2f} s | "
              f"{auto_time:.2f} s |")
    if args.record:
        previous = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
        version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "auto-07p"], capture_output=True,
                                 text=True).stdout.strip()
        produced = {"_produced_by": "python -m benchmarks.continuation_homoclinic_demos --demos AUTO_DEMOS --record",
                    "_auto07p": f"AUTO-07p {version} (Debian's auto-07p package), each demo's own script"}
        REFERENCE.write_text(json.dumps({**previous, **recorded, **produced}, indent=1, sort_keys=True) + "\n")
        print(f"\nrecorded AUTO-07p's curves in {REFERENCE.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
