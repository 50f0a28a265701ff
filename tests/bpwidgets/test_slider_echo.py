"""A page that connects to a kernel which has already run (Voila's pre-started kernels) draws its sliders, and a
slider's view sends back its value as it maps it to a position and back: 1/sqrt(20), the E/I network's JE,
returned as 0.22360679774997905 (recorded in Chromium). Taken as a move, each such echo started the pass again,
so the page's raster was cleared and drawn a second time (twice on the E/I page: JE and JI)."""

from __future__ import annotations

import numpy as np

from bpwidgets.controls import SLIDER_ROUND_OFF, GuardedSlider
from bpwidgets.dashboards.ei_balance import explorer

ECHOED = {0.22360679774997896: 0.22360679774997905, -0.22360679774997896: -0.22360679774997894}
"""JE and JI as the E/I dashboard sets them -> the values its page's sliders sent back (Chromium, ipywidgets 8)."""


def test_a_slider_ignores_its_views_round_off_and_takes_a_move():
    slider = GuardedSlider(value=0.22360679774997896, min=-0.9, max=0.9, step=None)
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.set_state({"value": ECHOED[0.22360679774997896]})
    assert slider.value == 0.22360679774997896 and seen == []
    moved = 0.22360679774997896 + 1000 * SLIDER_ROUND_OFF  # small, but no round-off
    slider.set_state({"value": moved})
    assert seen == [moved] and slider.value == moved
    slider.set_state({"value": 0.5, "description": "JE"})  # a move with another field: both applied
    assert slider.value == 0.5 and slider.description == "JE"
    slider.set_state({"value": np.nextafter(0.5, 1.0), "description": "JE2"})  # an echo beside another field
    assert slider.value == 0.5 and slider.description == "JE2"
    slider.set_state({"value": "0.5"})  # bad input is still refused by name
    assert slider.value == 0.5 and "not a number" in slider.refused


def test_the_ei_pass_is_not_started_again_by_its_sliders_echo():
    network = explorer(400, 0.1, duration=20.)
    try:
        assert network.runner.wait(120)
        generation, spikes = network.runner._requested, network.raster.spike_count
        echoed = 0
        for panel in network.panels:
            for name, slider in panel.sliders.items():
                value = ECHOED.get(slider.value, float(np.nextafter(np.nextafter(slider.value, np.inf), np.inf)))
                echoed += value != slider.value
                slider.set_state({"value": value})
        assert echoed == 3
        assert network.runner.wait(120)
        assert network.runner._requested == generation and network.runner.completed_passes == 1
        assert network.raster.spike_count == spikes > 0
        # a hand on the slider still runs the pass again
        je = network.panels[0].sliders["w"]
        je.set_state({"value": je.value * 1.5})
        assert network.runner.wait(120) and network.runner.completed_passes == 2
    finally:
        network.runner.close()
