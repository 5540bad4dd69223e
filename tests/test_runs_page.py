"""The Runs page tells where the store lies only to a visitor on the server's own machine."""

import pytest

from gan_viz.ui.runs.listing import SHOW_PATH_ENV, shows_store_path
from tests.pages import page_test


@pytest.mark.parametrize(
    ("ip", "setting", "shown"),
    [
        (None, None, True),  # localhost: the user's own machine
        ("10.0.0.7", None, False),  # a classroom's browser
        ("10.0.0.7", "1", True),  # the host said so
        (None, "0", False),  # behind a proxy every visitor looks local: the host can hide it
        ("10.0.0.7", "yes", False),  # anything else leaves the default
    ],
)
def test_the_store_path_is_shown_to_local_visitors_or_as_the_host_sets(ip, setting, shown):
    assert shows_store_path(ip, setting) is shown


@pytest.mark.parametrize(("setting", "shown"), [("1", True), ("0", False)])
def test_the_runs_page_shows_the_store_path_as_set(tmp_path, monkeypatch, setting, shown):
    store = tmp_path / "runs.sqlite"
    monkeypatch.setenv("GAN_VIZ_STORE", str(store))
    monkeypatch.setenv(SHOW_PATH_ENV, setting)
    at = page_test("runs", 60).run()
    assert not at.exception
    line = next(c.value for c in at.caption if c.value.startswith("Store"))
    assert ("runs.sqlite" in line) is shown and "0 runs" in line


def test_a_damaged_store_is_said_in_one_line_with_the_way_on(tmp_path, monkeypatch):
    store = tmp_path / "runs.sqlite"
    store.write_bytes(b"not a database, " * 4096)
    monkeypatch.setenv("GAN_VIZ_STORE", str(store))
    monkeypatch.setenv(SHOW_PATH_ENV, "1")
    at = page_test("runs", 60).run()
    assert not at.exception
    (error,) = at.error
    assert "damaged" in error.value and "gan-viz runs recover" in error.value
    assert str(store) in error.value and "\n" not in error.value
    assert store.read_bytes().startswith(b"not a database")  # the page changed nothing
