"""Mistakes that used to give unclear errors (or none): each is refused naming the object, the line and the fix,
or works as Python means it."""

import re

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError

STATE = bp.types.NeuState({'V': 0.})


def depth(x):
    if x <= 0:
        return 0.
    return 1. + depth(x - 1)


def ping(x):
    return 0. if x <= 0 else pong(x - 1)


def pong(x):
    return ping(x) + 1.


def twice(x):
    return 2. * x


def recursive_step(ST, _t):
    ST['V'] = depth(3.)


def mutual_step(ST, _t):
    ST['V'] = twice(ping(2.))


def plain_helper_step(ST, _t):
    ST['V'] = twice(ST['V'] + 1.)


def line_of(func, text):
    import inspect

    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("step, cycle", [
    (recursive_step, [("depth", "depth", "1. + depth(x - 1)")]),
    (mutual_step, [("ping", "pong", "pong(x - 1)"), ("pong", "ping", "ping(x) + 1.")]),
])
def test_a_recursive_helper_is_refused_naming_the_functions_and_lines(step, cycle):
    with pytest.raises(ModelDefError) as info:
        bp.NeuType(name='Rec', ST=STATE, steps=step, mode='scalar')
    message = str(info.value)
    assert f"step function '{step.__name__}' of model 'Rec' calls a recursive helper" in message
    assert "cannot call themselves nor helpers that recurse" in message and "as a loop" in message
    for caller, callee, text in cycle:
        assert f"'{caller}' calls '{callee}' ({__file__}, line {line_of(globals()[caller], text)})" in message


def test_a_helper_that_does_not_recurse_still_runs(jit):
    group = bp.NeuGroup(bp.NeuType(name='Helped', ST=STATE, steps=plain_helper_step, mode='scalar'), 2)
    group.run(0.3)
    np.testing.assert_allclose(group.ST['V'], [14., 14.])  # 0 -> 2 -> 6 -> 14


def print_fstring(ST, _t):
    print(f"V={ST['V']}")
    ST['V'] += 1.


def print_keywords(ST, _t):
    print('V', ST['V'], end='')
    ST['V'] += 1.


def print_percent(ST, _t):
    print('V=%f' % ST['V'])
    ST['V'] += 1.


def print_format(ST, _t):
    print('V={}'.format(ST['V']))
    ST['V'] += 1.


def print_values(ST, _t):
    print('V', ST['V'])
    ST['V'] += 1.


@pytest.mark.parametrize("step, problem, text", [
    (print_fstring, "an f-string", "print(f"),
    (print_keywords, "keyword arguments (end=)", "end=''"),
    (print_percent, "%-formatting", "'V=%f'"),
    (print_format, "str.format()", ".format("),
])
def test_print_with_formatting_is_refused_naming_the_line(step, problem, text):
    with pytest.raises(ModelDefError, match=re.escape(
            f"step function '{step.__name__}' of model 'Printer' prints with {problem} ({__file__}, line "
            f"{line_of(step, text)}); compiled steps print plain values only")):
        bp.NeuType(name='Printer', ST=STATE, steps=step, mode='vector')


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_print_of_plain_values_prints_them_at_every_step(mode, jit, capfd):
    group = bp.NeuGroup(bp.NeuType(name='Printer', ST=STATE, steps=print_values, mode=mode), 2)
    group.run(0.3)
    lines = capfd.readouterr().out.split("\n")
    printed = [line for line in lines if line.startswith('V')]
    per_step = 2 if mode == "scalar" else 1  # one line per element, or the field's array once
    assert len(printed) == 3 * per_step
    assert printed[-1].split()[1].strip('[') in ('2.0', '2.')
    np.testing.assert_allclose(group.ST['V'], [3., 3.])


@pytest.mark.parametrize("key, got", [(5, "int 5"), (None, "NoneType None"), ('', "str ''")])
def test_monitor_with_something_else_than_a_field_name_says_what_it_takes(key, got):
    with pytest.raises(ModelUseError, match=re.escape(f"bp.Monitor takes the name of one state field first, got "
                                                      f"{got}: write bp.Monitor('V', indices=[0, 1]")):
        bp.Monitor(key)


def test_monitor_given_a_group_names_the_other_simulators_form():
    group = bp.NeuGroup(bp.NeuType(name='Plain', ST=STATE, steps=plain_helper_step, mode='scalar'), 2, name='pop')
    with pytest.raises(ModelUseError, match=r"got NeuGroup 'pop' \(Monitor\(group, fields\) is another simulator"):
        bp.Monitor(group, ['V'])


# -- hand-assigned index lists ---------------------------------------------------------------------------------

def test_index_lists_are_flattened_and_owned_as_a_loop_over_the_rows_would():
    from bp_core.simulation.index_lists import compressed_rows, row_owners

    rng = np.random.default_rng(4)
    order = rng.permutation(500)
    cuts = np.sort(rng.choice(np.arange(1, 500), size=39, replace=False))
    rows = [list(map(int, r)) if k % 2 else r for k, r in enumerate(np.split(order, cuts))]  # lists and arrays
    ptr, idx = compressed_rows('syn.pre2syn', rows, 500)
    np.testing.assert_array_equal(idx, np.concatenate([np.asarray(r) for r in rows]))
    np.testing.assert_array_equal(np.diff(ptr), [len(r) for r in rows])
    expected = np.empty(500, dtype=np.int64)
    for neuron, synapses in enumerate(rows):
        expected[np.asarray(synapses)] = neuron
    np.testing.assert_array_equal(row_owners('syn.pre2syn', ptr, idx, 500, 'pre'), expected)


@pytest.mark.parametrize("rows, words", [
    ([[0, 1], [2, 'a']], r"syn.x\[1\] must be a 1-D list of indices \(ints\), got list \[2, 'a'\]"),
    ([[0], [1.5]], r"syn.x\[1\] must be a 1-D list"),
    ([[0], 5], r"syn.x\[1\] must be a 1-D list.*got int 5"),
    ([[0], [[1, 2]]], r"syn.x\[1\] must be a 1-D list"),
    ([np.array([0]), np.array([3, 9])], r"syn.x\[1\] holds index 9, outside 0..3"),
    ([[], [0], [-1]], r"syn.x\[2\] holds index -1"),
])
def test_a_bad_row_is_named(rows, words):
    from bp_core.simulation.index_lists import compressed_rows

    with pytest.raises(ModelUseError, match=words):
        compressed_rows('syn.x', rows, 4)


def test_a_synapse_listed_twice_names_both_neurons():
    from bp_core.simulation.index_lists import compressed_rows, row_owners

    ptr, idx = compressed_rows('syn.post2syn', [[0, 2], [1], [2]], 3)
    with pytest.raises(ModelUseError, match=r"syn.post2syn gives synapse 2 two post-synaptic neurons \(0 and 2\)"):
        row_owners('syn.post2syn', ptr, idx, 3, 'post')


def sum_pre(ST, _t, pre):
    ST['s'] += pre['V']


def test_a_million_row_post2syn_with_one_bad_entry_is_answered_naming_the_row():
    n = 1_000_000
    model = bp.SynType(name='Hand', ST=bp.types.SynState({'s': 0.}), steps=sum_pre, mode='scalar')
    syn = bp.SynConn(model, num=n)
    syn.pre = bp.types.NeuState(['V'])(1000)
    syn.post = bp.types.NeuState(['V'])(n)
    syn.pre2syn = np.array_split(np.arange(n), 1000)
    post2syn = [[k] for k in range(n)]
    post2syn[-1] = [n]
    syn.post2syn = post2syn
    with pytest.raises(ModelUseError, match=rf"post2syn\[{n - 1}\] holds index {n}, outside the {n} synapses"):
        bp.Network(syn).run(0.1)
    post2syn[-1] = [n - 1]
    syn.pre['V'] = 1.
    bp.Network(syn).run(0.2)
    assert syn.ST['s'].min() == syn.ST['s'].max() == 2.


def test_index_lists_reach_compiled_steps_row_for_row():
    from bp_core.backend.compile import typed_index_list

    rows = [np.arange(k % 4, dtype=np.int64) * 3 + k for k in range(1000)] + [np.zeros(0, dtype=np.int64)]
    typed = typed_index_list(rows)
    assert len(typed) == len(rows) and len(typed_index_list([])) == 0
    for got, want in zip(typed, rows):
        assert got.dtype == np.int64 and got.flags.c_contiguous
        np.testing.assert_array_equal(got, want)


# -- loops that never end ------------------------------------------------------------------------------------

def spins(ST, _t):
    x = 0.
    while True:
        x += 1.
    ST['V'] = x


def spins_past_an_inner_break(ST, _t):
    x = 0.
    while 1:
        for k in range(3):
            break
        x += 1.
    ST['V'] = x


def counts_to_four(ST, _t):
    x = 0.
    while True:
        x += 1.
        if x > 3.:
            break
    ST['V'] = x


def returns_at_three(ST, _t):
    x = 0.
    while True:
        x += 1.
        if x > 2.:
            ST['V'] = x
            return


@pytest.mark.parametrize("step, text", [(spins, "while True:"), (spins_past_an_inner_break, "while 1:")])
def test_a_loop_that_never_ends_is_refused_naming_its_line(step, text):
    with pytest.raises(ModelDefError, match=re.escape(
            f"step function '{step.__name__}' of model 'Spin' has a 'while' loop that never ends ({__file__}, line "
            f"{line_of(step, text)}): its test is always true")):
        bp.NeuType(name='Spin', ST=STATE, steps=step, mode='scalar')


@pytest.mark.parametrize("step, value", [(counts_to_four, 4.), (returns_at_three, 3.)])
def test_a_while_true_loop_that_breaks_or_returns_still_runs(step, value, jit):
    group = bp.NeuGroup(bp.NeuType(name='Loop', ST=STATE, steps=step, mode='scalar'), 2)
    group.run(0.2)
    np.testing.assert_array_equal(group.ST['V'], value)


class _Callable:
    def __call__(self, ST, _t):
        ST['V'] = 1.


def plain_step(ST, _t):
    ST['V'] = 1.


@pytest.mark.parametrize("steps, words", [
    (5, "must be a step function or a list or tuple of them, got 5"),
    (lambda ST, _t: None, "must be functions defined with 'def'"),
    ([plain_step, lambda ST, _t: None], "must be functions defined with 'def'"),
    (_Callable(), "must be functions defined with 'def'"),
], ids=["a number", "a lambda", "a lambda in a list", "a callable object"])
def test_steps_that_are_not_functions_defined_with_def_are_refused_naming_the_model(steps, words):
    # a lambda's source is a fragment of its line: parsing it raised a bare SyntaxError
    with pytest.raises(ModelDefError, match=re.escape(words)) as error:
        bp.NeuType(name='Odd', ST=STATE, steps=steps, mode='scalar')
    assert "'Odd'" in str(error.value)


def test_a_field_set_as_an_attribute_is_set_and_a_misspelt_one_is_refused(jit=True):
    """``group.ST.V = x`` set a Python attribute that no run read: the field stayed as it was, silently."""
    def grow(ST, _t):
        ST['V'] += 1.

    group = bp.NeuGroup(bp.NeuType(name='Grow', ST=bp.types.NeuState({'V': 0., 'W': 0.}), steps=grow,
                                   mode='scalar'), 3)
    group.ST.V = 5.
    np.testing.assert_array_equal(group.ST['V'], [5., 5., 5.])
    bp.Network(group).run(1.)
    np.testing.assert_array_equal(group.ST.V, group.ST['V'])
    assert group.ST.V[0] == 5. + round(1. / bp.profile.get_dt())
    with pytest.raises(ModelUseError, match=r"state has no field 'VV'.*ST\['name'\] = value.*Did you mean 'V'"):
        group.ST.VV = 1.
    with pytest.raises(AttributeError, match="no field or attribute 'X'"):
        group.ST.X
    np.testing.assert_array_equal(group.ST['W'], 0.)


def test_a_lambda_derivative_whose_line_is_no_expression_is_refused_naming_it():
    with pytest.raises(bp.errors.DiffEquationError, match="cannot read the derivative function '<lambda>'.*'def'"):
        {  # the lambda's source line is a dict entry, which parses neither alone nor after an '='
            'decay': bp.integrate(lambda v, t: -v),
        }


def test_pars_replaced_by_a_dict_is_refused_and_the_parameters_in_use_are_kept():
    """``group.pars = {...}`` put a dict where the parameters were: no run read it, and the next build failed with
    an AttributeError."""
    def leak(ST, _t):
        ST['V'] += -ST['V'] / tau_leak

    group = bp.NeuGroup(bp.NeuType(name='Leak', ST=STATE, steps=leak, mode='scalar'), 2)
    with pytest.raises(ModelUseError, match=r"pars cannot be replaced.*pars\['tau'\] = 5\..*pars\.update"):
        group.pars = {'tau_leak': 5.}
    group.pars = group.pars  # the same object: nothing to refuse
    group.pars.update({'tau_leak': 4.})
    group.ST['V'] = 1.
    bp.Network(group).run(bp.profile.get_dt())
    np.testing.assert_allclose(group.ST['V'], 0.75)


tau_leak = 10.


@pytest.mark.parametrize("connector", [
    lambda seed: bp.connect.FixedProb(0.1, seed=seed),
    lambda seed: bp.connect.FixedPostNum(2, seed=seed),
    lambda seed: bp.connect.GaussianProb(sigma=1., seed=seed),
    lambda seed: bp.connect.SmallWorld(seed=seed),
], ids=["FixedProb", "FixedPostNum", "GaussianProb", "SmallWorld"])
@pytest.mark.parametrize("seed", ["x", 1.5, -1, True])
def test_a_connector_seed_that_is_no_integer_is_refused_naming_the_connector(connector, seed):
    # a string reached NumPy's SeedSequence when the synapses were made: a bare TypeError
    with pytest.raises(ModelUseError, match=r"\w+ takes a seed that is a non-negative integer"):
        connector(seed)
    assert connector(np.int64(3)).seed == 3 and connector(None).seed is None
