"""What one thread of the blocked kernel (``codegen.blocks``) runs on its slice besides steps and arrivals.

Each function lowers one kernel operation, or tells one fact, for the slice ``G_bk_a:G_bk_b`` of the group whose
state variable is ``G`` (the placeholder prefix): records of whole rows and of chosen elements, inputs, and the
chunk loop of a step that draws random numbers (each chunk from its own generator, ``G_bk_rng[G_bk_g + _bk_c]``).
"""

from __future__ import annotations

import ast
import copy

from bp_core.codegen.analyses import element_local
from bp_core.codegen.kernel_ops.inputs import ApplyInput
from bp_core.codegen.kernel_ops.syntax import expression, names_read, statement, statements

__all__ = ["record_on_slice", "input_on_slice", "draws_per_element", "in_chunks"]

# an input on a slice: its value (by whether it is given per step, and per element) and how it is applied
_INPUT_VALUES = {(False, False): "VALUE", (False, True): "VALUE[G_bk_a:G_bk_b]", (True, False): "VALUE[_mon0 + _k]",
                 (True, True): "VALUE[_mon0 + _k, G_bk_a:G_bk_b]"}
_INPUT_OPS = {"=": "STATE[ROW, G_bk_a:G_bk_b] = VALUE", "+": "STATE[ROW, G_bk_a:G_bk_b] += VALUE",
              "-": "STATE[ROW, G_bk_a:G_bk_b] -= VALUE", "*": "STATE[ROW, G_bk_a:G_bk_b] *= VALUE",
              "/": "STATE[ROW, G_bk_a:G_bk_b] /= VALUE"}

_ROW = "for _bk_e in range(G_bk_a, G_bk_b):\n    VAR[ROW, _bk_e] = VALUES[_bk_e]"
_SELECTED = ("for _bk_s in range(SEL.shape[0]):\n"
             "    _bk_e = SEL[_bk_s]\n"
             "    if _bk_e >= G_bk_a and _bk_e < G_bk_b:\n"
             "        VAR[ROW, _bk_s] = VALUES[_bk_e]")


def record_on_slice(var: str, values: str, every: int, first: str, group: str, selected: bool) -> list[ast.stmt]:
    """A dense record (``selected``: of the elements listed in ``<var>_sel``): the thread writes the columns of
    its slice's elements in the step's row (every ``every``-th step, rows counted from ``first``)."""
    row = expression("_mon0 + _k") if every <= 1 else expression("_i // EVERY - FIRST", EVERY=every, FIRST=first)
    copy_row = statement(_SELECTED if selected else _ROW, {"G": group}, SEL=f"{var}_sel", VAR=var, ROW=row,
                         VALUES=values)
    if every <= 1:
        return [copy_row]
    sampled = statement("if _i % EVERY == 0:\n    pass", EVERY=every)
    assert isinstance(sampled, ast.If)
    sampled.body = [copy_row]
    return [sampled]


def input_on_slice(op: ApplyInput, size: int, shape: tuple[int, ...] | None) -> list[ast.stmt] | str:
    """``op`` on the slice of a group of ``size`` elements whose input value has ``shape`` (without its time
    axis): one value, or the slice's part of one value per element; or why it cannot be (a sentence)."""
    if shape is None or shape not in ((), (size,)):
        return f"has a value of shape {shape}, neither one value nor one per element"
    if op.op not in _INPUT_OPS:
        return f"has the operation {op.op!r}"
    value = expression(_INPUT_VALUES[op.iterated, bool(shape)], {"G": op.state}, VALUE=op.variable)
    return statements(_INPUT_OPS[op.op], {"G": op.state}, STATE=op.state, ROW=op.row, VALUE=value)


def draws_per_element(source: str, args: tuple, own: set[str]) -> bool:
    """Whether the generated scalar-mode step ``source``, called with ``args`` (kernel variables; ``own``: those
    that are rows of its own group), writes only its element's fields and draws random numbers (``_rng``) in
    its element loop only: its elements may then run chunk by chunk, each chunk with its own generator."""
    (tree,) = ast.parse(source).body
    assert isinstance(tree, ast.FunctionDef)
    params = [a.arg for a in tree.args.args]
    if "_rng" not in args or len(params) != len(args):
        return False
    own_rows = {p for p, arg in zip(params, args) if arg in own}
    loops = [s for s in tree.body if isinstance(s, ast.For)]
    if len(loops) != 1 or not isinstance(loops[0].target, ast.Name) or loops[0].target.id != "_obj_i":
        return False
    if params[args.index("_rng")] in names_read([s for s in tree.body if s is not loops[0]]):
        return False
    # the folded finite check accumulates over elements, and does so in each chunk alike
    body = _WithoutFiniteFlag().visit(ast.Module(body=copy.deepcopy(loops[0].body), type_ignores=[])).body
    return element_local(body, own_rows, "")


class _WithoutFiniteFlag(ast.NodeTransformer):
    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        if isinstance(node.target, ast.Name) and node.target.id == "_nonfinite":
            return ast.Pass()
        return node


def in_chunks(group: str, call: list[ast.stmt]) -> list[ast.stmt]:
    """``call`` (which reads ``_bk_ca:_bk_cz`` and ``G_bk_rng[G_bk_g + _bk_c]``) for each chunk of the thread's
    slice, with the generators of the row of the step's cell (``random_streams``)."""
    row = statement("G_bk_g = (_bk_o + _i) // _bk_cell * (G_bk_cb.shape[0] - 1)", {"G": group})
    chunks = statement("for _bk_c in range(G_bk_ck[_th], G_bk_ck[_th + 1]):\n"
                       "    _bk_ca = G_bk_cb[_bk_c]\n"
                       "    _bk_cz = G_bk_cb[_bk_c + 1]", {"G": group})
    assert isinstance(chunks, ast.For)
    chunks.body += call
    return [row, chunks]
