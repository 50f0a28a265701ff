"""Grid points that misbehave, for the sweep tests (importable, so spawned workers find them).

Run as a script it is a process that sweeps until interrupted and then prints what it kept as JSON.
"""

import ctypes
import faulthandler
import json
import os
import sys
import threading
import time

BAD = 2
"""The one point of each grid that misbehaves."""


def square(x):
    return x * x


def square_or_none(x):
    return x * x if isinstance(x, int) else None


def abort_at_bad(x):
    if x == BAD:
        faulthandler.disable()
        os.abort()
    return x * x


def segfault_at_bad(x):
    if x == BAD:
        faulthandler.disable()  # the worker inherits the test runner's, which would print every thread's stack
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    return x * x


def exit_at_bad(x):
    if x == BAD:
        sys.exit(3)
    return x * x


def interrupt_at_bad(x):
    if x == BAD:
        raise KeyboardInterrupt
    return x * x


def lock_at_bad(x):
    return threading.Lock() if x == BAD else x * x


def sleep_at_bad(x):
    if x == BAD:
        time.sleep(600)
    return x * x


def square_sum(a, b):
    return a + b


def misbehave_by_value(x):
    """Abort the worker at 2, sys.exit at 3, return a lock at 4; square the other values."""
    return {2: abort_at_bad, 3: exit_at_bad, 4: lock_at_bad}.get(x, square)(BAD if x in (2, 3, 4) else x)


def slow_square(x):
    time.sleep(0.2)
    return x * x


def half_broken(a, b):
    """A dict of measures, or ValueError for a > 1."""
    if a > 1:
        raise ValueError("too big")
    return {"sum": a + b}


def slow_sum(a, b):
    time.sleep(0.3)
    return {"sum": a + b}


def main() -> None:
    """Sweep 40 slow points, saying 'first' when one has finished; print what was kept once interrupted."""
    import psutil

    import bp_core as bp

    def first(k, result):
        if not first.said:
            print("first", flush=True)
            first.said = True
    first.said = False
    results = bp.running.sweep(slow_square, {"x": list(range(40))}, n_workers=2, on_result=first)
    children = [p.pid for p in psutil.Process().children(recursive=True)]
    print(json.dumps({"ok": [r.params["x"] for r in results if r.ok and r.value == r.params["x"] ** 2],
                      "cancelled": sum(r.failure == "cancelled" for r in results), "n": len(results),
                      "children": children}), flush=True)


if __name__ == "__main__":
    main()
