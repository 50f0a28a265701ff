"""Arithmetic on truth values means what Python means, on every backend.

In Python a bool is an int: ``(V > 1.) + (V > 2.)`` is 2 where both hold, ``-(V > 1.)`` is -1 and
``abs``, ``min``, ``max``, ``sum`` and indexing take ``True`` as 1. A scalar-mode step compares NumPy
scalars under ``jit=False``, and NumPy's booleans are not ints (``np.True_ + np.True_`` is ``True``,
``-np.True_`` raises), while numba's are; the same step gave different numbers on the two backends.

In scalar mode this pass makes every truth value that meets arithmetic a number first: it writes
``(V > 1.0) * 1``, which is the int 1 or 0 for a truth value on every backend and leaves any number as it
is (``-0.0``, NaN and infinities too), so it needs no knowledge of types. A truth value is a comparison,
``not``, ``bool(...)``, ``True``/``False``, a local assigned one of these, and ``and``, ``or`` and
``... if ... else ...`` of them (the conversion goes into their operands, so ``(V > 1.) or 2.5`` keeps
its 2.5). It meets arithmetic as an operand of ``+ - * / //
% ** @ << >>`` (the base of ``**`` becomes a float, as Python's ``True ** -1`` is 1.0), of unary ``-``
and ``+``, as the value of an augmented assignment, as an index of a tuple or list the step makes (an
array's index stays a mask, as NumPy's ``a[a > 0.]``), and as an argument of ``abs``, ``min``, ``max``,
``sum``, ``round``, ``pow``, ``range`` and ``float`` (numba has no ``float`` of a bool). A helper
function of the user's receives the truth value as it is.
Truth values that only decide (``if``, ``while``, ``not``), are compared or stored in a field, and
``& | ^`` of truth values (a truth value in Python, NumPy and numba alike) are left as they are.

NumPy's truth functions (``np.isnan``, ``np.logical_and``, ...) return NumPy booleans even in plain
Python, whose ``+`` is ``or`` there and addition compiled: arithmetic directly on one of their results is
refused (``int(np.isnan(x))`` is the number; through a local, ``b = np.isnan(x)``, it counts as Python's
bools on both backends). ``~`` of a truth value is refused too: Python's is the bitwise inverse of 1 or 0
(-2 or -1, deprecated since Python 3.12), NumPy's and numba's is the negation, and a step that means one
would silently get the other.

In vector mode the fields are arrays and NumPy's rules for boolean arrays are the spec's: ``+`` and ``*``
of two truth values are ``or`` and ``and`` (written ``|`` and ``&`` here, because a line fused into an
element loop computes on numba's scalar bools, which add as numbers), ``~`` is the negation, and a truth
value meeting a number counts as 0 or 1. numba computes ``-`` of booleans where NumPy refuses it (``-`` of
one, or between two); that ``-`` is refused here on both backends.
"""

from __future__ import annotations

import ast
import linecache

from bp_core.codegen.tree import Pass, StepTree, origin
from bp_core.errors import ModelDefError

__all__ = ["BOOL_ARITHMETIC", "numbers_from_truth_values"]

_TRUTH_FUNCTIONS = {"isnan", "isinf", "isfinite", "logical_and", "logical_or", "logical_not", "logical_xor",
                    "signbit", "isclose", "array_equal", "any", "all"}
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult, ast.LShift,
               ast.RShift)
_NUMERIC_CALLS = {"abs", "min", "max", "sum", "round", "pow", "range", "float", "floor_divide", "remainder"}


def numbers_from_truth_values(statements: list[ast.stmt], scalar: bool, where: str,
                              source_file: str) -> list[ast.stmt]:
    """``statements`` with truth values that meet arithmetic made numbers (scalar mode), or refused.

    Parameters
    ----------
    statements : list of ast.stmt
        A step's statements, each stamped with its user's line (``tree.origin``).
    scalar : bool
        Scalar mode (each value one number); else vector mode (fields are arrays).
    where : str
        The step, for messages: ``"step function 'f' of model 'M'"``.
    source_file : str
        The file of the step's source (the lines of ``statements`` are its lines).
    """
    module = ast.Module(body=statements, type_ignores=[])
    sequences = {t.id for node in ast.walk(module) if isinstance(node, ast.Assign)
                 and isinstance(node.value, (ast.Tuple, ast.List)) for t in node.targets if isinstance(t, ast.Name)}
    converter = _Converter(_truth_names(module), sequences, scalar, where, source_file)
    for stmt in statements:
        converter.visit(stmt)
    return [ast.fix_missing_locations(s) for s in module.body]


def _is_truth(node: ast.AST, names: set[str]) -> bool:
    """Whether ``node`` may be a truth value (see the module docstring)."""
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not) or isinstance(node.op, ast.Invert) and _is_truth(node.operand, names)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, bool)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.BoolOp):
        return any(_is_truth(v, names) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _is_truth(node.body, names) or _is_truth(node.orelse, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        return _is_truth(node.left, names) and _is_truth(node.right, names)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "bool" or _is_numpy_truth(node)
    return False


def _is_numpy_truth(node: ast.AST) -> bool:
    """A call of one of NumPy's functions that return a NumPy boolean for numbers (``np.isnan(x)``)."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy") and \
        node.func.attr in _TRUTH_FUNCTIONS


def _truth_names(module: ast.Module) -> set[str]:
    """Locals that are assigned a truth value somewhere (then they may hold one)."""
    names: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in ast.walk(module):
            pairs = []
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and \
                            len(target.elts) == len(node.value.elts):
                        pairs += list(zip(target.elts, node.value.elts))
                    else:
                        pairs.append((target, node.value))
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                pairs.append((node.target, node.value))
            for target, value in pairs:
                if isinstance(target, ast.Name) and target.id not in names and _is_truth(value, names):
                    names.add(target.id)
                    changed = True
    return names


class _Converter(ast.NodeTransformer):
    def __init__(self, names: set[str], sequences: set[str], scalar: bool, where: str, source_file: str):
        self.names = names
        self.sequences = sequences
        self.scalar = scalar
        self.where = where
        self.source_file = source_file
        self.line: int | None = None

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.stmt) and origin(node) is not None:
            self.line = origin(node)
        return super().visit(node)

    def _number(self, node: ast.expr, one: float | int = 1) -> ast.expr:
        """``node`` made a number where it may be a truth value (scalar mode)."""
        if not self.scalar or not _is_truth(node, self.names):
            return node
        if isinstance(node, ast.BoolOp):
            node.values = [self._number(v, one) for v in node.values]
            return node
        if isinstance(node, ast.IfExp):
            node.body, node.orelse = self._number(node.body, one), self._number(node.orelse, one)
            return node
        if _is_numpy_truth(node):
            raise self._refuse("does arithmetic on a NumPy truth value",
                               "NumPy's booleans add as 'or' in Python and as numbers compiled: convert it first, "
                               "int(...) for Python's 0 or 1, or write the logic with & | and 'not'.")
        return ast.copy_location(ast.BinOp(node, ast.Mult(), ast.Constant(one)), node)

    def _refuse(self, why: str, fix: str) -> ModelDefError:
        text = linecache.getline(self.source_file, self.line or 0).strip()
        return ModelDefError(f"{self.where} {why} ({self.source_file}, line {self.line}: {text}); {fix}")

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, _ARITHMETIC):
            return node
        if not self.scalar and isinstance(node.op, ast.Sub) and \
                _is_truth(node.left, self.names) and _is_truth(node.right, self.names):
            raise self._refuse("subtracts truth values", "NumPy refuses '-' of boolean arrays (numba "
                               "computes it): write np.logical_xor(a, b) or a & ~b for the truth values, or "
                               "convert first, (a * 1.0) - (b * 1.0), for numbers.")
        if not self.scalar and isinstance(node.op, (ast.Add, ast.Mult)) and \
                _is_truth(node.left, self.names) and _is_truth(node.right, self.names):
            # NumPy's + and * of booleans are 'or' and 'and'; numba's, once a pass fuses the line into an element
            # loop, are those of Python's bools
            node.op = ast.BitOr() if isinstance(node.op, ast.Add) else ast.BitAnd()
            return node
        node.left = self._number(node.left, 1. if isinstance(node.op, ast.Pow) else 1)
        node.right = self._number(node.right)
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if not _is_truth(node.operand, self.names):
            return node
        if isinstance(node.op, ast.Invert) and self.scalar:
            raise self._refuse("inverts a truth value with '~'", "in Python ~True is -2 and ~False is -1 "
                               "(the bitwise inverse of 1 and 0), while NumPy and numba negate: write "
                               "'not (...)' for the negation, or ~int(...) for the bitwise inverse.")
        if isinstance(node.op, ast.USub) and not self.scalar:
            raise self._refuse("negates truth values with '-'", "NumPy refuses '-' of boolean arrays "
                               "(numba computes it): write ~(...) or np.logical_not(...) for the negation, or "
                               "-(... * 1.0) for numbers.")
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            node.operand = self._number(node.operand)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, _ARITHMETIC):
            node.value = self._number(node.value, 1. if isinstance(node.op, ast.Pow) else 1)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        # only a tuple or list of the step's own: an array indexed by a truth value is NumPy's mask in Python
        # (a[a > 0.]), which a conversion would turn into positions
        if isinstance(node.value, (ast.Tuple, ast.List)) or \
                isinstance(node.value, ast.Name) and node.value.id in self.sequences:
            node.slice = self._number(node.slice)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _NUMERIC_CALLS:
            node.args = [self._number(self._elements(a)) for a in node.args]
        return node

    def _elements(self, node: ast.expr) -> ast.expr:
        """A list or tuple given to a function (``sum([a > 0., b > 0.])``) with its truth values made numbers."""
        if isinstance(node, (ast.List, ast.Tuple)):
            node.elts = [self._number(e) for e in node.elts]
        return node


def _run(tree: StepTree) -> None:
    step = tree.inputs.step
    tree.body = numbers_from_truth_values(tree.body, tree.scalar, step.where(), step.source_file)
    tree.prelude = numbers_from_truth_values(tree.prelude, tree.scalar, step.where(), step.source_file)


BOOL_ARITHMETIC = Pass("truth values as numbers", _run)
