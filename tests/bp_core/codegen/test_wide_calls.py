"""A guarded step call of more than 30 arguments (a step that reads many fields and parameters) compiles.

CPython 3.11 passes a call of more than 30 arguments as a list turned into a tuple, which numba cannot type
inside the ``try`` block that guards each step call; such a call passes its arguments packed.
"""

from __future__ import annotations

import ast

import numpy as np

import bp_core as bp
from bp_core.codegen.emit import LineOrigin
from bp_core.codegen.kernel_ops.steps import MAX_GUARDED_ARGS, CallStep

FIELDS = [f'g{k}' for k in range(32)]


def wide_step(ST, _t):
    ST['total'] = (ST['g0'] + ST['g1'] + ST['g2'] + ST['g3'] + ST['g4'] + ST['g5'] + ST['g6'] + ST['g7']
                   + ST['g8'] + ST['g9'] + ST['g10'] + ST['g11'] + ST['g12'] + ST['g13'] + ST['g14'] +
                   ST['g15'] + ST['g16'] + ST['g17'] + ST['g18'] + ST['g19'] + ST['g20'] + ST['g21'] +
                   ST['g22'] + ST['g23'] + ST['g24'] + ST['g25'] + ST['g26'] + ST['g27'] + ST['g28'] +
                   ST['g29'] + ST['g30'] + ST['g31'])


WIDE = bp.NeuType(name='wide', ST=bp.types.NeuState({'total': 0., **{f: 0. for f in FIELDS}}), steps=wide_step,
                  mode='vector')


def test_a_step_reading_32_fields_runs_compiled_as_in_python():
    values = np.arange(3 * len(FIELDS), dtype=float).reshape(len(FIELDS), 3) ** 1.5
    totals = {}
    for jit in (True, False):
        with bp.profile.override(jit=jit, dt=0.1):
            group = bp.NeuGroup(WIDE, 3)
            for field, row in zip(FIELDS, values):
                group.ST[field] = row
            bp.Network(group).run(0.3)
            totals[jit] = np.array(group.ST['total'])
    np.testing.assert_allclose(totals[True], values.sum(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(totals[True], totals[False])


def test_only_a_guarded_call_past_the_limit_is_packed():
    where = LineOrigin("model.py", 1, "update", "group", "g_update")
    names = tuple(f"a{k}" for k in range(MAX_GUARDED_ARGS + 3))
    text = "\n".join(ast.unparse(s) for s in CallStep("g_update", names, where, call_site=0).lower())
    assert text.startswith("_g_update_args0 = (a0, a1,") and "g_update(*_g_update_args0 + _g_update_args1" in text
    for op in (CallStep("g_update", names, where), CallStep("g_update", names[:MAX_GUARDED_ARGS], where, call_site=0)):
        assert "g_update(a0, a1," in "\n".join(ast.unparse(s) for s in op.lower())
