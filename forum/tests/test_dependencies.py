"""The apps depend on each other in one direction only:

    forum -> dashboard -> comments -> articles
    forum -> pagecache -> articles
    forum -> search -> articles
    forum -> legacy -> comments -> articles
    forum -> security -> articles

so `articles` can be read, tested and changed without the others. Every
import counts, including those inside functions; tests and migrations are
left out (a test may well use two apps)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# app -> the project's apps it must never import
FORBIDDEN = {
    "articles": {"comments", "pagecache", "dashboard", "search", "legacy", "security", "forum"},
    "search": {"comments", "pagecache", "dashboard", "legacy", "forum"},
    "comments": {"pagecache", "dashboard", "legacy", "forum"},
    "pagecache": {"comments", "dashboard", "legacy", "forum"},
    "dashboard": {"pagecache", "legacy", "forum"},
    "legacy": {"pagecache", "dashboard", "forum"},
    "security": {"comments", "pagecache", "dashboard", "search", "legacy", "forum"},
}


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def modules_of(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_that_depend_on_it(app):
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in modules_of(app)
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN[app]
    ]
    assert found == []


def test_the_check_reads_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from comments.models import Comment\n", encoding="utf-8")
    assert list(imported_modules(module)) == ["comments.models"]


def test_every_app_s_tests_are_collected():
    """A new app's tests/ folder must be in pytest's testpaths, or `make
    test` never runs it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    collected = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {p.parent.relative_to(ROOT).as_posix() for p in ROOT.glob("*/tests/__init__.py")}
    assert folders - collected == set()
