"""Shared fixtures: every test starts from the default profile."""

import copy

import pytest

from bp_core import profile

_DEFAULTS = (copy.copy(profile._settings), copy.copy(profile._numba_settings))


@pytest.fixture(autouse=True)
def restore_profile():
    """Start every test from the default profile, whatever earlier tests or fixtures changed."""
    for current, default in zip((profile._settings, profile._numba_settings), _DEFAULTS):
        current.clear()
        current.update(default)
    yield


@pytest.fixture(params=[True, False], ids=["jit", "numpy"])
def jit(request):
    """Run a test once compiled with numba and once as plain NumPy."""
    profile.set(jit=request.param)
    return request.param
