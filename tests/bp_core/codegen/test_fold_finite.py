"""Finite checks folded into a step's stores: the tests of stores in a row are one test of their sum."""

import ast
import textwrap

import numpy as np
import pytest

import bp_core as bp
from bp_core.codegen.passes.fold_finite import fold_finite_checks
from bp_core.errors import RunError
from bp_core.integration.rendering import NameAllocator

ROWS = {'ST_a': ('ST', 'a'), 'ST_b': ('ST', 'b'), 'ST_c': ('ST', 'c')}


def _folded(body: str) -> str:
    statements = ast.parse(textwrap.dedent(body)).body
    out, fields = fold_finite_checks(statements, ROWS, set(ROWS.values()), {'_obj_i'}, NameAllocator(set()))
    assert fields == set(ROWS.values())
    return ast.unparse(ast.Module(body=out, type_ignores=[]))


def test_stores_in_a_row_are_tested_once_after_the_last():
    text = _folded("""
        a = ST_a[_obj_i] + 1.0
        ST_a[_obj_i] = a
        ST_b[_obj_i] = a * 2.0
        ST_c[_obj_i] += a
    """)
    assert text.count("_nonfinite |=") == 1
    assert text.splitlines()[-1] == "_nonfinite |= a * 0.0 + _stored * 0.0 + _stored_2 * 0.0 != 0.0"


def test_a_tested_local_bound_again_or_a_branch_ends_the_row():
    text = _folded("""
        a = ST_a[_obj_i] + 1.0
        ST_a[_obj_i] = a
        a = 0.0
        ST_b[_obj_i] = a
        if a > 0.0:
            ST_c[_obj_i] = a
            ST_b[_obj_i] = a
    """)
    assert text.count("_nonfinite |=") == 3
    assert "_nonfinite |= a * 0.0 != 0.0\na = 0.0" in text  # tested before a is bound again
    assert "    _nonfinite |= a * 0.0 + a * 0.0 != 0.0" in text  # the branch's own row


def three_fields(ST, _t):
    ST['a'] = ST['a'] + 1.0
    ST['b'] = ST['b'] * 1e300
    ST['c'] = ST['c'] - 1.0


def test_the_field_gone_bad_among_three_tested_at_once_is_named_at_its_step(jit):
    bp.profile.set(jit=jit, dt=0.1)
    model = bp.NeuType(name='Three', ST=bp.types.NeuState({'a': 0., 'b': 1e-300, 'c': 0.}), steps=three_fields,
                       mode='scalar')
    group = bp.NeuGroup(model, 3, name='three')
    group.ST['b'] = np.array([1e-300, 1e-300, 1.0])  # the third overflows at the second step, the others later
    with np.errstate(over='ignore', invalid='ignore'), \
            pytest.raises(RunError, match=r"'three': state variable 'b' became NaN or infinite at t=0.1 ms \(step 1\)"):
        group.run(1.0)
    assert "ST_a[_obj_i] = " in group.passes()[0].stage("generated function")
