"""Which element loops may run on all cores: iterations that write only their own element and locals that each
iteration sets afresh (the safe mode's while-loop counter is one: it kept Brunel's Poisson drive off the blocked
kernel), never a local carried from one element to the next."""

import ast

import pytest

from bp_core.codegen.analyses import element_local

OWN = {"ST_V"}


@pytest.mark.parametrize("body, local", [
    ("ST_V[_obj_i] += 1.", True),
    ("n = 0\nwhile x < 1.:\n    n += 1\n    x = x * 2.\nST_V[_obj_i] = n", True),
    ("if c:\n    n = 0\n    while n < 3:\n        n += 1", True),
    ("total += ST_V[_obj_i]", False),  # an accumulation across elements
    ("if c:\n    n = 0\nn += 1", False),  # set afresh on one path only
    ("n = n + 0\nn += 1", False),  # the assignment reads what the last element left
    ("ST_X[_obj_i] = 1.", False),  # not its own row
])
def test_a_loop_is_element_local_when_no_local_outlives_its_iteration(body, local):
    assert element_local(ast.parse(body).body, OWN, "_rng") is local
