"""The ``bpwidgets`` command and its bundled example."""

import numpy as np
import pytest

from bpwidgets import cli, demo


def test_demo_example_fires_the_same_spikes_with_every_method():
    counts = set()
    for method in demo.ODE_METHODS:
        V = demo.simulate(method, duration=30.0, dt=0.01)
        counts.add(int(np.sum((V[1:] >= 0) & (V[:-1] < 0))))
    assert counts == {2}


def test_demo_command_saves_the_figure(tmp_path, capsys):
    output = tmp_path / "demo.png"
    assert cli.main(["demo", "--output", str(output)]) == 0
    assert output.stat().st_size > 10_000
    out = capsys.readouterr().out
    assert "rk4" in out and "figure saved" in out


def test_unknown_command_exits_with_usage():
    with pytest.raises(SystemExit):
        cli.main(["serve-everything"])
