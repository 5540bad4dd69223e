"""Draw your own data (Playground, Data group): a canvas over the plot window.

2-D: freehand strokes and clicked points become the target "drawing" (gan_viz.drawn): strokes
are resampled evenly along their length, so a fast stroke weighs as much as a slow one. 1-D: a
curve (or clicked points) over the x-axis becomes the sketched density "sketch": the canvas is
cut into SKETCH_BINS columns and each column drawn in gives one control point (x, mean height).

The canvas is `streamlit-drawable-canvas` (Fabric.js; its toolbar has undo, redo and clear).
Its JSON is read here: a freehand stroke is a path of [command, x, y, ...] in canvas pixels, a
clicked point a circle. Nothing changes the run until "Use this drawing"; a bad drawing is
refused in one line and the previous target stays.
"""

from __future__ import annotations

import numpy as np

from gan_viz.config import DRAWN_TARGETS, TargetConfig
from gan_viz.drawn import as_drawing, check_drawing, ready_drawings, resample_stroke
from gan_viz.errors import ConfigError
from gan_viz.targets import TARGETS, make_target

SIZE_2D = (200, 200)  # canvas (width, height) in pixels: fits the sidebar
SIZE_1D = (200, 130)
WINDOW_2D = np.array([[-3.0, 3.0], [-3.0, 3.0]])  # data coordinates the 2-D canvas covers
WINDOW_1D = np.array([[-4.0, 4.0], [0.0, 1.0]])  # x, and height (any scale: it is normalised)
BASELINE = 0.1  # the 1-D x-axis sits this share of the height above the bottom; below is 0
SKETCH_BINS = 40  # columns of the 1-D canvas, one control point each where drawn in
STROKE = "#000000"  # real data's colour (gan_viz.plots.palette.REAL)


# --- the canvas's JSON -> data coordinates (no Streamlit: tested directly) --------------------


def canvas_strokes(json_data: dict | None) -> list[np.ndarray]:
    """Each freehand stroke as a polyline, each clicked point as one row, in canvas pixels."""
    strokes = []
    for obj in (json_data or {}).get("objects", []):
        kind = str(obj.get("type", "")).lower()
        if kind == "path" and obj.get("path"):
            pts = np.array(
                [c[i : i + 2] for c in obj["path"] for i in range(1, len(c) - 1, 2)], float
            )
            strokes.append(_placed(pts, obj))
        elif kind == "circle":
            r = float(obj.get("radius", 0)) * float(obj.get("scaleX", 1))
            r += float(obj.get("strokeWidth", 0)) / 2
            x, y = float(obj.get("left", 0)), float(obj.get("top", 0))
            x += r if obj.get("originX", "left") == "left" else 0
            y += r if obj.get("originY", "top") == "top" else 0
            strokes.append(np.array([[x, y]]))
    return strokes


_ORIGIN = {"left": 0.5, "center": 0.0, "right": -0.5, "top": 0.5, "bottom": -0.5}


def _placed(pts: np.ndarray, obj: dict) -> np.ndarray:
    """A path's points where the canvas shows them. Fabric keeps a path's own coordinates and
    places the object by (left, top) at its origin, so a stroke moved or scaled with the edit
    toggle comes out where it is seen; the path's centre is its points' bounding-box centre."""
    sw = float(obj.get("strokeWidth", 0))
    scale = np.array([float(obj.get("scaleX", 1)), float(obj.get("scaleY", 1))])
    size = np.array([float(obj.get("width", 0)), float(obj.get("height", 0))]) + sw
    origin = np.array([_ORIGIN.get(obj.get("originX"), 0.5), _ORIGIN.get(obj.get("originY"), 0.5)])
    centre = np.array([float(obj.get("left", 0)), float(obj.get("top", 0))]) + origin * size * scale
    return (pts - (pts.min(0) + pts.max(0)) / 2) * scale + centre


def to_data(pixels: np.ndarray, window: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Canvas pixels (y down) to data coordinates (y up) over `window`."""
    (x0, x1), (y0, y1) = window
    x = x0 + pixels[:, 0] / size[0] * (x1 - x0)
    y = y1 - pixels[:, 1] / size[1] * (y1 - y0)
    return np.stack([x, y], 1)


def to_pixels(points: np.ndarray, window: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    (x0, x1), (y0, y1) = window
    px = (points[:, 0] - x0) / (x1 - x0) * size[0]
    py = (y1 - points[:, 1]) / (y1 - y0) * size[1]
    return np.stack([px, py], 1)


def drawing_from_canvas(json_data: dict | None, std: float) -> np.ndarray:
    """The 2-D drawing's points: strokes resampled every min(std, 1/200 of the window)."""
    step = max(std / 2, np.ptp(WINDOW_2D[0]) / 200)
    parts = [
        resample_stroke(to_data(s, WINDOW_2D, SIZE_2D), step) for s in canvas_strokes(json_data)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def sketch_from_canvas(json_data: dict | None) -> np.ndarray:
    """The 1-D sketch's control points (x, height): the mean height drawn in each column."""
    strokes = [to_data(s, WINDOW_1D, SIZE_1D) for s in canvas_strokes(json_data)]
    if not strokes:
        return np.zeros((0, 2))
    dense = np.concatenate([resample_stroke(s, 0.02) if len(s) > 1 else s for s in strokes])
    height = np.clip((dense[:, 1] - BASELINE) / (1 - BASELINE), 0.0, None)
    edges = np.linspace(*WINDOW_1D[0], SKETCH_BINS + 1)
    col = np.clip(np.digitize(dense[:, 0], edges) - 1, 0, SKETCH_BINS - 1)
    used = np.unique(col)
    x = np.array([dense[col == c, 0].mean() for c in used])
    h = np.array([height[col == c].mean() for c in used])
    return np.stack([x, h], 1)


def ready_canvas(name: str | None) -> dict:
    """A ready drawing as canvas objects: a dot per point (2-D) or control point (1-D)."""
    if name is None:
        return {"objects": []}
    dim, drawing, _ = ready_drawings()[name]
    pts = np.asarray(drawing, float)
    if dim == 1:  # heights scaled to the canvas, on the baseline
        pts = np.stack(
            [pts[:, 0], BASELINE + (1 - BASELINE) * 0.9 * pts[:, 1] / pts[:, 1].max()], 1
        )
    window, size = (WINDOW_2D, SIZE_2D) if dim == 2 else (WINDOW_1D, SIZE_1D)
    px = to_pixels(pts, window, size)
    dot = {"type": "circle", "radius": 2.5, "fill": STROKE, "stroke": STROKE, "strokeWidth": 0}
    dot |= {"originX": "center", "originY": "center"}
    return {"objects": [dot | {"left": float(x), "top": float(y)} for x, y in px]}


def axes_image(dim: int):
    """The plot window's grid and ticks, drawn behind the canvas (a PIL image)."""
    from PIL import Image, ImageDraw

    window, size = (WINDOW_2D, SIZE_2D) if dim == 2 else (WINDOW_1D, SIZE_1D)
    img = Image.new("RGBA", size, "white")
    draw = ImageDraw.Draw(img)
    for v in range(int(window[0, 0]), int(window[0, 1]) + 1):
        px = to_pixels(np.array([[v, window[1, 0]]], float), window, size)[0, 0]
        draw.line([(px, 0), (px, size[1])], fill="#999999" if v == 0 else "#E5E5E5")
        draw.text((px + 2, size[1] - 12), str(v), fill="#777777")
    if dim == 2:
        for v in range(int(window[1, 0]), int(window[1, 1]) + 1):
            py = to_pixels(np.array([[window[0, 0], v]], float), window, size)[0, 1]
            draw.line([(0, py), (size[0], py)], fill="#999999" if v == 0 else "#E5E5E5")
            draw.text((2, py - 12), str(v), fill="#777777")
    else:
        py = size[1] * (1 - BASELINE)
        draw.line([(0, py), (size[0], py)], fill="#555555", width=2)
    return img


# --- the widgets ---------------------------------------------------------------------------------


def _take_ready_std(key: str) -> None:
    """A ready 2-D drawing brings its own noise std into the std field."""
    import streamlit as st

    name = st.session_state.get(f"{key}.ready")
    std = ready_drawings()[name][2].get("std") if name else None
    if std is not None:
        st.session_state[f"{key}.std"] = float(std)


def drawing_widgets(prefix: str, name: str, base: TargetConfig) -> TargetConfig:
    """Draw the canvas and its settings for target `name` ("drawing" or "sketch"); return the
    target config of the drawing last used (the base's, or the ready one, until then)."""
    import streamlit as st
    from streamlit_drawable_canvas import st_canvas

    dim = DRAWN_TARGETS[name]
    key = f"{prefix}.{name}"
    fallback = base if base.name == name else TargetConfig(name)
    used: TargetConfig = st.session_state.get(f"{key}.used", fallback)
    ready = [n for n, (d, _, _) in ready_drawings().items() if d == dim]
    start = st.selectbox(
        "Start from",
        ready,
        index=None,
        key=f"{key}.ready",
        placeholder="a blank canvas",
        format_func=lambda n: n.replace("_", " "),
        help="A ready drawing on the canvas, to use as it is or to draw on.",
        on_change=_take_ready_std,
        args=(key,),
    )
    c1, c2 = st.columns(2)
    tool = c1.radio(
        "Tool",
        ["freedraw", "point"],
        key=f"{key}.tool",
        format_func=lambda t: {"freedraw": "Strokes", "point": "Points"}[t],
        help="Strokes: drag to draw. Points: click to drop one point each. The toolbar under "
        "the canvas undoes, redoes and clears.",
    )
    params = dict(used.params)
    if dim == 2:
        params["std"] = c2.number_input(
            "Noise std",
            min_value=0.01,
            max_value=0.5,
            value=float(used.params.get("std", TARGETS[name].defaults["std"])),
            step=0.01,
            key=f"{key}.std",
            help="Each drawn point is a Gaussian of this std: samples scatter around the "
            "drawing. The brush is drawn 4 std wide. GAN Lab's brush: 0.02 of its unit square.",
        )
        brush = max(2, round(4 * params["std"] * SIZE_2D[0] / np.ptp(WINDOW_2D[0])))
    else:
        brush = 3
    size = SIZE_2D if dim == 2 else SIZE_1D
    result = st_canvas(
        stroke_width=brush,
        stroke_color=STROKE,
        fill_color=STROKE,
        background_image=axes_image(dim),
        drawing_mode=tool,
        point_display_radius=max(1, brush // 2) if dim == 2 else 3,
        initial_drawing=ready_canvas(start),
        width=size[0],
        height=size[1],
        key=f"{key}.canvas.{start}",
    )
    if st.button("Use this drawing", key=f"{key}.use", type="primary", width="stretch"):
        try:
            if dim == 2:
                pts = drawing_from_canvas(result.json_data, params["std"])
            else:
                pts = sketch_from_canvas(result.json_data)
            # to 1/1000 of a unit (a canvas pixel is ~1/30): a link then carries it exactly
            pts = np.round(check_drawing(pts, dim), 3)
            candidate = TargetConfig(name, params, as_drawing(pts))
            make_target(candidate)
        except ConfigError as err:
            st.session_state[f"{key}.error"] = f"{err}. The previous target is kept."
        else:
            st.session_state[f"{key}.used"], used = candidate, candidate
            st.session_state[f"{key}.error"] = None
    if st.session_state.get(f"{key}.error"):
        st.error(st.session_state[f"{key}.error"], icon=":material/warning:")
    what = "points" if dim == 2 else "control points"
    st.caption(f"The target: a drawing of {len(used.drawing):,} {what}.")
    return TargetConfig(name, params, used.drawing)
