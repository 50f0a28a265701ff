"""The benchmark models, written with the public API as a user would: COBA, CUBA (Vogels & Abbott 2005,
Brette et al. 2007 form) and the quickstart gamma network. Each builder returns (network, group, reset
function, inputs); the group records every spike with its spike monitor (``monitors=['spike']``, events),
as every peer's spike monitor does.

COBA and CUBA come in two forms: the tuned one (synapse steps walk ``pre2post[i]`` in explicit loops) and
the spec's idiom (``coba_spec``, ``cuba_spec``: ``for i in np.where(pre['spike'] > 0.)[0]:`` and the
fancy-indexed ``post['ge'][pre2post[i]] += w`` of vector-mode synapses, as the spec's chapters write them).
"""

from __future__ import annotations

import numpy as np

import bp_core as bp

__all__ = ["BUILDERS", "build_coba", "build_cuba", "build_gamma", "build_coba_spec", "build_cuba_spec", "spike_counts"]

taum, taue, taui, Vt, Vr, t_ref = 20., 5., 10., -50., -60., 5.
El_coba, Ee, Ei, I_drive, we, wi = -60., 0., -80., 20., 0.6, 6.7
El_cuba, we_cuba, wi_cuba = -49., 60 * 0.27 / 10, -20 * 4.5 / 10


@bp.integrate(method='euler')
def int_V_coba(V, t, ge, gi):
    return (ge * (Ee - V) + gi * (Ei - V) - (V - El_coba) + I_drive) / taum


@bp.integrate(method='euler')
def int_ge(ge, t):
    return -ge / taue


@bp.integrate(method='euler')
def int_gi(gi, t):
    return -gi / taui


def lif_update(int_V, int_ge, int_gi):
    """The LIF step shared by COBA and CUBA: refractoriness, threshold, reset, synaptic decay."""
    def update(ST, _t, _dt):
        ST['spike'] = 0.
        # refractory for t_ref in whole steps, as Brian2 counts it (a bare "> t_ref" on float times
        # may add a step, depending on rounding)
        if _t - ST['t_last_spike'] > t_ref - 0.5 * _dt:
            V = int_V(ST['V'], _t, ST['ge'], ST['gi'])
            if V > Vt:
                V = Vr
                ST['spike'] = 1.
                ST['t_last_spike'] = _t
            ST['V'] = V
        ST['ge'] = int_ge(ST['ge'], _t)
        ST['gi'] = int_gi(ST['gi'], _t)

    return update


@bp.integrate(method='exponential')
def int_V_cuba(V, t, ge, gi):
    return (ge + gi - (V - El_cuba)) / taum


@bp.integrate(method='exponential')
def int_ge_exact(ge, t):
    return -ge / taue


@bp.integrate(method='exponential')
def int_gi_exact(gi, t):
    return -gi / taui


def add_to_ge(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['ge'][j] += w


def add_to_gi(ST, _t, pre, post, pre2post):
    spikes = pre['spike']
    for i in range(spikes.shape[0]):
        if spikes[i] > 0.:
            for j in pre2post[i]:
                post['gi'][j] += w


def spec_add_to_ge(ST, _t, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['ge'][pre2post[i]] += w


def spec_add_to_gi(ST, _t, pre, post, pre2post):
    for i in np.where(pre['spike'] > 0.)[0]:
        post['gi'][pre2post[i]] += w


w = 1.0
STATE = bp.types.NeuState({'V': -60., 'ge': 0., 'gi': 0., 'spike': 0., 't_last_spike': -1e7})
SYNAPSES = {
    "tuned": (bp.SynType(name='to_ge', ST=bp.types.SynState(), steps=add_to_ge, mode='vector'),
              bp.SynType(name='to_gi', ST=bp.types.SynState(), steps=add_to_gi, mode='vector')),
    "spec": (bp.SynType(name='to_ge_spec', ST=bp.types.SynState(), steps=spec_add_to_ge, mode='vector'),
             bp.SynType(name='to_gi_spec', ST=bp.types.SynState(), steps=spec_add_to_gi, mode='vector')),
}


def _lif_network(update, N: int, initial, w_exc: float, w_inh: float, seed: int = 1, form: str = "tuned"):
    bp.profile.set(dt=0.1, seed=seed)
    group = bp.NeuGroup(bp.NeuType(name='LIF', ST=STATE, steps=update, mode='scalar'), N, monitors=['spike'])
    Ne = int(0.8 * N)
    exc_type, inh_type = SYNAPSES[form]
    exc = bp.SynConn(exc_type, pre_group=group[:Ne], post_group=group, conn=bp.connect.FixedProb(80. / N))
    inh = bp.SynConn(inh_type, pre_group=group[Ne:], post_group=group, conn=bp.connect.FixedProb(80. / N))
    exc.pars['w'], inh.pars['w'] = w_exc, w_inh

    def reset():
        group.ST['V'] = initial(N)
        for key, value in (('ge', 0.), ('gi', 0.), ('spike', 0.), ('t_last_spike', -1e7)):
            group.ST[key] = value

    reset()
    return bp.Network(group, exc, inh), group, reset, ()


def build_coba(N: int = 4000, seed: int = 1, form: str = "tuned"):
    """COBA: conductance-based LIF, forward Euler."""
    return _lif_network(lif_update(int_V_coba, int_ge, int_gi), N, lambda n: np.random.randn(n) * 5. - 55., we, wi,
                        seed, form)


def build_cuba(N: int = 4000, seed: int = 1, form: str = "tuned"):
    """CUBA: current-based LIF, exact (exponential) integration."""
    update = lif_update(int_V_cuba, int_ge_exact, int_gi_exact)
    return _lif_network(update, N, lambda n: Vr + np.random.rand(n) * (Vt - Vr), we_cuba, wi_cuba, seed, form)


def build_coba_spec(N: int = 4000, seed: int = 1):
    """COBA with synapses in the spec's idiom (np.where loop, fancy-indexed update)."""
    return build_coba(N, seed, form="spec")


def build_cuba_spec(N: int = 4000, seed: int = 1):
    """CUBA with synapses in the spec's idiom."""
    return build_cuba(N, seed, form="spec")


def spike_counts(group) -> np.ndarray:
    """Spikes of each neuron in the group's last run, from its spike monitor's events."""
    return np.bincount(group.mon.spike_index, minlength=group.num)


def build_gamma(N: int = 100, seed: int = 1):
    """The quickstart gamma network (per-synapse GABA_A gates, exponential Euler, dt 0.04)."""
    net, neu, syn = bp.models.gamma_network(N, seed=seed)
    initial = {k: neu.ST[k].copy() for k in ('V', 'h', 'n')}

    def reset():
        for key, value in initial.items():
            neu.ST[key] = value
        syn.ST['s'] = 0.

    return net, neu, reset, [(neu, 'ST.input', 1.2)]


@bp.integrate(method='euler')
def int_V_single(V, t):
    return (-(V - El_coba) + I_drive) / taum


def single_update(ST, _t):
    ST['spike'] = 0.
    V = int_V_single(ST['V'], _t)
    if V > Vt:
        V = Vr
        ST['spike'] = 1.
    ST['V'] = V


def build_single(N: int = 20, seed: int = 1):
    """The deterministic agreement protocol: N unconnected LIF neurons (no refractory period), neuron k
    driven by a constant current from 10.5 to 30 in equal steps; compared by each neuron's spike count."""
    bp.profile.set(dt=0.1, seed=seed)
    group = bp.NeuGroup(bp.NeuType(name='LIF_single', ST=STATE, steps=single_update, mode='scalar'), N,
                        monitors=['spike'])
    group.pars['I_drive'] = np.linspace(10.5, 30., N)

    def reset():
        group.ST['V'] = Vr

    reset()
    return bp.Network(group), group, reset, ()


BUILDERS = {"coba": build_coba, "cuba": build_cuba, "coba_spec": build_coba_spec, "cuba_spec": build_cuba_spec,
            "gamma": build_gamma, "single": build_single}
