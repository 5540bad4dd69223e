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


def stored_tiny_run(tmp_path, clf) -> tuple[RunStore, RunRecorder]:
    """A tiny image run trained 10 iterations and recorded, finished, in a fresh store."""
    store = RunStore(tmp_path / "runs.sqlite")
    run = ImageGAN(tiny(), classifier=clf)
    rec = RunRecorder(store, KIND, run.config_json(), "tiny")
    follow = ImageFollower(run, rec)
    run.train(10)
    assert follow.finish()
    return store, rec


def test_a_stored_image_run_trains_on_from_its_checkpoint(tmp_path, classifier_cache, capsys):
    """In process: a fork starts from the stored weights and counters with the stored
    evaluations. From a shell: `gan-viz runs resume` trains the run on with a changed rate,
    appending rows without a gap; a toy-only flag is refused in one line and changes nothing."""
    from gan_viz.cli import main
    from gan_viz.images.store import resume

    folder, clf = classifier_cache
    store, rec = stored_tiny_run(tmp_path, clf)
    saved = store.open(rec.run_id).weights()

    fork, fork_rec = resume(store, rec.run_id, new_run=True, classifier=clf)
    assert fork.step_count == 10 and fork_rec.run_id != rec.run_id
    for name, value in saved["G"].items():
        assert torch.equal(fork.weights()["G"][name], value)
    assert fork.trainer.opt_g.state_dict()["state"][0]["step"] == saved["opt_g"]["state"][0]["step"]
    assert [s.step for s in fork.history.snapshots()] == [0, 5, 10]
    assert ImageFollower(fork, fork_rec).finish()

    def gan_viz(*args):
        code = main([str(a) for a in args])
        return (code, *capsys.readouterr())

    before = store.open(rec.run_id).columns()["step"].tolist()
    code, _, err = gan_viz(
        "runs", "resume", rec.run_id, "--record-every", "5", "--store", store.path, "--quiet"
    )
    assert code == 2 and "--record-every" in err and "image run" in err
    assert "Traceback" not in err
    assert store.open(rec.run_id).columns()["step"].tolist() == before
    code, out, err = gan_viz(
        "runs", "resume", rec.run_id, "--steps", 10, "--lr-g", "1e-3", "--cache-dir", folder,
        "--store", store.path, "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert "step 20: digits covered" in out and "goes on from step 10" in err
    info = store.run(rec.run_id)
    assert info.status == "finished" and info.step == 20
    stored = store.open(rec.run_id)
    assert stored.columns()["step"].tolist() == [0, 5, 10, 15, 20]  # no gap, no repeat
    assert stored.weights()["iteration"] == 20
    log = stored.settings_log()
    assert [s for s, _ in log] == [0, 10] and log[1][1]["optim"]["lr_g"] == 1e-3


def test_a_run_saved_with_other_networks_is_refused_in_one_line(tmp_path, classifier_cache, capsys):
    """A checkpoint whose nets differ from what the settings build now (e.g. saved before dcgan
    had its 3 x 3 layers) cannot be trained on: `runs resume` says so, and the run is kept."""
    from gan_viz.cli import main

    folder, clf = classifier_cache
    store, rec = stored_tiny_run(tmp_path, clf)
    stored = store.open(rec.run_id)
    state = stored.weights()
    # the dcgan G of an older gan-viz: no 3 x 3 layer at 14 x 14, its last layer one place up
    old_g = {k: v for k, v in state["G"].items() if not k.startswith(("net.6.", "net.7."))}
    old_g = {k.replace("net.9.", "net.6."): v for k, v in old_g.items()}
    torch.save({**state, "G": old_g}, store.weights_path(stored._info.uid))
    before = store.open(rec.run_id).columns()["step"].tolist()

    code = main(["runs", "resume", str(rec.run_id), "--steps", "5", "--cache-dir", str(folder),
                 "--store", str(store.path), "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "saved weights" in err and "dcgan before its 3 x 3 layers" in err, err
    assert "Traceback" not in err
    assert store.open(rec.run_id).columns()["step"].tolist() == before
    assert store.run(rec.run_id).step == 10
