"""Line and marker traces redrawn as layout shapes: one SVG path per trace, for live charts.

Why: plotly draws a lines trace as one SVG path per unbroken piece (the 2-D view's 200 gradient
arrows were 400 paths, each styled anew every frame) and markers as one element per point in
SVG, or on a WebGL canvas that a browser without a GPU rasterises in software and reads back
every frame. A path shape is one element whatever it holds, so a browser without a GPU spends
far less CPU per frame on shapes than on traces (figures: benchmarks/RESULTS.md, design notes).

What it costs: a shape has no hover (the heat map under it keeps its own), and samples become
zero-length segments ("M x,y L x,y"), which a browser draws as dots only where the stylesheet
gives paths round caps: the live chart's page does (gan_viz.ui.common.live_chart); exports, which
render elsewhere, keep the traces. Each shape joins the legend through an empty stand-in trace
of the same style and legend group, so a legend click still hides it.
"""

from __future__ import annotations

import math

import numpy as np

SIGNIFICANT = 5  # digits of a coordinate, relative to the window's width: 1e-5 of it


def decimals_for(width: float) -> int:
    """Decimal places that resolve 10^-SIGNIFICANT of a window `width` wide."""
    if not math.isfinite(width) or width <= 0:
        return SIGNIFICANT
    return max(0, SIGNIFICANT - math.floor(math.log10(width)))


def polyline_path(xs, ys, decimals: int) -> str:
    """Polylines broken by NaN as one SVG path in data units: 'M x,y L x,y ...' per piece."""
    out, pen = [], False
    for x, y in zip(np.asarray(xs, float).tolist(), np.asarray(ys, float).tolist()):
        if math.isnan(x) or math.isnan(y):
            pen = False
            continue
        out.append(f"{'L' if pen else 'M'}{x:.{decimals}f},{y:.{decimals}f}")
        pen = True
    return "".join(out)


def dots_path(xs, ys, decimals: int) -> str:
    """A zero-length segment at each finite point: a dot where paths have round caps."""
    out = []
    for x, y in zip(np.asarray(xs, float).tolist(), np.asarray(ys, float).tolist()):
        if math.isfinite(x) and math.isfinite(y):
            p = f"{x:.{decimals}f},{y:.{decimals}f}"
            out.append(f"M{p}L{p}")
    return "".join(out)


def _shape(path: str, name: str, color: str, width: float, opacity: float) -> dict:
    return dict(
        type="path",
        path=path,
        xref="x",
        yref="y",
        layer="above",
        line=dict(color=color, width=width),
        opacity=opacity,
        name=name,
        legendgroup=name,
        showlegend=False,
    )


def as_shapes(traces: list[dict], width: float) -> tuple[list[dict], list[dict]]:
    """(legend stand-ins, shapes) for lines or markers traces (plotly dicts) on axes x/y of a
    window `width` wide, drawn in the traces' order. A marker's size is the dot's diameter; a
    marker outline becomes a wider dot of the outline's colour under it."""
    decimals = decimals_for(width)
    stand_ins, shapes = [], []
    for t in traces:
        name, mode, opacity = t["name"], t["mode"], t.get("opacity", 1.0)
        stand_in = dict(type="scatter", mode=mode, x=[None], y=[None], name=name)
        if mode == "lines":
            line = t["line"]
            path = polyline_path(t["x"], t["y"], decimals)
            shapes.append(_shape(path, name, line["color"], line["width"], opacity))
            stand_in.update(line=line, opacity=opacity)
        elif mode == "markers":
            m = t["marker"]
            path = dots_path(t["x"], t["y"], decimals)
            dot_opacity = opacity * m.get("opacity", 1.0)
            outline = m.get("line", {})
            if outline.get("width"):
                wide = m["size"] + 2 * outline["width"]
                shapes.append(_shape(path, name, outline["color"], wide, dot_opacity))
            shapes.append(_shape(path, name, m["color"], m["size"], dot_opacity))
            stand_in.update(marker=m, opacity=opacity)
        else:
            raise ValueError(f"mode: got {mode!r}; allowed: 'lines' or 'markers'")
        stand_in.update(legendgroup=name, hoverinfo="skip")
        stand_ins.append(stand_in)
    return stand_ins, shapes
