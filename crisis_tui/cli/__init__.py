"""The command line: global options, then one subcommand per module of this package (each has `register`).

Contract: ../shared/CLI.md. Exit 0 done, 1 verify found a problem, 2 unusable input (one line on stderr).
A command stopped by Ctrl-C, SIGTERM or SIGHUP (its terminal closed) unwinds (its transaction rolled back, its
temporary files removed) and exits 128 + the signal's number.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
from contextlib import contextmanager
from typing import Iterator

from crisis_tui import __version__
from crisis_tui.core.errors import UsageError
from crisis_tui.i18n import LANGUAGES, Catalog, all_keys


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as the contract says
        self.exit(2, f"{self.prog}: {message}\n")


def _said_table(lang: str, *sections: str) -> dict[str, str]:
    """English text -> its text in `lang`, for the catalog's entries of these sections (each entry's `en` is the text
    word for word as argparse or the parsers write it)."""
    english, said = Catalog("en"), Catalog(lang)
    return {english.t(key): said.t(key) for key in all_keys() if key.startswith(tuple(f"{s}." for s in sections))}


@contextmanager
def _argparse_said_in(lang: str) -> Iterator[None]:
    """argparse's error messages in `lang` (from the catalog's cli_argparse entries) while the command line is
    parsed: argparse looks each up through its module's `_` (gettext) when it raises it."""
    table = _said_table(lang, "cli_argparse")
    original = argparse._
    argparse._ = lambda text: table.get(text, original(text))
    try:
        yield
    finally:
        argparse._ = original


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and those of its commands, all the way down."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from _parsers(command)


def _helps_said_in(parser: argparse.ArgumentParser, lang: str) -> None:
    """The help texts of the parser and its commands (descriptions, options, the list of commands, the headings
    argparse wrote when it made them) in `lang`, from the catalog's cli_help (and cli_argparse) entries, each
    found by its English text as the parsers write it."""
    table = _said_table(lang, "cli_help", "cli_argparse")
    for each in _parsers(parser):
        each.description = table.get(each.description, each.description)
        for group in each._action_groups:
            group.title = table.get(group.title, group.title)
        for action in each._actions:
            for help_of in (action, *getattr(action, "_choices_actions", ())):
                help_of.help = table.get(help_of.help, help_of.help)


def _lang_asked(argv: list[str]) -> str:
    """The --lang given on the command line (before it is parsed: argparse's own errors are said in it)."""
    for position, word in enumerate(argv):
        value = word.partition("=")[2] if word.startswith("--lang=") else (
            argv[position + 1] if word == "--lang" and position + 1 < len(argv) else None)
        if value in LANGUAGES:
            return value
    return "fr"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="crisis-tui", description="Crisis cell board (offline).")
    parser.add_argument("--home", help="working folder (default: $CRISIS_TUI_HOME, else the current directory)")
    parser.add_argument("--db", help="SQLAlchemy URL or SQLite file path (default: $CRISIS_TUI_DB)")
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of the interface and documents")
    parser.add_argument("--demo", action="store_true", help="open the TUI on a throw-away home filled with demo data")
    parser.add_argument("--version", action="version", version=f"crisis-tui {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            loaded = importlib.import_module(f"{__name__}.{module.name}")
            if hasattr(loaded, "register"):
                loaded.register(commands)
    return parser


# what ends a command as Ctrl-C does (SIGHUP: the terminal was closed); Windows has no SIGHUP
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """One of ENDING_SIGNALS, raised where Ctrl-C's KeyboardInterrupt would be, so that it unwinds the same way."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, _frame) -> None:
    for ending in ENDING_SIGNALS:  # a closed terminal may send SIGHUP twice: the second must not cut the unwinding
        signal.signal(ending, _unwinding)
    raise Interrupted(signum)


def _unwinding(_signum: int, _frame) -> None:
    """A signal met while the command unwinds: nothing more to do (not SIG_IGN, which makes one already pending
    print 'Signal 15 ignored due to race condition' on stderr)."""


@contextmanager
def _ending_signals_interrupt() -> Iterator[None]:
    previous = {ending: signal.signal(ending, _interrupt) for ending in ENDING_SIGNALS}
    try:
        yield
    finally:
        for ending, handler in previous.items():
            signal.signal(ending, handler)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    lang = _lang_asked(sys.argv[1:] if argv is None else argv)
    _helps_said_in(parser, lang)
    with _argparse_said_in(lang):
        args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:  # the TUI: Textual owns the terminal and its keys
            from crisis_tui.cli._launch import launch_tui

            return launch_tui(args)
        with _ending_signals_interrupt():
            return int(handler(args) or 0)
    except UsageError as exc:
        print(f"crisis-tui: {exc.said(Catalog(args.lang))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
    except BrokenPipeError:  # the output was piped into a reader that stopped (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if getattr(args, "workspace", None) is not None:
            args.workspace.close()
