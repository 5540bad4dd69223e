"""`gan-viz app`: start the app's Streamlit server, from the checkout or an installed package.

    gan-viz app                  # http://localhost:8501, opens a browser
    gan-viz app --port 8600 --headless

The server options (gan_viz/ui/streamlit.toml, the file the checkout's .streamlit/config.toml
links to) go to Streamlit as flags, so an installed gan-viz runs with them from any folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

from gan_viz.errors import ConfigError

UI = Path(__file__).resolve().parents[1] / "ui"


def server_flags() -> list[str]:
    """Every option of streamlit.toml as `--section.key value`."""
    options = tomllib.loads((UI / "streamlit.toml").read_text())
    flags = []
    for section, values in options.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", text]
    return flags


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    parser.add_argument(
        "--address", help="address to listen on (default: every interface; 127.0.0.1 for local)"
    )
    parser.add_argument(
        "--headless", action="store_true", help="do not open a browser (a server, or a test)"
    )


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise ConfigError("--port", args.port, "a port number from 1 to 65535")
    command = [sys.executable, "-m", "streamlit", "run", str(UI / "app.py"), *server_flags()]
    command += ["--server.port", str(args.port), "--server.headless", str(args.headless).lower()]
    if args.address:
        command += ["--server.address", args.address]
    sys.stdout.flush()
    # Become the server (no parent left waiting): signals and exit codes reach Streamlit itself.
    os.execv(sys.executable, command)
    return 0  # not reached
