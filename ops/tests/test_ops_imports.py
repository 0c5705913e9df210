"""``ops`` sits above every app; the apps may call only its leaf, ``ops.metrics``."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("tracker", "analysis", "mails", "accounts", "mailbox_project")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.update(
                f"{node.module}.{alias.name}" if node.module == "ops" else node.module
                for alias in node.names
            )
    return found


def _app_code(app: str) -> list[Path]:
    return [
        p
        for p in (ROOT / app).rglob("*.py")
        if not {"tests", "migrations", "mongo_migrations"} & set(p.relative_to(ROOT).parts)
    ]


def test_apps_import_only_the_metrics_leaf_of_ops() -> None:
    reaching = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name.startswith("ops") and name != "ops.metrics"
        )
        for app in APPS
        for path in _app_code(app)
    }
    assert {path: names for path, names in reaching.items() if names} == {}


def test_the_metrics_leaf_imports_no_app_but_the_redis_helpers() -> None:
    imported = _imports(ROOT / "ops" / "metrics.py") | _imports(ROOT / "ops" / "events.py")
    apps = {name for name in imported if name.split(".")[0] in {*APPS, "ops"}}
    assert apps <= {"ops.events", "mailbox_project.redis"}
