"""Exports of a stored run: HTML animation (played in a real browser), GIF, MP4, PNG, and the
`gan-viz runs export --format html|gif|mp4|png` commands."""

import re

import numpy as np
import pytest
from PIL import Image

from gan_viz.cli import main
from gan_viz.errors import ConfigError
from gan_viz.export import frame_seqs
from gan_viz.export.animation import animation_figure, export_html
from gan_viz.export.movie import MIN_WIDTH, export_gif, export_mp4, ffmpeg
from gan_viz.export.png import export_png
from gan_viz.store import RunRecorder, RunStore
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower
from tests.store_helpers import tiny_config


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A real 2-D run (ring of 8) and a real 1-D run, 200 iterations each, snapshot every 20."""
    store = RunStore(tmp_path_factory.mktemp("export") / "runs.sqlite")
    ids = {}
    for target in ("ring8", "gaussian"):
        toy = ToyGAN(tiny_config(target, snapshot_every=20))
        rec = RunRecorder(store, "toy", toy.config_json(), name=f"{target} run")
        follow = ToyFollower(toy, rec)
        toy.train(200)
        follow.finish()
        ids[target] = rec.run_id
    return store, ids


def test_frames_are_spread_evenly_first_and_last_in():
    index = [(seq, seq * 10, 0, 0) for seq in range(31)]
    assert frame_seqs(index, 4) == [0, 10, 20, 30]
    assert frame_seqs(index, 100) == list(range(31))  # never more than stored
    with pytest.raises(ConfigError, match="frames"):
        frame_seqs(index, 1)


@pytest.mark.parametrize("target", ["ring8", "gaussian"])
def test_animation_holds_one_frame_per_snapshot_with_a_slider(stored, target):
    store, ids = stored
    run = store.open(ids[target])
    snaps = [run.snapshot(s) for s in frame_seqs(run.snapshot_index(), 6)]
    fig = animation_figure(snaps, "my run")
    assert len(fig.frames) == 6
    assert [st.label for st in fig.layout.sliders[0].steps] == [f"{s.step:,}" for s in snaps]
    assert snaps[-1].step == 200
    assert "iteration 200" in fig.frames[-1].layout.title.text
    # The frames are the playground's view: same traces as the first figure, other data.
    assert len(fig.frames[0].data) == len(fig.data)
    first, last = fig.frames[0].data, fig.frames[-1].data
    fake = next(i for i, t in enumerate(first) if "fake" in (t.name or "") or t.name == "p_g")
    assert first[fake].y != last[fake].y  # base64 float32 specs of different samples
    assert first[fake].y["dtype"] == "f4"


@pytest.mark.browser
def test_html_export_plays_offline_in_a_real_browser(stored, tmp_path):
    from tests.browser import ARTIFACTS, CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium")
    store, ids = stored
    out = export_html(store, ids["ring8"], tmp_path / "ring.html", frames=8)
    html = out.read_text()
    assert "<script src=" not in html  # plotly.js is inlined: opens offline
    assert html.count('"name":"') >= 8  # the frames travel in the file

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        # No network at all: a file that fetched plotly.js from a CDN would stay blank.
        page.route(re.compile(r"^https?://"), lambda route: route.abort())
        page.goto(out.as_uri())
        current = page.locator(".slider-group .slider-label").first  # "iteration N"
        current.wait_for(timeout=60_000)
        assert current.text_content().strip() == "iteration 0"
        page.get_by_text("▶ Play").click()
        page.wait_for_function(
            "() => document.querySelector('.slider-group .slider-label').textContent"
            ".includes('200')",
            timeout=60_000,
        )
        title = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.title.text")
        assert "iteration 200" in title
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "export-html-played.png"))
        browser.close()


def test_gif_has_the_frames_asked_for_and_keeps_under_the_size_limit(stored, tmp_path):
    store, ids = stored
    big = export_gif(store, ids["ring8"], tmp_path / "big.gif", frames=8, width=640)
    with Image.open(big) as im:
        assert im.n_frames == 8 and im.size == (640, 480)
    limit = big.stat().st_size // 3
    small = export_gif(store, ids["ring8"], tmp_path / "small.gif", frames=8, max_bytes=limit)
    assert small.stat().st_size <= limit
    with Image.open(small) as im:
        assert im.n_frames == 8 and MIN_WIDTH <= im.size[0] < 640  # shrunk, no frame dropped
        first = np.asarray(im.convert("RGB"))
        im.seek(7)
        assert not np.array_equal(first, np.asarray(im.convert("RGB")))  # it moves


def test_a_size_limit_too_small_is_refused_and_writes_nothing(stored, tmp_path):
    store, ids = stored
    with pytest.raises(ConfigError, match="size limit"):
        export_gif(store, ids["gaussian"], tmp_path / "x.gif", frames=10, max_bytes=2000)
    assert not (tmp_path / "x.gif").exists()


@pytest.mark.skipif(ffmpeg() is None, reason="no ffmpeg on PATH and no imageio-ffmpeg")
def test_mp4_has_the_frames_asked_for(stored, tmp_path):
    import imageio_ffmpeg

    store, ids = stored
    out = export_mp4(store, ids["gaussian"], tmp_path / "run.mp4", frames=10, width=480)
    n_frames, _seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n_frames == 10


def test_png_is_projector_sized(stored, tmp_path):
    store, ids = stored
    view = export_png(store, ids["ring8"], tmp_path / "view.png", step=100)
    with Image.open(view) as im:
        assert im.size == (1920, 1080)
    with pytest.raises(ConfigError, match="chart"):
        export_png(store, ids["ring8"], tmp_path / "x.png", chart="pie")


def test_cli_exports_each_format(stored, tmp_path, capsys):
    store, ids = stored
    base = ["runs", "--store", str(store.path), "export", str(ids["gaussian"])]
    out = tmp_path / "a.gif"
    assert main([*base, "--format", "gif", "--frames", "5", "--width", "320", "-o", str(out)]) == 0
    with Image.open(out) as im:
        assert im.n_frames == 5 and im.size == (320, 240)
    assert main([*base, "--format", "html", "--frames", "4", "-o", str(tmp_path / "a.html")]) == 0
    assert (tmp_path / "a.html").stat().st_size > 1e6  # plotly.js inside
    assert main([*base, "--format", "gif", "--frames", "one"]) == 2
    assert "--frames" in capsys.readouterr().err
