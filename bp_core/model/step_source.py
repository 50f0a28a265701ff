"""Step functions written by the engine's library: from a source text, or from a step with some fields renamed.

Step analysis reads the fields a step touches from its source (``ST['V']``, ``post['input']``: literal keys),
so a step whose field is chosen by an argument (a Poisson drive's target, the field a plasticity rule adds its
weight to) is written as source with the name in it. The source is registered with ``linecache``, so
``inspect`` reads it back as it reads a file's, and an error in it shows its line.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import linecache
import textwrap
from typing import Any, Callable

__all__ = ["step_from_source", "with_fields_renamed"]

_sources = itertools.count()


def step_from_source(source: str, name: str, namespace: dict[str, Any], origin: str) -> Callable:
    """The function ``name`` that ``source`` defines, run in a copy of ``namespace``.

    Parameters
    ----------
    source : str
        Python source defining a function ``name``.
    name : str
    namespace : dict
        The function's globals (modules, helpers, the values it reads as parameters).
    origin : str
        What wrote it, shown as its file name (``<bp_core origin k>``).
    """
    filename = f"<bp_core {origin} {next(_sources)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = dict(namespace)
    exec(compile(source, filename, "exec"), scope)
    return scope[name]


def with_fields_renamed(step: Callable, role: str, renames: dict[str, str], origin: str) -> Callable:
    """A copy of ``step`` where ``role[old]`` reads ``role[new]`` for each ``old: new`` of ``renames``.

    The copy reads the values ``step`` closes over and its module's globals as its globals, so they stay its
    parameters.

    Parameters
    ----------
    step : function
        A step defined with ``def`` (its source readable by ``inspect``).
    role : str
        The argument whose keys are renamed (``'post'``, ``'pre'``, ``'ST'``).
    renames : dict
        Field name -> the name it becomes.
    origin : str
        What wrote the copy (``step_from_source``).
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(step)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == role and \
                isinstance(node.slice, ast.Constant) and node.slice.value in renames:
            node.slice = ast.Constant(renames[node.slice.value])
    closure = inspect.getclosurevars(step)
    namespace = {**step.__globals__, **closure.nonlocals}
    return step_from_source(ast.unparse(tree) + "\n", step.__name__, namespace, origin)
