"""How fast a kernel answers while a dashboard streams a long pass.

    python benchmarks/kernel_responsiveness.py [--duration 60000] [--seconds 30]

Starts a real kernel, builds the gamma dashboard's NetworkExplorer (100 HH neurons, 9,900 synapses) with a
pass of ``--duration`` ms, and while it streams sends an ``execute_request`` every 0.25 s for
``--seconds`` s of wall time, timing each reply. It also reports the kernel's memory at the start and the
end (a pass must not grow it beyond its chunked monitors) and how far the pass got. The kernel is shut
down at the end.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import time

from jupyter_client.manager import start_new_kernel

SETUP = """
import json, resource
from bpwidgets.dashboards import gamma
explorer = gamma.explorer(duration={duration})
def report():
    print(json.dumps({{"progress": explorer.runner.progress, "status": explorer.runner.status,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "spikes": explorer.raster.spike_count}}))
report()
"""


def execute(client, code: str, timeout: float = 120.0) -> tuple[float, str]:
    start = time.perf_counter()
    msg_id = client.execute(code)
    out = ""
    while True:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60000.)
    parser.add_argument("--seconds", type=float, default=30.)
    args = parser.parse_args()
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        _, out = execute(client, SETUP.format(duration=args.duration), timeout=300)
        first = json.loads(out.strip().splitlines()[-1])
        latencies, last = [], first
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            seconds, out = execute(client, "report()")
            latencies.append(seconds)
            last = json.loads(out.strip().splitlines()[-1])
            time.sleep(0.25)
            try:
                while True:
                    client.get_iopub_msg(timeout=0.01)
            except queue.Empty:
                pass
        latencies.sort()
        print(f"execute_request during a {args.duration / 1000:.0f} s pass of the gamma network, "
              f"{len(latencies)} requests over {args.seconds:.0f} s: "
              f"median {1000 * statistics.median(latencies):.0f} ms, "
              f"p95 {1000 * latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, max {1000 * latencies[-1]:.0f} ms")
        print(f"pass progress {100 * last['progress']:.1f} % ({last['status']}), {last['spikes']} spikes drawn; "
              f"kernel peak RSS {first['rss_mb']:.0f} MB at the start, {last['rss_mb']:.0f} MB at the end")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
