"""A playground run as a link: its settings, seed and iteration in the query string, so the view a
teacher sees can be sent to a class and opens the same game in another browser.

    ?preset=ring-collapse&seed=3&it=2000
    ?preset=fig1&objective.name=minimax&optim.lr_d=0.001
    ?target=drawing&drawing=0.1,0.2;0.3,0.4;...&target.params={"std":0.05}
    ?target=drawing&run=12&seed=3&it=400

A link names a preset (or a target, whose default settings it starts from) and only the fields
that differ from it, as `section.field=value` (JSON for numbers, lists and true/false; plain text
for names). A small drawing travels in the link itself. A larger one (or an uploaded CSV's
points) would not fit a URL: the link then names the stored run that holds it, `run=<id>`, and
takes the target from there, so it opens on the same server (same run store) only. A link with
an unknown key or a bad value still opens: what it could not take is said in one line and the
rest applies; a run it names that cannot be read opens the default lesson, said in one line.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping

import numpy as np

from gan_viz.config import RunConfig, TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.presets import PRESETS, default_config
from gan_viz.validation import validate

SECTIONS = ("noise", "nets", "objective", "optim", "cadence")
MAX_LINK_POINTS = 600  # drawn points a link carries (~8 kB: under a server's 16 kB of headers)
MAX_PARAMS_CHARS = 2_000  # a target's parameters a link carries
MAX_ITERATION = 20_000  # what a link may ask the page to train to as it opens (seconds, not hours)
# Set by the page itself, not by a run's settings: the live page snapshots every record and
# keeps its own count of snapshots, so a link neither carries nor takes them.
PAGE_OWNED = {"cadence.snapshot_every", "cadence.max_snapshots"}


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), default=lambda a: np.asarray(a).tolist())


def _differ(a: dict, b: dict) -> bool:
    """Whether two targets' parameters differ (they may hold arrays: an uploaded CSV's points)."""
    return _text(a) != _text(b)


def _drawing_text(drawing: tuple) -> str:
    return ";".join(f"{a:.6g},{b:.6g}" for a, b in drawing)


def _base(preset: str | None, target: str) -> RunConfig:
    return PRESETS[preset].config if preset in PRESETS else default_config(target)


def config_params(
    cfg: RunConfig, preset: str | None, iteration: int | None = None, run: int | None = None
) -> dict:
    """The query parameters of a link to `cfg` (started from `preset`, if any) at `iteration`.
    `run`: the stored run that holds `cfg`, named in the link when its target is too big to
    travel in it (without one, such a target stays out)."""
    base = _base(preset, cfg.target.name)
    params = {"preset": preset} if preset in PRESETS else {"target": cfg.target.name}
    if cfg.target.name != base.target.name:
        params["target"] = cfg.target.name
    target, too_big = {}, False
    if _differ(cfg.target.params, base.target.params):
        text = _text(cfg.target.params)
        too_big = len(text) > MAX_PARAMS_CHARS  # an uploaded CSV's points
        if not too_big:
            target["target.params"] = text
    drawing = cfg.target.drawing
    if drawing != base.target.drawing and drawing:
        if len(drawing) <= MAX_LINK_POINTS:
            target["drawing"] = _drawing_text(drawing)
        else:
            too_big = True
    if too_big and run is not None:  # the stored run holds the whole target
        params["run"] = str(run)
    else:  # without a run to name, what fits still goes (a big drawing's std, say)
        params.update(target)
    for section in SECTIONS:
        ours, theirs = getattr(cfg, section), getattr(base, section)
        for f in dataclasses.fields(ours):
            value = getattr(ours, f.name)
            if value != getattr(theirs, f.name) and f"{section}.{f.name}" not in PAGE_OWNED:
                params[f"{section}.{f.name}"] = _text(value)
    if cfg.seed != base.seed:
        params["seed"] = str(cfg.seed)
    if iteration:
        params["it"] = str(iteration)
    return params


def _value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # a name: "minimax", "relu"


def _drawing(text: str) -> tuple:
    points = []
    for pair in text.split(";")[: MAX_LINK_POINTS + 1]:
        a, b = pair.split(",")
        points.append((float(a), float(b)))
    if len(points) > MAX_LINK_POINTS:
        raise ValueError(f"more than {MAX_LINK_POINTS} points")
    return tuple(points)


@dataclasses.dataclass(frozen=True)
class Opened:
    """What a link opens: the settings, the preset they start from, the iteration to reach,
    and one line on what the link asked for that could not be taken (None: all of it)."""

    config: RunConfig
    preset: str | None
    iteration: int
    notice: str | None = None


def stored_target(run: int) -> TargetConfig:
    """The target of toy run `run` in this server's run store (gan_viz.store): what a link
    names when the target is too big to carry. ConfigError("run", ...) saying in a few words why
    not: no such run (deleted, or pruned to make room), not a toy run, unreadable settings, a
    damaged store. Opening a link creates no store."""
    import sqlite3

    from gan_viz.errors import RunNotFound
    from gan_viz.store import RunStore, default_store_path
    from gan_viz.store.repair import StoreDamaged, is_damaged
    from gan_viz.store.toy_checks import Refused, check_settings

    path = default_store_path()
    gone = f"no run {run} in this server's run store: deleted, or pruned to make room"
    if not path.exists():
        raise ConfigError("run", run, gone)
    store = None
    try:
        store = RunStore(path)
        info = store.run(run)
        if info.kind != "toy":
            raise ConfigError("run", run, f"run {run} is an {info.kind} run, not a toy run")
        return check_settings(store.open(run).settings()).target
    except RunNotFound:
        raise ConfigError("run", run, gone) from None
    except StoreDamaged:
        raise ConfigError("run", run, "the run store is damaged: `gan-viz runs recover`") from None
    except (Refused, json.JSONDecodeError) as err:
        raise ConfigError("run", run, f"run {run}'s settings cannot be read: {err}") from None
    except (sqlite3.Error, OSError) as err:
        why = "is damaged: `gan-viz runs recover`" if is_damaged(err) else f"cannot be read: {err}"
        raise ConfigError("run", run, f"the run store {why}") from None
    finally:
        if store is not None:
            store.close()


def _run_target(text: str, stored: Callable[[int], TargetConfig]) -> TargetConfig:
    try:
        run = int(text)
    except ValueError:
        raise ConfigError("run", text, "a run id: a whole number") from None
    return stored(run)


def open_link(
    params: Mapping[str, str],
    default_preset: str,
    stored: Callable[[int], TargetConfig] = stored_target,
) -> Opened | None:
    """The run a link's query parameters name; None when they name none (a plain page).
    `stored(run)` is the target of a stored run a link names (`run=`)."""
    keys = set(params) - {
        "preset",
        "target",
        "seed",
        "it",
        "drawing",
        "target.params",
        "run",
        "controls",
    }
    keys = {k for k in keys if k.partition(".")[0] not in SECTIONS}
    if not ({"preset", "target", "run"} & set(params)):
        return None
    from_run = None
    if "run" in params:
        try:
            from_run = _run_target(params["run"], stored)
            named = params.get("target", from_run.name)
            if named != from_run.name:
                why = f"run {params['run']} trained on {from_run.name}, not {named}"
                raise ConfigError("run", params["run"], why)
        except ConfigError as err:
            notice = (
                f"This link's run={params['run']} ({err.allowed}) could not be used; "
                "the default lesson opens instead."
            )
            return Opened(PRESETS[default_preset].config, default_preset, 0, notice)
    ignored = sorted(keys)
    preset = params.get("preset")
    if preset is not None and preset not in PRESETS:
        ignored.append(f"preset={preset}")
        preset = None
    target = params.get("target", None if from_run is None else from_run.name)
    if preset is None and target is None:
        preset = default_preset
    try:
        base = PRESETS[preset].config if preset is not None else default_config(target)
        if from_run is not None and preset is None:  # (uploaded points need theirs to validate)
            base = base.replace(target=from_run)
        base = validate(base)
    except (ConfigError, KeyError):
        ignored.append(f"target={target}")
        preset, target = default_preset, None
        base = PRESETS[preset].config
    cfg = base

    def take(key: str, change) -> None:
        nonlocal cfg
        try:
            candidate = change(cfg)
            validate(candidate)
        except (ConfigError, ValueError, TypeError) as err:
            reason = err.allowed if isinstance(err, ConfigError) else str(err)
            ignored.append(f"{key}={params[key]} ({reason})")
        else:
            cfg = candidate

    if target is not None and target != cfg.target.name:
        take("target", lambda c: c.replace(target={"name": target, "params": {}, "drawing": ()}))
    if from_run is not None:
        take("run", lambda c: c.replace(target=from_run))
    if "target.params" in params:
        params_value = _value(params["target.params"])
        take("target.params", lambda c: c.replace(target={"params": params_value}))
    if "drawing" in params:
        take("drawing", lambda c: c.replace(target={"drawing": _drawing(params["drawing"])}))
    for key in sorted(params):
        section, _, name = key.partition(".")
        if section in SECTIONS:
            fields = {f.name for f in dataclasses.fields(getattr(cfg, section))}
            if name not in fields or key in PAGE_OWNED:
                ignored.append(key)
                continue
            value = _value(params[key])
            take(key, lambda c, s=section, n=name, v=value: c.replace(**{s: {n: v}}))
    if "seed" in params:
        take("seed", lambda c: dataclasses.replace(c, seed=int(params["seed"])))
    iteration = 0
    if "it" in params:
        try:
            iteration = int(params["it"])
            if not 0 <= iteration <= MAX_ITERATION:
                raise ValueError
        except ValueError:
            ignored.append(f"it={params['it']} (a whole number from 0 to {MAX_ITERATION:,})")
            iteration = 0
    notice = None
    if ignored:
        notice = "This link's " + ", ".join(ignored) + " could not be used; the rest applies."
    return Opened(cfg, preset if cfg.target.name == base.target.name else None, iteration, notice)


# What a teacher's link can leave on the Playground (`&controls=train,step`): the control bar's
# buttons, its speed, and the sidebar's settings. A link without `controls` shows them all.
CONTROLS = {
    "train": "Train / Pause",
    "d": "Step D",
    "g": "Step G",
    "step": "Step",
    "reset": "Reset",
    "speed": "the speed",
    "settings": "the sidebar's settings",
}


def read_controls(text: str | None) -> tuple[frozenset[str] | None, str | None]:
    """The controls a link shows (None: all) and a one-line notice naming any it did not know."""
    if text is None:
        return None, None
    names = [n.strip().lower() for n in str(text)[:MAX_PARAMS_CHARS].split(",") if n.strip()]
    unknown = [n for n in names if n not in CONTROLS]
    shown = frozenset(n for n in names if n in CONTROLS)
    notice = None
    if unknown:
        notice = (
            f"This link's controls {', '.join(repr(n[:20]) for n in unknown[:5])} are not known "
            f"(controls: {', '.join(CONTROLS)}); the others apply."
        )
    return shown, notice


def controls_param(shown: frozenset[str] | None) -> dict[str, str]:
    """The link's `controls` parameter for these controls, in CONTROLS's order."""
    if shown is None:
        return {}
    return {"controls": ",".join(n for n in CONTROLS if n in shown)}
