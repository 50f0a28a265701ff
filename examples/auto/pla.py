"""AUTO-07p demo ``pla``: Plant's model of the R15 bursting neuron of Aplysia (a parabolic burster, five
variables: voltage V, calcium activation xT, potassium activation xK, sodium inactivation yI, calcium
concentration c), continued in the sodium conductance gI (gP = 0.03, gT = 0.01): folds and Hopf points of
the rest state, and the spiking cycles born at the Hopf points, of long periods (slow calcium)."""

import numpy as np

import bp_core as bp

DEMO = "pla"
PAR = "gI"
PAR_RANGE = (-120.0, 50.0)
VARIABLES = {"V": [-80.0, 40.0], "xT": [0.0, 1.0], "xK": [0.0, 1.0], "yI": [0.0, 1.0], "c": [0.0, 5.0]}
RESOLUTION = 1.0
MAX_PERIOD = 10000.0
AUTO = {"par_index": 1, "equilibria": {"c": "pla", "NMX": 3000}, "cycles": {"NTST": 150, "NMX": 1000}}


def model(gP: float = 0.03, gT: float = 0.01) -> bp.NeuType:
    VI, VK, VL, VCa = 30.0, -75.0, -40.0, 140.0
    gK, gL, Kp, Kc, rho, txT, zeta = 0.3, 0.003, 0.5, 0.0085, 0.0003, 235.0, 1.0
    a = 127.0 / (VI - VK)
    b = (115.0 * VK + 12.0 * VI) / (VI - VK)

    @bp.integrate
    def int_V(V, t, xT, xK, yI, c, gI):
        Vs = a * V - b
        am = 0.1 * (50 - Vs) / (np.exp((50 - Vs) / 10) - 1)
        bm = 4 * np.exp((25 - Vs) / 18)
        sI = am / (am + bm)
        return ((gI * sI ** 3 * yI + gT * xT) * (VI - V) + (gK * xK ** 4 + gP * c / (Kp + c)) * (VK - V)
                + gL * (VL - V))

    @bp.integrate
    def int_xT(xT, t, V, gI):
        sT = 1 / (np.exp(0.15 * (-50 - V)) + 1)
        return (sT - xT) / (txT * zeta)

    @bp.integrate
    def int_xK(xK, t, V, gI):
        Vs = a * V - b
        an = 0.01 * (55 - Vs) / (np.exp((55 - Vs) / 10) - 1)
        bn = 0.125 * np.exp((45 - Vs) / 80)
        return (an / (an + bn) - xK) * (an + bn) / (12.5 * zeta)

    @bp.integrate
    def int_yI(yI, t, V, gI):
        Vs = a * V - b
        ah = 0.07 * np.exp((25 - Vs) / 20)
        bh = 1 / (np.exp((55 - Vs) / 10) + 1)
        return (ah / (ah + bh) - yI) * (ah + bh) / (12.5 * zeta)

    @bp.integrate
    def int_c(c, t, V, xT, gI):
        return rho * (Kc * xT * (VCa - V) - c)

    def update(ST, _t):
        V = int_V(ST['V'], _t, ST['xT'], ST['xK'], ST['yI'], ST['c'], 0.)
        xT = int_xT(ST['xT'], _t, ST['V'], 0.)
        xK = int_xK(ST['xK'], _t, ST['V'], 0.)
        yI = int_yI(ST['yI'], _t, ST['V'], 0.)
        ST['c'] = int_c(ST['c'], _t, ST['V'], ST['xT'], 0.)
        ST['V'], ST['xT'], ST['xK'], ST['yI'] = V, xT, xK, yI

    return bp.NeuType(name="auto_pla", ST=bp.types.NeuState('V', 'xT', 'xK', 'yI', 'c'), steps=update)
