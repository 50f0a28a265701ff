"""AUTO-07p's HomCont demos (ported in examples/auto/: san, mtn, cir): bp_core's homoclinic curves, continued as
orbits of one large fixed period, against the curves AUTO-07p's own scripts compute with HomCont's defining
system, recorded by ``python -m benchmarks.continuation_homoclinic_demos --demos AUTO_DEMOS --record``.

A fixed-period orbit lies ``O(exp(-lambda T))`` from the homoclinic orbit (``lambda`` the smaller of the
saddle's leading unstable eigenvalue and the modulus of its leading stable one's real part), and so does its
parameter; AUTO's own points carry its Newton tolerance (EPSL = EPSU = 1e-7 in the demos' constants). Points
where ``lambda T >= 20`` are held to ``1e-7 + 2e4 exp(-lambda T)`` in the first parameter (the law's constant
as measured on these demos is 1.4e4 at most); where ``lambda T`` falls, the difference grows, as it must."""

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.continuation_homoclinic_demos import (
    ACCURATE,
    analyzer,
    compare,
    demo_module,
    neutral_saddles,
    ours,
    rates,
    tolerance,
)

REFERENCE = json.loads((Path(__file__).parent / "auto_homoclinic_reference.json").read_text())


@pytest.fixture(scope="module", params=["san", "mtn", "cir"])
def demo(request):
    name = request.param
    an = analyzer(name)
    point, curve = ours(name, an, max_points=120)
    lam = rates(an, curve)
    module = demo_module(name)
    rows = [row for part in REFERENCE[name]["curves"]
            for row in compare(curve, lam, point.period, part, module.PAR_RANGE[1] - module.PAR_RANGE[0])]
    return name, point, curve, rows


def test_homoclinic_curve_matches_auto07p_where_the_period_is_large(demo):
    name, _, _, rows = demo
    accurate = [row for row in rows if row["ours"] is not None and row["lambda_T"] >= ACCURATE]
    assert len(accurate) >= 5, (name, len(accurate))
    for row in accurate:
        assert row["diff"] <= tolerance(row["lambda_T"]), (name, row)


def test_the_difference_grows_as_lambda_t_falls(demo):
    """Where exp(-lambda T) is no longer small the fixed-period curve leaves HomCont's: the comparison's
    tolerance is a property of the period, not slack."""
    name, _, _, rows = demo
    if name == "san":  # lambda T = 20.7 all along: the saddle's eigenvalues do not depend on mu
        assert all(abs(row["lambda_T"] - rows[0]["lambda_T"]) < 1e-6 for row in rows if row["ours"] is not None)
        return
    loose = [row for row in rows if row["ours"] is not None and 5 <= row["lambda_T"] < 12]
    assert loose and max(row["diff"] for row in loose) > 1e-6, name


def test_mtn_nch_points_match_auto07p(demo):
    """bp_core's NCH points (where the homoclinic curve ends on the fold curve), located by shooting along the
    fold curve, against the zeros of HomCont's psi_15 on AUTO's saddle-node homoclinic curve: the first
    (AUTO's run on 100 mesh intervals) within 1e-6 relative, the second (the demo's run on 50) within 3e-5,
    and within 1e-6 of where AUTO puts it on 100 intervals."""
    name, _, curve, _ = demo
    if name != "mtn":
        return
    mine = sorted((p.par["K"], p.par["GF"]) for p in curve.special if p.label == "NCH")
    theirs = sorted((q["pars"][1], q["pars"][0]) for q in REFERENCE["mtn"]["points"] if q["label"] == "NCH")
    fine = sorted((q["pars"][1], q["pars"][0]) for q in REFERENCE["mtn"]["points_fine_mesh"] if q["label"] == "NCH")
    assert len(mine) == len(theirs) == len(fine) == 2
    for (k, gf), (k_auto, gf_auto), tol in zip(mine, theirs, (3e-5, 1e-6)):
        assert abs(k - k_auto) <= tol * k_auto and abs(gf - gf_auto) <= tol * gf_auto, ((k, gf), (k_auto, gf_auto))
    # The second, from AUTO's run on 100 intervals, where bp_core puts it; the demo's 50 put it 1.9e-5 off.
    (k, gf), (k_fine, gf_fine) = mine[0], fine[0]
    assert abs(k - k_fine) <= 1e-6 * k_fine and abs(gf - gf_fine) <= 1e-6 * gf_fine, ((k, gf), (k_fine, gf_fine))
    assert abs(theirs[0][0] - k_fine) > 1e-5 * k_fine


def test_cir_neutral_saddle_points_against_auto07p(demo):
    """The neutral saddle (lambda_u + Re lambda_s = 0, HomCont's psi_4) and the neutrally divergent saddle-focus
    (lambda_u + 2 Re lambda_s = 0, psi_5) on cir's curve: within 5e-5 of AUTO's labels, and an independent check
    of which is exact: at bp_core's the condition holds to 1e-8, at AUTO's it is 1e-5 off (AUTO stops locating
    a user-defined zero at its own tolerance)."""
    name, _, curve, _ = demo
    if name != "cir":
        return
    an = analyzer("cir")
    f = an.field.compiled
    mine = dict(neutral_saddles(curve, an))
    theirs = {q["label"]: q["pars"] for q in REFERENCE["cir"]["points"] if q["pars"][1] < 0.6}

    def condition(label, pars):  # the saddle is the origin for every (nu, beta)
        lam = np.linalg.eigvals(f.jac1(np.zeros(3), np.array(pars)))
        unstable, stable = lam[lam.real > 0].real.min(), lam[lam.real < 0]
        return unstable + (1 if label == "neutral saddle" else 2) * stable[np.argmax(stable.real)].real

    assert set(theirs) == {"neutral saddle", "neutrally divergent saddle-focus"} <= set(mine)
    for label, pars in theirs.items():
        assert np.max(np.abs(np.array(mine[label]) - pars)) < 5e-5, (label, mine[label], pars)
        assert abs(condition(label, mine[label])) < 1e-8 < 1e-5 < abs(condition(label, pars))


def test_every_demo_has_a_reference():
    assert all(REFERENCE[name]["curves"] for name in ("san", "mtn", "cir"))
