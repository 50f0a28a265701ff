"""Reliability: no crash on bad indices, NaN/inf guard, monitor budget, reproducibility, readable errors."""

import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelDefError, ModelUseError, RunError

from . import spec_models as m

OUT_OF_RANGE = textwrap.dedent("""
    import numpy as np
    import bp_core as bp

    def update(ST, _t, table):
        ST['V'] = table[int(ST['idx']) + 1000]

    model = bp.NeuType(name='Lookup', ST=bp.types.NeuState('V', idx=0.), steps=update, mode='scalar')
    group = bp.NeuGroup(model, 3, satisfies={'table': np.arange(5.0)})
    try:
        group.run(1.0)
    except bp.errors.RunError as err:
        print("caught:", err)
""")


def test_out_of_range_index_in_a_step_is_an_error_not_a_crash(tmp_path):
    script = tmp_path / "out_of_range.py"
    script.write_text(OUT_OF_RANGE)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "caught: step function 'update' of model 'Lookup'" in result.stdout
    # compiled code reports no line: the failing step is run again in Python to find it
    assert "raised IndexError" in result.stdout and "index 1000 is out of bounds" in result.stdout
    assert "out_of_range.py, line 6: ST['V'] = table[int(ST['idx']) + 1000]" in result.stdout


def test_connectivity_indices_are_validated_before_running():
    lif = m.get_LIF()
    pre, post = bp.NeuGroup(lif, 3), bp.NeuGroup(lif, 3)
    with pytest.raises(ModelUseError, match="conn post index 7 is out of range for a post group of 3"):
        bp.SynConn(m.ampa("scalar"), pre_group=pre, post_group=post, conn=([0, 1], [2, 7]))
    syn = bp.SynConn(m.ampa("vector"), pre_group=pre, post_group=post, conn=bp.connect.One2One())
    syn.pre2syn = [np.array([0]), np.array([1]), np.array([9])]
    with pytest.raises(ModelUseError, match=r"pre2syn\[2\] holds index 9, outside 0..2"):
        bp.Network(pre, syn, post).run(1.0)


def explode(ST, _t):
    ST['V'] = ST['V'] * 1e200 + 1.0


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.parametrize("mode", ["vector", "scalar"])
def test_nan_or_inf_stops_the_run_naming_group_variable_and_time(mode, jit):
    group = bp.NeuGroup(bp.NeuType(name='Blow', ST=bp.types.NeuState('V', 'w'), steps=explode, mode=mode), 3,
                        monitors=['V'], name='runaway')
    with pytest.raises(RunError, match=r"NeuGroup 'runaway': state variable 'V' became NaN or infinite at t=0.2 ms"
                       ) as info:
        group.run(5.0)
    line = explode.__code__.co_firstlineno + 1
    assert f"stored at {__file__}, line {line} (step 'explode')" in str(info.value)
    assert group.mon.V.shape[0] == 3 and np.isinf(group.mon.V[2]).all()  # the record up to the blow-up is kept


def test_fastmath_is_off_by_default():
    assert bp.profile.get_numba_profile()["fastmath"] is False


def test_monitor_budget_fails_before_allocating():
    bp.profile.set(monitor_memory_limit=1)
    group = bp.NeuGroup(m.get_LIF(), 1000, monitors=['V', 'spike'])
    with pytest.raises(ModelUseError,
                       match=r"76.3 MiB, more than the limit of 1 MiB.*fewer variables.*interval.*advance"):
        group.run(1000.0)


NOISY = textwrap.dedent("""
    import numpy as np
    import bp_core as bp

    tau, sigma = 10.0, 2.0

    @bp.integrate(method='euler')
    def int_v(V, t, I):
        return (-V + I) / tau, sigma

    def update(ST, _t):
        ST['V'] = int_v(ST['V'], _t, ST['input']) + 0.01 * np.random.normal(0.0, 1.0)
        ST['input'] = 0.

    def make():
        model = bp.NeuType(name='Noisy', ST=bp.types.NeuState('V', 'input'), steps=update, mode='scalar')
        return bp.NeuGroup(model, 4, monitors=['V'])
""")


def _noisy_namespace():
    namespace: dict = {}
    exec(compile(NOISY, m.__file__.replace("spec_models", "noisy_model"), "exec"), namespace)
    return namespace


def test_seeded_runs_are_bit_identical_in_one_process_and_across_chunks(tmp_path):
    module = tmp_path / "noisy_model.py"
    module.write_text(NOISY)
    sys.path.insert(0, str(tmp_path))
    try:
        import noisy_model
        bp.profile.set(seed=11)
        whole = noisy_model.make()
        whole.run(20.0, inputs=('input', 1.0))
        bp.profile.set(seed=11)
        again = noisy_model.make()
        again.run(20.0, inputs=('input', 1.0))
        np.testing.assert_array_equal(whole.mon.V, again.mon.V)
        bp.profile.set(seed=11)
        chunked = noisy_model.make()
        net = bp.Network(chunked)
        pieces = [net.advance(2.0, inputs=(chunked, 'input', 1.0))[chunked.name]['V'].copy() for _ in range(10)]
        np.testing.assert_array_equal(np.concatenate(pieces), whole.mon.V)
        assert net.t_end == pytest.approx(20.0)
        bp.profile.set(seed=12)
        other = noisy_model.make()
        other.run(20.0, inputs=('input', 1.0))
        assert not np.array_equal(other.mon.V, whole.mon.V)  # the seed reaches the compiled random numbers
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("noisy_model", None)


def test_seeded_runs_are_bit_identical_across_processes(tmp_path):
    (tmp_path / "noisy_model.py").write_text(NOISY)
    script = tmp_path / "run.py"
    script.write_text("import numpy as np, bp_core as bp, noisy_model\n"
                      "bp.profile.set(seed=3)\ng = noisy_model.make()\ng.run(10.0, inputs=('input', 1.0))\n"
                      "print(g.mon.V.tobytes().hex())\n")
    outputs = [subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                              cwd=tmp_path).stdout for _ in range(2)]
    assert outputs[0] == outputs[1] and len(outputs[0]) > 100


def bad_types(ST, _t):
    x = "a" + 1.0
    ST['V'] = x


def test_numba_typing_errors_point_at_the_users_step_line():
    group = bp.NeuGroup(bp.NeuType(name='BadType', ST=bp.types.NeuState('V'), steps=bad_types), 2)
    with pytest.raises(ModelDefError) as info:
        group.run(1.0)
    message = str(info.value)
    line = bad_types.__code__.co_firstlineno + 1
    assert "step function 'bad_types' of model 'BadType'" in message
    assert f"test_reliability.py, line {line}" in message
    assert "\x1b[" not in message


def uses_unknown_field(ST, _t):
    ST['Vm'] = 1.0


def test_unknown_names_list_close_matches():
    with pytest.raises(ModelDefError, match="ST\\['Vm'\\].*Did you mean 'V'"):
        bp.NeuType(name='Typo', ST=bp.types.NeuState('V', 'input'), steps=uses_unknown_field)
    lif = m.get_LIF()
    with pytest.raises(ModelUseError, match="cannot monitor 'v'.*Did you mean 'V'"):
        bp.NeuGroup(lif, 2, monitors=['v'])
    group = bp.NeuGroup(lif, 2)
    with pytest.raises(ModelUseError, match="no parameter 'V_rst'.*Did you mean 'V_rest'"):
        group.pars['V_rst'] = 1.0
    with pytest.raises(ModelUseError, match="no field 'inpt'.*Did you mean 'input'"):
        group.ST['inpt'] = 1.0
    with pytest.raises(ModelUseError, match="input key 'ST.inpt'.*Did you mean 'input'"):
        group.run(1.0, inputs=('ST.inpt', 1.0))


def test_unsafe_mode_drops_the_checks_from_the_kernel():
    group = bp.NeuGroup(bp.NeuType(name='Blow', ST=bp.types.NeuState('V', 'w'), steps=explode), 2)
    bp.profile.set(safe=False)
    net = bp.Network(group)
    source = net.build(1.0)
    assert "nonfinite" not in source and "except Exception" not in source
    bp.profile.set(safe=True)
    assert "nonfinite" not in net.build(1.0)  # a network keeps the settings it was built with
    net.refresh_profile()
    assert "first_nonfinite_row" in net.build(1.0) and "any_nonfinite" in net.build(1.0)


def counts_spikes(ST, _t):
    ST['w'] += 1.0
    ST['V'] = ST['V'] * 2.0


def grows_through_a_view(ST, _t):
    w = ST['w']
    w *= 1e200


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_fields_set_only_to_constants_are_checked_once_and_views_written_through_always(jit):
    group = bp.NeuGroup(bp.NeuType(name='Count', ST=bp.types.NeuState('V', 'w'), steps=counts_spikes,
                                   mode='scalar'), 2, name='counter')
    net = bp.Network(group)
    source = net.build(1.0)
    loop = source[source.index("for _k in range"):]
    # V is computed: the scalar step checks each value it stores and reports it; w is never checked per step
    assert "_nonfinite |= counter_" in loop and re.search(r"ST_V\[_obj_i\] = (\w+)\n\s+_nonfinite \|= \1 \* 0.0 != 0.0",
                                                         source)
    assert "any_nonfinite(counter_ST_w)" not in loop
    group.ST['w'] = np.nan  # never computed by a step: found by the check at the start of the run
    with pytest.raises(RunError, match=r"'counter': state variable 'w' became NaN or infinite at t=0 ms"):
        net.run(1.0)
    viewer = bp.NeuGroup(bp.NeuType(name='View', ST=bp.types.NeuState({'V': 0., 'w': 1.}),
                                    steps=grows_through_a_view, mode='vector'), 2, name='viewer')
    with pytest.raises(RunError, match=r"'viewer': state variable 'w' became NaN or infinite at t=0.1 ms"):
        viewer.run(1.0)
