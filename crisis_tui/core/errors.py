"""Errors the user can act on: the CLI prints them on one line and exits 2; the TUI shows them in a dialog."""

from crisis_tui.i18n import Catalog, Message


class UsageError(Exception):
    """The input or the call is unusable; nothing was changed. Raised with a line, or with a Message that `said`
    puts in the reader's language."""

    def said(self, catalog: Catalog) -> str:
        message = self.args[0] if self.args else ""
        return message.said(catalog) if isinstance(message, Message) else str(self)


class LockedError(UsageError):
    """The meeting is signed: its decisions can no longer change."""
