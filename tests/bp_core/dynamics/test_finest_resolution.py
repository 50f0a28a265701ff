"""A par_resolution far finer than the range is checked at no more points per step than 1e-4 of the range
allows (bp_core/dynamics/continuation.py, FINEST)."""

import bp_core as bp
from examples.auto import bru


def test_a_resolution_finer_than_the_finest_checked_gives_the_same_points_in_bounded_work():
    """par_resolution = 1e-9 on a parameter range of 7: each long step was checked at up to 0.05 / 1.4e-10 points
    (minutes per step); resolutions finer than 1e-4 of the range are taken as that, and the Brusselator's Hopf
    point B = 1 + A^2 is found as at a coarse resolution."""

    model = bru.model(A=2.0)  # the Brusselator of AUTO-07p's bru demo
    found = {}
    for resolution in (0.05, 1e-9):
        an = bp.BifurcationAnalyzer(model, {"B": [1.0, 8.0]}, {"x": [0.0, 30.0], "y": [0.0, 30.0]},
                                    par_resolution=resolution)
        found[resolution] = [(q.label, q.par["B"]) for q in an.bifurcation_points()]
    assert [label for label, _ in found[1e-9]] == ["H"]
    assert abs(found[1e-9][0][1] - 5.0) < 1e-9 and abs(found[0.05][0][1] - 5.0) < 1e-9
