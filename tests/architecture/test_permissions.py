"""Who may do what is declared once per app, in `<app>/permissions.py` (DESIGN.md, "Who writes
what"): no other module spells out a set of two or more roles."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["erp", "inventory", "purchasing", "orders", "warehouse", "returns", "reporting"]

# Modules allowed to spell out a role set (which must still equal a declared one); none now.
STILL_LITERAL: set[str] = set()  # every service now names its sets (issue 10)


def _role_sets(path: Path) -> list[tuple[int, frozenset[str]]]:
    """(line, roles) of every list, tuple or set display made only of two or more `Role.X`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.List | ast.Tuple | ast.Set) or len(node.elts) < 2:
            continue
        if all(
            isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == "Role"
            for e in node.elts
        ):
            found.append((node.lineno, frozenset(e.attr.lower() for e in node.elts)))
    return found


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.endswith("/permissions.py"):
                continue
            yield app, relative, path


def _declared(app: str) -> set[frozenset[str]]:
    try:
        module = importlib.import_module(f"{app}.permissions")
    except ModuleNotFoundError:
        return set()
    return {
        frozenset(str(role) for role in value)
        for value in vars(module).values()
        if isinstance(value, frozenset)
    }


def test_no_module_spells_out_a_role_set():
    spelled = [
        f"{relative}:{line}"
        for _, relative, path in _modules()
        if relative not in STILL_LITERAL
        for line, _ in _role_sets(path)
    ]
    assert spelled == [], "use the names of <app>/permissions.py instead"


def test_sets_still_spelled_out_equal_a_declared_one():
    drifted = [
        f"{relative}:{line} {sorted(roles)}"
        for app, relative, path in _modules()
        if relative in STILL_LITERAL
        for line, roles in _role_sets(path)
        if roles not in _declared(app)
    ]
    assert drifted == []


def test_the_check_finds_a_planted_role_set(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("ROLES = (Role.OPERATOR, Role.ADMIN)\nONE = [Role.ADMIN]\n")

    assert _role_sets(planted) == [(1, frozenset({"operator", "admin"}))]
