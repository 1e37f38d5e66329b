"""Imports point down only: domain modules are pure, engines never import the web or database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE_PACKAGES = ("sufficiency", "matching")
WEB_OR_DB = {"flask", "webapp", "sqlalchemy", "alembic", "werkzeug", "jinja2"}
DOMAIN_FORBIDDEN = WEB_OR_DB | {"ortools", "geopy", "numpy", "sqlite3", "pandas", "openpyxl"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ENGINE_PACKAGES)
def test_engines_do_not_import_web_or_database(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & WEB_OR_DB)
        for path in _modules(package)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("package", ENGINE_PACKAGES)
def test_domain_modules_are_pure(package: str) -> None:
    for path in (ROOT / package).rglob("domain.py"):
        assert _imported_roots(path) & DOMAIN_FORBIDDEN == set(), path


def test_layering_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "domain.py"
    module.write_text("import flask\nfrom ortools.sat.python import cp_model\n")
    assert _imported_roots(module) & DOMAIN_FORBIDDEN == {"flask", "ortools"}
