"""Control flow in scalar-mode steps means what Python means: exits end the current element only."""

import ast
import importlib.util
import inspect
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bp_core as bp
from bp_core.backend.runtime import RUNTIME_SCOPE
from bp_core.codegen.passes.element_exits import lower_element_exits
from bp_core.codegen.passes.skip_quiet_blocks import skip_quiet_blocks
from bp_core.errors import ModelDefError
from bp_core.integration.rendering import NameAllocator

FIELDS = ('a', 'b', 'c')
N = 5
STEPS = 3


def _group(step, n=N, **initial):
    model = bp.NeuType(name='Flow', ST=bp.types.NeuState({f: 0. for f in FIELDS}), steps=step, mode='scalar')
    group = bp.NeuGroup(model, n)
    for key, values in initial.items():
        group.ST[key] = np.asarray(values, dtype=float)
    return group


def _run(step, steps=10, **initial):
    bp.profile.set(dt=1.0)
    group = _group(step, **initial)
    group.run(float(steps))
    return group


def _python_reference(step, steps=10, **initial):
    """``step`` called as plain Python on one element at a time, each element a dict of floats."""
    values = {f: np.zeros(N) for f in FIELDS}
    for key, given_values in initial.items():
        values[key] = np.asarray(given_values, dtype=float).copy()
    for _ in range(steps):
        for i in range(N):
            element = {f: float(values[f][i]) for f in FIELDS}
            step(element, 0.)
            for f in FIELDS:
                values[f][i] = element[f]
    return values


def _line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


# -- the exits, one by one --------------------------------------------------------------------------------

def returns_when_a_is_set(ST, _t):
    if ST['a'] > 0.:
        return
    ST['b'] += 1.


def test_a_return_ends_only_the_current_element(jit):
    group = _run(returns_when_a_is_set, a=[0., 1., 0., 0., 0.])
    np.testing.assert_array_equal(group.ST['b'], [10., 0., 10., 10., 10.])


def returns_from_nested_ifs(ST, _t):
    if ST['a'] > 0.:
        if ST['a'] > 1.5:
            ST['c'] += 1.
            return
        else:
            ST['c'] -= 1.
    elif ST['a'] < -1.:
        return
    ST['b'] += 1.


def test_early_exits_inside_nested_ifs(jit):
    a = [0., 1., 2., -2., -0.5]
    group = _run(returns_from_nested_ifs, a=a)
    expected = _python_reference(returns_from_nested_ifs, a=a)
    np.testing.assert_array_equal(group.ST['b'], [10., 10., 0., 0., 10.])
    for f in FIELDS:
        np.testing.assert_array_equal(group.ST[f], expected[f])


def loops_with_break_and_continue(ST, _t):
    for k in range(4):
        if k == 1:
            continue
        if k > ST['a']:
            break
        ST['b'] += 1.
    ST['c'] += 1.


def test_break_and_continue_belong_to_the_loop_inside_the_step(jit):
    group = _run(loops_with_break_and_continue, steps=2, a=[0., 1., 2., 3., -1.])
    # k = 0, 2, 3 are counted while k <= a; every element reaches the line after the loop
    np.testing.assert_array_equal(group.ST['b'], [2., 2., 4., 6., 0.])
    np.testing.assert_array_equal(group.ST['c'], [2.] * N)


def counts_in_a_while_loop(ST, _t):
    k = 0
    while k < 5:
        k += 1
        if k > ST['a']:
            break
        ST['b'] += 1.
    else:
        ST['c'] += 1.


def test_while_loops_with_break_and_else(jit):
    group = _run(counts_in_a_while_loop, steps=1, a=[0., 2., 5., 9., 3.])
    np.testing.assert_array_equal(group.ST['b'], [0., 2., 5., 5., 3.])
    np.testing.assert_array_equal(group.ST['c'], [0., 0., 1., 1., 0.])  # else: the loop was not broken


def returns_from_inside_loops(ST, _t):
    for k in range(3):
        j = 0
        while j < 3:
            j += 1
            if k * 3 + j > ST['a']:
                return
            ST['b'] += 1.
    else:
        ST['c'] += 1.  # skipped by a return, as a break skips it
    ST['c'] += 10.


def test_a_return_inside_loops_of_the_step_leaves_them_all_for_this_element_only(jit):
    a = [0., 4., 20., 9., 8.5]
    group = _run(returns_from_inside_loops, steps=2, a=a)
    np.testing.assert_array_equal(group.ST['b'], [0., 8., 18., 18., 16.])
    np.testing.assert_array_equal(group.ST['c'], [0., 0., 22., 22., 0.])


def _bounded(x):
    if x >= 2.:
        return 2.
    return x + 1.


def calls_a_helper(ST, _t):
    ST['b'] = _bounded(ST['b'])
    if ST['b'] >= 2.:
        return
    ST['c'] += 1.


def test_helper_functions_return_to_the_step(jit):
    group = _run(calls_a_helper, steps=4, b=[0., 1., 2., 3., -5.])
    np.testing.assert_array_equal(group.ST['b'], [2., 2., 2., 2., -1.])
    np.testing.assert_array_equal(group.ST['c'], [1., 0., 0., 0., 4.])


def quiet_when_pre_is_set(ST, _t, pre):
    if pre['a'] > 0.:
        return
    ST['s'] += 1.


def rest(ST, _t):
    pass


def test_a_return_in_a_scalar_synapse_step_ends_that_synapse_only(jit):
    bp.profile.set(dt=1.0)
    neurons = _group(rest, n=3, a=[0., 1., 0.])
    model = bp.SynType(name='Quiet', ST=bp.types.SynState(['s']), steps=quiet_when_pre_is_set, mode='scalar',
                       requires={'pre': bp.types.NeuState(['a'])})
    syn = bp.SynConn(model, pre_group=neurons, post_group=neurons, conn=bp.connect.All2All(include_self=True))
    bp.Network(neurons, syn).run(10.0)
    expected = np.where(np.asarray(syn.pre_ids) == 1, 0., 10.)
    assert syn.ST['s'].shape == (9,)
    np.testing.assert_array_equal(syn.ST['s'], expected)


def test_show_passes_prints_the_exit_as_a_continue_of_the_element_loop(capsys):
    group = _group(returns_when_a_is_set)
    bp.tools.show_passes(group)
    out = capsys.readouterr().out
    section = out[out.index("--- exits end the element ---"):]
    assert "if ST_a[_obj_i] > 0.0:\n    continue\nST_b[_obj_i] += 1.0" in section
    generated = out[out.index("--- generated function ---"):]
    statements = [line.strip() for line in generated.splitlines()]
    assert "return" not in statements and "continue" in statements


def raises_after_an_exit(ST, _t):
    for k in range(2):
        if ST['a'] > 0.:
            return
    ST['b'] = 1. // ST['a']


def test_errors_after_a_lowered_exit_name_the_users_line(jit):
    bp.profile.set(dt=1.0)
    group = _group(raises_after_an_exit, a=[1., 1., 0., 1., 1.])
    with pytest.raises(bp.errors.RunError) as info:
        group.run(1.0)
    assert f"test_control_flow.py, line {_line_of(raises_after_an_exit, '1. // ')}" in str(info.value)


# -- what cannot be translated faithfully ------------------------------------------------------------------

def _bump(ST):
    ST['b'] += 1.


def hands_the_state_on(ST, _t):
    if ST['a'] > 0.:
        return
    _bump(ST)


def defines_a_helper_inside(ST, _t):
    def half(x):
        return x / 2.
    ST['b'] = half(ST['b'])


def yields(ST, _t):
    ST['b'] += 1.
    yield


@pytest.mark.parametrize("step, text, advice", [
    (hands_the_state_on, "_bump(ST)", "Hand a helper function the fields it needs"),
    (defines_a_helper_inside, "def half", "define helper functions at module level"),
    (yields, "    yield", "write it as a plain function"),
])
def test_what_has_no_faithful_translation_is_refused_at_the_users_line(step, text, advice):
    with pytest.raises(ModelDefError) as info:
        _run(step, steps=1)
    message = str(info.value)
    assert f"test_control_flow.py, line {_line_of(step, text)}" in message
    assert advice in message and repr(step.__name__) in message


# -- generated steps against a plain per-element reference ----------------------------------------------------

_field = st.sampled_from(FIELDS)
_number = st.sampled_from(['-1.0', '0.0', '0.5', '1.0', '2.0'])


_READS = [f"ST[{f!r}]" for f in FIELDS] + ["x"]  # x: a local every generated step binds first
_HELPER = """
def clip(x):
    if x > 2.:
        return 2.
    elif x < -2.:
        return -2.
    return x
"""


@st.composite
def _value(draw, loops):
    read = draw(st.sampled_from(_READS + list(loops)))
    value = f"{read} * {draw(st.sampled_from(['0.5', '-0.5']))} + {draw(_number)}"
    if draw(st.booleans()):
        value = f"{value} + {draw(_counted(loops))}"
    return f"clip({value})" if draw(st.booleans()) else value


@st.composite
def _condition(draw, loops):
    left = draw(st.sampled_from(_READS + list(loops)))
    right = draw(st.one_of(_number, _field.map(lambda f: f"ST[{f!r}]")))
    test = f"{left} {draw(st.sampled_from(['>', '<=', '==', '!=']))} {right}"
    return f"{draw(_number)} < {test}" if draw(st.integers(0, 4)) == 0 else test  # sometimes chained


_COUNTED_FORMS = ["({a}) + ({b})", "({a}) - ({b})", "-({a})", "+({a}) * 1.5", "abs({a}) + abs(-({b}))",
                  "min({a}, {b}) + max({a}, {b}) * 2", "sum([{a}, {b}, c])", "(({a}) and ({b})) + 1",
                  "(({a}) or 0.5) * 2", "-(not ({a}))", "({a}) % 2 + ({b}) // 1", "({a}) ** 2 + 2. ** ({b})",
                  "(0.5, 1.5)[{a}]", "c * 3 + c"]


@st.composite
def _counted(draw, loops):
    """Comparisons used as numbers, which Python counts as 1 and 0 (``c``: a comparison every step binds)."""
    form = draw(st.sampled_from(_COUNTED_FORMS))
    return "(" + form.format(a=draw(_condition(loops)), b=draw(_condition(loops))) + ")"


@st.composite
def _block(draw, depth, loops, counter):
    """Statements of a step at nesting ``depth``; ``loops`` are the loop variables in scope."""
    kinds = ['store', 'add', 'local', 'flag', 'return'] + (['break', 'continue'] if loops else []) + \
        (['if', 'for', 'while'] if depth < 3 else [])
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        if kind == 'store':
            lines.append(f"ST[{draw(_field)!r}] = {draw(_value(loops))}")
        elif kind == 'add':
            lines.append(f"ST[{draw(_field)!r}] += {draw(_number)}")
        elif kind == 'local':
            lines.append(f"x = {draw(_value(loops))}")
        elif kind == 'flag':  # a comparison stored in a float field, counted into one
            lines.append(f"ST[{draw(_field)!r}] {draw(st.sampled_from(['=', '+=']))} {draw(_condition(loops))}")
        elif kind in ('return', 'break', 'continue'):
            lines.append(kind)
        elif kind == 'if':
            lines.append(f"if {draw(_condition(loops))}:")
            lines += _indent(draw(_block(depth + 1, loops, counter)))
            if draw(st.booleans()):
                lines.append("else:")
                lines += _indent(draw(_block(depth + 1, loops, counter)))
        else:
            k = f"k{next(counter)}"
            if kind == 'for':
                lines.append(f"for {k} in range({draw(st.integers(0, 3))}):")
                body = []
            else:
                lines += [f"{k} = 0", f"while {k} < {draw(st.integers(0, 3))}:"]
                body = [f"{k} += 1"]  # first, so that a continue cannot loop forever
            lines += _indent(body + draw(_block(depth + 1, loops + (k,), counter)))
            if draw(st.booleans()):
                lines.append("else:")
                lines += _indent(draw(_block(depth + 1, loops, counter)))
    return lines


def _indent(lines):
    return ["    " + line for line in lines]


@st.composite
def step_bodies(draw):
    first = f"x = ST[{draw(_field)!r}] * 0.5 + {draw(_number)}"
    flag = f"c = {draw(_condition(()))}"
    return "\n".join([first, flag] + draw(_block(0, (), itertools.count())))


_initial = st.lists(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]), min_size=N * len(FIELDS),
                    max_size=N * len(FIELDS))


@pytest.fixture(scope="module")
def step_files(tmp_path_factory):
    """Writes a generated step body to a module of its own, beside a helper it may call (steps are read from
    their source)."""
    folder = tmp_path_factory.mktemp("generated_steps")
    count = itertools.count()

    def load(body):
        name = f"generated_step_{next(count)}"
        path = folder / f"{name}.py"
        path.write_text(_HELPER + "\n\ndef step(ST, _t):\n" + "\n".join(_indent(body.split("\n"))) + "\n")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.step

    return load


def _check_against_reference(step_files, body, initial, jit_on):
    step = step_files(body)
    values = dict(zip(FIELDS, np.reshape(initial, (len(FIELDS), N))))
    expected = _python_reference(step, steps=STEPS, **values)
    bp.profile.set(jit=jit_on)
    group = _run(step, steps=STEPS, **values)
    for f in FIELDS:
        np.testing.assert_allclose(group.ST[f], expected[f], rtol=1e-12, atol=1e-12, err_msg=f"{f}:\n{body}")


_property = settings(max_examples=40, deadline=None)


@_property
@given(body=step_bodies(), initial=_initial)
def test_generated_steps_match_python_per_element(step_files, body, initial):
    _check_against_reference(step_files, body, initial, jit_on=False)


@settings(_property, max_examples=5)
@given(body=step_bodies(), initial=_initial)
def test_generated_steps_match_python_per_element_compiled(step_files, body, initial):
    _check_against_reference(step_files, body, initial, jit_on=True)


def test_a_return_leaves_the_loops_other_passes_make_too():
    # a scan rewritten to skip quiet blocks runs the user's loop inside two loops of its own
    user = ("for i in range(v.shape[0]):\n"
            "    if v[i] > 0.:\n"
            "        out[e] += 1.\n"
            "        if e == 1:\n"
            "            return\n"
            "out[e] += 10.")
    names = NameAllocator({"v", "out", "e", "i"})
    body = skip_quiet_blocks(ast.parse(user).body, names)
    assert "any_in_block" in ast.unparse(ast.Module(body, []))
    body, flagged = lower_element_exits(body, names.fresh("_returned"))
    assert flagged
    element_loop = ast.parse("for e in range(3):\n    _returned = False").body[0]
    element_loop.body += body
    lowered = ast.unparse(ast.fix_missing_locations(ast.Module([element_loop], [])))
    v = np.zeros(200)
    v[[70, 150]] = 1.
    out = np.zeros(3)
    exec(lowered, {**RUNTIME_SCOPE, "v": v, "out": out})

    namespace = {}
    exec("def per_element(v, out, e):\n" + "\n".join(_indent(user.split("\n"))), namespace)
    expected = np.zeros(3)
    for e in range(3):
        namespace["per_element"](v, expected, e)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, [12., 1., 12.])
