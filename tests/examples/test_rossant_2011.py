"""Rossant et al. 2011 (Brian2's frompapers/Rossant_et_al_2011bis): output rates of LIF neurons with
independent and with partly synchronous Poisson inputs, against the Brian2 original (50 neurons per
condition, 1 s; Brian2 over 4 seeds: 3.46 +- 0.44 Hz and 12.3 +- 0.96 Hz)."""

from examples.rossant_2011 import model
from tests.examples.reference import assert_near, brian2


def test_rates_with_and_without_synchrony_match_brian2():
    out = model.run(1000., n=50, seed=1)
    uncorrelated, correlated = model.rates(out)
    assert_near(uncorrelated, 'rossant_2011', 'rate_uncorrelated_hz', 1.2)
    assert_near(correlated, 'rossant_2011', 'rate_correlated_hz', 2.0)
    # the paper's point: less than 1 % of the inputs in synchrony multiply the output rate
    assert correlated > 2.5 * uncorrelated


def test_without_the_synchronous_events_the_rate_falls():
    """The statistic can fail: the same neurons without synchronous events fire at the uncorrelated rate."""
    saved = model.lambdac
    out = model.run(1000., n=50, seed=1, sync=False)
    _, correlated = model.rates(out)
    assert model.lambdac == saved
    assert abs(correlated - brian2('rossant_2011')['rate_correlated_hz']['mean']) > 4.0
