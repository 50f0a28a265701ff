"""A new process building a network whose kernel is cached loads it without compiling and without numba's
compiler set-up (``backend/targets/numba_cache.py``), and runs it to the same result."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import bp_core as bp
    from numba.core import event

    def update(ST, _t, _dt):
        ST['spike'] = 0.
        V = ST['V'] + ST['input'] - ST['V'] * _dt / 10.
        if V > 1.:
            V = 0.
            ST['spike'] = 1.
        ST['V'] = V
        ST['input'] = 0.

    def syn_update(ST, pre):
        ST['s'] = pre['spike']

    @bp.delayed
    def syn_output(ST, post):
        post['input'] += 0.05 * ST['s']

    bp.profile.set(dt=0.1, seed=1)
    lif = bp.NeuType(name='warm_lif', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 0.}),
                     steps=update, mode='scalar')
    driven = bp.inputs.poisson_drive(lif, 'input', N=20, rate=900., weight=0.1)
    syn = bp.SynType(name='warm_syn', ST=bp.types.SynState(['s']),
                     requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['input'])),
                     steps=(syn_update, syn_output), mode='scalar')
    group = bp.NeuGroup(driven, 200, monitors=['spike', 'V'])
    conn = bp.SynConn(syn, pre_group=group, post_group=group, conn=bp.connect.FixedProb(0.1, seed=2), delay=0.5)
    net = bp.Network(group, conn)
    compiled = []
    with event.install_timer("numba:compile", compiled.append):
        net.run(30.)
    from bp_core.backend.targets import numba_cache
    print("RESULT", json.dumps({
        "compiled": len(compiled), "loaded": numba_cache.STATS["loaded"],
        "full_setup": "numba.np.linalg" in sys.modules,
        "spikes": np.flatnonzero(group.mon.spike).tolist(), "V": group.mon.V[-1].tolist()}))
""")


def _run(script, env):
    import json

    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.split("RESULT", 1)[1])


def test_a_warm_process_loads_the_kernel_without_compiling_or_numbas_full_setup(tmp_path):
    script = tmp_path / "warm_network.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache")}
    cold, warm = _run(script, env), _run(script, env)
    assert cold["compiled"] >= 1 and cold["full_setup"]
    assert warm["compiled"] == 0
    # the kernel (everything it calls is inside its machine code) and the seeding of numba's generator
    assert warm["loaded"] == 2
    assert not warm["full_setup"]
    assert len(warm["spikes"]) > 0
    assert warm["spikes"] == cold["spikes"] and warm["V"] == cold["V"]


ROWS = textwrap.dedent("""
    import json, sys
    import numpy as np
    from numba.core import event
    from bp_core.backend.compile import typed_index_list, typed_index_rows

    compiled = []
    with event.install_timer("numba:compile", compiled.append):
        rows = typed_index_rows(np.array([0, 2, 2, 5]), np.array([4, 1, 0, 3, 3]))
        empty = typed_index_list([])
    print("RESULT", json.dumps({"compiled": len(compiled), "full_setup": "numba.np.linalg" in sys.modules,
                                "rows": [r.tolist() for r in rows], "empty": len(empty),
                                "type": str(rows._list_type)}))
""")


def test_typed_index_rows_load_from_the_cache_in_a_new_process(tmp_path):
    # a typed List made from Python compiles numba's constructor in every process: ours is made in cached code
    script = tmp_path / "rows.py"
    script.write_text(ROWS)
    env = {**os.environ, "BP_CORE_CACHE_DIR": str(tmp_path / "cache")}
    _run(script, env)
    warm = _run(script, env)
    assert warm["compiled"] == 0 and not warm["full_setup"]
    assert warm["rows"] == [[4, 1], [], [0, 3, 3]] and warm["empty"] == 0
    assert warm["type"] == "ListType[array(int64, 1d, C)]"
