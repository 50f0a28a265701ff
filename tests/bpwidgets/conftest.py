"""Shared builders for the widget tests."""

import pytest

import bp_core as bp
from tests.bp_core.simulation import spec_models


@pytest.fixture
def gamma():
    """A small quickstart network: (net, neurons, synapses)."""
    bp.profile.set(dt=0.04, numerical_method='exponential')
    return spec_models.gamma_network(num=30, seed=1)
