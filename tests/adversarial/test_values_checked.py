"""Values that used to give a silently wrong result: a Poisson source's rate set negative or infinite through
``group.pars``, a rate given as text, and a NaN parameter handed to an analysis (no fixed point, no branch, and
no word why)."""

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ModelUseError, RunError


@pytest.mark.filterwarnings("ignore::bp_core.errors.ClockRestartWarning")
@pytest.mark.parametrize("rate", [-5., np.inf, np.array([10., -1., 10.])], ids=["negative", "infinite", "one-negative"])
def test_a_poisson_rate_set_through_pars_that_is_no_rate_stops_the_run(rate, jit):
    group = bp.inputs.PoissonInput(geometry=3, freqs=10., monitors=['spike'], name='noise')
    group.run(1.)
    group.pars['freqs'] = rate
    with pytest.raises(RunError, match=r"model 'PoissonInput' \(PoissonInput 'noise'\) raised ValueError.*freqs must "
                                       r"be a finite rate of 0 Hz or more; set group.pars\['freqs'\]"):
        group.run(1.)
    group.pars['freqs'] = 1e4  # a rate again: it runs, and fires at it (p = 1 a step)
    group.run(1.)
    assert group.mon.spike.sum() == 30


@pytest.mark.parametrize("rate", ['10', np.array(['1', '2', '3']), [1j, 1., 1.]], ids=["text", "texts", "complex"])
def test_a_poisson_rate_that_is_not_a_number_is_refused(rate):
    with pytest.raises(ModelUseError, match="PoissonInput needs finite non-negative rates"):
        bp.inputs.PoissonInput(geometry=3, freqs=rate)


FHN = bp.models.get_FitzHughNagumo()


@pytest.mark.parametrize("argument, values", [
    ("fixed_vars", {'Iext': np.nan}),
    ("fixed_vars", {'Iext': np.inf}),
    ("fixed_vars", {'Iext': 'half'}),
    ("pars_update", {'a': np.nan}),
], ids=["nan-input", "infinite-input", "text-input", "nan-parameter"])
def test_an_analysis_refuses_a_value_that_is_not_a_number(argument, values):
    name = next(iter(values))
    kwargs = {'fixed_vars': {'Iext': 0.5}, argument: values} if argument == "pars_update" else {argument: values}
    with pytest.raises(ModelUseError, match=rf"{argument}\['{name}'\] of the analysis of model 'FitzHugh_Nagumo' "
                                            rf"must be a finite number.*{argument}="):
        bp.PhasePortraitAnalyzer(FHN, target_vars={'v': [-3., 3.], 'w': [-2., 2.]}, **kwargs)
    with pytest.raises(ModelUseError, match=rf"{argument}\['{name}'\]"):
        bp.BifurcationAnalyzer(FHN, target_pars={'b': [0.5, 1.]}, dynamical_vars={'v': [-3, 3], 'w': [-2, 2]},
                               **kwargs)


def test_a_monitor_interval_no_run_could_count_is_refused_not_a_compile_error():
    group = bp.NeuGroup(FHN, 2, monitors=[bp.Monitor('v', interval=1e300)], name='g')
    with pytest.raises(ModelUseError, match=r"monitor 'v' of 'g': interval=1e\+300 ms is 1e\+301 time steps.*within "
                                            r"the run"):
        group.run(1.)


@pytest.mark.parametrize("matrix", [np.full((3, 3), np.nan), np.where(np.eye(3) > 0, np.inf, 0.),
                                    np.full((3, 3), 'x')], ids=["nan", "inf", "text"])
def test_a_connectivity_matrix_of_no_numbers_is_refused_not_read_as_synapses(matrix):
    with pytest.raises(ModelUseError, match="connectivity matrix holds 0 .* got (NaN or infinite|<U1) values"):
        bp.SynConn(bp.SynType(name='S', ST=bp.types.SynState(['s']), steps=copy_spike, mode='scalar'),
                   pre_group=bp.NeuGroup(FHN, 3), post_group=bp.NeuGroup(FHN, 3), conn=matrix)


def copy_spike(ST, pre):
    ST['s'] = pre['v']


HUGE = """
import resource
import bp_core as bp

resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))  # whatever the machine: 100,000^2 synapses cannot fit


def copy_spike(ST, pre):
    ST['s'] = pre['v']


model = bp.SynType(name='S', ST=bp.types.SynState(['s']), steps=copy_spike, mode='scalar')
fhn = bp.models.get_FitzHughNagumo()
try:
    bp.SynConn(model, pre_group=bp.NeuGroup(fhn, 100_000), post_group=bp.NeuGroup(fhn, 100_000),
               conn=bp.connect.All2All())
except bp.errors.ModelUseError as err:
    print("REFUSED", err)
"""


def test_connectivity_the_memory_cannot_hold_is_a_model_use_error(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "huge.py"
    script.write_text(HUGE)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "REFUSED All2All between 100,000 pre- and 100,000 post-synaptic neurons needs more memory" in out.stdout
