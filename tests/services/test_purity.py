"""Services stay pure: no Slack imports (style: thin listeners, pure services)."""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "bot" / "services"


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_services_do_not_import_slack(path: Path) -> None:
    """No module in bot/services imports slack_sdk or slack_bolt."""
    tree = ast.parse(path.read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"slack_sdk", "slack_bolt"}}


BOT = SERVICES.parent
# Each layer and what it must never import (docs/ARCHITECTURE.md §9): the domain knows nothing of
# Slack rendering or handlers; storage knows nothing of the domain; blocks render, never handle.
FORBIDDEN = {
    "services": ("bot.listeners", "bot.blocks", "bot.app", "bot.web", "bot.scheduler", "bot.cli",
                 "bot.delivery", "bot.socket_mode"),
    "store": ("bot.services", "bot.listeners", "bot.blocks", "bot.app", "bot.cli"),
    "blocks": ("bot.listeners", "bot.app", "bot.web", "bot.scheduler", "bot.cli"),
    "sync": ("bot.listeners", "bot.blocks", "bot.app", "bot.web", "bot.cli"),
}  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}  # fmt: skip
    return found | {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    }


@pytest.mark.parametrize(
    ("layer", "path"),
    [(layer, path) for layer in FORBIDDEN for path in sorted((BOT / layer).rglob("*.py"))
     if "migrations" not in path.parts],
    ids=lambda value: value if isinstance(value, str) else value.name,
)  # fmt: skip
def test_no_layer_imports_one_above_it(layer: str, path: Path) -> None:
    """Services import no handler, renderer or process; storage no domain; blocks no handler."""
    upward = {name for name in _imports(path) if name.startswith(FORBIDDEN[layer])}
    assert upward == set()


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_services_leave_the_commit_to_their_caller(path: Path) -> None:
    """A service does the transaction's work; the listener, job or command that opened the
    session commits it (one unit of work per request), so no service calls commit()."""
    tree = ast.parse(path.read_text())
    commits = [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]  # fmt: skip
    assert commits == []
