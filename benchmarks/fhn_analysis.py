"""The spec's FitzHugh-Nagumo analysis, timed: phase plane, codimension-1 (par_resolution 0.001) and
codimension-2 (par_resolution 0.01) diagrams. Saves the three figures next to the working directory.

    python benchmarks/fhn_analysis.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import bp_core as bp  # noqa: E402


def main() -> None:
    bp.profile.set(dt=0.02, numerical_method='rk4')
    neuron = bp.models.get_FitzHughNagumo()
    start = time.perf_counter()
    plane = bp.PhasePortraitAnalyzer(neuron, {'v': [-3, 3], 'w': [-3., 3.]}, fixed_vars={'Iext': 0.8})
    plane.plot_nullcline()
    plane.plot_vector_field()
    plane.plot_fixed_point()
    plane.plot_trajectory([(-2.8, -1.8, 100.)])
    plt.savefig("fhn_phase_plane.png")
    plt.close("all")
    print(f"phase plane: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    codim1 = bp.BifurcationAnalyzer(neuron, {'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3., 3.]}, par_resolution=0.001)
    codim1.plot_bifurcation(plot_vars=['v']).savefig("fhn_codim1.png")
    print(f"codimension 1 (par_resolution=0.001): {time.perf_counter() - start:.2f} s, "
          f"{[(p.kind, round(p.par['Iext'], 5)) for p in codim1.bifurcation_points()]}")
    start = time.perf_counter()
    codim2 = bp.BifurcationAnalyzer(neuron, {'a': [0.5, 1.], 'Iext': [0., 1.]}, {'v': [-3, 3], 'w': [-3., 3.]},
                                    par_resolution=0.01)
    codim2.plot_bifurcation(plot_vars=['v']).savefig("fhn_codim2.png")
    print(f"codimension 2 (par_resolution=0.01): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
