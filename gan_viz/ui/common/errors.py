"""No traceback reaches the page: a bad setting is one line naming it; anything unexpected is
one line on the page and the full traceback in the server's log."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st
from streamlit.logger import get_logger

from gan_viz.errors import ConfigError

log = get_logger(__name__)


@contextlib.contextmanager
def shown_as_message(what: str) -> Iterator[None]:
    """Run a block; turn its errors into one `st.error` line. Streamlit's own control flow
    (st.rerun, st.stop) derives from BaseException and passes through untouched."""
    try:
        yield
    except ConfigError as err:
        st.error(str(err), icon=":material/warning:")
    except Exception as err:
        log.exception("gan-viz: %s failed", what)
        st.error(f"Could not {what}: {type(err).__name__}: {err}", icon=":material/warning:")


def notices(messages: list[str], pending: list[str], news: list[str] | None = None) -> None:
    """A page's queued warnings and news (each shown once, then cleared), and the settings
    waiting for a Reset because they shape the networks or the data."""
    for message in messages:
        st.warning(message, icon=":material/warning:")
    messages.clear()
    for line in news or []:
        st.info(line, icon=":material/history:")
    if news:
        news.clear()
    if pending:
        st.warning(
            f"Changed {', '.join(pending)}: these shape the networks and the data, so they need "
            "a new run. Press **Reset** to start one with them; the current run goes on "
            "meanwhile.",
            icon=":material/restart_alt:",
        )
