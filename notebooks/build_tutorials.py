"""Write the tutorial notebooks of notebooks/tutorials/ from the cells below (run after editing them).

    python notebooks/build_tutorials.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).parent / "tutorials"

SETUP = "import numpy as np\nimport matplotlib.pyplot as plt\nimport bp_core as bp"

HH_GAMMA = '''V_th, C, gLeak, ELeak, gNa, ENa, gK, EK, phi = 0., 1.0, 0.1, -65., 35., 55., 9., -90., 5.0

@bp.integrate
def int_h(h, t, V):
    alpha = 0.07 * np.exp(-(V + 58) / 20)
    beta = 1 / (np.exp(-0.1 * (V + 28)) + 1)
    return phi * (alpha * (1 - h) - beta * h)

@bp.integrate
def int_n(n, t, V):
    alpha = -0.01 * (V + 34) / (np.exp(-0.1 * (V + 34)) - 1)
    beta = 0.125 * np.exp(-(V + 44) / 80)
    return phi * (alpha * (1 - n) - beta * n)

@bp.integrate
def int_V(V, t, h, n, Isyn):
    m_alpha = -0.1 * (V + 35) / (np.exp(-0.1 * (V + 35)) - 1)
    m_beta = 4 * np.exp(-(V + 60) / 18)
    m = m_alpha / (m_alpha + m_beta)
    INa = gNa * m ** 3 * h * (V - ENa)
    IK = gK * n ** 4 * (V - EK)
    IL = gLeak * (V - ELeak)
    return (- INa - IK - IL + Isyn) / C

def update(ST, _t):
    h = int_h(ST['h'], _t, ST['V'])
    n = int_n(ST['n'], _t, ST['V'])
    V = int_V(ST['V'], _t, ST['h'], ST['n'], ST['input'])
    ST['spike'] = np.logical_and(ST['V'] < V_th, V >= V_th)
    ST['V'] = V
    ST['h'] = h
    ST['n'] = n
    ST['input'] = 0.

HH = bp.NeuType(ST=bp.types.NeuState({'V': -55., 'h': 0., 'n': 0., 'spike': 0., 'input': 0.}),
                name='HH_neuron', steps=update)'''

GABA = '''g_max, E, alpha, beta = 0.1, -75., 12., 0.1

@bp.integrate
def int_s(s, t, TT):
    return alpha * TT * (1 - s) - beta * s

def syn_update(ST, _t, pre):
    T = 1 / (1 + np.exp(-(pre['V'] - V_th) / 2))
    ST['s'] = int_s(ST['s'], _t, T)

@bp.delayed
def syn_output(ST, post):
    post['input'] -= g_max * ST['s'] * (post['V'] - E)

GABAa = bp.SynType(ST=bp.types.SynState(['s']), name='GABAa', steps=(syn_update, syn_output), mode='scalar',
                   requires=dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input'])))'''

INIT = '''def initial_state(num, seed=0):
    v = -70. + np.random.default_rng(seed).random(num) * 20
    h_a, h_b = 0.07 * np.exp(-(v + 58) / 20), 1 / (np.exp(-0.1 * (v + 28)) + 1)
    n_a, n_b = -0.01 * (v + 34) / (np.exp(-0.1 * (v + 34)) - 1), 0.125 * np.exp(-(v + 44) / 80)
    return v, h_a / (h_a + h_b), n_a / (n_a + n_b)'''

FHN = '''def get_FNmodel(a=0.7, b=0.8, tau=12.5, Vth=1.9):
    state = bp.types.NeuState({'v': 0., 'w': 1., 'spike': 0., 'input': 0.})

    @bp.integrate
    def int_w(w, t, v):
        return (v + a - b * w) / tau

    @bp.integrate
    def int_v(v, t, w, Iext):
        return v - v * v * v / 3 - w + Iext

    def update(ST, _t):
        ST['w'] = int_w(ST['w'], _t, ST['v'])
        v = int_v(ST['v'], _t, ST['w'], ST['input'])
        ST['spike'] = np.logical_and(v >= Vth, ST['v'] < Vth)
        ST['v'] = v
        ST['input'] = 0.

    return bp.NeuType(name='FitzHugh_Nagumo', ST=state, steps=update)'''

TUTORIALS: dict[str, list[tuple[str, str]]] = {
    "01_quickstart": [
        ("md", "# Quickstart: a gamma rhythm from mutual inhibition\n\nA hundred Hodgkin-Huxley-type interneurons "
               "inhibit each other through GABA_A synapses (Wang & Buzsaki 1996). With enough inhibition they "
               "fire together in a 20-80 Hz rhythm. We define the neuron and the synapse, connect them and run."),
        ("code", SETUP + "\nbp.profile.set(jit=True, device='cpu', dt=0.04, numerical_method='exponential')"),
        ("md", "A neuron model is a state (`NeuState`), derivative functions made into integrators by "
               "`@bp.integrate`, and a step function that moves the state from `t` to `t + dt`."),
        ("code", HH_GAMMA),
        ("md", "The synapse has one gating variable per connection. Its `output` is `@bp.delayed`: it sees the "
               "gate as it was `delay` ms earlier."),
        ("code", GABA),
        ("md", "Concrete objects: a group of 100 neurons, all-to-all synapses without self-connections, a "
               "network. Parameters are per object (`syn.pars`) and are data: changing them does not recompile."),
        ("code", INIT + "\n\nnum = 100\nneu = bp.NeuGroup(HH, geometry=num, monitors=['spike', 'V'])\n"
                 "syn = bp.SynConn(model=GABAa, pre_group=neu, post_group=neu,\n"
                 "                 conn=bp.connect.All2All(include_self=False), delay=0.5)\n"
                 "neu.ST['V'], neu.ST['h'], neu.ST['n'] = initial_state(num)\nsyn.pars['g_max'] = 0.1 / num\n"
                 "net = bp.Network(neu, syn)\nnet.run(duration=300., inputs=[neu, 'ST.input', 1.2], report=True)"),
        ("code", "fig, gs = bp.visualize.get_figure(2, 1, 3, 10)\nfig.add_subplot(gs[0, 0])\n"
                 "plt.plot(net.ts, neu.mon.V[:, 0])\nplt.ylabel('V of neuron 0 (mV)')\nfig.add_subplot(gs[1, 0])\n"
                 "index, time = bp.measure.raster_plot(neu.mon.spike, net.ts)\nplt.plot(time, index, '.', markersize=2)\n"
                 "plt.xlabel('time (ms)')\nplt.ylabel('neuron')\nplt.show()"),
        ("md", "## Live\n\n`NetworkExplorer` re-runs the compiled network whenever a slider moves and streams the "
               "raster as it is computed."),
        ("code", "from bpwidgets import NetworkExplorer\n"
                 "explorer = NetworkExplorer(net, inputs=[(neu, 'ST.input', 1.2)], duration=200., params={syn: ['g_max']},\n"
                 "                           ranges={'g_max': (0.0, 0.004)})\nexplorer.runner.wait()\nexplorer"),
    ],
    "02_build_neurons": [
        ("md", "# Building neurons\n\nA `NeuType` is an abstract model; a `NeuGroup` is a concrete population of it. "
               "Step functions see either one neuron (`mode='scalar'`) or the whole group (`mode='vector'`)."),
        ("code", SETUP + "\nbp.profile.set(dt=0.01)"),
        ("code", "C, g_Na, E_Na, E_K, g_K, E_Leak, g_Leak, Vth = 1.0, 120., 50., -77., 36., -54.402, 0.3, 20.\n\n"
                 "@bp.integrate\ndef int_m(m, t, V):\n    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))\n"
                 "    beta = 4.0 * np.exp(-(V + 65) / 18)\n    return alpha * (1 - m) - beta * m\n\n"
                 "@bp.integrate\ndef int_h(h, t, V):\n    alpha = 0.07 * np.exp(-(V + 65) / 20.)\n"
                 "    beta = 1 / (1 + np.exp(-(V + 35) / 10))\n    return alpha * (1 - h) - beta * h\n\n"
                 "@bp.integrate\ndef int_n(n, t, V):\n    alpha = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))\n"
                 "    beta = 0.125 * np.exp(-(V + 65) / 80)\n    return alpha * (1 - n) - beta * n\n\n"
                 "@bp.integrate\ndef int_V(V, t, m, h, n, Isyn):\n    INa = g_Na * m ** 3 * h * (V - E_Na)\n"
                 "    IK = g_K * n ** 4 * (V - E_K)\n    IL = g_Leak * (V - E_Leak)\n"
                 "    return (- INa - IK - IL + Isyn) / C\n\n"
                 "def update(ST, _t):\n    m = np.clip(int_m(ST['m'], _t, ST['V']), 0., 1.)\n"
                 "    h = np.clip(int_h(ST['h'], _t, ST['V']), 0., 1.)\n    n = np.clip(int_n(ST['n'], _t, ST['V']), 0., 1.)\n"
                 "    V = int_V(ST['V'], _t, ST['m'], ST['h'], ST['n'], ST['input'])\n"
                 "    ST['spike'] = np.logical_and(ST['V'] < Vth, V >= Vth)\n"
                 "    ST['V'], ST['m'], ST['h'], ST['n'], ST['input'] = V, m, h, n, 0.\n\n"
                 "ST = bp.types.NeuState('m', 'h', 'n', 'spike', 'input', V=-65.)\n"
                 "HH = bp.NeuType(name='HH_neuron', ST=ST, steps=update, mode='vector')\n"
                 "group = bp.NeuGroup(HH, geometry=10, monitors=['V', 'm', 'n', 'h'])\n"
                 "group.run(100., inputs=('ST.input', 5.), report=True)"),
        ("md", "The same LIF model in the two modes. Scalar mode reads like the equations; vector mode works on arrays."),
        ("code", "tau_m, Vr, Vth_lif, tau_ref = 10., 0., 10., 2.\n\n@bp.integrate\ndef int_f(V, t, Isyn):\n"
                 "    return (-V + Vr + Isyn) / tau_m\n\ndef lif_scalar(ST, _t):\n    ST['spike'] = 0.\n"
                 "    if _t - ST['t_last_spike'] > tau_ref:\n        V = int_f(ST['V'], _t, ST['input'])\n"
                 "        if V >= Vth_lif:\n            V = Vr\n            ST['t_last_spike'] = _t\n"
                 "            ST['spike'] = 1.\n        ST['V'] = V\n    ST['input'] = 0.\n\n"
                 "LIF_ST = bp.types.NeuState('V', 'input', 'spike', t_last_spike=-1e7)\n"
                 "lif = bp.NeuGroup(bp.NeuType(name='LIF', ST=LIF_ST, steps=lif_scalar, mode='scalar'), 5, monitors=['V', 'spike'])\n"
                 "lif.run(100., inputs=('input', np.linspace(11, 20, 5)))\nlif.mon.spike.sum(axis=0)"),
        ("md", "Data a model needs is declared with `requires` and given with `satisfies` (or as an attribute); "
               "`hand_overs` gives every group data or functions of the model, here a spike counter."),
        ("code", "def counting(ST, _t, spike_num):\n    V = int_f(ST['V'], _t, ST['input'])\n    is_spike = V > Vth_lif\n"
                 "    spike_num[0] += np.sum(is_spike)\n    ST['V'] = np.where(is_spike, Vr, V)\n"
                 "    ST['spike'] = is_spike\n    ST['input'] = 0.\n\n"
                 "counter = bp.NeuType(name='LIF', ST=LIF_ST, steps=counting, mode='vector', hand_overs={'spike_num': np.array([0])})\n"
                 "g = bp.NeuGroup(counter, 10, monitors=['spike'])\ng.run(100., inputs=('input', 15.))\n"
                 "print(g.spike_num[0], g.mon.spike.sum())"),
        ("code", "bp.visualize.line_plot(group.mon.ts, group.mon.V, legend='V')\nplt.figure()\n"
                 "bp.visualize.line_plot(group.mon.ts, group.mon.m, legend='m')\n"
                 "bp.visualize.line_plot(group.mon.ts, group.mon.h, legend='h')\n"
                 "bp.visualize.line_plot(group.mon.ts, group.mon.n, legend='n', show=True)"),
    ],
}

AMPA = '''tau_decay, g_max, E = 2., 0.10, 0.

@bp.integrate
def ints(s, t):
    return - s / tau_decay

def update(ST, _t, pre):
    s = ints(ST['s'], _t)
    if pre['spike'] > 0:
        s += 1
    ST['s'] = s

@bp.delayed
def output(ST, post):
    post['input'] -= g_max * ST['s'] * (post['V'] - E)

AMPA = bp.SynType(name='AMPA', ST=bp.types.SynState(['s']), steps=(update, output), mode='scalar',
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['V', 'input'])))'''

TUTORIALS.update({
    "03_build_synapses": [
        ("md", "# Building synapses\n\nA `SynType` describes one synapse (scalar mode), a vector of them, or "
               "matrices over (pre, post). A `SynConn` connects two groups with it; `delay` shifts what "
               "`@bp.delayed` steps see."),
        ("code", SETUP + "\nbp.profile.set(dt=0.1)"),
        ("code", AMPA),
        ("code", "LIF = bp.models.get_LIF(V_rest=-65., V_reset=-65., V_th=-55.)\n"
                 "pre = bp.NeuGroup(LIF, 1, monitors=['spike', 'V'])\npre.ST['V'] = -65.\n"
                 "post = bp.NeuGroup(LIF, 1, monitors=['V'])\npost.ST['V'] = -65.\n"
                 "syn = bp.SynConn(model=AMPA, pre_group=pre, post_group=post, conn=bp.connect.All2All(),\n"
                 "                 monitors=['s'], delay=1.5)\nsyn.runner.set_schedule(['input', 'update', 'output', 'monitor'])\n"
                 "net = bp.Network(pre, syn, post)\nnet.run(duration=100., inputs=(pre, 'ST.input', 20.))"),
        ("code", "fig, gs = bp.visualize.get_figure(2, 1, 3, 8)\nfig.add_subplot(gs[0, 0])\n"
                 "bp.visualize.line_plot(net.ts, syn.mon.s, ylabel='s')\nfig.add_subplot(gs[1, 0])\n"
                 "bp.visualize.line_plot(net.ts, post.mon.V, ylabel='post V', show=True)"),
    ],
    "04_build_network": [
        ("md", "# Building a network: excitation and inhibition in balance\n\nOne group of LIF neurons, split in an "
               "excitatory and an inhibitory half by slicing; each half projects to all neurons with probability p."),
        ("code", SETUP + "\nbp.profile.set(jit=True, numerical_method='exponential', dt=0.1)\n"
                 "num_exc, num_inh, prob = 200, 200, 0.1\nV_rest, V_reset, V_th, tau, t_refractory = -52., -60., -50., 10., 5.\n"
                 "tau_decay = 2."),
        ("code", "@bp.integrate\ndef int_V(V, _t, I_ext):\n    return (- (V - V_rest) + I_ext) / tau\n\n"
                 "def update(ST, _t):\n    ST['spike'] = 0\n    if _t - ST['t_last_spike'] > t_refractory:\n"
                 "        V = int_V(ST['V'], _t, ST['input'])\n        if V >= V_th:\n            V = V_reset\n"
                 "            ST['spike'] = 1\n            ST['t_last_spike'] = _t\n        ST['V'] = V\n\n"
                 "def reset(ST):\n    ST['input'] = 0.\n\n"
                 "neu = bp.NeuType(name='LIF', ST=bp.types.NeuState({'V': 0, 'input': 0, 'spike': 0, 't_last_spike': -1e7}),\n"
                 "                 steps=(update, reset), mode='scalar')\n\n"
                 "@bp.integrate\ndef ints(s, t):\n    return - s / tau_decay\n\n"
                 "def syn_update(ST, _t, pre):\n    s = ints(ST['s'], _t)\n    s += pre['spike']\n    ST['s'] = s\n"
                 "    ST['g'] = ST['w'] * s\n\ndef syn_output(ST, post):\n    post['input'] += ST['g']\n\n"
                 "syn = bp.SynType(name='exponential', ST=bp.types.SynState({'s': 0., 'w': .1, 'g': 0.}),\n"
                 "                 steps=(syn_update, syn_output), mode='scalar')"),
        ("code", "group = bp.NeuGroup(neu, geometry=num_exc + num_inh, monitors=['spike'])\n"
                 "group.ST['V'] = np.random.random(num_exc + num_inh) * (V_th - V_rest) + V_rest\n"
                 "exc = bp.SynConn(syn, pre_group=group[:num_exc], post_group=group, conn=bp.connect.FixedProb(prob=prob))\n"
                 "exc.ST['w'] = 1 / np.sqrt(prob * num_exc)\n"
                 "inh = bp.SynConn(syn, pre_group=group[num_exc:], post_group=group, conn=bp.connect.FixedProb(prob=prob))\n"
                 "inh.ST['w'] = -1 / np.sqrt(prob * num_inh)\nnet = bp.Network(group, exc, inh)\n"
                 "net.run(duration=300., inputs=(group, 'ST.input', 3.), report=True)"),
        ("code", "fig, gs = bp.visualize.get_figure(4, 1, 2, 10)\nfig.add_subplot(gs[:3, 0])\n"
                 "bp.visualize.raster_plot(net.ts, group.mon.spike, xlim=(50, 300))\nfig.add_subplot(gs[3, 0])\n"
                 "plt.plot(net.ts, bp.measure.firing_rate(group.mon.spike, 5.))\nplt.xlim(50, 300)\nplt.show()"),
        ("md", "## What to record\n\nA `spike` field (any field the steps only set to 0 or 1) is recorded as events: "
               "`group.mon.spike_index` and `group.mon.spike_time` hold one entry per spike, and memory grows with "
               "the spikes, not with neurons x steps. `group.mon.spike` is the dense (steps, neurons) array, built "
               "when first asked for. `bp.measure` takes the events directly (`group.mon.spike_events`).\n\n"
               "Other fields can be recorded for chosen neurons (`('V', [0, 1, 2])`) or every few ms and in float32 "
               "(`bp.Monitor('V', indices=..., interval=1., dtype='float32')`)."),
        ("code", "group = bp.NeuGroup(neu, geometry=num_exc + num_inh,\n"
                 "                    monitors=['spike', bp.Monitor('V', indices=[0, 1, 2], interval=1., dtype='float32')])\n"
                 "group.ST['V'] = np.random.random(num_exc + num_inh) * (V_th - V_rest) + V_rest\n"
                 "exc = bp.SynConn(syn, pre_group=group[:num_exc], post_group=group, conn=bp.connect.FixedProb(prob=prob))\n"
                 "exc.ST['w'] = 1 / np.sqrt(prob * num_exc)\n"
                 "inh = bp.SynConn(syn, pre_group=group[num_exc:], post_group=group, conn=bp.connect.FixedProb(prob=prob))\n"
                 "inh.ST['w'] = -1 / np.sqrt(prob * num_inh)\nnet = bp.Network(group, exc, inh)\n"
                 "net.run(duration=300., inputs=(group, 'ST.input', 3.))\n"
                 "print(len(group.mon.spike_events), 'spikes;', group.mon.V.shape, 'V samples of', group.mon.V_index)\n"
                 "plt.plot(group.mon.V_time, group.mon.V)\nplt.xlabel('time (ms)')\nplt.ylabel('V')\nplt.show()\n"
                 "bp.measure.cross_correlation(group.mon.spike_events, bin_size=20)"),
    ],
    "05_dynamics_analysis": [
        ("md", "# Dynamics analysis of the FitzHugh-Nagumo neuron\n\nThe analyzers read the model's own derivative "
               "functions: no second copy of the equations."),
        ("code", SETUP + "\nbp.profile.set(dt=0.02, numerical_method='rk4')"),
        ("code", FHN + "\n\nneuron = get_FNmodel(a=0.7, b=0.8, tau=12.5)"),
        ("code", "analyzer = bp.PhasePortraitAnalyzer(model=neuron, target_vars={'v': [-3, 3], 'w': [-3., 3.]},\n"
                 "                                    fixed_vars={'Iext': 0.8})\nanalyzer.plot_nullcline()\n"
                 "analyzer.plot_vector_field()\nanalyzer.plot_fixed_point()\n"
                 "analyzer.plot_trajectory([(-2.8, -1.8, 100.)], show=True)"),
        ("md", "The same results as data, and the limit cycle the trajectory settles on:"),
        ("code", "point = analyzer.fixed_points()[0]\nprint(point.position, point.stability, point.eigenvalues)\n"
                 "print(analyzer.limit_cycle({'v': -2.8, 'w': -1.8}, 1000.))"),
        ("code", "bif = bp.BifurcationAnalyzer(model=neuron, target_pars={'Iext': [0., 1.]},\n"
                 "                              dynamical_vars={'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.001)\n"
                 "print(bif.bifurcation_points())\nbif.plot_bifurcation(plot_vars=['v'], show=True)"),
        ("code", "bif2 = bp.BifurcationAnalyzer(model=neuron, target_pars={'a': [0.5, 1.], 'Iext': [0., 1.]},\n"
                 "                               dynamical_vars={'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.05)\n"
                 "bif2.plot_bifurcation(show=True)"),
        ("md", "## Live\n\nMove Iext and watch the fixed point lose stability; click the plane to start trajectories."),
        ("code", "from bpwidgets import PhasePlaneExplorer, BifurcationExplorer\n"
                 "PhasePlaneExplorer(neuron, {'v': [-3, 3], 'w': [-3, 3]}, fixed_vars={'Iext': 0.8}, params=['a', 'b'])"),
    ],
    "06_differential_equations": [
        ("md", "# Differential equations\n\nWrite only the right-hand side. Return `f` for an ODE, `f, g` for an SDE "
               "`dx = f dt + g dW`, and `(f,), extras` or `(f, g), extras` to also get intermediate values back."),
        ("code", SETUP + "\nbp.profile.set(dt=0.01, seed=1)"),
        ("code", "gNa, gK, gLeak, ENa, EK, ELeak, C, noise = 120., 36., 0.3, 50., -77., -54.387, 1.0, 1.0\n\n"
                 "@bp.integrate(method='euler')\ndef func(V, t, m, h, n, Iext):\n    INa = gNa * m ** 3 * h * (V - ENa)\n"
                 "    IK = gK * n ** 4 * (V - EK)\n    IL = gLeak * (V - ELeak)\n    f = (- INa - IK - IL + Iext) / C\n"
                 "    g = noise / C\n    return (f, g), INa, IK, IL\n\n"
                 "V, INa, IK, IL = func(-65., 0., 0.05, 0.6, 0.32, 10.)\nprint(V, INa, IK, IL)\nprint(func.update_code)"),
        ("code", "tau, sigma = 5., 0.8\n\n@bp.integrate(method='euler')\ndef ou(x, t):\n    return -x / tau, sigma\n\n"
                 "x = np.zeros(2000)\ntrace = []\nfor i in range(4000):\n    x = ou(x, i * 0.01)\n    trace.append(x[:3].copy())\n"
                 "print('variance', x.var(), 'theory', sigma ** 2 * tau / 2)\nplt.plot(np.arange(4000) * 0.01, trace)\n"
                 "plt.xlabel('time (ms)')\nplt.show()"),
    ],
    "07_numerical_integrators": [
        ("md", "# Numerical integrators\n\nTen methods, chosen by keyword. Their convergence orders, measured:"),
        ("code", SETUP),
        ("code", "def rhs(x, t):\n    return x * np.cos(t)\n\nexact = np.exp(np.sin(2.0))\ndts = np.array([0.1, 0.05, 0.025, 0.0125])\n"
                 "for method in ['euler', 'midpoint', 'heun', 'rk2', 'rk3', 'rk4', 'rk4_alternative', 'exponential']:\n"
                 "    integrator = bp.integrate(rhs, method=method)\n    errors = []\n    for dt in dts:\n"
                 "        x = 1.0\n        for i in range(int(round(2.0 / dt))):\n            x = integrator.step(x, i * dt, dt=dt)\n"
                 "        errors.append(abs(x - exact))\n    plt.loglog(dts, errors, 'o-', label=method)\n"
                 "    print(method, round(np.polyfit(np.log(dts), np.log(errors), 1)[0], 2))\nplt.xlabel('dt')\n"
                 "plt.ylabel('error at t = 2')\nplt.legend(fontsize=7)\nplt.show()"),
        ("code", "@bp.integrate(method='rk4')\ndef decay(x, t, k):\n    return -k * x\n\nprint(decay.update_code)"),
    ],
    "08_debugging": [
        ("md", "# Debugging\n\nWith `jit=False` the generated code runs as plain Python, so `pdb.set_trace()` inside a step "
               "function stops there. The breakpoint below is guarded by `DEBUG` so the notebook runs through; set it "
               "to True to step through the update."),
        ("code", SETUP + "\nimport pdb\nbp.profile.set(show_code=True, jit=False, dt=0.1)\nDEBUG = False"),
        ("code", "tau, V_rest = 10., -65.\n\n@bp.integrate\ndef int_V(V, _t, I):\n    return (-(V - V_rest) + I) / tau\n\n"
                 "def update(ST, _t):\n    V = int_V(ST['V'], _t, ST['input'])\n    if DEBUG:\n        pdb.set_trace()\n"
                 "    ST['V'] = V\n    ST['input'] = 0.\n\n"
                 "neuron = bp.NeuType(name='Leaky', ST=bp.types.NeuState({'V': -65., 'input': 0.}), steps=update)\n"
                 "group = bp.NeuGroup(neuron, 1, monitors=['V'])\ngroup.run(20., inputs=('input', 5.))"),
        ("code", "bp.visualize.line_plot(group.mon.ts, group.mon.V, ylabel='V', show=True)\nbp.profile.set(jit=True, show_code=False)"),
    ],
    "09_repeat_mode": [
        ("md", "# Repeat mode\n\nA network in repeat mode is compiled once and run many times: here a search over g_max. "
               "Parameters are kernel arguments, so `syn.pars` may change between runs too."),
        ("code", SETUP + "\nbp.profile.set(jit=True, dt=0.04, numerical_method='exponential')"),
        ("code", HH_GAMMA + "\n\n" + GABA + "\n\n" + INIT),
        ("code", "num = 60\ngroup = bp.NeuGroup(HH, geometry=num, monitors=['spike'])\n"
                 "conn = bp.SynConn(GABAa, pre_group=group, post_group=group, conn=bp.connect.All2All(include_self=False))\n"
                 "net = bp.Network(group, conn, mode='repeat')\nv, h, n = initial_state(num)\nall_g_max = np.linspace(0.02, 0.2, 6) / num\n"
                 "all_cc = []\nfor g in all_g_max:\n    group.ST['V'], group.ST['h'], group.ST['n'] = v, h, n\n"
                 "    group.ST['spike'] = 0.\n    group.ST['input'] = 0.\n    conn.ST['s'] = 0.\n    conn.pars['g_max'] = g\n"
                 "    net.run(duration=200., inputs=[group, 'ST.input', 1.2])\n"
                 "    all_cc.append(bp.measure.cross_correlation(group.mon.spike, bin_size=int(0.5 / bp.profile.get_dt())))\n"
                 "print('compilations:', net.compile_count)\nplt.plot(all_g_max, all_cc, 'o-')\nplt.xlabel('g_max')\n"
                 "plt.ylabel('coherence')\nplt.show()"),
    ],
    "10_tips_on_jit": [
        ("md", "# Tips on JIT programming\n\nCompiled step functions get module-level numbers as parameters "
               "(changeable per group without recompiling) but cannot change module-level arrays: pass the "
               "array as an argument (declared in `requires`, given with `satisfies`) and it is shared."),
        ("code", SETUP + "\nbp.profile.set(dt=0.1)"),
        ("code", "def update(ST, _t, _i, array_to_store):\n    array_to_store[_i] = np.random.random()\n    ST['x'] = _i\n\n"
                 "model = bp.NeuType(name='Store', ST=bp.types.NeuState('x'), steps=update,\n"
                 "                   requires={'array_to_store': bp.types.Array(dim=1)})\nstore = np.zeros(100)\n"
                 "group = bp.NeuGroup(model, 1, satisfies={'array_to_store': store})\ngroup.run(10.)\n"
                 "print(store[:5], (store > 0).sum())\nplt.plot(store)\nplt.show()"),
    ],
    "11_connect_module": [
        ("md", "# Connectivity\n\nConnectors turn two sets of neuron indices into synapse index pairs, sparse from the start."),
        ("code", SETUP),
        ("code", "pre_ids, post_ids = bp.connect.GridFour()((5, 5))\nprint(len(pre_ids), 'grid-four pairs')\n"
                 "i, j = bp.connect.FixedProb(prob=0.1, include_self=True, seed=123)(np.arange(100), np.arange(100))\n"
                 "print(len(i), 'fixed-probability pairs')\n"
                 "i, j = bp.connect.FixedPreNum(num=10, seed=123)(np.arange(50), np.arange(50))\nprint(np.bincount(j)[:5])"),
        ("code", "def show_weight(pre_ids, post_ids, weights, geometry, neu_id, ax):\n    height, width = geometry\n"
                 "    Z = np.zeros(geometry)\n    for post, w in zip(post_ids[pre_ids == neu_id], weights[pre_ids == neu_id]):\n"
                 "        Z[post // width, post % width] = w\n    ax.imshow(Z, cmap='coolwarm')\n\n"
                 "fig, axes = plt.subplots(1, 2, figsize=(9, 4))\ngrid = np.arange(30 * 30).reshape((30, 30))\n"
                 "pre_ids, post_ids, weights = bp.connect.GaussianWeight(sigma=0.1, w_max=1., w_min=0.)(grid, grid)\n"
                 "show_weight(pre_ids, post_ids, weights, (30, 30), 465, axes[0])\ngrid = np.arange(40 * 40).reshape((40, 40))\n"
                 "pre_ids, post_ids, weights = bp.connect.DOG(sigmas=[0.08, 0.15], ws_max=[1.0, 0.7], w_min=0.01)(grid, grid)\n"
                 "show_weight(pre_ids, post_ids, weights, (40, 40), 820, axes[1])\nplt.show()"),
    ],
    "12_inputs_module": [
        ("md", "# Inputs\n\nCurrents as arrays with one value per step, and groups of spike sources."),
        ("code", SETUP),
        ("code", "fig, gs = bp.visualize.get_figure(3, 1, 2.5, 8)\n"
                 "current, duration = bp.inputs.constant_current([(0, 100), (1, 300), (0, 100)], 0.1)\n"
                 "fig.add_subplot(gs[0, 0])\nplt.plot(np.arange(0, duration, 0.1), current)\n"
                 "current = bp.inputs.spike_current([10, 20, 30, 200, 300], 1., 0.5, 500, 0.1)\n"
                 "fig.add_subplot(gs[1, 0])\nplt.plot(np.arange(0, 500, 0.1), current)\n"
                 "current = bp.inputs.ramp_current(0, 1, 500, 100, 400, 0.1)\n"
                 "fig.add_subplot(gs[2, 0])\nplt.plot(np.arange(0, 500, 0.1), current)\nplt.show()"),
        ("code", "bp.profile.set(dt=0.1)\nsource = bp.inputs.SpikeTimeInput(2, times=[10, 20, 30], indices=[0, [0, 1], 1], monitors=['spike'])\n"
                 "source.run(40.)\nbp.visualize.raster_plot(source.mon.ts, source.mon.spike, show=True)"),
    ],
})


def build() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for name, cells in TUTORIALS.items():
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
                          for kind, text in cells]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, HERE / f"{name}.ipynb")
        print("wrote", HERE / f"{name}.ipynb")


if __name__ == "__main__":
    build()
