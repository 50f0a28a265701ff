"""Runs one of AUTO-07p's own demos and prints its special points as JSON (for
benchmarks/continuation_auto_demos.py).

AUTO's Python commands need Debian's interpreter (``/usr/bin/python3``), so this script uses only the
standard library. Its job, as JSON on stdin:

    {"demos": <auto-07p's demos/ folder>, "workdir": ..., "name": "ab", "folder": <if not the name>,
     "equilibria": {"c": "ab.2", "both": true, ...overrides of the demo's constants},
     "cycles": {...overrides for the periodic orbits from every Hopf point}, "verbose": false}

It copies the demo's equations file and constants files into the work folder, continues the equilibria
from the demo's starting point (STPNT) with the demo's constants file and the overrides (both ways if
``both``), then the periodic orbits from every Hopf point (HB), and prints
``{"points": [...], "turns": [...], "time": seconds, "cpu": seconds}`` (wall-clock and CPU seconds, the CPU's of
the Fortran programs included: ``cpu_clock.py``): each special point's type (AUTO's TY name), the continuation
parameter, the period on periodic branches and whether it lies on one; and every point where
a periodic branch turns back in the parameter, labelled or not.
"""

import contextlib
import io
import json
import os
import shutil
import sys
import time

from cpu_clock import cpu_seconds  # beside this script

sys.path.insert(0, os.path.join(os.environ.get("AUTO_DIR", "/usr/lib/auto-07p"), "python"))

SKIPPED = ("No Label", "RG", "EP", "UZ", "MX")


def _amplitude(rows, ndim):
    """The largest peak-to-peak excursion of the orbit's variables (``rows``: one per variable)."""
    return max(max(rows[k]) - min(rows[k]) for k in range(ndim))


def _points(branch, par, periodic, ndim=0, smallest=0.0):
    """The branch's special points. On a periodic branch, the points from the first orbit of vanishing
    amplitude on (the branch has reached a Hopf point, past which AUTO retraces it) are left out.
    Returns the points and the index of the branch's point where it was cut (its length if not)."""
    found, end = [], len(branch)
    for point in branch():
        name = point["TY name"]
        if name in SKIPPED:
            continue
        rows = point.coordarray
        entry = {"type": name, "par": point.PAR[par - 1], "periodic": periodic,
                 "state": [max(rows[k]) for k in range(len(rows))]}
        if periodic:
            entry["amplitude"] = _amplitude(rows, ndim)
            if entry["amplitude"] < smallest:
                end = abs(point["PT"]) - 1
                break
            entry["period"] = point.PAR[10]
        found.append(entry)
    return found, end


def _keys(value):
    """JSON's keys are strings; AUTO wants PAR, UZSTOP and UZR keyed by parameter index."""
    if isinstance(value, dict):
        return {int(k) if isinstance(k, str) and k.isdigit() else k: _keys(v) for k, v in value.items()}
    return value


def _turns(branch, end):
    """The points where a periodic branch turns back in the parameter before point ``end``, labelled or
    not (AUTO's LP detection can step over a fold that is flat in the parameter, as canards are)."""
    values = branch.coordarray[0]
    periods = branch["PERIOD"]
    return [{"par": values[k], "period": periods[k]} for k in range(1, min(end, len(values)) - 1)
            if (values[k] - values[k - 1]) * (values[k + 1] - values[k]) < 0]


def run(job):
    import auto

    job = _keys(job)

    demo = os.path.join(job["demos"], job.get("folder", job["name"]))  # fhh's files are named fhn
    os.makedirs(job["workdir"], exist_ok=True)
    for entry in os.listdir(demo):
        if entry.startswith(job["name"] + ".") or entry.startswith("c." + job["name"]):
            target = os.path.join(job["workdir"], entry)
            if not os.path.exists(target):
                shutil.copy(os.path.join(demo, entry), target)
    os.chdir(job["workdir"])
    equilibria = dict(job["equilibria"])
    constants = equilibria.pop("c")
    both = equilibria.pop("both", True)
    par = job["par_index"]
    start_time, start_cpu = time.perf_counter(), cpu_seconds()
    with contextlib.redirect_stdout(sys.stderr if job.get("verbose") else io.StringIO()):
        result = auto.run(e=job["name"], c=constants, **equilibria)
        if both:
            result = result + auto.run(e=job["name"], c=constants, **dict(equilibria, DS=-result[0].c["DS"]))
        points = _points(result, par, False)[0]
        turns = []
        if job.get("cycles") is not None:
            for hopf in result("HB"):
                cycles = auto.run(hopf, **job["cycles"])
                for part in cycles:
                    found, end = _points(part, par, True, job["ndim"], job["smallest_amplitude"])
                    points += found
                    turns += _turns(part, end)
    return {"points": points, "turns": turns, "time": time.perf_counter() - start_time,
            "cpu": cpu_seconds() - start_cpu}


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
