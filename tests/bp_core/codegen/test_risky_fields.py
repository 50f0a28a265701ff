"""Which fields a step may make NaN or infinite: truth values and literals cannot, computed values can."""

import ast
import textwrap

import numpy as np

import bp_core as bp
from bp_core.codegen.analyses import risky_fields
from bp_core.codegen.step_inputs import StateAccess

FIELDS = {'V': 0, 'spike': 1, 'flag': 2, 'count': 3, 'last': 4, 'x': 5}


def _risky(body: str, arrays: bool = False) -> set[str]:
    statements = ast.parse(textwrap.dedent(body)).body
    return {key for _, key in risky_fields(statements, {'ST': StateAccess(FIELDS)}, arrays)}


def test_truth_values_literals_and_the_time_are_finite_computed_values_are_not():
    assert _risky("""
        V = ST['V'] + 1.0
        ST['V'] = V
        ST['spike'] = V >= 1.0
        ST['flag'] = np.logical_and(ST['V'] < 1.0, V >= 1.0)
        ST['count'] += V > 0.5
        ST['last'] = _t if V > 1.0 else -1e7
        ST['x'] = not V > 1.0
    """) == {'V'}
    assert _risky("ST['spike'] = V >= 1.0 and V * 2.0") == {'spike'}  # ``and`` may give its last operand
    assert _risky("ST['x'] = V if V > 0.0 else 0.0") == {'x'}
    assert _risky("ST['x'] = np.logical_and(a, b, out=c)") == {'x'}
    assert _risky("ST['count'] *= V > 0.5") == {'count'}


def test_a_poisson_source_group_checks_nothing_each_step():
    group = bp.inputs.PoissonInput(20, freqs=50.)
    net = bp.Network(group)
    net.run(5.)
    text = "\n".join(str(stages) for stages in net.passes(group))
    assert "may become NaN or infinite: nothing" in text and "_nonfinite" not in text
    assert "nonfinite" not in net.code.split("for _k in range")[1]  # no check in the time loop either
    assert np.all((group.ST['spike'] == 0) | (group.ST['spike'] == 1))
