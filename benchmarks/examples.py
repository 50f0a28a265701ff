"""Each ported example (``examples/``) at full size, ours beside its Brian2 original, in one invocation.

    python benchmarks/examples.py [--tiny] [--only NAME ...] [--seed 1]

Ours runs in this process (run time of ``net.run`` alone, after building and compiling); Brian2 2.9 runs the
scripts of ``benchmarks/brian2_examples/`` in its own virtual environment (``benchmarks/peers/.venv``) as
cpp_standalone, one thread, and reports the simulation loop's time (``device._last_run_time``: without OpenMP
Brian2 measures it with ``std::clock()``, the CPU time of its process, so ours is timed as the CPU time of
this process too, ``time.process_time``; on a loaded machine wall times would count the other jobs); the
Vogels et al. example makes two runs of one network (a static, then a plastic one), which cpp_standalone's
``build_on_run`` does not allow, so it runs on Brian2's cython target (time of the plastic run, wall clock on
both sides); so does spike-based
homeostasis (one run per rate step), and so does Clopath et al. (70 runs, the state set between them), and
Tsodyks, Uziel & Markram (a burn-in, then the recorded run, timed alone on both sides). Tsodyks-Markram's three panels and AdEx's three firing patterns are three networks each:
on cpp_standalone each is a build of its own (``common.next_build``), and the time the sum of the three
simulation loops' (AdEx's step current, three runs in the original, is one run with a ``TimedArray``).
Izhikevich 2007's two halves (the synapse's ``mode`` set between two runs in the original) are one run with
``mode = int(t >= half)``: the same spikes and weights; Rothman & Manis's run to rest and pulse (two runs, a
monitor made between them) one run with the current a ``TimedArray``: the same record of the pulse. One seed
per side; the table gives both run
times, their ratio and one statistic from each side. A side that fails (an exception in ours, a Brian2 script
that exits with an error) is a row saying so, the other examples still run, and the exit status is 1.
``--tiny`` runs every example at a size of seconds, to check that the script works.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.brian2_examples import stats  # noqa: E402
from examples.adaptive_threshold import model as adaptive_threshold  # noqa: E402
from examples.adex_brette_gerstner_2005 import model as adex  # noqa: E402
from examples.brette_2004 import model as brette_2004  # noqa: E402
from examples.brette_guigon_2003 import model as brette_guigon  # noqa: E402
from examples.brunel_2000 import model as brunel  # noqa: E402
from examples.brunel_hakim_1999 import model as brunel_hakim  # noqa: E402
from examples.brunel_wang_2001 import model as brunel_wang  # noqa: E402
from examples.clopath_2010 import model as clopath  # noqa: E402
from examples.coba_hh_brette_2007 import model as coba_hh  # noqa: E402
from examples.cuba_vogels_abbott_2005 import model as cuba  # noqa: E402
from examples.custom_events import model as custom_events  # noqa: E402
from examples.gap_junctions import model as gap  # noqa: E402
from examples.graupner_brunel_2012 import model as graupner_brunel  # noqa: E402
from examples.hindmarsh_rose_1984 import model as hindmarsh_rose  # noqa: E402
from examples.if_curve_hodgkin_huxley import model as if_curve_hh  # noqa: E402
from examples.izhikevich_2003 import model as izhikevich  # noqa: E402
from examples.izhikevich_2007 import model as izhikevich_2007  # noqa: E402
from examples.jeffress_sound_localization import model as jeffress  # noqa: E402
from examples.kremer_2011 import model as kremer  # noqa: E402
from examples.licklider import model as licklider  # noqa: E402
from examples.maass_2002 import model as maass  # noqa: E402
from examples.morris_lecar_1981 import model as morris_lecar  # noqa: E402
from examples.non_reliability import model as non_reliability  # noqa: E402
from examples.nonlinear_synapses import model as nonlinear  # noqa: E402
from examples.platkiewicz_brette_2011 import model as platkiewicz  # noqa: E402
from examples.rossant_2011 import model as rossant  # noqa: E402
from examples.rothman_manis_2003 import model as rothman_manis  # noqa: E402
from examples.spike_based_homeostasis import model as homeostasis  # noqa: E402
from examples.stdp_song_2000 import model as stdp  # noqa: E402
from examples.sturzl_2000 import model as sturzl  # noqa: E402
from examples.synfire_diesmann_1999 import model as synfire  # noqa: E402
from examples.touboul_brette_2008 import model as touboul_brette  # noqa: E402
from examples.tsodyks_markram_1998 import model as tm  # noqa: E402
from examples.tsodyks_uziel_markram_2000 import model as tum  # noqa: E402
from examples.vogels_2011 import model as vogels  # noqa: E402
from examples.wang_buzsaki_1996 import model as wb  # noqa: E402

PYTHON = ROOT / "benchmarks" / "peers" / ".venv" / "bin" / "python"
MODULES = (adex, brette_guigon, brunel, brunel_hakim, cuba, gap, hindmarsh_rose, izhikevich, jeffress, morris_lecar,
           homeostasis, stdp, synfire, touboul_brette, tm, vogels, wb, rossant, sturzl,
           platkiewicz, clopath, licklider, rothman_manis, brette_2004, custom_events, brunel_wang, tum, coba_hh,
           izhikevich_2007, kremer, if_curve_hh, adaptive_threshold, non_reliability,
           graupner_brunel, maass)
CPU_CLOCK = types.SimpleNamespace(perf_counter=time.process_time)
"""What the examples' ``time.perf_counter()`` reads when Brian2's side is timed in CPU seconds."""


def use_clock(cpu: bool) -> None:
    """Time the examples' runs in CPU seconds of this process (``cpu``) or on the wall clock."""
    for module in MODULES:
        module.time = CPU_CLOCK if cpu else time


def _rate(out, start=0.):
    return stats.mean_rate(out['spike_index'], out['spike_time'], out['n'], out['duration'], start)


def _tm(seed, **_):
    runs = {panel: tm.run(panel, seed=seed) for panel in tm.PANELS}
    return {'run_s': sum(r['run_s'] for r in runs.values()), 'A_last_mV': float(tm.epsp_peaks(runs['A'])[-1])}


def _adex(seed, **_):
    runs = {pattern: adex.run(pattern, seed=seed) for pattern in adex.PATTERNS}
    return {'run_s': sum(r['run_s'] for r in runs.values()), 'bursting_spikes': runs['bursting']['spike_time'].size}


def _hindmarsh_rose(seed, duration, **_):
    out = hindmarsh_rose.run(duration, seed=seed)
    return {'run_s': out['run_s'], 'spikes_2': int(np.sum(out['spike_index'] == 2))}


def _izhikevich(seed, duration, **size):
    out = izhikevich.run(duration, seed=seed, **size)
    exc = out['spike_index'] < out['Ne']
    rate = stats.mean_rate(out['spike_index'][exc], out['spike_time'][exc], out['Ne'], duration, 100.)
    return {'run_s': out['run_s'], 'rate_exc_hz': rate}


def _synfire(seed, duration, **size):
    out = synfire.run(duration, seed=seed, **size)
    volley = stats.synfire_volleys(out['spike_index'], out['spike_time'], out['n_groups'], out['group_size'])
    return {'run_s': out['run_s'], 'delay_per_group_ms': volley['delay_per_group_ms']}


def _wb(seed, duration, **size):
    out = wb.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'mean_isi_ms': wb.trace_features(out['V'], out['spike_time'])['mean_isi_ms']}


def _stdp(seed, duration, **size):
    # the spec's scalar step as written, and beside it the model library's event-driven form of the same rule
    out = stdp.run(duration, seed=seed, **size)
    event = stdp.run(duration, seed=seed, rule='event', **size)
    return {'run_s': out['run_s'], 'w_mean': stdp.weight_statistics(out)['w_mean'],
            'variants': {"rule='event'": (event['run_s'], stdp.weight_statistics(event)['w_mean'])}}


def _morris_lecar(seed, duration, **_):
    out = morris_lecar.run(duration, seed=seed)
    return {'run_s': out['run_s'], 'total_crossings': int(out['spike_index'].size)}


def _touboul_brette(seed, duration, **size):
    out = touboul_brette.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'mean_count': out['spike_index'].size / out['n']}


def _jeffress(seed, duration, **size):
    out = jeffress.run(duration, seed=seed, **size)
    preferred = jeffress.preferred_neuron(out['spike_time'], out['n'])
    return {'run_s': out['run_s'], 'tracking_r': float(np.corrcoef(out['spike_index'], preferred)[0, 1])}


def _brette_guigon(seed, duration, **size):
    out = brette_guigon.run(duration, seed=seed, **size)
    high = range(out['n'] // 2, out['n'] - 1)
    return {'run_s': out['run_s'],
            'coincidence_high': stats.neighbour_coincidence(out['spike_index'], out['spike_time'], high)}


def _homeostasis(seed, duration, **size):
    out = homeostasis.run(seed=seed, **size)  # four segments: the duration follows from the segment
    rates = homeostasis.segment_rates(out['with_index'], out['with_time'], out['n'], len(out['rates']),
                                      out['segment'])
    return {'run_s': out['run_s'], 'rate_with_2_hz': float(rates[2])}


def _vogels(seed, duration, **size):
    out = vogels.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'rate_last_hz': float(np.sum(out['spike_time'] >= duration - 1000.) / out['NE'])}


def _nonlinear(seed, duration, **_):
    out = nonlinear.run(duration, seed=seed)
    return {'run_s': out['run_s'], 'g_max': float(out['g'].max())}


def _rossant(seed, duration, **size):
    out = rossant.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'rate_correlated_hz': rossant.rates(out)[1]}


def _sturzl(seed, duration, **_):
    out = sturzl.run(duration, seed=seed)
    return {'run_s': out['run_s'], 'angle_deg': sturzl.direction(np.bincount(out['spike_index'], minlength=8))}


def _platkiewicz(seed, duration, **size):
    out = platkiewicz.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'threshold_mean': float(out['threshold'].mean())}


def _clopath(seed, **_):
    out = clopath.run(seed=seed)
    return {'run_s': out['run_s'], 'pre_post_50hz': float(out['weights'][0, -1])}


def _licklider(seed, duration, **size):
    out = licklider.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'],
            'matched_fraction': licklider.matched_fraction(out['spike_index'], out['spike_time'], out['n'])}


def _rothman_manis(seed, duration, **size):
    out = rothman_manis.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'type1c_crossings': int(np.sum(out['spike_index'] == 0))}


def _brette_2004(seed, duration, **size):
    out = brette_2004.run(duration, seed=seed, **size)
    locking = brette_2004.phase_locking(out['spike_index'], out['spike_time'], out['n'], duration)
    return {'run_s': out['run_s'], 'rotation_mean': locking['rotation_mean']}


def _custom_events(seed, duration, **size):
    out = custom_events.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'gspike_rate_hz': custom_events.statistics(out)['gspike_rate_hz']}


def _brunel_wang(seed, duration, **size):
    out = brunel_wang.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'rate_I_hz': brunel_wang.statistics(out)['rate_I_hz']}


def _tum(seed, duration, **size):
    out = tum.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'rate_E_hz': tum.statistics(out)['rate_E_hz']}


def _izhikevich_2007(seed, duration, **_):
    out = izhikevich_2007.run(duration, seed=seed)
    return {'run_s': out['run_s'], 's_end_gmax': float(out['s'][-1] / izhikevich_2007.gmax)}


def _kremer(seed, duration, **size):
    # the spec's scalar STDP step as written, and beside it the vector step that decays traces at spikes only
    out = kremer.run(duration, seed=seed, **size)
    event = kremer.run(duration, seed=seed, rule='event', **size)
    return {'run_s': out['run_s'], 'w_mean': kremer.statistics(out)['w_mean'],
            'variants': {"rule='event'": (event['run_s'], kremer.statistics(event)['w_mean'])}}


def _network(module, start):
    def ours(seed, duration, **size):
        out = module.run(duration, seed=seed, **size)
        return {'run_s': out['run_s'], 'rate_hz': _rate(out, start)}
    return ours


def _if_curve_hh(seed, duration, **size):
    out = if_curve_hh.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'rate_mean_hz': if_curve_hh.if_curve(out)['rate_mean_hz']}


def _adaptive_threshold(seed, duration, **size):
    out = adaptive_threshold.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'rate_hz': adaptive_threshold.statistics(out)['rate_hz']}


def _non_reliability(seed, duration, **size):
    out = non_reliability.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'spread_9_ms': non_reliability.statistics(out)['spread_9_ms']}


def _graupner_brunel(seed, duration, **size):
    out = graupner_brunel.run(duration, seed=seed, **size)
    return {'run_s': out['run_s'], 'change_10': float(graupner_brunel.switching(out)['change'][-1])}


def _maass(seed, duration, **_):
    out = maass.run(duration, seed=seed)
    return {'run_s': out['run_s'], 'rate_E_hz': maass.statistics(out)['rate_E_hz']}


#: name -> (ours, statistic, target of Brian2, full (duration, size), tiny (duration, size))
EXAMPLES = {
    'gap_junctions': (_network(gap, 0.), 'rate_hz', 'cpp_standalone', (500., {'n': 10}), (100., {'n': 10})),
    'brunel_2000': (_network(brunel, 100.), 'rate_hz', 'cpp_standalone', (1200., {'N_E': 10000}),
                    (150., {'N_E': 400})),
    'izhikevich_2003': (_izhikevich, 'rate_exc_hz', 'cpp_standalone', (1000., {}), (150., {'Ne': 80, 'Ni': 20})),
    'tsodyks_markram_1998': (_tm, 'A_last_mV', 'cpp_standalone', (0., {}), (0., {})),
    'adex_brette_gerstner_2005': (_adex, 'bursting_spikes', 'cpp_standalone', (140., {}), (140., {})),
    'hindmarsh_rose_1984': (_hindmarsh_rose, 'spikes_2', 'cpp_standalone', (2100., {}), (300., {})),
    'stdp_song_2000': (_stdp, 'w_mean', 'cpp_standalone', (100000., {'N': 1000}), (200., {'N': 100})),
    'synfire_diesmann_1999': (_synfire, 'delay_per_group_ms', 'cpp_standalone', (100., {}), (100., {'group_size': 20})),
    'wang_buzsaki_1996': (_wb, 'mean_isi_ms', 'cpp_standalone', (100., {'num': 1}), (30., {'num': 1})),
    'cuba_vogels_abbott_2005': (_network(cuba, 100.), 'rate_hz', 'cpp_standalone', (1000., {'N': 4000}),
                                (150., {'N': 400})),
    'brunel_hakim_1999': (_network(brunel_hakim, 50.), 'rate_hz', 'cpp_standalone', (1000., {'N': 5000, 'C': 1000}),
                          (150., {'N': 500, 'C': 100})),
    'morris_lecar_1981': (_morris_lecar, 'total_crossings', 'cpp_standalone', (220., {}), (50., {})),
    'touboul_brette_2008': (_touboul_brette, 'mean_count', 'cpp_standalone', (2000., {'N': 500}),
                            (100., {'N': 10, 'transient': 100.})),
    'jeffress_sound_localization': (_jeffress, 'tracking_r', 'cpp_standalone', (1000., {}), (100., {})),
    'brette_guigon_2003': (_brette_guigon, 'coincidence_high', 'cpp_standalone', (1000., {'N': 500}),
                           (100., {'N': 50})),
    'spike_based_homeostasis': (_homeostasis, 'rate_with_2_hz', 'cython', (40000., {'n': 1}),
                                (400., {'n': 1, 'segment': 100.})),
    'vogels_2011': (_vogels, 'rate_last_hz', 'cython', (10000., {'NE': 8000, 'epsilon': 0.02}),
                    (1500., {'NE': 400, 'epsilon': 0.1})),
    'nonlinear_synapses': (_nonlinear, 'g_max', 'cpp_standalone', (1000., {}), (200., {})),
    'rossant_2011': (_rossant, 'rate_correlated_hz', 'cpp_standalone', (1000., {'n': 1}), (100., {'n': 1})),
    'sturzl_2000': (_sturzl, 'angle_deg', 'cpp_standalone', (500., {}), (100., {})),
    'platkiewicz_brette_2011': (_platkiewicz, 'threshold_mean', 'cpp_standalone', (1000., {'N': 200}),
                                (200., {'N': 20})),
    'clopath_2010': (_clopath, 'pre_post_50hz', 'cython', (0., {}), (0., {})),
    'licklider': (_licklider, 'matched_fraction', 'cpp_standalone', (500., {'num_neurons': 300}),
                  (50., {'num_neurons': 30})),
    'rothman_manis_2003': (_rothman_manis, 'type1c_crossings', 'cpp_standalone', (100., {}), (20., {})),
    'brette_2004': (_brette_2004, 'rotation_mean', 'cpp_standalone', (5000., {'N': 2000}), (500., {'N': 100})),
    'custom_events': (_custom_events, 'gspike_rate_hz', 'cpp_standalone', (500., {'n': 1}), (100., {'n': 1})),
    'brunel_wang_2001': (_brunel_wang, 'rate_I_hz', 'cpp_standalone', (4000., {'N': 1000}), (300., {'N': 100})),
    'tsodyks_uziel_markram_2000': (_tum, 'rate_E_hz', 'cython', (4200., {}), (300., {})),
    'coba_hh_brette_2007': (_network(coba_hh, 100.), 'rate_hz', 'cpp_standalone', (1000., {'N': 4000}),
                            (150., {'N': 400, 'p': 0.2})),
    'izhikevich_2007': (_izhikevich_2007, 's_end_gmax', 'cpp_standalone', (6000., {}), (600., {})),
    'kremer_2011': (_kremer, 'w_mean', 'cpp_standalone', (1000., {'size': 2}),
                    (200., {'size': 2, 'M4': 22, 'M23exc': 8, 'M23inh': 4})),
    'if_curve_hodgkin_huxley': (_if_curve_hh, 'rate_mean_hz', 'cpp_standalone', (2000., {'N': 100}),
                                (100., {'N': 10})),
    'adaptive_threshold': (_adaptive_threshold, 'rate_hz', 'cpp_standalone', (2000., {'N': 1}), (200., {'N': 1})),
    'non_reliability': (_non_reliability, 'spread_9_ms', 'cpp_standalone', (500., {'N': 25}), (500., {'N': 25})),
    'graupner_brunel_2012': (_graupner_brunel, 'change_10', 'cpp_standalone', (60000., {'repetitions': 100}),
                             (2000., {'repetitions': 10})),
    'maass_2002': (_maass, 'rate_E_hz', 'cpp_standalone', (500., {}), (100., {})),
}


SCRIPTS = ROOT / "benchmarks" / "brian2_examples"
REQUIREMENTS = ROOT / "benchmarks" / "peers" / "requirements.txt"


class ExampleFailed(RuntimeError):
    """One side of one example did not give its result; the table reports it and the others still run."""


def brian2(name: str, target: str, duration: float, size: dict, seed: int) -> dict:
    """Brian2's result for one seed of the script ``SCRIPTS/<name>.py``, run by Brian2's ``PYTHON``."""
    command = [str(PYTHON), str(SCRIPTS / f"{name}.py"), "--seeds", str(seed),
               "--target", target, "--duration", str(duration), "--size", json.dumps(size)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    except OSError as error:  # no Brian2 environment: benchmarks/run.py makes it from peers/requirements.txt
        raise ExampleFailed(f"{PYTHON} did not start: {error}") from error
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no error output)"])[-1]
        if last.startswith("ModuleNotFoundError"):  # an environment made before the requirement was added
            last += f" (run {PYTHON} -m pip install -r {REQUIREMENTS})"
        raise ExampleFailed(f"Brian2's script exited with status {done.returncode}: {last}")
    return json.loads(done.stdout.strip().splitlines()[-1])["per_seed"][0]


def run_example(name: str, seed: int, tiny: bool) -> list[tuple]:
    """The table rows of one example: (name, ours run s, Brian2 run s, target, statistic, ours, Brian2),
    with the message of a side that failed in place of its time and value (``None`` for the other fields)."""
    ours_fn, statistic, target, full, tiny_size = EXAMPLES[name]
    duration, size = tiny_size if tiny else full
    use_clock(target == "cpp_standalone")
    try:
        ours = ours_fn(seed=seed, duration=duration, **size)
    except Exception as error:  # noqa: BLE001 -- a failing example is reported, the others still run
        ours = {'run_s': f"failed: {type(error).__name__}: {error}", statistic: None}
    try:
        theirs = brian2(name, target, duration, size, seed)
    except (ExampleFailed, ValueError, KeyError, IndexError) as error:  # an unreadable result fails too
        theirs = {'run_s': f"failed: {error}", statistic: None}
    rows = [(name, ours['run_s'], theirs['run_s'], target, statistic, ours[statistic], theirs[statistic])]
    for label, (run_s, value) in ours.get('variants', {}).items():
        rows.append((f"{name} ({label})", run_s, theirs['run_s'], target, statistic, value, theirs[statistic]))
    return rows


def _cells(ours_s, theirs_s, ours_v, theirs_v) -> list[str]:
    both = not isinstance(ours_s, str) and not isinstance(theirs_s, str)
    times = [t if isinstance(t, str) else f"{t:.3f} s" for t in (ours_s, theirs_s)]
    values = ["-" if v is None else f"{v:.4g}" for v in (ours_v, theirs_v)]
    return [*times, f"{ours_s / theirs_s:.2f}" if both else "-", *values]


def table(rows: list[tuple]) -> str:
    """The markdown table of ``rows`` (from :func:`run_example`)."""
    lines = ["| example | ours | Brian2 | Brian2 target | ours / Brian2 | statistic | ours | Brian2 |",
             "|---|---|---|---|---|---|---|---|"]
    for name, ours_s, theirs_s, target, statistic, ours_v, theirs_v in rows:
        ours_cell, theirs_cell, ratio, ours_value, theirs_value = _cells(ours_s, theirs_s, ours_v, theirs_v)
        lines.append(f"| {name} | {ours_cell} | {theirs_cell} | {target} | {ratio} | {statistic} | {ours_value} | "
                     f"{theirs_value} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the examples chosen on the command line and print the table; 1 when any side of any example failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(EXAMPLES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rows = []
    for name in args.only or EXAMPLES:
        example_rows = run_example(name, args.seed, args.tiny)
        rows += example_rows
        _, ours_s, theirs_s, target, *_ = example_rows[0]
        print(f"{name}: ours {ours_s if isinstance(ours_s, str) else f'{ours_s:.3f} s'}, Brian2 {target} "
              f"{theirs_s if isinstance(theirs_s, str) else f'{theirs_s:.3f} s'}", file=sys.stderr, flush=True)
    print(table(rows))
    return int(any(isinstance(row[1], str) or isinstance(row[2], str) for row in rows))


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
