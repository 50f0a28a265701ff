"""Run one documentation page's cells in a fresh interpreter, as a reader runs them in a notebook.

The cells share one namespace and run in order; each cell's source is registered with ``linecache`` under a
cell name, as IPython does, so that the engine reads step functions from it. A cell that raises does not
stop the page: the next cells run, as they would in a notebook. Matplotlib draws with the Agg backend and
``plt.show`` returns at once. The result, per cell: the error (type and message), what it printed, and
the repr of its trailing expression's value.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

CELLS = Path(__file__).with_name("cells.json")

_DRIVER = r'''
import ast, contextlib, io, json, linecache, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
plt.show = lambda *a, **k: None
cells = json.loads(sys.stdin.readline())
namespace = {"__name__": "__main__"}
results = []
for cell in cells:
    name = "<cell [%s] line %d>" % (cell["count"], cell["line"])
    src = cell["source"]
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)
    tree = ast.parse(src)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out, result = io.StringIO(), {"line": cell["line"], "error": None, "value": None}
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(tree, name, "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
                result["value"] = None if value is None else repr(value)
    except BaseException as e:
        result["error"] = "%s: %s" % (type(e).__name__, e)
    result["stdout"] = out.getvalue()[-20000:]
    results.append(result)
    plt.close("all")
print("\n@@RESULTS@@" + json.dumps(results))
'''


def page_cells(title: str) -> list[dict[str, Any]]:
    """The cells of the page titled ``title``, with ``import brainpy as bp`` made ``import bp_core as bp``."""
    for page in json.loads(CELLS.read_text(encoding="utf-8")):
        if page["title"] == title:
            cells = page["cells"]
            for cell in cells:
                cell["source"] = re.sub(r"^(\s*)import brainpy as bp\b", r"\1import bp_core as bp",
                                        cell["source"], flags=re.M)
            return cells
    raise KeyError(title)


def run_page(cells: list[dict[str, Any]], timeout: float = 600.0, stdin: str = "") -> dict[int, dict[str, Any]]:
    """Run ``cells`` in a fresh interpreter; the results keyed by each cell's line in the documentation."""
    proc = subprocess.run([sys.executable, "-c", _DRIVER], input=json.dumps(cells) + "\n" + stdin,
                          capture_output=True, text=True, timeout=timeout)
    marker = proc.stdout.rfind("@@RESULTS@@")
    assert marker >= 0, f"the page's interpreter died (rc {proc.returncode}): {proc.stderr[-3000:]}"
    return {r["line"]: r for r in json.loads(proc.stdout[marker + len("@@RESULTS@@"):])}
