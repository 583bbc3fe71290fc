"""The application never opens a network connection: the whole meeting, from the demo import to the signed
minutes, and the TUI's start, run with every socket refused."""

from __future__ import annotations

import socket

import pytest

from crisis_tui.cli import main
from crisis_tui.ui.screens.board import BoardScreen
from tests.ui_pilot import make_app, pilot_test, settle


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any connection, datagram or name lookup fails the test (the event loop's own local socket pair is allowed)."""

    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network used: {args!r}")

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)


def test_a_whole_meeting_opens_no_socket(tmp_path, no_network, capsys):
    home = ["--home", str(tmp_path / "home")]
    day = ["--date", "2026-12-07"]
    steps = [
        ["demo"],
        ["meeting", "open", "--chair", "Dr Martin"],
        ["decide", *day, "--site", "all", "--activity", "consultation", "--status", "cancelled"],
        ["decide", *day, "--site", "all", "--activity", "surgery", "--status", "case_by_case"],
        ["override", *day, "--site", "LIB", "--activity", "consultation", "--doctor", "Lambert", "--status", "maintained"],
        ["status", *day, "--json"],
        ["export", "sms", *day],
        ["export", "calls", *day, "--secretaries", "2"],
        ["export", "minutes", *day],
        ["sign", "--by", "Dr Directeur"],
        ["verify"],
        ["it", "load", str(tmp_path.parent / "missing.csv")],
    ]
    codes = [main(home + step) for step in steps]
    assert codes == [0] * (len(steps) - 1) + [2]
    capsys.readouterr()


@pilot_test
async def test_the_tui_starts_and_counts_without_a_socket(workspace, no_network):
    app = make_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


def test_the_guard_catches_any_connection(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", 9))
