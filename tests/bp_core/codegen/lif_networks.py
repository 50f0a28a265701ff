"""The leaky neurons and NMDA-like synapses the loop-pass tests run with a pass and without it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

import bp_core as bp
import bp_core.codegen.passes as passes
from bp_core.codegen.kernel_ops import steps as step_ops

DT = 0.1


# Brunel & Wang's NMDA gate: integrated at every synapse, then a spike opens x and the AMPA gate
def glutamate(ST, _t, _dt, pre, post):
    s = ST['s'] + _dt * (-ST['s'] / 100. + 0.5 * ST['x'] * (1. - ST['s']))
    ST['x'] = ST['x'] - _dt * ST['x'] / 2.
    ST['s'] = s
    if pre['spike'] > 0.:
        ST['x'] += 1.
        post['g'] += ST['w']


def neuron(ST, _t, _dt):
    ST['spike'] = 0.
    ST['V'] = ST['V'] + _dt * (-ST['V'] + ST['drive'] + ST['g'] * 0.1 + ST['s_tot'] * 0.05) / 10.
    ST['g'] = ST['g'] * 0.9
    if ST['V'] > 1.:
        ST['V'] = 0.
        ST['spike'] = 1.


def lif_network(step: Callable, n: int, seed: int, *, names: tuple[str, str], fields: dict[str, float],
                post_fields: Sequence[str], summed: dict[str, str] | None, monitored: bool = True,
                pre_slice: slice | None = None, conn=None, post_slice: slice | None = None
                ) -> tuple[bp.Network, bp.NeuGroup, bp.SynConn]:
    """``n`` leaky neurons (``neuron``) with drives and start values drawn from ``seed``, and a scalar-mode
    SynConn of ``step`` onto them (or ``post_slice``) from all of them (or ``pre_slice``) through ``conn`` (by default each pair with
    probability 0.3, seeded with ``seed``), weights drawn uniform in [0, 0.5) after the neurons' values.

    ``names`` are the neuron and synapse types' names; ``fields`` the synapses' state, ``post_fields`` the
    neurons' fields the step requires, ``summed`` the SynType's summed fields; ``monitored``: whether the group
    records its spikes.
    """
    Neuron = bp.NeuType(name=names[0], ST=bp.types.NeuState({'V': 0., 'g': 0., 'drive': 0., 's_tot': 0.,
                                                             'spike': 0.}), steps=neuron, mode='scalar')
    Syn = bp.SynType(name=names[1], ST=bp.types.SynState(fields),
                     requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(list(post_fields))),
                     steps=step, mode='scalar', summed=summed)
    rng = np.random.default_rng(seed)
    group = bp.NeuGroup(Neuron, n, monitors=['spike'] if monitored else [])
    group.ST['drive'] = rng.uniform(0.5, 2.5, n)
    group.ST['V'] = rng.uniform(0., 1., n)
    pre = group if pre_slice is None else group[pre_slice]
    post = group if post_slice is None else group[post_slice]
    syn = bp.SynConn(Syn, pre_group=pre, post_group=post,
                     conn=bp.connect.FixedProb(0.3, seed=seed) if conn is None else conn)
    syn.ST['w'] = rng.uniform(0., 0.5, syn.num)
    return bp.Network(group, syn), group, syn


@contextmanager
def pipeline_without(*left_out) -> Iterator[None]:
    """Compile the networks run in the block with the pass pipeline less ``left_out``."""
    pipeline = passes.PIPELINE
    passes.PIPELINE = tuple(p for p in pipeline if p not in left_out)
    step_ops._TRANSLATIONS.clear()  # translations are kept per step: make this pipeline's
    try:
        yield
    finally:
        passes.PIPELINE = pipeline
        step_ops._TRANSLATIONS.clear()
