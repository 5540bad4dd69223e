"""A chart of a stored run as a PNG at projector resolution (default 1920 x 1080).

Charts: `view` (the main view at one iteration, as the playground draws it) and `curves` (the
metric curves of the whole run with the theory's reference lines), both drawn by the
playground's plotly builders in projector style (large type, thick lines) and rendered by
kaleido, which drives a headless Chrome or Chromium (found on PATH; offline). Without kaleido or
a browser, the view is drawn by matplotlib instead (gan_viz.export.frames); the curves need
kaleido.
"""

from __future__ import annotations

import io
from pathlib import Path

from gan_viz.errors import ConfigError

CHARTS = ("view", "curves")
PROJECTOR = (1920, 1080)


def chart_figure(store, run_id: int, chart: str, step: int | None = None):
    """The plotly figure of a chart of a stored run; `step`: the view's iteration (default
    the last snapshot; the nearest one at or before `step`)."""
    from gan_viz.export.animation import frame_title, view_figure
    from gan_viz.plots.curves import curves_figure

    if chart not in CHARTS:
        raise ConfigError("chart", chart, " or ".join(CHARTS))
    run = store.open(run_id)
    if chart == "curves":
        columns = run.columns()
        if not columns:
            raise ConfigError("run", run_id, "a run with metric rows (this one has none)")
        return curves_figure(columns, projector=True, now=step)
    snap = run.latest() if step is None else run.snapshot_at(step)
    if snap is None:
        raise ConfigError("run", run_id, "a run with at least one stored snapshot")
    return view_figure(snap, projector=True, title=frame_title(run.info.label, snap))


def png_bytes(fig, width: int = PROJECTOR[0], height: int = PROJECTOR[1]) -> bytes:
    """The figure as a PNG of exactly width x height pixels (kaleido)."""
    fig = fig.update_layout(width=width, height=height)
    return fig.to_image(format="png", width=width, height=height, scale=1)


def export_png(
    store,
    run_id: int,
    path: str | Path,
    chart: str = "view",
    step: int | None = None,
    width: int = PROJECTOR[0],
    height: int = PROJECTOR[1],
) -> Path:
    for name, value in (("width", width), ("height", height)):
        if not 200 <= value <= 8000:
            raise ConfigError(name, value, "200 to 8000 px")
    fig = chart_figure(store, run_id, chart, step)
    try:
        data = png_bytes(fig, width, height)
    except Exception as err:  # no kaleido, or no browser for it: say which
        if chart != "view":
            raise ConfigError(
                "format", "png", f"a working kaleido with Chrome or Chromium ({err})"
            ) from None
        data = _matplotlib_view(store, run_id, step, width, height)
    path = Path(path)
    path.write_bytes(data)
    return path


def _matplotlib_view(store, run_id: int, step: int | None, width: int, height: int) -> bytes:
    from gan_viz.export.frames import FrameDrawer

    run = store.open(run_id)
    snap = run.latest() if step is None else run.snapshot_at(step)
    with FrameDrawer(width, height, run.info.label) as drawer:
        image = drawer.draw(snap)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
