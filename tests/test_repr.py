"""What a user sees of the records in a REPL: one line each, the facts that matter, no arrays."""

from gan_viz.config import RunConfig
from gan_viz.presets import PRESETS
from gan_viz.store import RunRecorder, RunStore
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower
from tests.store_helpers import tiny_config


def test_a_run_config_shows_its_target_and_only_what_differs_from_the_defaults():
    assert repr(RunConfig()) == "RunConfig(target=bimodal)"
    text = repr(PRESETS["ring-collapse"].config)
    assert text.startswith("RunConfig(target=ring8, ")
    assert "optim.d_steps=5" in text and "objective.name='minimax'" in text
    assert "seed" not in text  # the default seed is not repeated


def test_a_snapshot_shows_step_sizes_and_metrics_not_its_arrays():
    snap = ToyGAN(PRESETS["fig1"].config).snapshot()
    text = repr(snap)
    assert text.startswith("Snapshot(step=0, dim=1, grid=") and "js=" in text
    assert "array" not in text and "\n" not in text and len(text) < 200


def test_a_stored_run_shows_its_catalogue_line(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    toy = ToyGAN(tiny_config())
    rec = RunRecorder(store, "toy", toy.config_json(), name="tiny", flush_seconds=0.0)
    follow = ToyFollower(toy, rec, poll_seconds=0.0, weights_seconds=0.0)
    toy.train(10)
    follow.finish()
    run_id = rec.run_id
    text = repr(store.open(run_id))
    assert text == (
        f"StoredRun(id={run_id}, kind='toy', name='tiny', status='finished', step=10, "
        f"rows={store.run(run_id).rows}, snapshots={store.run(run_id).snapshots})"
    )
