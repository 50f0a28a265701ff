"""What a new process compiles for a diagram: the model's field, and nothing else. Where cycles are continued
over a cache without the model-independent condensation kernels, a background process compiles them (each
once) while the cycles are solved by SuperLU; a process over the same caches compiles nothing and loads them
without setting up numba's compiler."""

import json
import os
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent('''
    import json, sys
    from numba.core import event

    compiled = []

    class Listener(event.Listener):
        def on_start(self, ev):
            pass

        def on_end(self, ev):
            func = ev.data["dispatcher"].py_func
            compiled.append(f"{func.__module__}.{func.__qualname__}")

    event.register("numba:compile", Listener())

    import bp_core as bp
    from bp_core.dynamics import condensation_start

    analyzer = bp.BifurcationAnalyzer(bp.models.get_FitzHughNagumo(),
                                      target_pars={"Iext": [float(sys.argv[1]), float(sys.argv[2])]},
                                      dynamical_vars={"v": [-3, 3], "w": [-3, 3]}, par_resolution=0.05)
    points = analyzer.special_points()
    background = condensation_start.compiling() or condensation_start._state["process"] is not None
    if "kernels_imported" in sys.argv:  # the background process's kernels, read from the cache here
        condensation_start.kernels(wait=True)
    print(json.dumps({"compiled": compiled, "labels": sorted(p.label for p in points),
                      "kernels_imported": "bp_core.dynamics.condensation_kernels" in sys.modules,
                      "background": background, "loaded": condensation_start._state["loaded"] is not None,
                      # numba's compiler set-up imports every implementation it has, this one among them
                      "compiler_set_up": "numba.np.arraymath" in sys.modules}))
''')

KERNELS = {f"bp_core.dynamics.condensation_kernels.{name}"
           for name in ("eliminate", "fold", "solve", "interval_blocks", "arrange")}
HELPERS = {f"bp_core.dynamics.condensation_kernels.{name}"
           for name in ("_eliminate_one", "_forward", "_back", "_reduce_rhs", "_fold_rhs")}


def _diagram(tmp_path, low: float, high: float, wait: bool = False) -> dict:
    """A diagram in a new process over the caches in ``tmp_path``; ``wait``: then the kernels loaded there,
    once a background compilation (of this process or another) has ended."""
    script = tmp_path / "diagram.py"
    script.write_text(_SCRIPT)
    env = dict(os.environ, BP_CORE_CACHE_DIR=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    done = subprocess.run([sys.executable, str(script), repr(low), repr(high)] + ["kernels_imported"] * wait,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ours(result: dict) -> list[str]:
    """The engine's functions compiled (numba compiles its own helpers, such as np.empty's, alongside)."""
    return sorted(name for name in result["compiled"] if name.startswith("bp_core"))


def test_cycle_kernels_compile_in_the_background_only_for_cycles_and_a_warm_process_compiles_nothing(tmp_path):
    equilibria = _diagram(tmp_path, 0.0, 0.3)                # no Hopf point below I = 0.33: no cycle
    assert "H" not in equilibria["labels"]
    ours = _ours(equilibria)
    assert len(ours) == 1 and ours[0].startswith("bp_core_generated.") and ours[0].endswith(".field_eval"), ours
    assert not equilibria["kernels_imported"], "an equilibrium-only diagram imported the cycle kernels"

    # the same field (the range is not part of it), now with the Hopf point at I = 0.3313 and its cycles:
    # the kernels compile in a background process, and once it has ended, this one loads them from the cache
    cycles = _diagram(tmp_path, 0.0, 1.0, wait=True)
    assert "H" in cycles["labels"] and cycles["background"] and cycles["loaded"]
    assert _ours(cycles) == [], "the field was not loaded from the cache, or a kernel was compiled here"

    again = _diagram(tmp_path, 0.0, 1.0)
    assert again["compiled"] == [], "a process over warm caches compiled again"
    assert again["loaded"] and not again["background"]
    assert not again["compiler_set_up"], "loading the field or the kernels from the cache set up numba's compiler"
    assert again["labels"] == cycles["labels"]


def test_each_kernel_compiles_once_with_its_one_declared_signature_and_refuses_another_layout(tmp_path):
    """What the background process does (condensation_start): every kernel and helper compiled once."""
    script = tmp_path / "load.py"
    script.write_text(_SCRIPT.split("import bp_core as bp")[0] + textwrap.dedent('''
        from bp_core.dynamics import condensation_kernels
        assert not condensation_kernels.cached() and compiled == []  # importing them compiles nothing
        condensation_kernels.load()
        print(json.dumps({"compiled": compiled, "cached": condensation_kernels.cached()}))
    '''))
    env = dict(os.environ, BP_CORE_CACHE_DIR=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    ours = _ours(result)
    assert len(ours) == len(set(ours)), f"a function was compiled twice: {ours}"
    assert set(ours) == KERNELS | HELPERS and result["cached"]

    import numpy as np
    import pytest

    from bp_core.dynamics import condensation_kernels

    condensation_kernels.load()
    assert {f"{k.py_func.__module__}.{k.__name__}" for k in condensation_kernels.KERNELS} == KERNELS
    for kernel in condensation_kernels.KERNELS:
        assert len(kernel.signatures) == 1, kernel
    # a strided view (every other interval) is refused, not compiled as a second specialization
    a = np.zeros((4, 3, 5))[::2]
    with pytest.raises(TypeError):
        condensation_kernels.eliminate(a, 1, np.zeros((2, 1), dtype=np.int64), np.empty((2, 1, 4)))
    assert len(condensation_kernels.eliminate.signatures) == 1


_STARTER = textwrap.dedent('''
    import sys, time
    from bp_core.dynamics import condensation_start

    process = condensation_start._start()
    print(process.pid, flush=True)
    if sys.argv[1] == "exit":
        sys.exit(0)  # its exit waits for the compilation
    time.sleep(600)  # killed meanwhile
''')


def _start_compilation(tmp_path, how: str) -> tuple[subprocess.Popen, int]:
    script = tmp_path / "starter.py"
    script.write_text(_STARTER)
    env = dict(os.environ, BP_CORE_CACHE_DIR=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    owner = subprocess.Popen([sys.executable, str(script), how], env=env, stdout=subprocess.PIPE, text=True)
    return owner, int(owner.stdout.readline())


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_background_compilation_ends_with_a_killed_owner(tmp_path):
    import time

    owner, child = _start_compilation(tmp_path, "sleep")
    assert _alive(child)
    owner.kill()
    owner.wait(timeout=60)
    deadline = time.monotonic() + 60
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child), "the compilation outlived the process that started it"


def test_an_exiting_owner_waits_for_the_compilation_and_leaves_the_kernels_cached(tmp_path):
    owner, child = _start_compilation(tmp_path, "exit")
    assert owner.wait(timeout=600) == 0
    assert not _alive(child)
    env = dict(os.environ, BP_CORE_CACHE_DIR=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    cached = subprocess.run([sys.executable, "-c", "from bp_core.dynamics import condensation_kernels as k; "
                             "print(k.cached())"], env=env, capture_output=True, text=True, timeout=300)
    assert cached.stdout.strip() == "True", cached.stderr
