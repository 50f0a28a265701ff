"""Triplet STDP under the pairing protocol (pairs at a frequency, Sjostrom et al. 2001): the simulated weight
change equals the rule's closed form, and the visual cortex fits give the data's shape."""

import numpy as np
import pytest

import bp_core as bp
from bp_core import models

DT = 0.125  # a power of two: every spike time of the protocol is exact, so is every elapsed time
N_PAIRS = 15
RATES = np.array([1., 2., 5., 10., 20., 25., 40., 50.])  # Hz; every period a multiple of DT
LAG = 10.  # ms between the spikes of a pair


def _geometric(a: float, n: int) -> float:
    """sum_{k<n} a^k."""
    return (1. - a ** n) / (1. - a)


def pairing_change(p: dict, rate: float, lag: float, n: int) -> float:
    """Weight change after ``n`` pairs at ``rate`` Hz, the postsynaptic spike ``lag`` ms after the
    presynaptic one (before it where negative), with no clipping; summed in closed form over the pairs.

    The k-th spike of one side sees c = k or k + 1 spikes of the other side (k + 1 where the other side
    leads), the nearest delta = |lag| or period - |lag| before it; all-to-all the cross trace is
    exp(-delta / tau) sum_{m<c} q^m, the own slow trace q (1 - q^k) / (1 - q); nearest-spike exp(-delta / tau)
    and q once there was such a spike. Sums of products of geometric series are again geometric."""
    period, d = 1000. / rate, abs(lag)
    nearest = p['interaction'] == 'nearest'

    def one_side(tau: float, own_tau: float, other_leads: int, A2: float, A3: float) -> float:
        a, b = np.exp(-period / tau), np.exp(-period / own_tau)
        delta = d if other_leads else period - d
        if nearest:
            return np.exp(-delta / tau) * ((n - 1 + other_leads) * A2 + (n - 1) * A3 * b)
        s = other_leads
        pairs = n - a ** s * _geometric(a, n)  # sum_k (1 - a^(k+s))
        triplets = pairs - _geometric(b, n) + a ** s * _geometric(a * b, n)  # sum_k (1 - a^(k+s))(1 - b^k)
        return np.exp(-delta / tau) / (1. - a) * (A2 * pairs + A3 * b / (1. - b) * triplets)

    pre_leads = 1 if lag > 0 else 0
    ltp = one_side(p['tau_plus'], p['tau_y'], pre_leads, p['A2_plus'], p['A3_plus'])
    ltd = one_side(p['tau_minus'], p['tau_x'], 1 - pre_leads, p['A2_minus'], p['A3_minus'])
    return ltp - ltd


def _periodic_neuron() -> bp.NeuType:
    """Spikes at t0, t0 + period, ... (n_spikes of them); has an ``input`` field for the synapse."""

    def update(ST, _t):
        k = np.floor((_t - ST['t0']) / ST['period'] + 0.5)
        if k >= 0. and k < ST['n_spikes'] and abs(_t - ST['t0'] - k * ST['period']) < 0.5 * DT:
            ST['spike'] = 1.
        else:
            ST['spike'] = 0.
        ST['input'] = 0.

    ST = bp.types.NeuState({'spike': 0., 'input': 0., 't0': 0., 'period': 1., 'n_spikes': 0.})
    return bp.NeuType(name='periodic', ST=ST, steps=update, mode='scalar')


FITS = ['visual_cortex_all_to_all_minimal', 'hippocampal_all_to_all_full', 'hippocampal_nearest_spike_full']


@pytest.mark.parametrize("fit", FITS)
def test_pairing_protocol_equals_the_closed_form(fit):
    p = dict(models.TRIPLET_STDP_FITS[fit], tau_plus=16.8, tau_minus=33.7)
    lags = np.repeat([LAG, -LAG], RATES.size)
    rates = np.tile(RATES, 2)
    periods = 1000. / rates
    bp.profile.set(dt=DT)
    pre = bp.NeuGroup(_periodic_neuron(), rates.size, monitors=['spike'])
    post = bp.NeuGroup(_periodic_neuron(), rates.size, monitors=['spike'])
    syn = bp.SynConn(models.get_TripletSTDP(**p), pre_group=pre, post_group=post, conn=bp.connect.One2One())
    first = 2 * LAG  # both sides start after t = 0
    pre.ST['t0'] = first + np.maximum(-lags, 0.)
    post.ST['t0'] = first + np.maximum(lags, 0.)
    for group in (pre, post):
        group.ST['period'] = periods
        group.ST['n_spikes'] = N_PAIRS
    syn.ST['w'] = 0.5
    bp.Network(pre, post, syn).run(first + N_PAIRS * periods.max())
    assert np.all(np.asarray(pre.mon.spike).sum(axis=0) == N_PAIRS)
    assert np.all(np.asarray(post.mon.spike).sum(axis=0) == N_PAIRS)
    changes = np.asarray(syn.ST['w'])[np.argsort(syn.pre_ids)] - 0.5
    expected = np.array([pairing_change(p, r, lag, N_PAIRS) for r, lag in zip(rates, lags)])
    assert np.all(np.abs(expected) < 0.45)  # no clipping
    np.testing.assert_allclose(changes, expected, rtol=1e-12, atol=1e-15)


def test_the_closed_form_counts_every_pair_and_triplet():
    """The closed form against a direct sum over the spikes each spike sees (all-to-all)."""
    p = dict(models.TRIPLET_STDP_FITS['hippocampal_all_to_all_full'], tau_plus=16.8, tau_minus=33.7)
    for rate, lag in [(1., LAG), (20., -LAG), (50., LAG), (40., -LAG)]:
        period = 1000. / rate
        t_pre = np.arange(N_PAIRS) * period + max(-lag, 0.)
        t_post = np.arange(N_PAIRS) * period + max(lag, 0.)
        total = 0.
        for t in t_pre:
            o1 = np.exp(-(t - t_post[t_post < t]) / p['tau_minus']).sum()
            r2 = np.exp(-(t - t_pre[t_pre < t]) / p['tau_x']).sum()
            total -= o1 * (p['A2_minus'] + p['A3_minus'] * r2)
        for t in t_post:
            r1 = np.exp(-(t - t_pre[t_pre < t]) / p['tau_plus']).sum()
            o2 = np.exp(-(t - t_post[t_post < t]) / p['tau_y']).sum()
            total += r1 * (p['A2_plus'] + p['A3_plus'] * o2)
        assert pairing_change(p, rate, lag, N_PAIRS) == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("fit", ['visual_cortex_all_to_all_minimal', 'visual_cortex_all_to_all_full'])
def test_visual_cortex_fits_give_the_frequency_dependence_of_the_data(fit):
    """Sjostrom et al. 2001's shape: post-before-pre depresses at low frequencies and potentiates at 50 Hz;
    pre-before-post potentiates more the higher the frequency and hardly at all at 0.1 Hz (60 pairs)."""
    p = dict(models.TRIPLET_STDP_FITS[fit], tau_plus=16.8, tau_minus=33.7)
    rates = np.array([0.1, 1., 10., 20., 40., 50.])
    before = np.array([pairing_change(p, r, -LAG, 60) for r in rates])
    after = np.array([pairing_change(p, r, LAG, 60) for r in rates])
    assert np.all(before[:4] < -0.1) and before[-1] > 0.1
    assert np.all(np.diff(after) > 0.) and abs(after[0]) < 1e-3 and after[-1] > 0.5
