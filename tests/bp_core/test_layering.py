"""The layers hold: the import-linter contracts of pyproject.toml, and what importing the engine loads."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import bp_core as bp
print(sorted(m for m in ("numba", "ipywidgets", "bqplot", "traitlets", "anywidget") if m in sys.modules))

def decay(x, t):
    return -x

bp.integrate(decay, method="rk4")(1.0, 0.0)
print(sorted(m for m in ("ipywidgets", "bqplot", "traitlets", "anywidget") if m in sys.modules))
"""


def test_import_contracts_are_kept():
    result = subprocess.run(["lint-imports", "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_engine_loads_numba_only_to_compile_and_never_a_widget_library(tmp_path):
    script = tmp_path / "use_engine.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "[]"]


LOADED_WHEN_NEEDED = {"bp_core.backend.compile": "numba", "bp_core.dynamics.condensation_kernels": "numba",
                      "bp_core.dynamics.plots": "matplotlib",
                      "bp_core.integration.exponential": "sympy", "bp_core.integration.sympy_tools": "sympy"}
"""The only engine modules imported inside functions, and the heavy library each one brings in."""


def test_no_function_level_import_dodges_a_cycle():
    import ast

    found = set()
    for path in (ROOT / "bp_core").rglob("*.py"):
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bp_core"):
                    found |= {f"{node.module}.{a.name}" if node.module == "bp_core.dynamics" else node.module
                              for a in node.names}
                elif isinstance(node, ast.Import):
                    found |= {a.name for a in node.names if a.name.startswith("bp_core")}
    assert found and found <= set(LOADED_WHEN_NEEDED), sorted(found - set(LOADED_WHEN_NEEDED))
