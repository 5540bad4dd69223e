"""Presenter keys: a key press clicks a page's button or switch, as a lecturer expects (space to
train or pause, arrows to step or move through a lesson, p for the projector).

Written here rather than taken from streamlit-shortcuts: that component calls preventDefault on
every matching key, typed into a text field or not, before it looks for its element, so with
space bound no space could be typed anywhere in the app. These ignore keys typed into fields, and
a key whose element is not on the page (or is disabled) goes through untouched.
"""

from __future__ import annotations

import json
import re

import streamlit as st
import streamlit.components.v1 as components

PROJECTOR = {"p": "projector"}  # every page: the sidebar's projector switch

_SCRIPT = """<script>
const parent = window.parent;
parent.__ganVizKeys = Object.assign(parent.__ganVizKeys || {}, %s);
if (!parent.__ganVizKeysListening) {
  parent.__ganVizKeysListening = true;
  parent.document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))
        && !(t.type === "checkbox" || t.type === "range")) return;
    const name = e.key === " " ? "space" : e.key.toLowerCase();
    // a focused slider moves itself with the arrows
    if (name.startsWith("arrow") && t && t.getAttribute && t.getAttribute("role") === "slider")
      return;
    // the first bound element on the page that is enabled; its own control, first in the
    // page (a help icon's button comes after it)
    for (const css of [].concat((parent.__ganVizKeys || {})[name] || [])) {
      const el = parent.document.querySelector(
        `.${css} input:not([disabled]), .${css} button:not([disabled])`);
      if (!el) continue;
      e.preventDefault();
      el.click();
      return;
    }
  });
}
</script>"""


def _script_frame(html: str) -> None:
    """A same-origin frame of no size that runs `html`: st.iframe where this Streamlit has it
    (components.html is deprecated since 1.56 and due to be removed), else components.html."""
    if hasattr(st, "iframe"):
        st.iframe(html, width=1, height=1)
    else:
        components.html(html, height=0, width=0)


def key_class(widget_key: str) -> str:
    """The CSS class Streamlit gives an element with this key (its frontend's own rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key.strip())


def presenter_keys(bindings: dict[str, str | list[str]], help_text: str | None = None) -> None:
    """Bind keys ("space", "arrowright", "p", ...) to the widgets with these keys, for this page
    only (the projector's p on every page), with a line saying which key does what. A key bound
    to a list presses the first of them that is on the page and enabled."""
    every = {**PROJECTOR, **bindings}
    classes = {
        k: [key_class(w) for w in ([w] if isinstance(w, str) else w)] for k, w in every.items()
    }
    _script_frame(_SCRIPT % json.dumps(classes))
    if help_text:
        st.caption(f"Keys: {help_text} · p projector")
