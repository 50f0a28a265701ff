"""Run each Brian2 reference script at the tests' size and write ``tests/examples/brian2_reference.json``.

    python benchmarks/brian2_examples/record.py [example ...]

Runs in the project's environment; each script runs in Brian2's own (``benchmarks/peers/.venv``, numpy
target, seeds as listed below). Examples not named keep their recorded values.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REFERENCE = ROOT / "tests" / "examples" / "brian2_reference.json"
PYTHON = ROOT / "benchmarks" / "peers" / ".venv" / "bin" / "python"

#: example -> extra arguments of its script at the tests' size
SMALL = {
    "gap_junctions": ["--seeds", "1"],
    "brunel_2000": ["--seeds", "1", "2", "3", "4", "5", "--target", "cython", "--duration", "600",
                    "--size", '{"N_E": 2000}'],
    "tsodyks_markram_1998": ["--seeds", "1"],
    "stdp_song_2000": ["--seeds", "1", "2", "3", "4", "--target", "cython", "--duration", "10000"],
    "synfire_diesmann_1999": ["--seeds", "1", "2", "3", "4", "5"],
    "wang_buzsaki_1996": ["--seeds", "1"],
    "adex_brette_gerstner_2005": ["--seeds", "1"],
    "hindmarsh_rose_1984": ["--seeds", "1"],
    "cuba_vogels_abbott_2005": ["--seeds", "1", "2", "3", "4"],
    "izhikevich_2003": ["--seeds", "1", "2", "3", "4", "5", "--duration", "500"],
    "brunel_hakim_1999": ["--seeds", "1", "2", "3", "4", "5", "--duration", "1000", "--size",
                          '{"N": 1000, "C": 200}'],
    "morris_lecar_1981": ["--seeds", "1"],
    "touboul_brette_2008": ["--seeds", "1", "--size", '{"N": 20}'],
    "jeffress_sound_localization": ["--seeds", "1", "2", "3", "4"],
    "brette_guigon_2003": ["--seeds", "1", "2", "3", "4", "5"],
    "spike_based_homeostasis": ["--seeds", "1", "2", "3", "--target", "cython", "--size", '{"n": 20}'],
    "vogels_2011": ["--seeds", "1", "2", "3", "4", "--duration", "3000", "--size", '{"NE": 800, "epsilon": 0.2}'],
    "nonlinear_synapses": ["--seeds", "1"],
    "rossant_2011": ["--seeds", "1", "2", "3", "4", "--size", '{"n": 50}'],
    "sturzl_2000": ["--seeds", "1", "2", "3", "4", "5"],
    "platkiewicz_brette_2011": ["--seeds", "1", "2", "3", "4", "--size", '{"N": 100}'],
    "clopath_2010": ["--seeds", "1"],
    "licklider": ["--seeds", "1", "2", "3", "4"],
    "rothman_manis_2003": ["--seeds", "1"],
    "brette_2004": ["--seeds", "1", "--size", '{"N": 200}'],
    "custom_events": ["--seeds", "1", "2", "3", "4", "5", "--size", '{"n": 100}'],
    "brunel_wang_2001": ["--seeds", "1", "2", "3", "4", "5", "--size", '{"N": 200}'],
    "tsodyks_uziel_markram_2000": ["--seeds", "1", "2", "3", "4", "5"],
    "coba_hh_brette_2007": ["--seeds", "1", "2", "3", "4", "5", "--duration", "500",
                            "--size", '{"N": 2000, "p": 0.04}'],
    "izhikevich_2007": ["--seeds", "1"],
    "if_curve_hodgkin_huxley": ["--seeds", "1"],
    "adaptive_threshold": ["--seeds", "1", "2", "3", "4", "--size", '{"N": 200}'],
    "non_reliability": ["--seeds", "1", "2", "3", "4", "--size", '{"N": 200}'],
    "graupner_brunel_2012": ["--seeds", "1", "2", "3", "4", "--target", "cpp_standalone"],
    "maass_2002": ["--seeds", "1", "2", "3", "4", "5", "6"],
    "kremer_2011": ["--seeds", "1", "2", "3", "4", "5", "--duration", "2000",
                    "--size", '{"size": 2, "M4": 22, "M23exc": 8, "M23inh": 4}'],
}


def record(name: str) -> dict:
    command = [str(PYTHON), str(HERE / f"{name}.py"), *SMALL[name]]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    names = sys.argv[1:] or list(SMALL)
    reference = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    for name in names:
        reference[name] = record(name)
        print(name, json.dumps(reference[name]["summary"])[:300])
    REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
