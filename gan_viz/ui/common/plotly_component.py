"""A folder for a custom component that draws with plotly.js: its index.html beside a plotly.js
bundle, so nothing is fetched from the network. Streamlit serves a component's files only from
inside its folder, so the two are copied, once per version of either, into a cache folder.

Two bundles: the full plotly.min.js of the plotly Python package (the live charts, which draw
WebGL scatters), and a bundle of plotly.js's core with only the traces a lesson replay draws
(REPLAY_TRACES), vendored in vendor/ and built by `scripts/vendor_plotly.sh` at the version the
plotly package bundles (tests/test_replay_component.py checks the two agree). The browser parses
it in half the time of plotly.js's own "cartesian" bundle, so a lesson link moves sooner
(benchmarks/RESULTS.md, "Lesson links").
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import plotly

VENDOR = Path(__file__).parent / "vendor"
BUNDLES = {
    "full": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    "replay": VENDOR / "plotly-replay.min.js",
}
REPLAY_TRACES = frozenset({"scatter", "bar", "heatmap", "histogram"})


def bundle_version(path: Path) -> str:
    """The plotly.js version a bundle says in its banner ("plotly.js v4.1.1" -> "4.1.1")."""
    with open(path, encoding="utf-8", errors="replace") as f:
        head = f.read(4096)
    found = re.search(r"plotly\.js (?:\([a-z -]+\) )?v(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else "unknown"


def plotly_component_folder(name: str, index_html: str, bundle: str = "full") -> Path:
    """The folder holding index.html (this text) and the bundle as plotly.min.js, made on first
    use."""
    source = BUNDLES[bundle]
    stat = source.stat()  # a rebuilt bundle gets a folder of its own
    tag = hashlib.sha1(
        f"{index_html}{plotly.__version__}{bundle}{stat.st_size}{stat.st_mtime_ns}".encode()
    ).hexdigest()[:12]
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
