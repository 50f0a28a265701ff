"""Shared fixtures: every test starts from the default profile."""

import copy
import os
import signal
import uuid

import psutil
import pytest

from bp_core import profile

# A run started in the background of a non-interactive shell inherits SIGINT ignored (and its children with it);
# the Ctrl-C tests need Python's own handler, as a run from a terminal has.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

SESSION_MARK = "BP_TEST_SESSION"
# every process the tests start inherits this, so what outlives the suite can be found, orphaned or not
os.environ.setdefault(SESSION_MARK, uuid.uuid4().hex)

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


def started_by_tests(names: tuple[str, ...] = ("voila", "ipykernel", "jupyter")) -> list[psutil.Process]:
    """Live servers and kernels started by this test session (found by the session's environment mark)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            line = " ".join(process.info["cmdline"] or [])
            if any(n in line for n in names) and process.environ().get(SESSION_MARK) == os.environ[SESSION_MARK]:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


@pytest.fixture(scope="session", autouse=True)
def no_server_outlives_the_suite():
    """After the tests: no Voila server or kernel they started is still running."""
    yield
    _, alive = psutil.wait_procs(started_by_tests(), timeout=30)
    left = [" ".join(p.cmdline())[:120] for p in alive if p.is_running()]
    for process in alive:
        process.kill()
    assert not left, f"processes started by the tests outlived them: {left}"
