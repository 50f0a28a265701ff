"""Runs one of AUTO-07p's HomCont demos with its own script and prints the saved branches as JSON (for
benchmarks/continuation_homoclinic_demos.py).

Standard library only (AUTO's Python needs Debian's ``/usr/bin/python3``). Its job, as JSON on stdin:

    {"demos": <auto-07p's demos/ folder>, "workdir": ..., "name": "mtn", "files": ["1", "4"],
     "edits": [["c.mtn.2", "NTST=  50", "NTST= 100"]]}

It copies the demo's folder into the work folder, makes the ``edits`` (each a constants file, a text and its
replacement; none by default), runs ``auto-07p <name>.auto`` there (the demo's own
script, unchanged), and prints ``{"time": seconds, "files": {"1": [branch, ...]}}``: for every branch of
each saved bifurcation-diagram file (``b.<file>``) its column names, every computed point's row, and its
labelled points (type and row).
"""

import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("AUTO_DIR", "/usr/lib/auto-07p"), "python"))


def branches(name):
    import auto

    found = []
    for branch in auto.loadbd(name):
        columns = list(branch.coordnames)
        rows = [list(map(float, row)) for row in zip(*[branch.coordarray[k] for k in range(len(columns))])]
        labels = [{"type": point["TY name"], "row": [float(point[c]) for c in columns]}
                  for point in branch() if point["TY name"] not in ("No Label", "RG")]
        found.append({"columns": columns, "rows": rows, "labels": labels})
    return found


def run(job):
    demo = os.path.join(job["demos"], job["name"])
    workdir = job["workdir"]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    shutil.copytree(demo, workdir)
    os.chdir(workdir)
    for name, old, new in job.get("edits", []):
        with open(name) as f:
            text = f.read()
        if old not in text:
            raise RuntimeError(f"{name} has no {old!r} to edit")
        with open(name, "w") as f:
            f.write(text.replace(old, new))
    start = time.perf_counter()
    done = subprocess.run(["auto-07p", job["name"] + ".auto"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stdout[-2000:] + done.stderr[-2000:])
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        files = {name: branches(name) for name in job["files"]}
    return {"time": elapsed, "files": files}


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
