"""Ten-variable models for the analyses' adversarial tests: a ring of units, each driven by the next through
``0.5 tanh`` (one equilibrium for every input: ``x = 0.5 tanh(x) + I`` in every unit), and ten independent
bistable units (``tanh(3 x) - x + I``: three equilibria each, 3**10 in all)."""

import numpy as np

import bp_core as bp

NAMES = [f"x{k}" for k in range(10)]


@bp.integrate
def ring_0(x0, t, x1, I):
    return -x0 + 0.5 * np.tanh(x1) + I


@bp.integrate
def ring_1(x1, t, x2, I):
    return -x1 + 0.5 * np.tanh(x2) + I


@bp.integrate
def ring_2(x2, t, x3, I):
    return -x2 + 0.5 * np.tanh(x3) + I


@bp.integrate
def ring_3(x3, t, x4, I):
    return -x3 + 0.5 * np.tanh(x4) + I


@bp.integrate
def ring_4(x4, t, x5, I):
    return -x4 + 0.5 * np.tanh(x5) + I


@bp.integrate
def ring_5(x5, t, x6, I):
    return -x5 + 0.5 * np.tanh(x6) + I


@bp.integrate
def ring_6(x6, t, x7, I):
    return -x6 + 0.5 * np.tanh(x7) + I


@bp.integrate
def ring_7(x7, t, x8, I):
    return -x7 + 0.5 * np.tanh(x8) + I


@bp.integrate
def ring_8(x8, t, x9, I):
    return -x8 + 0.5 * np.tanh(x9) + I


@bp.integrate
def ring_9(x9, t, x0, I):
    return -x9 + 0.5 * np.tanh(x0) + I


@bp.integrate
def unit_0(x0, t, I):
    return np.tanh(3. * x0) - x0 + I


@bp.integrate
def unit_1(x1, t, I):
    return np.tanh(3. * x1) - x1 + I


@bp.integrate
def unit_2(x2, t, I):
    return np.tanh(3. * x2) - x2 + I


@bp.integrate
def unit_3(x3, t, I):
    return np.tanh(3. * x3) - x3 + I


@bp.integrate
def unit_4(x4, t, I):
    return np.tanh(3. * x4) - x4 + I


@bp.integrate
def unit_5(x5, t, I):
    return np.tanh(3. * x5) - x5 + I


@bp.integrate
def unit_6(x6, t, I):
    return np.tanh(3. * x6) - x6 + I


@bp.integrate
def unit_7(x7, t, I):
    return np.tanh(3. * x7) - x7 + I


@bp.integrate
def unit_8(x8, t, I):
    return np.tanh(3. * x8) - x8 + I


@bp.integrate
def unit_9(x9, t, I):
    return np.tanh(3. * x9) - x9 + I


def ring_update(ST, _t):
    ST['x0'] = ring_0(ST['x0'], _t, ST['x1'], ST['input'])
    ST['x1'] = ring_1(ST['x1'], _t, ST['x2'], ST['input'])
    ST['x2'] = ring_2(ST['x2'], _t, ST['x3'], ST['input'])
    ST['x3'] = ring_3(ST['x3'], _t, ST['x4'], ST['input'])
    ST['x4'] = ring_4(ST['x4'], _t, ST['x5'], ST['input'])
    ST['x5'] = ring_5(ST['x5'], _t, ST['x6'], ST['input'])
    ST['x6'] = ring_6(ST['x6'], _t, ST['x7'], ST['input'])
    ST['x7'] = ring_7(ST['x7'], _t, ST['x8'], ST['input'])
    ST['x8'] = ring_8(ST['x8'], _t, ST['x9'], ST['input'])
    ST['x9'] = ring_9(ST['x9'], _t, ST['x0'], ST['input'])


def units_update(ST, _t):
    ST['x0'] = unit_0(ST['x0'], _t, ST['input'])
    ST['x1'] = unit_1(ST['x1'], _t, ST['input'])
    ST['x2'] = unit_2(ST['x2'], _t, ST['input'])
    ST['x3'] = unit_3(ST['x3'], _t, ST['input'])
    ST['x4'] = unit_4(ST['x4'], _t, ST['input'])
    ST['x5'] = unit_5(ST['x5'], _t, ST['input'])
    ST['x6'] = unit_6(ST['x6'], _t, ST['input'])
    ST['x7'] = unit_7(ST['x7'], _t, ST['input'])
    ST['x8'] = unit_8(ST['x8'], _t, ST['input'])
    ST['x9'] = unit_9(ST['x9'], _t, ST['input'])


STATE = bp.types.NeuState({**{name: 0. for name in NAMES}, 'input': 0.})
RING = bp.NeuType(name='Ring', ST=STATE, steps=ring_update, mode='vector')
UNITS = bp.NeuType(name='Units', ST=STATE, steps=units_update, mode='vector')
