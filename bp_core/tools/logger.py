"""Printing of generated code and of the names it uses."""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["show_code_str", "show_code_scope", "show_passes"]


def show_code_str(func_code: str) -> None:
    """Print source code with line numbers."""
    lines = func_code.rstrip("\n").split("\n")
    width = len(str(len(lines)))
    print("\n".join(f"{i + 1:>{width}}  {line}" for i, line in enumerate(lines)))


def show_passes(target: Any, obj: Any = None, step: str | None = None) -> None:
    """Print the step functions of ``target`` (a Network or NeuGroup) after every pass of the code generator.

    Parameters
    ----------
    target : Network or NeuGroup
    obj : NeuGroup, SynConn or str, optional
        For a network: only this object.
    step : str, optional
        Only the step functions of this name.
    """
    traced = target.passes(step=step) if obj is None else target.passes(obj, step=step)
    print("\n\n".join(str(stages) for stages in traced))


def show_code_scope(code_scope: dict[str, Any], ignores: Iterable[str] = ()) -> None:
    """Print the global names a piece of generated code uses, one per line."""
    ignores = set(ignores)
    print("code scope:")
    for name in sorted(code_scope):
        if name in ignores:
            continue
        text = repr(code_scope[name])
        print(f"  {name} = {text if len(text) <= 80 else text[:77] + '...'}")
