"""The live view's frame feed: the file a training chart fetches its frames from."""

from __future__ import annotations

import gzip
import json
import os
import time

import plotly.graph_objects as go
import pytest

from gan_viz.live import feed as feed_module
from gan_viz.live.feed import FrameFeed, figure_json
from gan_viz.plots.view1d import spec_1d
from gan_viz.plots.view2d import figure_2d, spec_2d
from gan_viz.presets import PRESETS
from gan_viz.toy import ToyGAN
from gan_viz.ui.playground.session import live_config


def wait_for(condition, seconds: float = 10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("timed out")


def figure(feed: FrameFeed) -> dict:
    """The feed's file as the chart reads it: gzip (the server sends it as it is) of the JSON."""
    return json.loads(gzip.decompress(feed.path.read_bytes()))


def title(feed: FrameFeed) -> str | None:
    try:
        return figure(feed)["layout"]["title"]["text"]
    except (OSError, ValueError):
        return None


@pytest.fixture
def run():
    cfg = live_config(PRESETS["ring-collapse"].config).replace(cadence={"eval_samples": 2000})
    return ToyGAN(cfg)


def test_feed_writes_each_new_snapshot_and_each_change_of_view(tmp_path, run, monkeypatch):
    # the lease outlasts the training below on a busy machine (its expiry is tested apart)
    monkeypatch.setattr(feed_module, "FEED_LEASE_SECONDS", 120.0)
    feed = FrameFeed(tmp_path)
    assert feed.url.startswith("frames/") and feed.path == tmp_path / feed.url
    built = []

    def build(snap, heat="d"):
        built.append((snap.step, heat))
        return figure_2d(snap, heat=heat, uirevision="r")

    feed.follow(run.history.latest, ("d",), build)
    try:
        wait_for(lambda: title(feed) == "iteration 0")
        # a new snapshot (a record every 50): the feed draws it without being asked again
        run.train(50)
        wait_for(lambda: title(feed) == "iteration 50")
        data = figure(feed)["data"]
        assert json.loads(feed.read())["data"] == data
        assert data[0]["type"] == "heatmap" and data[0]["name"] == "D(x)"
        time.sleep(0.2)
        assert built == [(0, "d"), (50, "d")]  # an unchanged snapshot is not drawn again
        # the page switches the heat map: same snapshot, new settings, a new frame
        feed.follow(run.history.latest, ("d_star",), lambda s: build(s, "d_star"))
        wait_for(lambda: figure(feed)["data"][0]["name"] == "D*(x)")
        # counted just after the file is replaced, so the count may trail the file a moment
        wait_for(lambda: feed.frames_written == 3)
        time.sleep(0.2)
        assert feed.frames_written == 3
        assert not list(tmp_path.glob("frames/*.tmp"))  # written whole, then renamed
    finally:
        feed.stop()
    assert not feed.running and not feed.path.exists()


def test_feed_ends_when_the_page_stops_renewing_it(tmp_path, run, monkeypatch):
    monkeypatch.setattr(feed_module, "FEED_LEASE_SECONDS", 0.3)
    feed = FrameFeed(tmp_path)
    feed.follow(run.history.latest, (), lambda s: figure_2d(s))
    wait_for(feed.path.exists)
    wait_for(lambda: not feed.running, 5)  # a closed tab: no renewal, the thread goes
    assert not feed.path.exists() and feed._job is None  # nothing of the session is kept
    feed.follow(run.history.latest, (), lambda s: figure_2d(s))  # the page is back
    wait_for(feed.path.exists)
    feed.stop()


def test_feed_survives_a_failing_build_and_stale_frames_are_removed(tmp_path, run):
    old = tmp_path / "frames" / "dead.json"
    old.parent.mkdir()
    old.write_text("{}")
    stale = time.time() - 2 * feed_module.STALE_FRAME_SECONDS
    os.utime(old, (stale, stale))
    feed = FrameFeed(tmp_path)
    assert not old.exists()

    def broken(snap):
        raise ValueError("no figure")

    feed.follow(run.history.latest, (), broken)
    wait_for(lambda: not feed.running)  # logged, and the file is not left half-written
    assert not feed.path.exists() and feed.error == "ValueError: no figure"  # the page says it
    feed.follow(run.history.latest, (), lambda s: figure_2d(s))  # the next rerun starts anew
    wait_for(lambda: title(feed) == "iteration 0")
    assert feed.error is None
    feed.stop()


def test_feed_of_the_curves_redraws_new_rows_at_most_every_so_often_and_skips_none(tmp_path):
    feed = FrameFeed(tmp_path)
    rows, built = [1], []

    def build(history):
        built.append((time.monotonic(), len(history)))
        if len(history) < 2:
            return None  # nothing to draw yet: no file
        return {"data": [], "layout": {"title": {"text": f"{len(history)} rows"}}}

    feed.follow(lambda: rows, (), build, token=len, every=0.5)
    try:
        wait_for(lambda: built)
        time.sleep(0.2)
        assert not feed.path.exists() and len(built) == 1  # one row: built once, nothing written
        start = time.monotonic()
        for _ in range(12):  # a row every 0.1 s: far more often than `every`
            rows.append(1)
            time.sleep(0.1)
        wait_for(lambda: title(feed) == "13 rows", 5)
        times = [t for t, _ in built if t >= start]
        assert 2 <= len(times) <= 4  # 1.2 s of new rows, built at most once per 0.5 s
        assert all(b - a >= 0.5 for a, b in zip(times, times[1:]))
    finally:
        feed.stop()


@pytest.mark.parametrize("target", ["gaussian", "ring8"])
def test_a_figure_dict_goes_to_the_chart_as_its_graph_objects_would(target):
    # The live views are built as plain dicts (spec_1d, spec_2d) and their numpy arrays sent as
    # typed arrays: what the chart gets must be what plotly's own graph objects send, to the byte.
    run = ToyGAN(live_config(PRESETS["fig1" if target == "gaussian" else "ring-collapse"].config))
    run.train(3)
    snap = run.history.latest()
    draw = spec_1d if target == "gaussian" else spec_2d
    sent = json.loads(figure_json(draw(snap, uirevision="r")))  # converts the dict
    assert sent == json.loads(figure_json(go.Figure(draw(snap, uirevision="r"))))
    assert set(sent["data"][0]["x"]) == {"dtype", "bdata"}  # not a list of numbers
