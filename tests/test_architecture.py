"""The core never imports textual nor the UI; the catalog is complete in both languages."""

from __future__ import annotations

import ast
from pathlib import Path

from crisis_tui.i18n import Catalog, all_keys

PACKAGE = Path(__file__).resolve().parents[1] / "crisis_tui"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_textual_or_ui():
    offenders = []
    for path in (PACKAGE / "core").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] == "textual" or name.startswith("crisis_tui.ui"):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_cli_imports_ui_only_in_its_launcher():
    offenders = []
    for path in (PACKAGE / "cli").rglob("*.py"):
        if path.name != "_launch.py":
            offenders += [f"{path.name}: {n}" for n in _imports(path) if n.startswith(("textual", "crisis_tui.ui"))]
    assert offenders == []


def test_catalog_has_every_key_in_french_and_english():
    entries = all_keys()
    assert entries
    for key, texts in entries.items():
        assert texts["fr"].strip() and texts["en"].strip(), key
    assert Catalog("fr").t("status.cancelled") == "Annulé"
    assert Catalog("en").t("status.cancelled") == "Cancelled"


def test_no_dialog_is_left_with_annuler_which_reads_as_the_status_cancelled():
    leaving = {key: texts["fr"] for key, texts in all_keys().items()
               if key.rsplit(".", 1)[-1] in ("cancel", "close", "back")}
    assert leaving and not [key for key, text in leaving.items() if text.startswith("Annuler")]
