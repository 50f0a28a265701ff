"""The examples benchmark reports an example whose side fails and still runs the others; Brian2's environment
holds every package the Brian2 scripts import."""

import ast
import sys
from pathlib import Path

import pytest

from benchmarks import examples

ROOT = Path(__file__).resolve().parents[2]
BRIAN2_SCRIPTS = [*sorted((ROOT / "benchmarks" / "brian2_examples").glob("*.py")),
                  ROOT / "benchmarks" / "peers" / "spec_models_brian2.py"]
OK_SCRIPT = 'import json; print(json.dumps({"per_seed": [{"run_s": 0.5, "rate_hz": 3.0}]}))\n'


def _fake_ours(run_s, value):
    def ours(seed, duration, **size):
        return {'run_s': run_s, 'rate_hz': value}
    return ours


@pytest.fixture
def two_examples(tmp_path, monkeypatch):
    """'broken', whose Brian2 script fails as a missing package makes it fail, and 'fine' after it."""
    (tmp_path / "broken.py").write_text("import no_such_package_here\n")
    (tmp_path / "fine.py").write_text(OK_SCRIPT)
    monkeypatch.setattr(examples, "SCRIPTS", tmp_path)
    monkeypatch.setattr(examples, "PYTHON", Path(sys.executable))
    monkeypatch.setattr(examples, "EXAMPLES", {
        'broken': (_fake_ours(0.25, 2.0), 'rate_hz', 'cpp_standalone', (10., {}), (1., {})),
        'fine': (_fake_ours(1.0, 3.5), 'rate_hz', 'cython', (10., {}), (1., {}))})
    monkeypatch.setattr(examples, "MODULES", ())


def test_a_failing_brian2_script_is_a_failed_row_and_the_next_example_runs(two_examples, capsys):
    status = examples.main(["--only", "broken", "fine"])
    table = capsys.readouterr().out.splitlines()
    broken, fine = table[2].split(" | "), table[3].split(" | ")
    assert status == 1
    assert broken[0] == "| broken" and broken[1] == "0.250 s" and broken[4] == "-" and broken[6] == "2"
    assert broken[2].startswith("failed: Brian2's script exited with status 1: ModuleNotFoundError")
    assert "no_such_package_here" in broken[2] and "pip install -r" in broken[2] and broken[7] == "- |"
    assert fine == ["| fine", "1.000 s", "0.500 s", "cython", "2.00", "rate_hz", "3.5", "3 |"]


def test_a_failing_port_is_a_failed_row_and_brian2_still_runs(two_examples, capsys):
    def raises(**_):
        raise ZeroDivisionError("division by zero")
    examples.EXAMPLES['fine'] = (raises, *examples.EXAMPLES['fine'][1:])
    assert examples.main(["--only", "fine"]) == 1
    row = capsys.readouterr().out.splitlines()[2].split(" | ")
    assert row[1] == "failed: ZeroDivisionError: division by zero" and row[2] == "0.500 s" and row[7] == "3 |"


def test_all_sides_running_exits_zero(two_examples, capsys):
    assert examples.main(["--only", "fine"]) == 0
    assert "failed" not in capsys.readouterr().out


def test_a_missing_brian2_environment_is_reported(two_examples, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(examples, "PYTHON", tmp_path / "no-venv" / "bin" / "python")
    assert examples.main(["--only", "fine"]) == 1
    assert "did not start" in capsys.readouterr().out


def _third_party_imports(path: Path) -> set[str]:
    local = {p.stem for p in path.parent.glob("*.py")}
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in local and n != "__future__"}


def test_brian2_requirements_cover_the_scripts_imports():
    """A package a Brian2 script imports but Brian2 does not install (SciPy) is in peers/requirements.txt, so a
    newly made environment runs the script."""
    lines = (ROOT / "benchmarks" / "peers" / "requirements.txt").read_text().splitlines()
    required = {line.split("=")[0].split("<")[0].split(">")[0].strip().lower()
                for line in lines if line.strip() and not line.startswith("#")}
    imported = set().union(*map(_third_party_imports, BRIAN2_SCRIPTS))
    assert {"brian2", "numpy", "scipy"} <= imported
    assert imported <= required
