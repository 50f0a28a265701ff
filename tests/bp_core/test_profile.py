import math

import numpy as np
import pytest

import bp_core as bp
from bp_core.errors import ProfileError


def test_defaults_and_getters():
    assert bp.profile.is_jit() is True
    assert bp.profile.get_backend() == "numba"
    assert bp.profile.get_device() == "cpu" and bp.profile.run_on_cpu() and not bp.profile.run_on_gpu()
    assert bp.profile.get_dt() == 0.1
    assert bp.profile.get_numerical_method() == "euler"
    assert bp.profile.get_float_type() is np.float64
    assert bp.profile.get_numba_profile()["fastmath"] is False
    assert bp.profile.get_numba_profile()["nogil"] is True


def test_set_every_option_roundtrips():
    bp.profile.set(jit=False, device="cpu", numerical_method="rk4", dt=0.025, float_type="float32",
                   int_type=np.int32, merge_integrators=False, merge_steps=False, substitute=True,
                   show_code=True, show_code_scope=True)
    assert bp.profile.is_jit() is False and bp.profile.get_backend() == "numpy"
    assert bp.profile.get_numerical_method() == "rk4"
    assert bp.profile.get_dt() == 0.025
    assert bp.profile.get_float_type() is np.float32 and bp.profile.get_int_type() is np.int32
    assert not bp.profile.is_merge_integrators() and not bp.profile.is_merge_steps()
    assert bp.profile.is_substitute_equation()
    assert bp.profile.show_format_code() and bp.profile.show_code_scope()


def test_single_setters():
    bp.profile.set_dt(0.5)
    bp.profile.set_numerical_method("heun")
    bp.profile.set_backend("numpy")
    assert (bp.profile.get_dt(), bp.profile.get_numerical_method(), bp.profile.is_jit()) == (0.5, "heun", False)
    bp.profile.set_device(True, "cpu")
    assert bp.profile.is_jit()
    assert bp.profile.get_num_thread_gpu() > 0


@pytest.mark.parametrize("bad", [-0.1, 0, math.nan, math.inf, "0.1", True])
def test_invalid_dt_is_refused(bad):
    with pytest.raises(ProfileError, match="dt"):
        bp.profile.set(dt=bad)
    assert bp.profile.get_dt() == 0.1


def test_unknown_option_names_close_match():
    with pytest.raises(ProfileError, match="Did you mean 'numerical_method'"):
        bp.profile.set(numerical_methd="rk4")


def test_unknown_method_and_device():
    with pytest.raises(ProfileError, match="Did you mean 'rk4'"):
        bp.profile.set(numerical_method="rk5")
    with pytest.raises(ProfileError, match="'cpu' or 'gpu'"):
        bp.profile.set(device="tpu")
    with pytest.raises(ProfileError, match="unknown backend"):
        bp.profile.set_backend("jax")


def test_gpu_without_cuda_says_so():
    with pytest.raises(ProfileError, match="CUDA"):
        bp.profile.set(device="gpu")
    assert bp.profile.get_device() == "cpu"


def test_bad_value_changes_nothing():
    with pytest.raises(ProfileError):
        bp.profile.set(dt=0.01, numerical_method="rk4", float_type="float16")
    assert bp.profile.get_dt() == 0.1 and bp.profile.get_numerical_method() == "euler"


def test_numba_profile_validation():
    bp.profile.set_numba_profile(fastmath=True, cache=False)
    assert bp.profile.get_numba_profile()["fastmath"] is True
    with pytest.raises(ProfileError, match="Did you mean 'parallel'"):
        bp.profile.set_numba_profile(paralel=True)
    with pytest.raises(ProfileError, match="nopython=False"):
        bp.profile.set_numba_profile(nopython=False)


def test_seed_makes_numpy_and_compiled_draws_reproducible():
    @bp.tools.jit
    def draw():
        return np.random.normal(0.0, 1.0)

    bp.profile.set(seed=42)
    first = (np.random.standard_normal(3), draw())
    bp.profile.set_seed(42)
    second = (np.random.standard_normal(3), draw())
    assert bp.profile.get_seed() == 42
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1]
    with pytest.raises(ProfileError, match="seed"):
        bp.profile.set(seed=-1)


def test_a_network_keeps_the_settings_it_was_built_with():
    import cloudpickle

    bp.profile.set(dt=0.1)
    group = bp.NeuGroup(bp.models.get_LIF(), 3, monitors=['V'])
    net = bp.Network(group)
    bp.profile.set(dt=0.01)
    try:
        net.run(5.)
        assert net.dt == 0.1 and np.allclose(np.diff(net.ts), 0.1) and len(net.ts) == 50
        copy = cloudpickle.loads(cloudpickle.dumps(net))  # as a sweep sends it to a worker
        assert copy.dt == 0.1
        net.refresh_profile()
        net.run(1.)
        assert net.dt == 0.01 and len(net.ts) == 100
        group.run(1.)  # a group run alone follows the profile at each run
        assert len(group.mon.ts) == 100
    finally:
        bp.profile.set(dt=0.1)


def test_override_sets_for_the_block_only_even_when_it_raises():
    bp.profile.set(dt=0.1, safe=True)
    with bp.profile.override(dt=0.02, safe=False):
        assert bp.profile.get_dt() == 0.02 and not bp.profile.is_safe()
    assert bp.profile.get_dt() == 0.1 and bp.profile.is_safe()
    with pytest.raises(RuntimeError):
        with bp.profile.override(dt=0.5):
            raise RuntimeError("inside")
    assert bp.profile.get_dt() == 0.1
    with pytest.raises(ProfileError):
        with bp.profile.override(dt=-1.0):
            pass
    assert bp.profile.get_dt() == 0.1


@pytest.mark.parametrize("name", ["parallel", "fastmath", "cache", "nogil", "boundscheck"])
@pytest.mark.parametrize("value", ["yes", "no", 1, None])
def test_a_numba_switch_that_is_no_bool_is_refused_and_changes_nothing(name, value):
    """numba reads any truthy object as on: parallel='no' switched threads on."""
    before = bp.profile.get_numba_profile()
    with pytest.raises(ProfileError, match=rf"numba option '{name}' must be True or False, not {value!r}"):
        bp.profile.set_numba_profile(**{name: value})
    assert bp.profile.get_numba_profile() == before
