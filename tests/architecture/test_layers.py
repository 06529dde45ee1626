"""The import contracts of pyproject.toml hold, and catch an import against the layer order."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["erp", "inventory", "purchasing", "orders", "warehouse", "returns", "reporting"]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")

# Each run copies the project and reads it fresh; one worker runs them one after another.
pytestmark = pytest.mark.xdist_group("lint-imports")


def _lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(
            ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("planted_in", "imports", "complaint"),
    [
        ("inventory", "warehouse.models", "inventory is not allowed to import warehouse"),
        ("erp", "orders.models", "erp is not allowed to import orders"),
        ("purchasing", "orders.models", "purchasing is not allowed to import orders"),
    ],
)
def test_an_import_against_the_layers_breaks_the_contract(tmp_path, planted_in, imports, complaint):
    folder = _copy(tmp_path)
    (folder / planted_in / "planted.py").write_text(f"import {imports}  # noqa: F401\n")

    result = _lint(folder)

    assert result.returncode != 0
    assert complaint in result.stdout


def test_a_flow_page_importing_another_flows_pages_breaks_the_contract(tmp_path):
    folder = _copy(tmp_path)
    views = folder / "warehouse" / "shipping" / "views.py"
    views.write_text(
        views.read_text() + "\nfrom warehouse.packing import views as packing_views  # noqa\n"
    )

    result = _lint(folder)

    assert result.returncode != 0
    assert "warehouse.shipping.views -> warehouse.packing.views" in result.stdout
