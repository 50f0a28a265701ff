"""Brian2 reference: Rothman & Manis (2003), the ventral cochlear nucleus neuron types (Brian2 examples,
frompapers/Rothman_Manis_2003): the six types (type1c, type1t, type12, type21, type2, type2o) differ only in
their maximal conductances, so here they are six neurons of one group, each with its own conductances.
Exponential Euler at the original's dt (0.1 ms), 50 ms at rest, then ``Ipulse`` (250 pA) for ``duration`` ms.
Reports per type: the potential at the end of the rest, the upward crossings of -20 mV during the pulse, the
first one's time (from the pulse onset), and the minimum, maximum and mean of v over the pulse."""

import time

import numpy as np
from brian2 import NeuronGroup, StateMonitor, TimedArray, defaultclock, ms, mV, nS, pA, pF, run
from common import main, run_seconds

TYPES = ("type1c", "type1t", "type12", "type21", "type2", "type2o")
#: nS: gnabar, gkhtbar, gkltbar, gkabar, ghbar, gbarno, gl (the original's table)
CONDUCTANCES = np.array([(1000, 150, 0, 0, 0.5, 0, 2), (1000, 80, 0, 65, 0.5, 0, 2), (1000, 150, 20, 0, 2, 0, 2),
                         (1000, 150, 35, 0, 3.5, 0, 2), (1000, 150, 200, 0, 20, 0, 2),
                         (1000, 150, 600, 0, 0, 40, 2)], dtype=float)


def simulate(seed, duration, Ipulse=250., dt=0.1):
    defaultclock.dt = dt * ms
    stimulus = TimedArray([0., Ipulse] * pA, dt=50 * ms)  # noqa: F841 - 0 for the first 50 ms, then the pulse
    C = 12 * pF  # noqa: F841
    Eh, EK, El, ENa = -43 * mV, -70 * mV, -65 * mV, 50 * mV  # noqa: F841
    nf, zss, temp = 0.85, 0.5, 22.  # noqa: F841
    q10 = 3. ** ((temp - 22) / 10.)  # noqa: F841
    frac = 0.0  # noqa: F841
    qt = 4.5 ** ((temp - 33.) / 10.)  # noqa: F841
    eqs = """
    dv/dt = (ileak + ina + ikht + iklt + ika + ih + ihcno + I)/C : volt
    vu = v/mV : 1
    I = stimulus(t) : amp
    gnabar : siemens
    gkhtbar : siemens
    gkltbar : siemens
    gkabar : siemens
    ghbar : siemens
    gbarno : siemens
    gl : siemens
    ileak = gl*(El - v) : amp
    ina = gnabar*m**3*h*(ENa - v) : amp
    dm/dt = q10*(minf - m)/mtau : 1
    dh/dt = q10*(hinf - h)/htau : 1
    minf = 1./(1 + exp(-(vu + 38.)/7.)) : 1
    hinf = 1./(1 + exp((vu + 65.)/6.)) : 1
    mtau = ((10./(5*exp((vu + 60.)/18.) + 36.*exp(-(vu + 60.)/25.))) + 0.04)*ms : second
    htau = ((100./(7*exp((vu + 60.)/11.) + 10.*exp(-(vu + 60.)/25.))) + 0.6)*ms : second
    ikht = gkhtbar*(nf*n**2 + (1 - nf)*p)*(EK - v) : amp
    dn/dt = q10*(ninf - n)/ntau : 1
    dp/dt = q10*(pinf - p)/ptau : 1
    ninf = (1 + exp(-(vu + 15)/5.))**-0.5 : 1
    pinf = 1./(1 + exp(-(vu + 23)/6.)) : 1
    ntau = ((100./(11*exp((vu + 60)/24.) + 21*exp(-(vu + 60)/23.))) + 0.7)*ms : second
    ptau = ((100./(4*exp((vu + 60)/32.) + 5*exp(-(vu + 60)/22.))) + 5)*ms : second
    ih = ghbar*r*(Eh - v) : amp
    dr/dt = q10*(rinf - r)/rtau : 1
    rinf = 1./(1 + exp((vu + 76.)/7.)) : 1
    rtau = ((100000./(237.*exp((vu + 60.)/12.) + 17.*exp(-(vu + 60.)/14.))) + 25.)*ms : second
    iklt = gkltbar*w**4*z*(EK - v) : amp
    dw/dt = q10*(winf - w)/wtau : 1
    dz/dt = q10*(zinf - z)/ztau : 1
    winf = (1./(1 + exp(-(vu + 48.)/6.)))**0.25 : 1
    zinf = zss + ((1. - zss)/(1 + exp((vu + 71.)/10.))) : 1
    wtau = ((100./(6.*exp((vu + 60.)/6.) + 16.*exp(-(vu + 60.)/45.))) + 1.5)*ms : second
    ztau = ((1000./(exp((vu + 60.)/20.) + exp(-(vu + 60.)/8.))) + 50)*ms : second
    ika = gkabar*a**4*b*c*(EK - v) : amp
    da/dt = q10*(ainf - a)/atau : 1
    db/dt = q10*(binf - b)/btau : 1
    dc/dt = q10*(cinf - c)/ctau : 1
    ainf = (1./(1 + exp(-(vu + 31)/6.)))**0.25 : 1
    binf = 1./(1 + exp((vu + 66)/7.))**0.5 : 1
    cinf = 1./(1 + exp((vu + 66)/7.))**0.5 : 1
    atau = ((100./(7*exp((vu + 60)/14.) + 29*exp(-(vu + 60)/24.))) + 0.1)*ms : second
    btau = ((1000./(14*exp((vu + 60)/27.) + 29*exp(-(vu + 60)/24.))) + 1)*ms : second
    ctau = ((90./(1 + exp((-66 - vu)/17.))) + 10)*ms : second
    ihcno = gbarno*(h1*frac + h2*(1 - frac))*(Eh - v) : amp
    dh1/dt = (hinfno - h1)/tau1 : 1
    dh2/dt = (hinfno - h2)/tau2 : 1
    hinfno = 1./(1 + exp((vu + 66.)/7.)) : 1
    tau1 = bet1/(qt*0.008*(1 + alp1))*ms : second
    tau2 = bet2/(qt*0.0029*(1 + alp2))*ms : second
    alp1 = exp(1e-3*3*(vu + 50)*9.648e4/(8.315*(273.16 + temp))) : 1
    bet1 = exp(1e-3*3*0.3*(vu + 50)*9.648e4/(8.315*(273.16 + temp))) : 1
    alp2 = exp(1e-3*3*(vu + 84)*9.648e4/(8.315*(273.16 + temp))) : 1
    bet2 = exp(1e-3*3*0.6*(vu + 84)*9.648e4/(8.315*(273.16 + temp))) : 1
    """
    neuron = NeuronGroup(len(TYPES), eqs, method="exponential_euler")
    for k, name in enumerate(("gnabar", "gkhtbar", "gkltbar", "gkabar", "ghbar", "gbarno", "gl")):
        setattr(neuron, name, CONDUCTANCES[:, k] * nS)
    neuron.v = El
    # the original's two runs (50 ms to rest, then the pulse, the monitor made between them) as one run with the
    # current a TimedArray, which cpp_standalone can build and time; the pulse's part of the record is the same
    mon = StateMonitor(neuron, "v", record=True)
    t0 = time.perf_counter()
    run((50. + duration) * ms)
    run_s = run_seconds(time.perf_counter() - t0)
    at_rest = int(round(50. / dt))
    rest = np.asarray(mon.v[:, at_rest] / mV).tolist()
    V = np.asarray(mon.v / mV)[:, at_rest:]  # neuron x time; sample k is the state at the start of step k of the pulse
    t = np.asarray(mon.t / ms)[at_rest:] - 50.
    up = (V[:, :-1] < -20.) & (V[:, 1:] >= -20.)
    return {"run_s": run_s, "timed_per_build": True, "types": list(TYPES), "rest_mV": rest, "crossings": up.sum(axis=1).tolist(),
            "first_crossing_ms": [float(t[1:][row][0]) if row.any() else float("nan") for row in up],
            "v_min": V.min(axis=1).tolist(), "v_max": V.max(axis=1).tolist(), "v_mean": V.mean(axis=1).tolist(),
            "type1c_crossings": int(up[0].sum())}


if __name__ == "__main__":
    main(simulate, duration=100., size={})
