"""The apps import each other in one direction only: privacy → mcp_server → oauth_server →
ops → tracker → analysis → mails → accounts → mailbox_project (docs/architecture.md, "Packages
and who imports whom").

Read from the source with ``ast`` (app code only; tests and migrations may reach anywhere), so a
backwards import anywhere in a module, even inside a function, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app may import only the apps after it.
ORDER = (
    "privacy",
    "mcp_server",
    "oauth_server",
    "ops",
    "tracker",
    "analysis",
    "mails",
    "accounts",
    "mailbox_project",
)


def _app_modules(app: str) -> list[Path]:
    return [
        path
        for path in (ROOT / app).rglob("*.py")
        if not {"tests", "migrations", "mongo_migrations"} & set(path.relative_to(ROOT).parts)
    ]


def imported_apps(path: Path) -> set[str]:
    """Return the first-party apps ``path`` imports (top-level package names)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & {*ORDER, "google_emulator"}


@pytest.mark.parametrize("app", ORDER)
def test_no_app_imports_an_app_above_it(app: str) -> None:
    above = set(ORDER[: ORDER.index(app)])
    backwards = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & above)
        for path in _app_modules(app)
        if imported_apps(path) & above
    }
    assert backwards == {}


def test_the_check_sees_a_backwards_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from tracker.models import JobApplication\n")
    assert imported_apps(module) == {"tracker"}
