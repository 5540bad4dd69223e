"""The Runs page's catalogue: the store's runs with filters, the runs picked to open, a run's
name, tags and note, deleting it, and importing an archive a colleague sent.

The store is the one the playground and `gan-viz train` write ($GAN_VIZ_STORE, else the
user's data folder). Opening one run replays it; two to four are compared side by side.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from gan_viz.errors import ConfigError
from gan_viz.store.budget import budget_bytes
from gan_viz.store import KINDS, STATUSES, RunInfo, RunStore, default_store_path
from gan_viz.ui.common.errors import shown_as_message

P = "runs"
PICKED = f"{P}.picked"
MAX_OPEN = 4  # runs compared side by side: more and each view is too small to read
ANY = "any"


def store() -> RunStore:
    """The run store, opened once per session (its connections are per thread)."""
    path = default_store_path()
    cached = st.session_state.get(f"{P}.store")
    if cached is None or cached.path != path:
        cached = RunStore(path)
        st.session_state[f"{P}.store"] = cached
    return cached


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def label(info: RunInfo) -> str:
    return f"#{info.id} · {info.label}"


SHOW_PATH_ENV = "GAN_VIZ_SHOW_STORE_PATH"  # 1: always show the store's path, 0: never


def shows_store_path(ip_address: str | None, setting: str | None) -> bool:
    """Whether a visitor sees where the store lies on the server's disk: by default only one on
    the same machine (Streamlit gives no IP address for a localhost connection), since the path
    tells a class's browsers about the server's file system. Behind a reverse proxy every
    visitor looks local: set GAN_VIZ_SHOW_STORE_PATH=0 there (docs/hosting.md)."""
    if setting in ("0", "1"):
        return setting == "1"
    return ip_address is None


def _path_shown() -> bool:
    return shows_store_path(st.context.ip_address, os.environ.get(SHOW_PATH_ENV))


def as_shown(line: str) -> str:
    """A line about the store with its path hidden from a visitor who should not see it."""
    return line if _path_shown() else line.replace(str(default_store_path()), "(the store)")


def size_line(s: RunStore) -> None:
    size = s.size()
    where = f"Store `{s.path}`" if _path_shown() else "Store"
    try:
        budget = f" of its {mb(budget_bytes())} budget"
    except ConfigError as err:  # a bad GAN_VIZ_STORE_BUDGET: said, the page goes on
        budget = f" ({err})"
    st.caption(
        f"{where}: {size.runs} runs, {mb(size.total)}{budget} "
        f"(database {mb(size.database)}, weights {mb(size.weights)})"
    )


def filters(s: RunStore) -> list[RunInfo]:
    """Name, tag, kind and status filters; the runs they let through, newest first."""
    every = s.runs()
    tags = sorted({t for i in every for t in i.tags})
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    name = c1.text_input("Name contains", key=f"{P}.f.name", placeholder="e.g. ring")
    tag = c2.selectbox("Tag", [ANY, *tags], key=f"{P}.f.tag")
    kind = c3.selectbox("Kind", [ANY, *KINDS], key=f"{P}.f.kind")
    status = c4.selectbox("Status", [ANY, *STATUSES], key=f"{P}.f.status")
    return s.runs(
        name=name or None,
        tag=None if tag == ANY else tag,
        kind=None if kind == ANY else kind,
        status=None if status == ANY else status,
    )


def table(runs: list[RunInfo]) -> None:
    rows = [
        {
            "id": i.id,
            "name": i.label,
            "tags": ", ".join(i.tags),
            "kind": i.kind,
            "status": i.status,
            "iterations": i.step,
            "snapshots": i.snapshots,
            "updated": time.strftime("%Y-%m-%d %H:%M", time.localtime(i.updated)),
            "note": i.note,
        }
        for i in runs
    ]
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows))
    )


def pick(runs: list[RunInfo]) -> list[RunInfo]:
    """The runs to open (one: replay; two to four: compare). Picks the filters hide stay."""
    by_id = {i.id: i for i in runs}
    kept = [i for i in st.session_state.get(PICKED, []) if i in by_id]
    if kept != st.session_state.get(PICKED):
        st.session_state[PICKED] = kept
    ids = st.multiselect(
        "Open runs (one to replay, two to four to compare side by side)",
        options=list(by_id),
        key=PICKED,
        format_func=lambda i: label(by_id[i]),
        max_selections=MAX_OPEN,
        placeholder="choose runs",
    )
    return [by_id[i] for i in ids]


def edit(s: RunStore, info: RunInfo) -> None:
    """Name, tags and note of one run; delete it (asked twice)."""
    with st.expander(f"Name, tags, note of run #{info.id}", icon=":material/edit:"):
        with st.form(f"{P}.edit.{info.id}", border=False):
            name = st.text_input("Name", value=info.name)
            tags = st.text_input("Tags (comma-separated)", value=", ".join(info.tags))
            note = st.text_area("Note", value=info.note, height=80)
            if st.form_submit_button("Save", icon=":material/save:"):
                with shown_as_message("save the run's details"):
                    wanted = [t.strip() for t in tags.split(",") if t.strip()]
                    s.rename(info.id, name.strip())
                    s.set_note(info.id, note)
                    s.tag(info.id, add=wanted, remove=[t for t in info.tags if t not in wanted])
                    st.rerun()
        sure = st.checkbox(
            f"Yes, delete run #{info.id} and its snapshots", key=f"{P}.sure.{info.id}"
        )
        if st.button("Delete run", icon=":material/delete:", disabled=not sure, key=f"{P}.del"):
            with shown_as_message("delete the run"):
                s.delete(info.id)
                st.session_state[PICKED] = []
                st.rerun()


def import_upload(s: RunStore) -> None:
    """Add the run in an uploaded archive; a damaged or foreign file changes nothing."""
    with st.expander("Import a run archive (.zip)", icon=":material/upload:"):
        up = st.file_uploader("Run archive", type=["zip"], key=f"{P}.upload")
        done = st.session_state.get(f"{P}.imported", {})
        if up is None:
            return
        if up.file_id in done:
            st.success(done[up.file_id], icon=":material/check:")
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(up.name).name
            path.write_bytes(up.getvalue())
            try:
                from gan_viz.store.archive import import_archive

                run_id = import_archive(s, path)
            except ConfigError as err:
                st.error(str(err).replace(str(path), up.name), icon=":material/warning:")
                return
        message = f"Imported {up.name} as run #{run_id}."
        done[up.file_id] = message
        st.session_state[f"{P}.imported"] = done
        st.rerun()
