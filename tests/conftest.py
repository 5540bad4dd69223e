import os

import pytest
import torch

# Two cores here: keep torch from fighting pytest for them, and keep runs reproducible.
torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _private_run_store(tmp_path, monkeypatch):
    """Every test (and every `gan-viz` it starts) records runs into its own store, never into
    the user's data folder."""
    monkeypatch.setenv("GAN_VIZ_STORE", str(tmp_path / "store" / "runs.sqlite"))
