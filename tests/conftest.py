"""Shared fixtures: every test starts from the default profile."""

import copy

import pytest

from bp_core import profile


@pytest.fixture(autouse=True)
def restore_profile():
    """Undo any profile change a test makes."""
    settings = copy.copy(profile._settings)
    numba_settings = copy.copy(profile._numba_settings)
    yield
    profile._settings.clear()
    profile._settings.update(settings)
    profile._numba_settings.clear()
    profile._numba_settings.update(numba_settings)


@pytest.fixture(params=[True, False], ids=["jit", "numpy"])
def jit(request):
    """Run a test once compiled with numba and once as plain NumPy."""
    profile.set(jit=request.param)
    return request.param
