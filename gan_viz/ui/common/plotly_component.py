"""A folder for a custom component that draws with plotly.js: its index.html beside the
plotly.min.js of the plotly Python package, so nothing is fetched from the network. Streamlit
serves a component's files only from inside its folder, so the two are copied, once per version
of either, into a cache folder.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import plotly


def plotly_component_folder(name: str, index_html: str) -> Path:
    """The folder holding index.html (this text) and plotly.min.js, made on first use."""
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    tag = hashlib.sha1(index_html.encode() + plotly.__version__.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"gan-viz-{name}-{tag}"
    if not (folder / "plotly.min.js").exists():
        staging = Path(tempfile.mkdtemp(prefix=f"gan-viz-{name}-"))
        (staging / "index.html").write_text(index_html)
        shutil.copyfile(source, staging / "plotly.min.js")
        try:
            staging.rename(folder)  # atomic: two sessions may race to create it
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return folder
