"""Names of the user's that meet names generated code binds itself: a module-level number read by a step under a
name the generated step binds (``_nonfinite``, ``_stored``, ``_rng``) was overwritten without a word (a step
storing ``_nonfinite`` stored 0), one named like a runtime helper (``exprel``, ``floor_divide``) broke the compile
with words about the helper, and two state fields whose names Python reads as one identifier (``'ﬁ'`` and
``'fi'``: identifiers are NFKC-normalized) became one array. Each is refused where it is defined, naming it and
the fix; helper functions of the user's own with a leading ``_`` still run."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError

STATE = bp.types.NeuState({'V': 0.})

_nonfinite = 5.
_rng = 2.
_dt = 42.
floor_divide = 3.
exprel = 100.
tau = 10.


def reads_nonfinite(ST, _t):
    ST['V'] = _nonfinite + ST['V']


def reads_rng(ST, _t):
    ST['V'] = _rng + np.random.random() * 0.


def reads_floor_divide(ST, _t):
    k = int(ST['V']) + 5
    ST['V'] = k // (k - 4) * floor_divide


@bp.integrate(method='exponential')
def int_v(V, t, I):
    return (-V + I) / tau + exprel * 0.


def integrates(ST, _t):
    ST['V'] = int_v(ST['V'], _t, 1.)


def _twice(x):
    return 2. * x


def calls_own_helper(ST, _t):
    ST['V'] = _twice(ST['V'] + 1.)


@pytest.mark.parametrize("step, name, where", [
    (reads_nonfinite, '_nonfinite', "step function 'reads_nonfinite'"),
    (reads_rng, '_rng', "step function 'reads_rng'"),
    (reads_floor_divide, 'floor_divide', "step function 'reads_floor_divide'"),
    (integrates, 'exprel', "derivative function 'int_v' of step function 'integrates'"),
])
def test_a_module_name_the_generated_code_binds_is_refused_naming_it(step, name, where):
    with pytest.raises(ModelDefError) as info:
        bp.NeuType(name='Names', ST=STATE, steps=step, mode='scalar')
    message = str(info.value)
    assert f"{where} of model 'Names' reads {name!r} from its module" in message
    assert "rename it" in message


def test_a_helper_function_of_the_users_with_a_leading_underscore_still_runs(jit):
    group = bp.NeuGroup(bp.NeuType(name='Own', ST=STATE, steps=calls_own_helper, mode='scalar'), 2)
    group.run(0.2)  # V: 0 -> 2 -> 6
    np.testing.assert_array_equal(group.ST['V'], 6.)


def test_a_system_keyword_read_from_the_module_is_refused_and_as_an_argument_is_the_engines(jit):
    def reads_module_dt(ST, _t):
        ST['V'] += _dt

    def takes_dt(ST, _t, _dt):
        ST['V'] += _dt

    with pytest.raises(ModelDefError, match="reads '_dt' from its module, but '_dt' is a system keyword whose value "
                                            "the engine gives: take it as an argument"):
        bp.NeuType(name='Dt', ST=STATE, steps=reads_module_dt, mode='scalar')
    group = bp.NeuGroup(bp.NeuType(name='Dt', ST=STATE, steps=takes_dt, mode='scalar'), 2)
    group.run(0.3)
    np.testing.assert_allclose(group.ST['V'], 3 * bp.profile.get_dt())


def test_two_fields_python_reads_as_one_name_are_refused():
    with pytest.raises(ModelDefError, match="state field 'ﬁ' is read by Python as 'fi' in code; name it 'fi'"):
        bp.types.NeuState({'ﬁ': 0., 'fi': 0.})


def test_a_unicode_field_in_normal_form_runs(jit):
    def step(ST, _t):
        ST['Vä'] += 1.
        ST['fi'] += 2.

    group = bp.NeuGroup(bp.NeuType(name='Uni', ST=bp.types.NeuState({'Vä': 0., 'fi': 0.}), steps=step,
                                   mode='scalar'), 2)
    group.run(0.2)
    np.testing.assert_array_equal(group.ST['Vä'], 2.)
    np.testing.assert_array_equal(group.ST['fi'], 4.)


ST_V = 7.


def reads_st_v(ST, _t):
    ST['V'] = ST_V


def test_a_parameter_named_like_the_kernels_row_of_a_field_is_refused(jit):
    # the kernel binds field V as <object>_ST_V, the parameter ST_V as the same name: the step read the field
    group = bp.NeuGroup(bp.NeuType(name='Rows', ST=STATE, steps=reads_st_v, mode='scalar'), 2, name='rows')
    with pytest.raises(ModelDefError, match="parameter 'ST_V' of NeuGroup 'rows' \\(model 'Rows'\\) has the name the "
                                            "generated kernel gives its state field 'V'; rename the parameter"):
        group.run(0.2)
    np.testing.assert_array_equal(group.ST['V'], 0.)
