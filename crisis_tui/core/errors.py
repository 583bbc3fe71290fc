"""Errors the user can act on: the CLI prints them on one line and exits 2; the TUI shows them in a dialog."""


class UsageError(Exception):
    """The input or the call is unusable; nothing was changed."""


class LockedError(UsageError):
    """The meeting is signed: its decisions can no longer change."""
