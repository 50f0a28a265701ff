"""COBA and CUBA in ANNarchy 5, run by benchmarks/run.py inside ANNarchy's own virtual environment.

    python annarchy_models.py MODEL N DURATION_MS WORKDIR [SEED]

The same networks as brian2_models.py: N LIF neurons, 80 % excitatory, connection probability 80 / N,
forward Euler (COBA) or exponential integration (CUBA), 5 ms refractory period counted as Brian2
counts it, every spike recorded by an event-based spike monitor, one thread. Prints one JSON line:
build, compile and simulation-loop times (s), spikes and rate.
"""

import contextlib
import json
import os
import sys
import time

start = time.perf_counter()
model, n, duration, workdir = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
dt = 0.1

os.environ.setdefault("OMP_NUM_THREADS", "1")
# ANNarchy's CMake build runs `python3` from PATH: this environment's
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.makedirs(workdir, exist_ok=True)
os.chdir(workdir)  # ANNarchy builds below the working directory

import numpy as np  # noqa: E402

with contextlib.redirect_stdout(sys.stderr):  # its banner would spoil the JSON line
    import ANNarchy as ann  # noqa: E402

# ANNarchy holds v for round(t_ref / dt) steps after the spike step, Brian2 for one step less
T_REF = 5.0 - dt


def lif(parameters: dict, equations: list[str], method: str):
    return ann.Neuron(parameters=parameters, equations=[ann.Variable(e, method=method) for e in equations],
                      spike="v > Vt", reset="v = Vr", refractory=T_REF)


def coba(net):
    neuron = lif(dict(El=-60.0, Vr=-60.0, Ee=0.0, Ei=-80.0, Vt=-50.0, tau=20.0, tau_e=5.0, tau_i=10.0, I=20.0),
                 ["tau * dv/dt = (El - v) + g_exc * (Ee - v) + g_inh * (Ei - v) + I",
                  "tau_e * dg_exc/dt = - g_exc", "tau_i * dg_inh/dt = - g_inh"], "explicit")
    return neuron, 0.6, 6.7, lambda rng, size: rng.normal(-55.0, 5.0, size)


def cuba(net):
    neuron = lif(dict(El=-49.0, Vr=-60.0, Vt=-50.0, tau=20.0, tau_e=5.0, tau_i=10.0),
                 ["tau * dv/dt = (El - v) + g_exc + g_inh", "tau_e * dg_exc/dt = - g_exc",
                  "tau_i * dg_inh/dt = - g_inh"], "exponential")
    return neuron, 60 * 0.27 / 10, -20 * 4.5 / 10, lambda rng, size: -60.0 + rng.random(size) * 10.0


net = ann.Network(dt=dt, seed=seed)
net.config(num_threads=1, paradigm="openmp")
neuron, w_exc, w_inh, initial_v = {"coba": coba, "cuba": cuba}[model](net)
group = net.create(n, neuron)
group.v = initial_v(np.random.default_rng(seed), n)
group.g_exc = group.g_inh = 0.0
n_exc = int(0.8 * n)
net.connect(group[:n_exc], group, "exc").fixed_probability(probability=80. / n, weights=w_exc)
net.connect(group[n_exc:], group, "inh").fixed_probability(probability=80. / n, weights=w_inh)
monitor = net.monitor(group, ["spike"])
built = time.perf_counter()
net.compile(directory="annarchy_build", silent=True)
compiled = time.perf_counter()
net.simulate(duration)
ran = time.perf_counter()
spikes = int(sum(len(v) for v in monitor.get("spike").values()))
print(json.dumps({"model": model, "n": n, "build_s": built - start, "compile_s": compiled - built,
                  "loop_s": ran - compiled, "spikes": spikes, "rate_hz": spikes / n / (duration / 1000.)}))
