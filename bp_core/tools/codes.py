"""Helpers to read, rewrite and format Python source text."""

from __future__ import annotations

import ast
import inspect
import re
from typing import Callable

__all__ = [
    "get_identifiers", "word_replace", "indent", "deindent", "get_line_indent", "ast2code",
    "format_code", "get_func_source", "get_main_code", "is_lambda_function", "func_call",
]

_IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def get_identifiers(expr: str, include_numbers: bool = False) -> set[str]:
    """Return every identifier-like word in ``expr`` (and number literals if asked).

    Examples
    --------
    >>> sorted(get_identifiers('3-a*_b+c5+8+f(A - .3e-10, tau_2)*17'))
    ['A', '_b', 'a', 'c5', 'f', 'tau_2']
    """
    without_numbers = _NUMBER.sub(" ", expr)
    identifiers = set(_IDENTIFIER.findall(without_numbers))
    if include_numbers:
        identifiers |= set(_NUMBER.findall(expr))
    return identifiers


def word_replace(expr: str, substitutions: dict[str, str]) -> str:
    """Replace whole words of ``expr`` following ``substitutions``.

    Examples
    --------
    >>> word_replace('a*_b+c5+8+f(A)', {'a': 'banana', 'f': 'func'})
    'banana*_b+c5+8+func(A)'
    """
    if not substitutions:
        return expr
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in substitutions) + r")\b")
    return pattern.sub(lambda m: substitutions[m.group(1)], expr)


def get_line_indent(line: str, spaces_per_tab: int = 4) -> int:
    """Return the indentation of ``line`` in spaces (tabs count ``spaces_per_tab``)."""
    line = line.replace("\t", " " * spaces_per_tab)
    return len(line) - len(line.lstrip(" "))


def indent(text: str, num_tabs: int = 1, spaces_per_tab: int = 4, tab: str | None = None) -> str:
    """Indent every line of ``text`` by ``num_tabs`` tabs (``tab`` or spaces)."""
    prefix = (tab if tab is not None else " " * spaces_per_tab) * num_tabs
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))


def deindent(text: str, num_tabs: int | None = None, spaces_per_tab: int = 4, docstring: bool = False) -> str:
    """Remove indentation from ``text``.

    Parameters
    ----------
    num_tabs : int, optional
        Remove this many tabs; by default, the common indentation of all lines.
    docstring : bool
        Ignore the first line when measuring the common indentation, as docstrings need.
    """
    text = text.replace("\t", " " * spaces_per_tab)
    lines = text.split("\n")
    measured = lines[1:] if docstring else lines
    if num_tabs is None:
        widths = [get_line_indent(ln) for ln in measured if ln.strip()]
        width = min(widths) if widths else 0
    else:
        width = num_tabs * spaces_per_tab
    out = []
    for i, line in enumerate(lines):
        if docstring and i == 0:
            out.append(line.lstrip())
        else:
            cut = min(width, get_line_indent(line))
            out.append(line[cut:])
    return "\n".join(out)


def ast2code(ast_node: ast.AST, indent: int = 4, line_length: int = 100) -> str:
    """Turn an AST back into Python source (``ast.unparse``, re-indented to ``indent`` spaces)."""
    del line_length  # ast.unparse does not wrap lines; kept for API compatibility
    code = ast.unparse(ast_node)
    if indent != 4:
        code = "\n".join(" " * (get_line_indent(ln) // 4 * indent) + ln.lstrip() for ln in code.split("\n"))
    return code


def format_code(code_string: str) -> list[str]:
    """Return the top-level statements of ``code_string``, one normalised statement each."""
    tree = ast.parse(deindent(code_string))
    return [ast.unparse(stmt) for stmt in tree.body]


def is_lambda_function(func: Callable) -> bool:
    """Return True when ``func`` is a lambda."""
    return inspect.isfunction(func) and func.__name__ == "<lambda>"


def get_func_source(func: Callable) -> str:
    """Return the dedented source of ``func``, decorators included."""
    return deindent(inspect.getsource(func))


def get_main_code(func: Callable | None) -> str:
    """Return the body of ``func`` as source: the statements of a ``def``, the expression of a lambda."""
    if func is None:
        return ""
    source = get_func_source(func)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if is_lambda_function(func) and isinstance(node, ast.Lambda):
            return ast.unparse(node.body)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func.__name__:
            return "\n".join(ast.unparse(stmt) for stmt in node.body)
    raise ValueError(f"cannot find the source of function {func.__name__!r}")


def func_call(args: list[str] | tuple[str, ...]) -> str:
    """Return the argument list ``'a, b, c'`` for a call written in generated code."""
    return ", ".join(args)


