"""Shared fixtures: a seeded random generator, PyTorch when installed, and
hypothesis settings that suit the slow-ish loop references."""

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("cnnedu", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cnnedu")


@pytest.fixture
def rng():
    return np.random.default_rng(20261126)


@pytest.fixture(scope="session")
def torch():
    """PyTorch CPU, or a skip that says why (CI installs it: see .ci/run)."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")
    torch.set_num_threads(1)
    return torch


def pytest_collection_modifyitems(items):
    """Mark every test that uses the ``torch`` fixture, so that the PyTorch parity
    tests can run on their own after torch is installed: ``pytest -m torch``."""
    for item in items:
        if "torch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch)
