"""The E/I dashboard's presets show the states their names and the page's texts promise.

The balanced preset must fire asynchronously and irregularly (van Vreeswijk & Sompolinsky 1996; Brunel 2000's AI
state): before, the balanced preset's neurons fired like clocks (CV of ISIs 0.02), the recurrent input being too
weak to matter beside a constant suprathreshold drive."""

import numpy as np
import pytest

import bp_core as bp
from bpwidgets.dashboards.ei_balance import PRESETS, STATES, explorer


@pytest.fixture(scope="module")
def network():
    network = explorer(400, 0.1, duration=300.)
    yield network
    network.runner.close()


def _pass(network, preset):
    with network._controls_held():
        assert network.presets.apply(preset)
    network.runner.restart()
    assert network.runner.wait(120)
    return dict(network.summary)


def test_the_first_pass_is_the_balanced_state(network):
    assert network.runner.wait(120)
    values = {network.panels[k].labels[n]: v for k, panel in enumerate(network.panels)
              for n, v in panel.values().items()}
    je = 1 / np.sqrt(0.1 * 200)
    assert values == pytest.approx({"JE": PRESETS["balanced"]["JE"] * je, "JI": PRESETS["balanced"]["JI"] * je,
                                    "input": PRESETS["balanced"]["input0"]})
    assert network.summary["cv_isi"] > 0.5


def test_balanced_is_asynchronous_and_irregular(network):
    summary = _pass(network, "balanced")
    assert summary["cv_isi"] > 0.5 and summary["coherence"] < 0.15
    assert 5.0 < summary["mean_rate"] < 50.0
    assert "irregular" in STATES["balanced"]


def test_balanced_counts_vary_like_a_random_process():
    """Fano factor of each neuron's spike count in 50 ms windows: near 1 for Poisson firing, near 0 for clocks."""
    fanos = {}
    for preset in ("balanced", "weak coupling"):
        net, group, exc, inh = bp.models.ei_network(400, 0.1)
        je = exc.pars['w']
        exc.pars['w'], inh.pars['w'] = PRESETS[preset]['JE'] * je, PRESETS[preset]['JI'] * je
        net.run(300., inputs=[(group, 'ST.input', PRESETS[preset]['input0'])], report=False)
        counts = group.mon.spike[:3000].reshape(6, 500, 400).sum(axis=1)
        mean = counts.mean(axis=0)
        fanos[preset] = float(np.mean(counts.var(axis=0)[mean > 0] / mean[mean > 0]))
    assert fanos["balanced"] > 0.5 and fanos["weak coupling"] < 0.2


def test_weak_coupling_fires_like_clocks(network):
    summary = _pass(network, "weak coupling")
    assert summary["cv_isi"] < 0.1 and summary["coherence"] < 0.3
    assert "clock" in STATES["weak coupling"]


def test_runaway_excitation_is_fast_and_synchronous(network):
    summary = _pass(network, "runaway excitation")
    assert summary["mean_rate"] > 100.0 and summary["coherence"] > 0.5
    assert "synchronous" in STATES["runaway excitation"] and "100 Hz" in STATES["runaway excitation"]
