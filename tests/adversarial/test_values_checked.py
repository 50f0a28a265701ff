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
