"""Runs one AUTO-07p job and prints its special points as JSON (for benchmarks/continuation.py).

AUTO's Python commands need Debian's own interpreter (``/usr/bin/python3``, where the ``auto-07p``
package puts them), so this script uses only the standard library and reads its job as JSON on stdin:

    {"workdir": ..., "name": ..., "fortran": ..., "constants": {...}, "cycles": {...},
     "starts": [{"fortran": ..., "backward": true}, ...], "verbose": false}

It writes one equations file per start (unless the same text is there already, so a second run in
the same directory reuses the compiled model), continues the equilibria from each start (both ways
if ``backward``), then the periodic orbits from every Hopf point (HB), and prints
``{"points": [...], "samples": [...], "time": seconds, "cpu": seconds}`` (wall-clock and CPU seconds, the CPU's
of the Fortran programs included: ``cpu_clock.py``): each special point's type (AUTO's TY name), PAR(1), the
period PAR(11) on periodic branches and whether it lies on one; and every fourth point of the periodic branches
as [PAR(1), period, stable].
"""

import contextlib
import io
import json
import os
import sys
import time

from cpu_clock import cpu_seconds  # beside this script

sys.path.insert(0, os.path.join(os.environ.get("AUTO_DIR", "/usr/lib/auto-07p"), "python"))


def _constants_file(path, constants):
    with open(path, "w") as out:
        for key, value in constants.items():
            out.write(f"{key} = {value!r}\n")


def _points(branch, periodic):
    found = []
    for point in branch():
        name = point["TY name"]
        if name in ("No Label", "RG", "EP", "UZ"):
            continue
        entry = {"type": name, "par": point["PAR(1)"], "periodic": periodic}
        if periodic:
            entry["period"] = point["PAR(11)"]
        found.append(entry)
    return found


def _raw(branch):
    """The special points that _points keeps, as AUTO's point objects."""
    return [p for p in branch() if p["TY name"] not in ("No Label", "RG", "EP", "UZ")]


def _samples(result, every=4):
    """Every ``every``-th point of the periodic branches: [PAR(1), period, stable]."""
    samples = []
    for branch in result:
        ends = branch.stability()  # the last point of each part: negative for a stable part
        stable = []
        start = 0
        for end in ends:
            stable += [end < 0] * (abs(end) - start)
            start = abs(end)
        for k in range(0, min(len(branch), len(stable)), every):
            samples.append([branch[k]["PAR(1)"], branch[k]["PERIOD"], stable[k]])
    return samples


def run(job):
    import auto

    os.chdir(job["workdir"])
    names = []
    for k, start in enumerate(job["starts"]):
        name = f"{job['name']}{k}"
        source = f"{name}.f90"
        if not os.path.exists(source) or open(source).read() != start["fortran"]:
            with open(source, "w") as out:
                out.write(start["fortran"])
        _constants_file(f"c.{name}", job["constants"])
        names.append((name, start["backward"]))
    start_time, start_cpu = time.perf_counter(), cpu_seconds()
    with contextlib.redirect_stdout(sys.stderr if job.get("verbose") else io.StringIO()):
        points, samples = [], []
        for name, backward in names:
            equilibria = auto.run(e=name, c=name)
            if backward:
                equilibria = equilibria + auto.run(e=name, c=name, DS=-job["constants"]["DS"])
            points += _points(equilibria, False)
            for hopf in equilibria("HB"):
                if "hopf_curves" in job:  # a second parameter: the Hopf curve through the point, both ways
                    for ds in (1, -1):
                        curve = auto.run(hopf, **dict(job["hopf_curves"], DS=ds * job["hopf_curves"]["DS"]))
                        points += [dict(p, par2=q["PAR(2)"]) for p, q in zip(_points(curve, False), _raw(curve))]
                    continue
                cycles = auto.run(hopf, **job["cycles"])
                points += _points(cycles, True)
                samples += _samples(cycles)
    return {"points": points, "samples": samples, "time": time.perf_counter() - start_time,
            "cpu": cpu_seconds() - start_cpu}


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
