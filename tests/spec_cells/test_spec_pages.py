"""Every page of the BrainPy 0.3 documentation with code cells, run as a reader runs it, under ``import bp_core as bp``.

``cells.json`` holds the pages' cells as ``extract.py`` reads them from the documentation's text. Each page runs
in a fresh interpreter, its cells in order in one namespace (``page_runner.py``), with only the import changed
and, where a page runs longer than a unit test may, its durations or resolutions scaled (``SCALED``, each
factor given there). The assertions are what the text around the cells documents: printed values, shapes,
errors it shows, and equalities it states.

Cells not run here, and why:

- "HH model in ANNarchy" and "Gap junction model between LIF neurons": they run ANNarchy and Brian2, not BrainPy.
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

from .page_runner import page_cells, run_page

#: (old text, new text) per page: how a page too long for a unit test is shortened.
SCALED = {
    # 500 ms of 100 HH neurons -> 100 ms (factor 5)
    "BrainPy Quickstart": [("duration=500.", "duration=100.")],
    # 500 ms of 1000 LIF neurons -> 100 ms (factor 5)
    "Build Network": [("duration=500.", "duration=100."),
                      ("xlim=(50, 450)", "xlim=(10, 90)"), ("plt.xlim(50, 450)", "plt.xlim(10, 90)")],
    # bifurcation resolutions 5 times coarser
    "Dynamics Analysis": [("par_resolution=0.001", "par_resolution=0.005"),
                          ("par_resolution=0.01", "par_resolution=0.05")],
    # every run 5 times shorter: (0, 500) -> (0, 100) and so on
    "Repeat Mode of Network": [("duration=500.", "duration=100."), ("(0., 500.)", "(0., 100.)"),
                               ("(500., 1000.)", "(100., 200.)"), ("(1000., 2000.)", "(200., 400.)"),
                               ("(1000., 1500.)", "(200., 300.)")],
}


def _run(title: str, probe: str | None = None, stdin: str = "", allowed_errors=()) -> dict[int, dict]:
    cells = page_cells(title)
    for cell in cells:
        for old, new in SCALED.get(title, []):
            cell["source"] = cell["source"].replace(old, new)
    if probe is not None:
        cells.append({"count": "probe", "line": -1, "source": probe, "output": None})
    results = run_page(cells, stdin=stdin)
    failed = {line: r["error"] for line, r in results.items()
              if r["error"] and line not in allowed_errors}
    assert not failed, f"{title}: cells failed: {failed}"
    return results


def _probe(results) -> dict:
    return ast.literal_eval(results[-1]["value"])


def test_quickstart_runs_the_gamma_network():
    r = _run("BrainPy Quickstart", probe=(
        "dict(V=neu.mon.V.shape, spike=neu.mon.spike.shape, n_spikes=float(neu.mon.spike.sum()),"
        " ts=[float(t) for t in net.ts[:2]], t_end=float(net.t_end), g_max=float(syn.pars['g_max']))"))
    facts = _probe(r)
    assert facts["V"] == facts["spike"] == (2500, 100)  # dt = 0.04 ms, 100 ms
    assert facts["ts"] == [0.0, 0.04] and facts["g_max"] == pytest.approx(0.001)
    assert facts["n_spikes"] > 100  # every neuron driven by 1.2 fires repeatedly


def test_build_neurons_hand_overs_count_the_spikes_the_monitor_records():
    r = _run("Build Neurons", probe="dict(V=HH_group.ST['V'].tolist(), m=HH_group.ST['m'].tolist())")
    count, total = (float(re.search(r"(-?\d+(?:\.\d*)?)\)?$", r[line]["value"]).group(1)) for line in (1044, 1052))
    assert count == total > 0  # the page shows 50 and 50.0: the counter and the monitor agree
    # its HH model reads V_th and noise, which the page never defines: like Python, the engine looks them up
    # by the first run, so the model, its group and the handed-over init_state work as the page shows
    hh = _probe(r)
    V, m = np.array(hh["V"]), np.array(hh["m"])
    assert V.shape == (10,) and ((-75. <= V) & (V <= -65.)).all()
    alpha, beta = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)), 4.0 * np.exp(-(V + 65) / 18)
    np.testing.assert_allclose(m, alpha / (alpha + beta), rtol=1e-12)


def test_build_synapses_defines_its_types():
    r = _run("Build Synapses", probe=(
        "dict(ampa=type(AMPA).__name__, vector=type(AMPA_vector).__name__, pre_spikes=float(pre.mon.spike.sum()),"
        " s_max=float(syn.mon.s.max()), V_post_max=float(post.mon.V.max()), n=len(net.ts))"))
    facts = _probe(r)
    assert facts["ampa"] == facts["vector"] == "SynType"
    # bpmodels' LIF (V_th -55) driven by 20 fires; its spikes open the AMPA synapse and depolarise the target
    assert facts["pre_spikes"] > 0 and facts["s_max"] > 0 and facts["V_post_max"] > -65.
    assert facts["n"] == 1000  # 100 ms at dt 0.1


def test_build_network_runs_the_ei_balance_network():
    r = _run("Build Network", probe=(
        "dict(shape=group.mon.spike.shape, rate=float(group.mon.spike.mean() / bp.profile.get_dt() * 1000),"
        " n_exc=int(exc_conn.ST['w'].size))"))
    facts = _probe(r)
    assert facts["shape"] == (1000, 1000)  # dt = 0.1 ms, 100 ms, 1000 neurons
    assert facts["rate"] > 1.0 and facts["n_exc"] > 0
    assert "Simulation is done in" in r[1715]["stdout"]  # report=True


def test_dynamics_analysis_finds_the_documented_fixed_point():
    r = _run("Dynamics Analysis")
    text = r[1828]["stdout"]
    m = re.search(r"Fixed point #1 at v=(\S+), w=(\S+) is a unstable-node\.", text)
    assert m, text
    v, w = float(m.group(1)), float(m.group(2).rstrip(","))
    assert v == pytest.approx(-0.2729009589972752, abs=1e-9) and w == pytest.approx(0.5338738012534059, abs=1e-9)


def test_differential_equations_page():
    _run("Differential Equations")


def test_debugging_page_stops_in_the_step_and_quits_as_documented():
    r = _run("Debugging", stdin="p m\np n\np h\nq\n", allowed_errors={2181})
    out = r[2181]["stdout"]
    # the values the page's pdb session prints at the first step
    assert "array([0.05123855])" in out and "array([0.31995744])" in out and "array([0.59995445])" in out
    assert r[2181]["error"].startswith("BdbQuit")  # 'q' ends the run as the page shows
    assert "def " in out  # show_code=True prints the generated code


def test_repeat_mode_runs_and_refuses_as_documented():
    r = _run("Repeat Mode of Network", allowed_errors={2608, 2634}, probe=(
        "dict(cc=[float(c) for c in all_cc], t_end=float(net.t_end))"))
    assert r[2608]["error"] == ('ModelUseError: Each run in "repeat" mode must be done with the same duration, '
                                'but got 100.0 != 200.0.')
    assert r[2634]["error"] == ('ModelUseError: The input shape for "ST.inp" should keep the same. However, we '
                                'got the last input shape = (), and the current input shape = (200,)')
    out = r[2465]["stdout"]
    assert out.count("When g_max = ") == 11 and "When g_max = 0.00050 ..." in out
    assert out.count("Compilation used") == 2  # report=True on the first two runs
    cc = _probe(r)["cc"]
    assert len(cc) == 11 and all(0.0 <= c <= 1.0 for c in cc) and not np.allclose(cc, cc[0])


def test_inputs_module_page():
    _run("Usage of inputs module")
