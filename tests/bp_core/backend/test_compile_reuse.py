"""What is computed once and reused: runtime helpers across kernels and processes, identical functions within
a kernel, memoized results across processes; and a kernel's callees are never written to the cache on their
own."""

import os
import subprocess
import sys
import textwrap

from bp_core.backend import cache
from bp_core.backend import compile as compile_module

HELPER_COMPILES = textwrap.dedent("""
    import numpy as np
    from numba.core import event
    import bp_core as bp

    compiled = []

    class Names(event.Listener):
        def on_start(self, ev):
            compiled.append(ev.data["dispatcher"].py_func.__qualname__)

        def on_end(self, ev):
            pass

    event.register("numba:compile", Names())


    def update(ST, _t):
        ST['V'] = ST['V'] * {growth} + 1.
        ST['spike'] = 1. if ST['V'] > 3. else 0.
        if ST['spike'] > 0.:
            ST['V'] = 0.
        ST['k'] = np.random.binomial(40, 0.7)


    model = bp.NeuType(name='Counter', ST=bp.types.NeuState(['V', 'spike', 'k']), steps=update, mode='scalar')
    group = bp.NeuGroup(model, 70, monitors=['spike'])
    group.run(2.)
    print(int(group.mon.spike.sum()))
    print(" ".join(sorted(set(compiled))))
""")


def test_runtime_helpers_are_compiled_once_for_every_later_kernel_and_process(tmp_path):
    # numba's cache (the helpers' included) in a folder of this test's own: the first process starts cold
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "bp"), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    runs = []
    for growth in ("1.0", "1.5"):  # two models: two kernel sources
        script = tmp_path / f"run_counter_{growth[-1]}.py"
        script.write_text(HELPER_COMPILES.format(growth=growth))
        runs.append(subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                                   check=True).stdout.split("\n"))
    first, second = (set(run[1].split()) for run in runs)
    helper = "_record_events.<locals>.impl"  # the spike monitor's recorder
    draw = "random_binomial"  # numba's Generator.binomial, inside the helper np.random.binomial(n, p) becomes
    assert helper in first and draw in first and "run_kernel" in first
    assert "run_kernel" in second  # a new kernel, compiled in a new process ...
    assert helper not in second and draw not in second  # ... with the recorder and the draw loaded from the cache
    # 20 steps of 0.1 ms: V goes 1, 2, 3, 4 -> spike and reset (every 4th step); at 1.5: 1, 2.5, 4.75 (every 3rd)
    assert int(runs[0][0]) == 70 * 5
    assert int(runs[1][0]) == 70 * 6


TWO_STEPS = """
def first_step(x):
    '''The step of one object.'''
    return x * 2.0 + 1.0


def second_step(x):
    '''The same step of another object.'''
    return x * 2.0 + 1.0


def other_step(x):
    return x * 3.0


def entry(x):
    return first_step(x) + second_step(x) + other_step(x)
"""


def test_functions_differing_only_in_name_and_docstring_share_one_compiled_function(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    compiled = compile_module.compile_source(TWO_STEPS, "entry", {}, jit=True)
    assert compiled(1.0) == 9.0
    module = compiled.py_func.__globals__
    assert module["first_step"] is module["second_step"]
    assert module["first_step"] is not module["other_step"]
    assert len(module["first_step"].signatures) == 1


def test_only_the_entry_of_a_generated_module_is_written_to_numbas_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    compiled = compile_module.compile_source(TWO_STEPS.replace("3.0", "4.0"), "entry", {}, jit=True)
    assert compiled(1.0) == 10.0
    # the entry's cached code holds the callees: a new process loads it without them
    indexes = (tmp_path / "generated" / "__pycache__").glob("*.nbi")
    assert sorted(p.name.split(".")[1].split("-")[0] for p in indexes) == ["entry"]


def test_memoized_values_are_computed_once_and_again_when_their_file_is_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_CORE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_MEMO", {})
    calls = []

    def compute():
        calls.append(1)
        return {"derivative": "-1 / tau", "opaque": {}}

    first = cache.memoized("unit", ["key"], compute)
    monkeypatch.setattr(cache, "_MEMO", {})  # as a new process: read from the file
    assert cache.memoized("unit", ["key"], compute) == first == {"derivative": "-1 / tau", "opaque": {}}
    assert len(calls) == 1
    (stored,) = (tmp_path / "generated").glob("unit_*.json")
    stored.write_text('{"derivative": "-1')  # cut short
    monkeypatch.setattr(cache, "_MEMO", {})
    assert cache.memoized("unit", ["key"], compute) == first and len(calls) == 2
    assert cache.memoized("unit", ["another key"], compute) == first and len(calls) == 3
