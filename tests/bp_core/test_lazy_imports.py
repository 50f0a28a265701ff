"""``import bp_core`` stays light: the heavy libraries load when the feature that needs them is first used, and
every public name of the spec is still there."""

import os
import subprocess
import sys

import pytest

HEAVY = ("sympy", "scipy", "matplotlib", "dask", "distributed", "pynwb", "networkx", "numba")

SCRIPT = """
import sys
import bp_core as bp
print(sorted(m for m in {heavy!r} if m in sys.modules))
{use}
print(sorted(m for m in {heavy!r} if m in sys.modules))
"""


def loaded(tmp_path, use: str = "pass") -> tuple[list[str], list[str]]:
    """The heavy modules loaded after ``import bp_core``, and after running ``use`` (from a file: the integrator
    reads its function's source)."""
    script = tmp_path / "use_engine.py"
    script.write_text(SCRIPT.format(heavy=HEAVY, use=use))
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache")}  # starts empty: nothing is read from it
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                         env=env).stdout.split("\n")
    return eval(out[0]), eval(out[1])  # noqa: S307 - our own script's printed lists


def test_import_bp_core_loads_no_heavy_library(tmp_path):
    after_import, _ = loaded(tmp_path)
    assert after_import == []


@pytest.mark.parametrize("use, brings", [
    # sympy waits for the first model analysed (and its derivation is cached), scipy for the first sparse matrix
    ("bp.dynamics", set()),
    ("bp.PhasePortraitAnalyzer", set()),
    ("bp.measure", {"scipy"}),
    ("bp.connect.SmallWorld", {"networkx"}),
    ("bp.integration.SympyPrinter", {"sympy"}),
    ("def decay(x, t):\n    return -x\nbp.integrate(decay, method='exponential')(1.0, 0.0)", {"sympy"}),
    ("def decay(x, t):\n    return -x\nbp.integrate(decay, method='rk4')(1.0, 0.0)", set()),
])
def test_a_feature_loads_its_library_on_first_use(tmp_path, use, brings):
    after_import, after_use = loaded(tmp_path, use)
    assert after_import == [] and brings <= set(after_use)
    if not brings:  # a method other than exponential Euler needs no sympy
        assert "sympy" not in after_use


def test_a_process_integrating_an_equation_integrated_before_needs_no_sympy(tmp_path):
    # exponential Euler's symbolic derivative is read from the cache (backend.cache.memoized)
    use = "def decay(x, t):\n    return -x / 3.\nbp.integrate(decay, method='exponential')(1.0, 0.0)"
    first, second = loaded(tmp_path, use)[1], loaded(tmp_path, use)[1]
    assert "sympy" in first and "sympy" not in second


def test_every_public_name_is_still_importable():
    import bp_core
    import bp_core.connect
    import bp_core.integration

    for package in (bp_core, bp_core.connect, bp_core.integration):
        for name in package.__all__:
            assert getattr(package, name) is not None, f"{package.__name__}.{name}"
            assert name in dir(package)
    from bp_core import BifurcationAnalyzer, dynamics, visualize  # the spec's `from brainpy import ...` forms

    assert BifurcationAnalyzer is dynamics.BifurcationAnalyzer and callable(visualize.raster_plot)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        bp_core.not_a_name  # noqa: B018



def test_a_warm_diagram_with_cycles_imports_no_scipy_submodule(tmp_path):
    # numba's import brings scipy's top-level package (a few modules), and compiling sets up numba's linear
    # algebra, which imports scipy's; a process whose field and kernels load from the caches needs neither, nor
    # scipy's sparse matrices (a quarter of a second), which are for the analyses that build one
    use = """
analyzer = bp.BifurcationAnalyzer(bp.models.get_FitzHughNagumo(), {"Iext": [0.0, 1.0]},
                                  {"v": [-3, 3], "w": [-3, 3]}, par_resolution=0.05)
assert "H" in [p.label for p in analyzer.special_points()] and analyzer.cycle_branches()
print(sorted(m for m in sys.modules if m.startswith(("scipy.sparse", "scipy.linalg", "scipy.special"))))
"""
    script = tmp_path / "diagram.py"
    script.write_text(SCRIPT.format(heavy=HEAVY, use=use))
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache"), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    runs = [subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                           env=env).stdout.split("\n")[1] for _ in range(2)]
    assert "scipy.linalg" in runs[0]  # the first process compiled: the check below can see an import
    assert eval(runs[1]) == []  # noqa: S307 - our own script's printed list
