"""Fixtures of the simulation tests."""

from __future__ import annotations

import pytest

from bp_core.simulation import planning


@pytest.fixture
def forms(monkeypatch):
    """Make the networks built next use spike queues (form 'queue') or delay lines ('line')."""
    return lambda form: monkeypatch.setattr(planning, "SPIKE_QUEUES", form == "queue")
