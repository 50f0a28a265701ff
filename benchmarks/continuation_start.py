"""What a one-parameter diagram costs from a new process: imports, derivation, compiling, continuation.

    python -m benchmarks.continuation_start [--case NAME] [--warm-runs N] [--no-auto] [--compiles]

For a Hodgkin-Huxley case of ``benchmarks.continuation`` (g_L 0.3 by default: four variables, I_ext from -20 to
200; ``readme_hh`` is the README's example, I_ext from 0 to 200), ``BifurcationAnalyzer(...).special_points()``
runs in a new Python process, timed by phase:

- ``import``: ``import bp_core`` and the analyser's modules;
- ``derive``: the analyser's construction (sympy's derivation of the field, or its memoized result);
- ``compile``: the compiled field built and called once (numba compiling, or loading its on-disk cache);
- ``continue``: ``special_points()`` itself (equilibria, cycles, their special points).

``cold`` is the first process over empty caches (``BP_CORE_CACHE_DIR`` and ``NUMBA_CACHE_DIR`` in a new
directory): its cycles are solved by SuperLU while a background process compiles the model-independent
condensation kernels (``bp_core.dynamics.condensation_start``), which it waits for at its exit; the seconds until they are in the
cache, from the cold process's start, are printed below the table. ``warm`` are the next processes over the same
directories, once they are (median of ``--warm-runs``). ``cold model`` is a first process for this model over a
numba cache that holds the model-independent kernels (compiled once per installation: an earlier process loaded
them, its own time printed below the table) and no trace of the model: its derivation and compiled field are
new. Wall and CPU seconds of each phase are printed, and AUTO-07p's first (compiling its Fortran) and second
runs of the same diagram beside them (``benchmarks.continuation`` runs it; ``--no-auto`` skips it).

Each process may write and read Python's bytecode (``__pycache__``), as an installed package's are compiled when
it is installed: with ``PYTHONDONTWRITEBYTECODE`` set, as in some containers, every process would compile the
source of every module it imports, most of the ``import`` phase.

``--compiles`` lists every function numba compiled in each process (its ``numba:compile`` events: wall and CPU
seconds without the functions compiled inside it; numba's own helpers grouped); it imports numba before the
``import`` phase, so that phase's seconds then include numba's import.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file too: benchmarks.continuation below

HERE = Path(__file__).resolve().parent
PHASES = ("import", "derive", "compile", "continue")
HH_VARS = {'V': [-90., 60.], 'm': [0., 1.], 'h': [0., 1.], 'n': [0., 1.]}
#: Name (as in ``benchmarks.continuation``) -> the HH model's arguments, the range of I_ext and the step. Kept
#: here because that module imports sympy, which a warm process must not need.
CASES = {"hh_gL0.3": ({}, (-20., 200.), 2.), "hh_gL0.03": ({"g_Leak": 0.03}, (-20., 200.), 2.),
         "hh_gL0.003": ({"g_Leak": 0.003, "E_Leak": -54.402}, (-20., 200.), 2.),
         "readme_hh": ({}, (0., 200.), 2.)}


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class _CompileLog:
    """Seconds numba spends compiling each function (``numba:compile`` events), nested compiles subtracted."""

    def __init__(self) -> None:
        from numba.core import event

        self.seconds: dict[str, list[float]] = {}
        self._open: list[list] = []
        log = self

        class Listener(event.Listener):
            def on_start(self, ev):
                log._open.append([*_clocks(), 0.0, 0.0])

            def on_end(self, ev):
                wall, cpu, child_wall, child_cpu = log._open.pop()
                now = _clocks()
                spent = (now[0] - wall, now[1] - cpu)
                if log._open:
                    log._open[-1][2] += spent[0]
                    log._open[-1][3] += spent[1]
                total = log.seconds.setdefault(_function_name(ev.data["dispatcher"]), [0.0, 0.0])
                total[0] += spent[0] - child_wall
                total[1] += spent[1] - child_cpu

        event.register("numba:compile", Listener())


def _function_name(dispatcher) -> str:
    func = dispatcher.py_func
    module = func.__module__ or ""
    if module.startswith("bp_core_generated"):
        return f"{func.__qualname__} (generated)"
    return f"{module}.{func.__qualname__}" if module.startswith("bp_core") else f"numba's {module}"


def inner(name: str, compiles: bool = False) -> None:
    """Run the diagram of case ``name`` in this (new) process; print each phase's wall and CPU seconds."""
    log = _CompileLog() if compiles else None
    times = {}
    start = _clocks()
    import numpy as np

    import bp_core as bp
    from bp_core.backend import cache
    from bp_core.dynamics import bifurcation  # noqa: F401  (the analyser's modules)
    from bp_core.dynamics import condensation_start

    model_args, par_range, resolution = CASES[name]
    model = bp.models.get_HH(**model_args)
    times["import"] = start
    start = _clocks()
    analysis = bp.BifurcationAnalyzer(model, {"I_ext": list(par_range)}, HH_VARS, par_resolution=resolution)
    times["derive"] = start
    start = _clocks()
    field = analysis.field.compiled
    x, p = np.zeros((field.dim, 1)), np.zeros(field.n_pars)
    field.f(x, p), field.jac(x, p), field.dfdp(x, p)
    times["compile"] = start
    start = _clocks()
    points = analysis.special_points()
    times["continue"] = start
    end = _clocks()
    starts = [times[k] for k in PHASES] + [end]
    result = {k: [starts[i + 1][0] - starts[i][0], starts[i + 1][1] - starts[i][1]] for i, k in enumerate(PHASES)}
    kernels = ("loaded" if condensation_start._state["loaded"] is not None
               else "compiling in the background" if condensation_start.compiling() else "not used")
    print(json.dumps({"phases": result, "points": len(points), "sympy_imported": "sympy" in sys.modules,
                      "kernels": kernels,
                      "derived": cache.STATS["memo_computed"], "compiled": log.seconds if log else None}))


def _environment(cache_dir: str, numba_dir: str) -> dict[str, str]:
    env = dict(os.environ, BP_CORE_CACHE_DIR=cache_dir, NUMBA_CACHE_DIR=numba_dir)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules' bytecode compiled once, then read
    return env


def run_process(name: str, cache_dir: str, numba_dir: str | None = None, compiles: bool = False) -> dict:
    """One new process over the caches in ``cache_dir`` (numba's in ``numba_dir``, default ``cache_dir/numba``);
    its phases."""
    env = _environment(cache_dir, numba_dir or os.path.join(cache_dir, "numba"))
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "benchmarks.continuation_start", "--inner", name]
                         + ["--compiles"] * compiles, env=env, capture_output=True, text=True, check=True,
                         cwd=HERE.parent)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - began  # with the interpreter's own start and exit
    return result


def compile_kernels(cache_dir: str, numba_dir: str) -> float:
    """What an installation does once: a process importing the model-independent kernels (which compiles them
    into ``numba_dir``). Its wall seconds, the interpreter's start included."""
    env = _environment(cache_dir, numba_dir)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from bp_core.dynamics.condensation_kernels import load; load()"], env=env,
                   check=True, cwd=HERE.parent)
    return time.perf_counter() - began


def wait_for_kernels(cache_dir: str) -> None:
    """Return once the kernels are in the cache of ``cache_dir`` (a background compilation there has ended)."""
    # a compilation still running holds condensation_start's lock; once it is free, the kernels load from the cache
    script = ("import fcntl; from bp_core.backend import cache; from bp_core.dynamics import condensation_start\n"
              "with open(cache.cache_dir() / 'condensation_kernels.lock', 'a') as lock:\n"
              "    fcntl.flock(lock, fcntl.LOCK_EX)\n"
              "condensation_start.kernels(wait=True)")
    subprocess.run([sys.executable, "-c", script], env=_environment(cache_dir, os.path.join(cache_dir, "numba")),
                   check=True, cwd=HERE.parent)


def _row(label: str, result: dict) -> str:
    phases = result["phases"]
    cells = [f"{phases[k][0]:.2f} / {phases[k][1]:.2f}" for k in PHASES]
    total = sum(phases[k][0] for k in PHASES), sum(phases[k][1] for k in PHASES)
    return (f"| {label} | " + " | ".join(cells) + f" | {total[0]:.2f} / {total[1]:.2f} | "
            f"{total[0] - phases['import'][0]:.2f} | {result['process']:.2f} | "
            f"{'yes' if result['sympy_imported'] else 'no'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="hh_gL0.3", choices=sorted(CASES))
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--no-auto", action="store_true")
    parser.add_argument("--compiles", action="store_true", help="list the functions numba compiled")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner, args.compiles)
        return
    with tempfile.TemporaryDirectory() as cache_dir, tempfile.TemporaryDirectory() as installed:
        began = time.perf_counter()
        cold = run_process(args.case, cache_dir, compiles=args.compiles)
        wait_for_kernels(cache_dir)
        kernels_cached = time.perf_counter() - began
        warm = [run_process(args.case, cache_dir, compiles=args.compiles) for _ in range(args.warm_runs)]
        numba_dir = os.path.join(installed, "numba")
        once = compile_kernels(os.path.join(installed, "kernels"), numba_dir)
        cold_model = run_process(args.case, os.path.join(installed, "model"), numba_dir, compiles=args.compiles)
    warm.sort(key=lambda r: sum(v[0] for v in r["phases"].values()))
    rows = [("cold (empty caches)", cold), ("cold model (kernels compiled before)", cold_model),
            (f"warm (median of {len(warm)})", warm[len(warm) // 2])]
    print(f"## {args.case}: special_points() from a new process, seconds wall / CPU\n")
    print("| process | " + " | ".join(PHASES) + " | total | after imports (wall) | whole process (wall) | sympy |")
    print("|---" * (len(PHASES) + 5) + "|")
    for label, result in rows:
        print(_row(label, result))
    print(f"\nKernels (cold process): {cold['kernels']}; in the cache {kernels_cached:.2f} s after its start")
    print(f"Compiling the model-independent kernels once (a process loading them): {once:.2f} s wall")
    if args.compiles:
        for label, result in rows:
            compiled = sorted(result["compiled"].items(), key=lambda item: -item[1][1])
            print(f"\n{label}: {len(compiled)} functions compiled, "
                  f"{sum(c[1] for _, c in compiled):.2f} s CPU" + "".join(
                      f"\n    {wall:6.2f} / {cpu:5.2f}  {function}" for function, (wall, cpu) in compiled))
    if not args.no_auto and args.case != "readme_hh":
        from benchmarks.continuation import CASES as AUTO_CASES
        from benchmarks.continuation import auto07p

        with tempfile.TemporaryDirectory() as workdir:
            auto = auto07p(AUTO_CASES[args.case], workdir)
        (first, second), (first_cpu, second_cpu) = auto["times"], auto["cpu"]
        print(f"\nAUTO-07p, same diagram: first run {first:.2f} s (compiles its Fortran), second {second:.2f} s; "
              f"CPU {first_cpu:.2f} / {second_cpu:.2f} s")


if __name__ == "__main__":
    main()
