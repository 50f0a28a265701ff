"""The loop over elements of a step run on a GPU: one thread per element (or per event).

For the GPU target this pass takes the place of ``loop over elements``. A scalar-mode step's body
runs once per thread, guarded by the element count::

    for _obj_i in range(n):              _obj_i = cuda.grid(1)
        <body>                   ->      if _obj_i < n:
                                             <body>

A vector-mode step that works element by element on its own fields (``V = ST_V + ...; ST_V[:] = V``)
runs one thread per element too. One that holds one top-level loop over its elements or over this step's
event list (``follow event lists`` makes the latter) has that loop become the grid, so a
synapse step runs one thread per spiking presynaptic neuron, which walks its row. The statements
inside the grid get their device forms (atomic adds for shared stores, a device flag for finite checks,
``math`` for NumPy, per-thread random generators) from ``codegen.device_forms``, which refuses what has
none, naming the step and the user's line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bp_core.codegen.device_bounds import check_indices
from bp_core.codegen.device_forms import STEP_ARG, DeviceRewriter, numpy_function, python_form, refuse, refuse_random
from bp_core.codegen.device_host_values import HostValues, take_host_values
from bp_core.codegen.tree import StepTree, located, origin

__all__ = ["GridShape", "grid_loop"]


@dataclass(frozen=True)
class GridShape:
    """How many threads a step kernel needs.

    Attributes
    ----------
    setup : str
        Statements to run (in Python, on the host, with the step's arguments) before ``count``.
    count : str
        Expression of the step's arguments: the number of threads; empty when ``events`` is set.
    events : str
        The event-list argument the grid follows (one thread per event of this step), or ''.
    random : bool
        The kernel draws random numbers (it takes the threads' generators as its last argument).
    checked : bool
        It takes the bounds flag: its indices of user data are checked (``codegen.device_bounds``), or
        it raises (a ``raise`` lowers the flag to its step and line and ends the thread).
    host : HostValues
        Values the host computes before the launch (``codegen.device_host_values``).
    raises : tuple of (int, str)
        The user's line of each ``raise`` and what it raises (``'ValueError: ...'``).
    """

    setup: str
    count: str
    events: str = ""
    random: bool = False
    checked: bool = False
    host: HostValues = HostValues()
    raises: tuple[tuple[int, str], ...] = ()


def grid_loop(tree: StepTree, check_indices_: bool = False) -> GridShape:
    """Rewrite the finished step ``tree`` (every pass but ``loop over elements``) for a GPU; return its grid.

    With ``check_indices_`` (the safe mode) every index of user data is checked on the device.
    """
    if tree.scalar:
        shape = _element_grid(tree)
    else:
        shape = _vector_grid(tree)
    host, _ = take_host_values(tree)
    rewriter = DeviceRewriter(tree)
    tree.prelude = rewriter.block(tree.prelude)
    tree.body = rewriter.block(tree.body)
    tree.epilogue = []
    refuse_random(tree)  # what is left of the generator is a use with no device form
    checked = check_indices(tree, STEP_ARG) if check_indices_ else False
    raises = tuple(sorted(rewriter.raises.items()))
    return GridShape(shape.setup, shape.count, shape.events, rewriter.random, checked or bool(raises), host, raises)


def _epilogue_is_return(tree: StepTree) -> None:
    for stmt in tree.epilogue:
        if not (isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, ast.Name))):
            raise refuse(tree, stmt, "it works after its element loop, which a GPU thread cannot wait for.")


def _element_grid(tree: StepTree) -> GridShape:
    _epilogue_is_return(tree)
    read = {n.id for s in tree.body for n in ast.walk(s) if isinstance(n, ast.Name)}
    indices = "".join(f"    {name} = {expr}\n" for name, expr in tree.inputs.scalar_indices.items() if name in read)
    size = tree.inputs.loop_size
    guard = ast.parse(f"_obj_i = cuda.grid(1)\nif _obj_i < {size}:\n{indices}    pass").body
    first = origin(tree.body[0]) if tree.body else None
    guard[1].body = located(guard[1].body[:-1], first) + _exits_to_return(tree, tree.body, events=False)
    tree.body = located(guard, first)
    return GridShape("", size)


def _vector_grid(tree: StepTree) -> GridShape:
    statements = tree.prelude + tree.body
    loops = [k for k, s in enumerate(statements) if isinstance(s, ast.For)]
    if not loops:
        shape = _elementwise_grid(tree, statements)
        if isinstance(shape, GridShape):
            return shape
        if shape is not None:
            raise refuse(tree, shape, "this vector-mode statement works on whole arrays in a way that is not "
                                       "element by element; write the step in scalar mode, or as a loop over "
                                       "elements or events.")
    tree.epilogue = [s for s in statements[loops[-1] + 1:]] + tree.epilogue if loops else tree.epilogue
    _epilogue_is_return(tree)
    before = statements[:loops[0]] if loops else [s for s in statements if not isinstance(s, ast.Return)]
    for stmt in before:
        simple = isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets)
        if not simple:
            raise refuse(tree, stmt, "this vector-mode statement works on whole arrays in a way that is not "
                                      "element by element; write the step in scalar mode, or as a loop over "
                                      "elements or events.")
    if not loops:  # nothing but local names: no thread has work
        tree.prelude, tree.body = [], []
        return GridShape("", "0")
    if len(loops) != 1:
        raise refuse(tree, statements[loops[1]], "a vector-mode step runs on the GPU as one loop over its "
                                                  "elements or events, and this is a second loop.")
    loop = statements[loops[0]]
    call = loop.iter
    if not (isinstance(loop.target, ast.Name) and isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "range" and 1 <= len(call.args) <= 3 and not loop.orelse):
        raise refuse(tree, loop, "only a loop over range(...) can become the GPU grid.")
    args = [ast.unparse(a) for a in call.args]
    start, stop = ("0", args[0]) if len(args) == 1 else (args[0], args[1])
    stride = args[2] if len(args) == 3 else "1"
    if not (stride.isdigit() and int(stride) > 0):
        raise refuse(tree, loop, "a loop with a stride that is not a positive constant cannot become the grid.")
    events = {arg: part for arg, (_, _, part) in tree.event_args.items()}
    following = events.get(start) == "lo" and events.get(stop) == "hi"
    var = loop.target.id
    guard = ast.parse(f"{var} = {start} + {stride} * cuda.grid(1)\nif {var} < {stop}:\n    pass").body
    guard[1].body = _exits_to_return(tree, loop.body, events=following)
    tree.prelude, tree.body = list(before), located(guard, origin(loop))
    setup = "\n".join(ast.unparse(s) for s in before)
    if following:
        index = next(a for a, p in events.items() if p == "index")
        return GridShape(setup, "", index)
    return GridShape(setup, f"max(0, ({stop}) - ({start}) + {int(stride) - 1}) // {stride}")


def _elementwise_grid(tree: StepTree, statements: list[ast.stmt]) -> GridShape | ast.stmt | None:
    """A vector-mode step that works element by element on its own fields, as one thread per element.

    Each statement assigns a local name or a whole field (``ST_V[:] = V``), from fields, locals and
    parameters by arithmetic and NumPy's element-wise functions; the fields are then read and written
    at the thread's element. Otherwise the first statement not of that form (None: no field at all).
    """
    rows = [arg for arg, (state, _) in tree.row_args.items() if state == "ST"]
    foreign = {arg for arg, (state, _) in tree.row_args.items() if state != "ST"} | set(tree.list_args) | \
        set(tree.event_args) | set(tree.inputs.states) | set(tree.index_lists)
    if not rows:
        return None
    indexed = set(rows) | set(tree.per_element_args)
    body = [s for s in statements if not isinstance(s, ast.Return)]
    for stmt in body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, ast.AugAssign) else None
        if targets is None or len(targets) != 1 or \
                not (isinstance(targets[0], ast.Name) or _whole_row(targets[0], rows)):
            return stmt
        for node in ast.walk(stmt.value):
            if isinstance(node, ast.Name) and node.id in foreign or isinstance(node, (ast.Subscript, ast.Attribute))\
                    and not numpy_function(node):
                return stmt
    element = _Element(indexed)
    body = [ast.fix_missing_locations(element.visit(stmt)) for stmt in body]
    size = f"{rows[0]}.shape[0]"
    guard = ast.parse(f"_obj_i = cuda.grid(1)\nif _obj_i < {size}:\n    pass").body
    first = origin(body[0]) if body else None
    guard[1].body = body
    tree.prelude, tree.body = [], located(guard, first)
    tree.epilogue = [s for s in statements if isinstance(s, ast.Return)]
    return GridShape("", size)


def _whole_row(target: ast.expr, rows: list[str]) -> bool:
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in rows \
        and isinstance(target.slice, ast.Slice) and not (target.slice.lower or target.slice.upper or target.slice.step)


class _Element(ast.NodeTransformer):
    """Fields and per-element parameters at ``_obj_i``; NumPy's logical functions and ``where`` as Python's."""

    def __init__(self, indexed: set[str]):
        self.indexed = indexed

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.indexed and isinstance(node.slice, ast.Slice):
            return ast.Subscript(ast.Name(node.value.id, ast.Load()), ast.Name("_obj_i", ast.Load()), node.ctx)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.indexed and isinstance(node.ctx, ast.Load):
            return ast.Subscript(ast.Name(node.id, ast.Load()), ast.Name("_obj_i", ast.Load()), ast.Load())
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        return python_form(node)


def _exits_to_return(tree: StepTree, body: list[ast.stmt], events: bool) -> list[ast.stmt]:
    """``continue`` of the loop that became the grid ends the thread; so does ``break`` of an event scan.

    An event scan breaks at the first event beyond the synapse's presynaptic range; events are in
    order of elements, so every later one is beyond it too and ending each such thread is the same.
    """
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.Continue) or isinstance(stmt, ast.Break) and events:
            out.append(located([ast.Return(value=None)], origin(stmt))[0])
        elif isinstance(stmt, ast.Break):
            raise refuse(tree, stmt, "a 'break' of the element loop stops the elements after it, which run "
                                      "at the same time on the GPU.")
        elif isinstance(stmt, ast.If):
            stmt.body = _exits_to_return(tree, stmt.body, events)
            stmt.orelse = _exits_to_return(tree, stmt.orelse, events)
            out.append(stmt)
        else:  # loops inside keep their own break and continue
            out.append(stmt)
    return out
