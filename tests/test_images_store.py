"""Image runs in the run store: rows, ImageSnapshots, settings changes, checkpoints, status."""

import torch

from gan_viz.images.run import ImageGAN
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.images.store import KIND, ImageFollower
from gan_viz.store import RunRecorder, RunStore
from tests.test_images_run import tiny


def test_a_followed_run_is_stored_with_its_snapshots_changes_and_weights(
    tmp_path, classifier_cache
):
    store = RunStore(tmp_path / "runs.sqlite")
    run = ImageGAN(tiny(), classifier=classifier_cache[1])
    rec = RunRecorder(store, KIND, run.config_json(), "tiny")
    follow = ImageFollower(run, rec)
    run.train(10)
    follow.poll()
    run.update(run.cfg.replace(optim={"lr_g": 1e-3}))
    follow.poll()  # right after the change, so it is logged at the step it took effect
    run.train(5)
    assert follow.finish()
    stored = store.open(rec.run_id)
    assert stored.info.status == "finished" and stored.info.kind == "image"
    assert [r["step"] for r in stored.rows()] == [0, 5, 10, 15]
    snaps = stored.snapshots()
    assert all(isinstance(s, ImageSnapshot) for s in snaps)
    assert snaps[-1].equals(run.history.latest())
    log = stored.settings_log()
    assert len(log) == 2 and log[1][0] == 10 and log[1][1]["optim"]["lr_g"] == 1e-3
    weights = stored.weights()
    assert weights["iteration"] == 15 and "state" in weights["opt_g"]
    assert torch.equal(weights["G"]["net.0.weight"], run.weights()["G"]["net.0.weight"])


def test_a_diverged_run_is_stored_as_diverged_with_finite_weights(tmp_path, classifier_cache):
    store = RunStore(tmp_path / "runs.sqlite")
    bad = tiny(optim={"optimizer": "sgd", "lr_d": 1e30, "lr_g": 1e30})
    run = ImageGAN(bad, classifier=classifier_cache[1])
    rec = RunRecorder(store, KIND, run.config_json(), "bad")
    follow = ImageFollower(run, rec)
    run.train(50)
    follow.finish()
    info = store.run(rec.run_id)
    assert info.status == "diverged" and "diverged at iteration" in info.message
    g = store.open(rec.run_id).weights()["G"]
    assert all(torch.isfinite(v).all() for v in g.values() if v.is_floating_point())
