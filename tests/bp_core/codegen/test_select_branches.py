"""Branches computed as selects give what the branches give, element by element."""

import ast
import importlib.util
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bp_core as bp

FIELDS = ("a", "b", "c")
_counter = itertools.count()

value = st.one_of(st.sampled_from([f"ST['{f}']" for f in FIELDS] + ["x"]),
                  st.sampled_from(["0.5", "-1.0", "2.0", "p"]))
expr = st.recursive(value, lambda inner: st.builds(lambda l, op, r: f"({l} {op} {r})", inner,
                                                   st.sampled_from(["+", "-", "*"]), inner), max_leaves=4)
condition = st.builds(lambda l, op, r: f"{l} {op} {r}", expr, st.sampled_from([">", "<=", "=="]), expr)


def _statements(depth):
    simple = st.one_of(
        st.builds(lambda e: f"x = {e}", expr),
        st.builds(lambda f, e: f"ST['{f}'] = {e}", st.sampled_from(FIELDS), expr),
        st.builds(lambda f, e: f"ST['{f}'] += {e}", st.sampled_from(FIELDS), expr),
        st.builds(lambda e: f"y = {e}", expr),  # a local bound inside a branch and read only there
    )
    if depth == 0:
        return st.lists(simple, min_size=1, max_size=3)
    branch = st.builds(
        lambda c, body, other: [f"if {c}:"] + ["    " + s for s in body] +
        (["else:"] + ["    " + s for s in other] if other else []),
        condition, _statements(depth - 1), st.one_of(st.none(), _statements(depth - 1)))
    return st.lists(st.one_of(simple.map(lambda s: [s]), branch), min_size=1, max_size=3).map(
        lambda blocks: [line for block in blocks for line in block])


def _module(tmp_path, body):
    """The step, written to a file of its own as a user's module would be (its source must be readable)."""
    name = f"select_case_{next(_counter)}"
    lines = ["p = 0.25", "", "def update(ST, _t):", "    x = ST['a']", "    y = 0.0"] + \
        ["    " + line for line in body] + ["    ST['c'] = ST['c'] + 0.0 * x"]
    path = tmp_path / f"{name}.py"
    path.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(update, start):
    out = {f: start[f].copy() for f in FIELDS}
    for i in range(start["a"].size):
        element = {f: float(out[f][i]) for f in FIELDS}
        update(element, 0.0)
        for f in FIELDS:
            out[f][i] = element[f]
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_statements(2), seed=st.integers(0, 2**16))
def test_selects_give_what_the_branches_give(tmp_path, body, seed):
    bp.profile.set(jit=False)
    module = _module(tmp_path, body)
    model = bp.NeuType(name='Branches', ST=bp.types.NeuState(*FIELDS), steps=module.update, mode='scalar')
    group = bp.NeuGroup(model, 16)
    rng = np.random.default_rng(seed)
    start = {f: rng.choice([-2.0, -0.5, 0.0, 0.25, 1.0, 3.0], 16) for f in FIELDS}
    for f in FIELDS:
        group.ST[f] = start[f]
    expected = _reference(module.update, start)
    with np.errstate(all="ignore"):
        try:
            group.run(0.1)
        except bp.errors.RunError:  # a value grew past the float range: the reference must say so too
            assert not all(np.all(np.isfinite(expected[f])) for f in FIELDS)
            return
    for f in FIELDS:
        np.testing.assert_array_equal(group.ST[f], expected[f], err_msg="\n".join(body))


def lif_like(ST, _t):
    ST['spike'] = 0.
    if _t - ST['t_last'] > 2.0:
        V = ST['V'] + 0.1 * (ST['I'] - ST['V'])
        if V > 1.0:
            V = 0.0
            ST['spike'] = 1.
            ST['t_last'] = _t
        ST['V'] = V
    else:
        ST['V'] = 0.0


def table_lookup(ST, _t, table):
    if ST['V'] > 0.5:
        ST['V'] = table[int(ST['V'])]  # speculated, this index could be out of range


def test_the_lif_pattern_becomes_selects_and_reads_out_of_range_do_not():
    lif = bp.NeuType(name='LIFlike', ST=bp.types.NeuState('V', 'I', 'spike', t_last=-1e9), steps=lif_like,
                     mode='scalar')
    [stages] = bp.NeuGroup(lif, 4).passes()
    selected = stages.stage("select instead of branch")
    # what is left of the ifs: element stores kept under a computed condition, nothing else
    for stmt in ast.parse(selected).body:
        if isinstance(stmt, ast.If):
            assert isinstance(stmt.test, ast.Name) and stmt.test.id.startswith(("_taken", "_not_taken"))
            assert not stmt.orelse and all(isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Subscript)
                                           for s in stmt.body)
    assert " if _taken" in selected and "if _not_taken:\n    ST_V[_obj_i] = 0.0" in selected
    assert "if _taken_2:\n    ST_spike[_obj_i] = 1.0\n    ST_t_last[_obj_i] = _t" in selected  # one if, two stores
    lookup = bp.NeuType(name='Lookup', ST=bp.types.NeuState('V'), steps=table_lookup, mode='scalar')
    [stages] = bp.NeuGroup(lookup, 4, satisfies={'table': np.zeros(3)}).passes()
    assert "select instead of branch" in [s.name for s in stages.stages]
    assert "if ST_V[_obj_i] > 0.5:" in stages.stage("select instead of branch")  # kept as a branch


@pytest.mark.parametrize("float_type", ["float64", "float32"])
def test_compiled_selects_match_python(float_type):
    bp.profile.set(float_type=float_type)
    lif = bp.NeuType(name='LIFlike', ST=bp.types.NeuState('V', 'I', 'spike', t_last=-1e9), steps=lif_like,
                     mode='scalar')
    runs = []
    for jit in (True, False):
        bp.profile.set(jit=jit)
        group = bp.NeuGroup(lif, 50, monitors=['spike', 'V'])
        group.ST['I'] = np.linspace(0.5, 3.0, 50)
        group.run(50.0)
        runs.append((group.mon.spike, group.mon.V))
    assert runs[0][0].sum() > 20
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
