"""Key bindings: translated descriptions, and the keymap file that remaps them.

Every binding of the app has an id (`board.cancel`, `grid.up`, `app.help`, ...). A file `<home>/keymap.toml`
gives some of them other keys (Textual key names, several separated by commas); keys it does not name keep
their default. Either at the top level or under a `[keys]` table; dotted keys and quoted ids both work:

    [keys]
    "board.cancelled" = "a"        # cancel with a instead of c
    board.undo = "ctrl+u,u"        # two keys for undo
    grid.up = "up,i"

The F1 help lists every binding of the screen with its current keys and its id.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

from crisis_tui.i18n import Catalog

KEYMAP_FILE = "keymap.toml"


def localize_bindings(node: DOMNode, catalog: Catalog) -> None:
    """Replace each binding's description (and group description) of `node`, a catalog key, by its text."""
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [_localized(binding, catalog) for binding in entries]


def _localized(binding: Binding, catalog: Catalog) -> Binding:
    changes: dict = {}
    if binding.description and catalog.has(binding.description):
        changes["description"] = catalog.t(binding.description)
    if binding.group is not None and catalog.has(binding.group.description):
        changes["group"] = Binding.Group(catalog.t(binding.group.description), binding.group.compact)
    return replace(binding, **changes) if changes else binding


def load_keymap(path: Path) -> dict[str, str]:
    """The keymap in `path` (empty when there is no file); ValueError naming the file and the bad entry."""
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    table = data.get("keys", data)
    if not isinstance(table, dict):
        raise ValueError(f"{path}: [keys] must be a table of binding id = \"keys\"")
    keymap: dict[str, str] = {}
    _flatten(table, "", keymap, path)
    return keymap


def _flatten(table: dict, prefix: str, out: dict[str, str], path: Path) -> None:
    for name, value in table.items():
        binding_id = f"{prefix}{name}"
        if isinstance(value, dict):
            _flatten(value, binding_id + ".", out, path)
        elif isinstance(value, str) and value.strip() and all(k.strip() for k in value.split(",")):
            out[binding_id] = ",".join(k.strip() for k in value.split(","))
        else:
            raise ValueError(f"{path}: {binding_id} = {value!r}: expected keys such as \"c\" or \"ctrl+k,k\"")


def unknown_ids(keymap: dict[str, str], known: set[str]) -> list[str]:
    """Ids of the keymap in a namespace of `known` (`board.`, `grid.`, ...) that no binding there has: typos.
    Ids of other namespaces belong to screens not loaded yet and are left alone."""
    namespaces = {binding_id.split(".")[0] for binding_id in known}
    return sorted(i for i in keymap if i.split(".")[0] in namespaces and i not in known)


def binding_ids(*classes: type[DOMNode]) -> set[str]:
    """Every binding id declared by these classes (screens, widgets, the app)."""
    return {b.id for cls in classes for b in Binding.make_bindings(cls.BINDINGS) if b.id}
