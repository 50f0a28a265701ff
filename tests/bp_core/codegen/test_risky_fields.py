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


def test_a_whole_number_drawn_at_random_is_finite():
    assert _risky("ST['count'] = np.random.geometric(p)\nST['count'] -= 1.0") == set()
    assert _risky("ST['x'] = np.random.geometric(p) - 1.0") == {'x'}  # arithmetic on it may overflow
    assert _risky("ST['x'] = np.random.normal(0.0, s)") == {'x'}
    assert _risky("ST['x'] = np.random.geometric(p, 3)") == {'x'}  # an array, not one number


def test_a_poisson_source_group_checks_only_a_rate_change():
    # its countdown to the next spike is whole numbers, literals and a geometric draw: never checked; the
    # rate a wait was drawn with is checked where it is stored, in the branch a changed rate takes
    group = bp.inputs.PoissonInput(20, freqs=50.)
    net = bp.Network(group)
    net.run(5.)
    text = "\n".join(str(stages) for stages in net.passes(group))
    assert "may become NaN or infinite: ST['p'];" in text
    step = net.code.split("def run_kernel")[0]
    checks = [line for line in step.splitlines() if "_nonfinite |=" in line]
    assert len(checks) == 1 and "p * 0.0" in checks[0]
    assert step.index("if _taken:") < step.index(checks[0]) < step.index("if ST_wait[_obj_i] < 1.0:")
    assert np.all((group.ST['spike'] == 0) | (group.ST['spike'] == 1))
