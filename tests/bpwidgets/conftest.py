"""Shared builders for the widget tests."""

import sys
from pathlib import Path

import pytest

import bp_core as bp

sys.path.insert(0, str(Path(__file__).parent.parent / "bp_core" / "simulation"))

import spec_models  # noqa: E402


@pytest.fixture
def gamma():
    """A small quickstart network: (net, neurons, synapses)."""
    bp.profile.set(dt=0.04, numerical_method='exponential')
    return spec_models.gamma_network(num=30, seed=1)
