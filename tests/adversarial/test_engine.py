"""Adversarial use of the engine: every mistake gets a bp_core error naming the object, the field and the fix,
and loses nothing the user had. Cases that could crash the process run in a subprocess."""

import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import BrainPyError, ModelDefError, ModelUseError, ProfileError, RunError


def lif_step(ST, _t):
    ST['V'] += ST['input']
    ST['input'] = 0.


LIF = bp.NeuType(name='Adv', ST=bp.types.NeuState({'V': 0., 'input': 0., 'spike': 0.}), steps=lif_step,
                 mode='vector')


def group(n=3, **kwargs):
    return bp.NeuGroup(LIF, n, **kwargs)


def syn_step(ST, _t, pre, post):
    post['input'] += 0.


SYN = bp.SynType(name='AdvSyn', ST=bp.types.SynState(), steps=syn_step, mode='vector')


# -- bad values and shapes: (description, action, error type, words the message must contain) -----------

def _run(g, **kwargs):
    return lambda: g.run(1., **kwargs)


BAD_USE = [
    ("input value a string", lambda: group().run(1., inputs=('ST.input', 'abc')), ModelUseError,
     ["ST.input", "numbers"]),
    ("input values strings", lambda: group().run(1., inputs=('ST.input', ['a', 'b', 'c'])), ModelUseError, ["numbers"]),
    ("input of a wrong shape", lambda: group().run(1., inputs=('ST.input', np.ones(7))), ModelUseError, ["shape"]),
    ("input to a missing field", lambda: group().run(1., inputs=('ST.nope', 1.)), ModelUseError, ["nope", "V"]),
    ("input with an unknown operation", lambda: group().run(1., inputs=('ST.input', 1., '%')), ModelUseError,
     ["operation"]),
    ("input key not a string", lambda: group().run(1., inputs=(3, 1.)), ModelUseError, ["input"]),
    ("input target outside the network", lambda: bp.Network(group()).run(1., inputs=(group(), 'ST.input', 1.)),
     ModelUseError, ["not in this network"]),
    ("duration a string", lambda: group().run('ten'), ModelUseError, ["duration"]),
    ("duration negative", lambda: group().run(-5.), ModelUseError, ["duration"]),
    ("duration NaN", lambda: group().run(float('nan')), ModelUseError, ["finite"]),
    ("duration infinite", lambda: group().run(float('inf')), ModelUseError, ["finite"]),
    ("duration (start, end) reversed", lambda: group().run((10., 5.)), ModelUseError, ["duration"]),
    ("duration a dict", lambda: group().run({}), ModelUseError, ["duration"]),
    ("advance without a length", lambda: bp.Network(group()).advance(), ModelUseError, ["duration"]),
    ("advance of zero steps", lambda: bp.Network(group()).advance(n_steps=0), ModelUseError, ["step"]),
    ("geometry a string", lambda: bp.NeuGroup(LIF, 'ten'), ModelUseError, ["geometry"]),
    ("geometry zero", lambda: bp.NeuGroup(LIF, 0), ModelUseError, ["positive"]),
    ("geometry negative", lambda: bp.NeuGroup(LIF, (-2, 3)), ModelUseError, ["positive"]),
    ("geometry three-dimensional", lambda: bp.NeuGroup(LIF, (2, 2, 2)), ModelUseError, ["geometry"]),
    ("geometry beyond the memory", lambda: bp.NeuGroup(LIF, 10**12), ModelUseError, ["GiB", "available"]),
    ("model not a NeuType", lambda: bp.NeuGroup("LIF", 3), ModelUseError, ["NeuType"]),
    ("group name not an identifier", lambda: group(name="my group"), ModelUseError, ["identifier"]),
    ("monitor of a missing field", lambda: group(monitors=['W']), ModelUseError, ["W", "no such field"]),
    ("monitor indices out of range", lambda: group(monitors=[('V', [9])]), ModelUseError, ["outside"]),
    ("monitor interval not a multiple of dt", lambda: group(monitors=[bp.Monitor('V', interval=0.05)]).run(1.),
     ModelUseError, ["whole number"]),
    ("monitor dtype int", lambda: group(monitors=[bp.Monitor('V', dtype='int32')]), ModelUseError, ["float32"]),
    ("parameter unknown", lambda: group().pars.__setitem__('tau', 1.), ModelUseError, ["no parameter", "tau"]),
    ("ST replaced by an array", lambda: setattr(group(), 'ST', np.zeros((3, 3))), ModelUseError, ["ST", "fields"]),
    ("state field of a wrong shape", lambda: group().ST.__setitem__('V', np.ones(5)), ModelUseError, ["shape"]),
    ("state field missing", lambda: group().ST.__setitem__('W', 1.), ModelUseError, ["W"]),
    ("network of a non-object", lambda: bp.Network(group(), "syn"), ModelUseError, ["NeuGroup"]),
    ("empty network", lambda: bp.Network().run(1.), ModelUseError, ["empty"]),
    ("network mode unknown", lambda: bp.Network(group(), mode='twice'), ModelUseError, ["mode"]),
    ("delay a string", lambda: bp.SynConn(SYN, pre_group=group(), post_group=group(), conn=bp.connect.All2All(),
                                          delay='2ms'), ModelUseError, ["delay", "ms"]),
    ("delay negative", lambda: bp.SynConn(SYN, pre_group=group(), post_group=group(), conn=bp.connect.All2All(),
                                          delay=-1.), ModelUseError, ["delay"]),
    ("SynConn without connectivity", lambda: bp.SynConn(SYN, pre_group=group()), ModelUseError, ["conn"]),
    ("profile dt zero", lambda: bp.profile.set(dt=0.), ProfileError, ["dt"]),
    ("profile dt a string", lambda: bp.profile.set(dt='0.1'), ProfileError, ["dt"]),
    ("profile unknown option", lambda: bp.profile.set(jitt=True), ProfileError, ["jitt"]),
    ("profile float type int8", lambda: bp.profile.set(float_type='int8'), ProfileError, ["float_type"]),
    ("profile monitor limit negative", lambda: bp.profile.set(monitor_memory_limit=-1), ProfileError,
     ["monitor_memory_limit"]),
    ("measure of a 1-D array", lambda: bp.measure.cross_correlation(np.zeros(10), 2), ModelUseError, ["time steps"]),
    ("measure bin size zero", lambda: bp.measure.cross_correlation(np.zeros((10, 2)), 0), ModelUseError, ["bin_size"]),
    ("firing rate width zero", lambda: bp.measure.firing_rate(np.zeros((10, 2)), 0.), ModelUseError, ["width"]),
    ("raster times of a wrong length", lambda: bp.measure.raster_plot(np.zeros((10, 2)), np.zeros(3)),
     ModelUseError, ["times"]),
]


@pytest.mark.parametrize("action, error, words", [c[1:] for c in BAD_USE], ids=[c[0] for c in BAD_USE])
def test_bad_use_gets_a_clear_bp_core_error(action, error, words):
    with pytest.raises(error) as info:
        action()
    assert isinstance(info.value, BrainPyError)
    for word in words:
        assert word in str(info.value)


def test_a_tiny_dt_is_refused_before_allocating():
    bp.profile.set(dt=1e-310)
    with pytest.raises(ModelUseError, match="steps.*larger dt"):
        group().run(1.)


@pytest.mark.parametrize("value", [float('nan'), [1., float('nan'), 2.]], ids=["scalar", "array"])
def test_nan_parameters_are_refused_and_the_old_value_kept(value):
    def step(ST, _t):
        ST['spike'] = ST['V'] > V_th

    model = bp.NeuType(name='Th', ST=bp.types.NeuState({'V': 1., 'spike': 0.}), steps=step, mode='vector')
    g = bp.NeuGroup(model, 3)
    with pytest.raises(ModelUseError, match="V_th.*NaN"):
        g.pars['V_th'] = value
    assert g.pars['V_th'] == 0.5


V_th = 0.5


def test_a_failed_run_keeps_the_state_and_the_last_monitors():
    g = group(monitors=['V'])
    g.run(1., inputs=('ST.input', 1.))
    before, kept = g.ST['V'].copy(), g.mon.V
    with pytest.raises(ModelUseError):
        g.run(1., inputs=('ST.input', 'x'))
    np.testing.assert_array_equal(g.ST['V'], before)
    assert g.mon.V is kept


# -- model mistakes --------------------------------------------------------------------------------------

written = np.zeros(3)


def writes_a_global(ST, _t):
    written[0] = ST['V'][0]


def fills_a_global(ST, _t):
    written.fill(1.)


def calls_itself(ST, _t):
    calls_itself(ST, _t)


def returns_a_value(ST, _t):
    return ST['V']


def unknown_field(ST, _t):
    ST['W'] = 1.


def undefined_name(ST, _t):
    ST['V'] = undefined_thing + 1.  # noqa: F821


def uses_global_statement(ST, _t):
    global written
    ST['V'] = 1.


MODEL_MISTAKES = [
    (writes_a_global, ModelDefError, ["written", "module-level array", "ST"], False),
    (fills_a_global, ModelDefError, ["written", "module-level array"], False),
    (returns_a_value, ModelDefError, ["returns a value"], False),
    (unknown_field, ModelDefError, ["W", "not a field"], False),
    (undefined_name, ModelDefError, ["undefined_thing", "not defined"], False),
    (uses_global_statement, ModelDefError, ["global"], False),
    (calls_itself, ModelDefError, ["cannot call themselves", "loop"], True),
]


@pytest.mark.parametrize("step, error, words, at_run", MODEL_MISTAKES, ids=[m[0].__name__ for m in MODEL_MISTAKES])
def test_model_mistakes_are_named_with_their_step(step, error, words, at_run):
    with pytest.raises(error) as info:
        model = bp.NeuType(name='Mistake', ST=bp.types.NeuState({'V': 0.}), steps=step, mode='vector')
        bp.NeuGroup(model, 3).run(1.)
    for word in words:
        assert word in str(info.value)
    assert step.__name__ in str(info.value)


def test_model_names_that_are_not_identifiers_never_reach_generated_code_unescaped(jit):
    def step(ST, _t):
        ST['V'] += 1.

    name = 'evil"""\nimport os\nos._exit(3)\n#'
    model = bp.NeuType(name=name, ST=bp.types.NeuState({'V': 0.}), steps=step, mode='vector')
    net = bp.Network(bp.NeuGroup(model, 2))
    net.run(0.3)
    assert not any(line.strip().startswith(("import os", "os._exit")) for line in net.code.splitlines())
    assert net.objects[0].ST['V'][0] == 3.


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "numpy"])
def test_nan_written_in_place_is_caught_at_that_step(jit):
    bp.profile.set(jit=jit)

    def in_place(ST, _t):
        np.sqrt(ST['input'] - 1., ST['V'])  # writes through the out argument

    def filled(ST, _t):
        if _t > 0.15:
            ST['V'].fill(np.nan)

    for step in (in_place, filled):
        model = bp.NeuType(name='InPlace', ST=bp.types.NeuState({'V': 0., 'input': 0.}), steps=step, mode='vector')
        g = bp.NeuGroup(model, 2)
        with pytest.raises(RunError, match="'V' became NaN"):
            g.run(0.5)


# -- crashes: hand-assigned connectivity of a SynConn(num=...) --------------------------------------------

CRASH = textwrap.dedent("""
    import numpy as np
    import bp_core as bp

    def update(ST, _t, pre):
        ST['s'] += pre['V']

    def out(ST, post):
        post['input'] += ST['s']

    def neuron(ST, _t):
        ST['V'] += ST['input']
        ST['input'] = 0.

    syn_type = bp.SynType(name='S', ST=bp.types.SynState({'s': 0.}), steps=(update, out), mode='scalar',
                          requires=dict(pre=bp.types.NeuState(['V']), post=bp.types.NeuState(['V', 'input'])))
    g = bp.NeuGroup(bp.NeuType(name='N', ST=bp.types.NeuState({'V': 1., 'input': 0.}), steps=neuron,
                               mode='vector'), 3)
    syn = bp.SynConn(syn_type, num=2)
    syn.pre, syn.post = g.ST, g.ST
    syn.pre2syn, syn.post2syn = PRE2SYN, POST2SYN
    net = bp.Network(g, syn)
    try:
        net.run(1.)
        print("RAN", g.ST['V'].tolist())
    except bp.errors.ModelUseError as err:
        print("REFUSED", err)
""")

def _run_script(folder, source: str) -> subprocess.CompletedProcess:
    script = folder / "case.py"  # a file, so the step functions' source can be read
    script.write_text(source)
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)


BAD_LISTS = [
    ("more neurons than the group", "[[0], [1], [], []] + [[]] * 100000", "[[0], [1], []]", "3 pre-synaptic neurons"),
    ("a synapse id beyond num", "[[0], [1], [5000000]]", "[[0], [1], []]", "outside the 2 synapses"),
    ("a negative synapse id", "[[0], [-7], []]", "[[1], [0], []]", "outside"),
    ("a synapse on two neurons", "[[0, 1], [1], []]", "[[0], [1], []]", "two pre-synaptic"),
    ("a synapse without neuron", "[[0], [], []]", "[[0], [1], []]", "without a neuron"),
    ("post list too short", "[[0], [1], []]", "[[0, 1]]", "3 post-synaptic"),
    ("ids not numbers", "[['a'], [1], []]", "[[0], [1], []]", "synapse indices"),
]


@pytest.mark.parametrize("pre2syn, post2syn, words", [b[1:] for b in BAD_LISTS], ids=[b[0] for b in BAD_LISTS])
def test_hand_assigned_index_lists_are_refused_not_crashing(pre2syn, post2syn, words, tmp_path):
    out = _run_script(tmp_path, CRASH.replace("PRE2SYN", pre2syn).replace("POST2SYN", post2syn))
    assert out.returncode == 0, out.stderr[-2000:]  # a segfault would be -11
    assert "REFUSED" in out.stdout and words in out.stdout


def test_valid_hand_assigned_lists_still_run(tmp_path):
    out = _run_script(tmp_path, CRASH.replace("PRE2SYN", "[[0], [1], []]").replace("POST2SYN", "[[1], [0], []]"))
    assert out.returncode == 0 and "RAN" in out.stdout, out.stdout + out.stderr[-2000:]


# -- threads ---------------------------------------------------------------------------------------------

def test_a_second_thread_cannot_run_a_network_while_it_runs():
    net = bp.Network(group(200))
    net.run(1.)
    entered, release = threading.Event(), threading.Event()
    errors = []

    def hold():
        with net.exclusive():
            entered.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(30)
    for attempt in (lambda: net.run(1.), lambda: net.advance(1.), lambda: net.build(1.)):
        try:
            attempt()
        except ModelUseError as err:
            errors.append(str(err))
    release.set()
    holder.join()
    assert len(errors) == 3 and all("another thread" in e for e in errors)
    net.run(1.)  # free again


def test_concurrent_runs_from_many_threads_lose_no_update():
    g = group(50)
    net = bp.Network(g)
    net.run(0.1, inputs=(g, 'ST.input', 1.))
    g.ST['V'] = 0.
    done, refused = [], []

    def work():
        for _ in range(20):
            try:
                net.run(1., inputs=(g, 'ST.input', 1.))
                done.append(1)
            except ModelUseError:
                refused.append(1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # every run that was let in ran whole and alone: 10 steps of +1 each, nothing lost or doubled
    np.testing.assert_array_equal(g.ST['V'], 10. * len(done))
    assert len(done) + len(refused) == 80 and done


def test_networks_pickle_without_their_lock():
    import cloudpickle

    net = bp.Network(group())
    copy = cloudpickle.loads(cloudpickle.dumps(net))
    copy.run(1.)
    with copy.exclusive():
        pass


# -- spec conformance --------------------------------------------------------------------------------------

def test_spec_names_and_dictplus_errors():
    assert bp.NeuState is bp.types.NeuState and bp.SynState is bp.types.SynState
    assert bp.ObjState is bp.types.ObjState
    d = bp.tools.DictPlus(a=1)
    with pytest.raises(KeyError):
        d.b
    with pytest.raises(AttributeError):
        d.b
    assert not hasattr(d, 'b') and getattr(d, 'b', 5) == 5


def test_monitors_exist_empty_before_the_first_run():
    g = group(monitors=['V', 'spike'])
    assert g.mon.V.shape == (0, 3) and g.mon.spike.shape == (0, 3)
    with pytest.raises(AttributeError, match="hold no 'W'"):
        g.mon.W


def divides_by_zero(ST, _t, _i):
    k = 7 // (_i - 2)
    ST['V'] += k % (_i - 2)


def test_integer_division_by_zero_stops_the_run_on_both_backends(jit):
    g = bp.NeuGroup(bp.NeuType(name='Div', ST=bp.types.NeuState({'V': 0.}), steps=divides_by_zero, mode='scalar'), 2)
    with pytest.raises((RunError, ZeroDivisionError), match="division by zero|step 2"):
        g.run(1.)
    assert g.ST['V'][0] == 7 // -2 % -2 + 7 // -1 % -1  # the two steps before were kept


def deliver(ST, _t, pre, post, pre2post):
    for i in range(pre['spike'].shape[0]):
        if pre['spike'][i] > 0.:
            for j in pre2post[i]:
                post['input'] += 0.  # a whole-field store: this field stays with the per-step pass
                post['V'][j] += w_inf


w_inf = 1.0


def fires_at_step_3(ST, _t, _i):
    ST['spike'] = 1. if _i == 3 else 0.


def test_a_value_made_infinite_by_a_synapse_loop_is_reported_at_its_step(jit):
    source = bp.NeuGroup(bp.NeuType(name='Src', ST=bp.types.NeuState({'spike': 0.}), steps=fires_at_step_3,
                                    mode='scalar'), 2)
    target = group(3)
    syn = bp.SynConn(bp.SynType(name='Inf', ST=bp.types.SynState(), steps=deliver, mode='vector'),
                     pre_group=source, post_group=target, conn=bp.connect.All2All())
    syn.pars['w_inf'] = float('inf')
    net = bp.Network(source, target, syn)
    with pytest.raises(RunError, match=r"'V' became NaN or infinite at t=0.3 ms \(step 3\)"):
        net.run(1.)
    assert "_nonfinite |=" in net.code
