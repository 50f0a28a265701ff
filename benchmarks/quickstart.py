"""The spec's Quickstart as written: run time with and without its synapse monitor, and peak memory.

    python benchmarks/quickstart.py [--repeats 3]

Runs the chapter's cells (tests/bp_core/simulation/quickstart_as_written.py: 100 HH neurons, 9,900 GABA_A
synapses, 500 ms at dt 0.04, monitors on the neurons' spike and V and on the synapses' s) in fresh
processes, once as written and once without ``monitors=['s']``. The kernel is compiled (or loaded)
before the timed run, so the times are the run alone; each configuration runs ``--repeats`` times in one
process (the first run of a process also pays for the first touch of the monitor memory) and in two
processes sharing an on-disk cache (cold and warm compile).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "tests" / "bp_core" / "simulation" / "quickstart_as_written.py"
RUN_LINE = "net.run(duration=500., inputs=[neu, 'ST.input', 1.2], report=False)"
TIMED = """import json as _json, resource as _resource, time as _time
_t0 = _time.perf_counter()
net.build(500., inputs=[neu, 'ST.input', 1.2])
_compile = _time.perf_counter() - _t0
_runs = []
for _ in range({repeats}):
    _t0 = _time.perf_counter()
    {run}
    _runs.append(_time.perf_counter() - _t0)
print("RESULT", _json.dumps({{"compile_s": _compile, "runs_s": _runs, "spikes": len(neu.mon.spike_events),
      "s_shape": list(syn.mon.s.shape) if 's' in syn.monitors else None,
      "peak_rss_mb": _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024}}))
raise SystemExit(0)
"""


def run(with_monitor: bool, repeats: int, cache: str) -> dict:
    source = SCRIPT.read_text()
    assert source.count(RUN_LINE) == 1, "the Quickstart's run cell changed"
    if not with_monitor:
        source = source.replace("monitors=['s'])", ")")
    source = source.replace(RUN_LINE, TIMED.format(repeats=repeats, run=RUN_LINE))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    try:
        out = subprocess.run([sys.executable, handle.name], capture_output=True, text=True, check=True,
                             env={**os.environ, "BP_CORE_CACHE_DIR": cache, "MPLBACKEND": "Agg"}).stdout
    finally:
        os.unlink(handle.name)
    return json.loads(out.split("RESULT", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as cache:
        for with_monitor in (True, False, True, False):  # interleaved; the first of each is the cold compile
            key = "with the synapse monitor" if with_monitor else "without it"
            rows.setdefault(key, []).append(run(with_monitor, args.repeats, cache))
    print("| Quickstart as written | first run s | later runs s (median) | compile cold / warm s | peak RSS MB |")
    print("|---|---|---|---|---|")
    for key, (cold, warm) in rows.items():
        later = statistics.median(cold["runs_s"][1:] + warm["runs_s"][1:])
        first = statistics.median([cold["runs_s"][0], warm["runs_s"][0]])
        print(f"| {key} | {first:.3f} | {later:.3f} | {cold['compile_s']:.2f} / {warm['compile_s']:.2f} "
              f"| {warm['peak_rss_mb']:.0f} |")
    with_s, without = rows["with the synapse monitor"], rows["without it"]
    ratio = statistics.median(with_s[0]["runs_s"][1:] + with_s[1]["runs_s"][1:]) / \
        statistics.median(without[0]["runs_s"][1:] + without[1]["runs_s"][1:])
    print(f"\nsynapse monitor ({with_s[1]['s_shape'][0]} x {with_s[1]['s_shape'][1]} values, "
          f"{with_s[1]['s_shape'][0] * with_s[1]['s_shape'][1] * 8 / 2**20:.0f} MiB): run time {ratio:.2f}x the run "
          f"without it; {with_s[1]['spikes']} spikes recorded as events")


if __name__ == "__main__":
    main()
