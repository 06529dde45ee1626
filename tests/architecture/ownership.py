"""Who writes what (DESIGN.md): each app's tables are written only by that app's modules.

While the suite runs, every write through the ORM is recorded with the module that issued
it: `pre_save` / `pre_delete` (save, create, get_or_create, update_or_create, delete) and
QuerySet.update / bulk_create / bulk_update / delete. The writer is the innermost frame in a
project app; `erp`'s generic helpers (numbering, history, imports) are looked through when
they write another app's model, since they act for their caller. Writes issued from test
code (factories, fixtures) are not checked. Raw SQL is not seen.

Under pytest-xdist each worker leaves its findings in a shared folder; the controller (or the
only process) checks them all at the end and fails the run listing each module and the
models of other apps it wrote, except the writes in ALLOWED.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest
from django.db.models import QuerySet
from django.db.models.signals import pre_delete, pre_save

PROJECT_APPS = frozenset(
    {"erp", "inventory", "purchasing", "orders", "warehouse", "returns", "reporting"}
)

# (writing module, model label) -> why it is allowed for now. Empty it as the writes move
# into the owning app's services.
# Writes on another app's models that are tolerated, each with why. Empty: warehouse's writes
# on orders, purchasing and inventory moved into those apps' services (issue 10).
ALLOWED: dict[tuple[str, str], str] = {}

Finding = tuple[str, str]  # (writing module, model label)


def _owner(model) -> str | None:
    # A history row belongs to the model it records (simple-history writes it for the save).
    model = getattr(model, "instance_type", None) or model
    app = model._meta.app_label
    return model._meta.label if app in PROJECT_APPS else None


def writer(model_app: str, frame=None) -> str | None:
    """The module that issued the write now under way, or None when test code issued it."""
    frame = frame or sys._getframe(1)
    platform = None
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        top = name.partition(".")[0]
        if top == "tests":
            return None
        if top in PROJECT_APPS:
            if top != "erp" or model_app == "erp":
                return name
            platform = platform or name
        frame = frame.f_back
    return platform


class Recorder:
    """Collects (module, model) pairs for writes by one app to another app's model.

    Only the innermost active recorder records, so a test's own recorder (planting a bad
    write on purpose) keeps it from the suite's."""

    _active: list[Recorder] = []

    def __init__(self) -> None:
        self.findings: set[Finding] = set()
        self._originals: dict[str, object] = {}

    def note(self, model) -> None:
        if not self._active or self._active[-1] is not self:
            return
        label = _owner(model)
        if label is None:
            return
        app = label.partition(".")[0]
        module = writer(app, sys._getframe(2))
        if module is not None and module.partition(".")[0] != app:
            self.findings.add((module, label))

    def _on_signal(self, sender, **kwargs) -> None:
        self.note(sender)

    def install(self) -> None:
        pre_save.connect(self._on_signal, weak=False, dispatch_uid=id(self))
        pre_delete.connect(self._on_signal, weak=False, dispatch_uid=id(self))
        for name in ("update", "bulk_create", "bulk_update", "delete"):
            original = getattr(QuerySet, name)
            self._originals[name] = original
            setattr(QuerySet, name, self._wrap(original))
        self._active.append(self)

    def uninstall(self) -> None:
        if self in self._active:
            self._active.remove(self)
        pre_save.disconnect(dispatch_uid=id(self))
        pre_delete.disconnect(dispatch_uid=id(self))
        for name, original in self._originals.items():
            setattr(QuerySet, name, original)
        self._originals.clear()

    def _wrap(self, original):
        recorder = self

        def recorded(queryset, *args, **kwargs):
            recorder.note(queryset.model)
            return original(queryset, *args, **kwargs)

        recorded.__wrapped__ = original
        return recorded

    def __enter__(self) -> Recorder:
        self.install()
        return self

    def __exit__(self, *exc) -> None:
        self.uninstall()


def offences(findings: set[Finding], allowed: dict[tuple[str, str], str] = ALLOWED) -> list[str]:
    return sorted(f"{module} writes {label}" for module, label in findings - allowed.keys())


# pytest hooks (imported by tests/conftest.py) ----------------------------------------------

_DIR_VARIABLE = "STOCKLINE_OWNERSHIP_DIR"
_recorder = Recorder()
_report: list[str] = []  # the offences, shown in the summary
_unseen: list[str] = []  # allowed writes this run did not make: gone, or not exercised


def pytest_configure(config) -> None:
    if not hasattr(config, "workerinput") and not os.environ.get(_DIR_VARIABLE):
        # Set before xdist starts its workers, which inherit it.
        os.environ[_DIR_VARIABLE] = tempfile.mkdtemp(prefix="stockline-ownership-")
    _recorder.install()


def pytest_sessionfinish(session, exitstatus) -> None:
    _recorder.uninstall()
    folder = Path(os.environ[_DIR_VARIABLE])
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    (folder / f"{worker}.json").write_text(json.dumps(sorted(_recorder.findings)))
    if hasattr(session.config, "workerinput"):
        return  # the controller checks every worker's findings
    findings = {
        tuple(pair) for path in folder.glob("*.json") for pair in json.loads(path.read_text())
    }
    for path in folder.glob("*.json"):
        path.unlink()
    with contextlib.suppress(OSError):  # a folder given from outside may hold more
        folder.rmdir()
    found = offences(findings)
    if found:
        _report.extend(found)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    _unseen.extend(
        f"{module} writes {label}" for module, label in sorted(ALLOWED.keys() - findings)
    )


def pytest_terminal_summary(terminalreporter) -> None:
    if _report:
        terminalreporter.write_sep("=", "ownership", red=True)
        terminalreporter.write_line(
            "These modules write another app's tables (call the owning app's service "
            "instead; DESIGN.md, 'Who writes what'):"
        )
        for line in _report:
            terminalreporter.write_line(f"  {line}", red=True)
    if _unseen:
        terminalreporter.write_line(
            f"Ownership: {len(_unseen)} of {len(ALLOWED)} allowed cross-app writes were not made "
            "in this run; after a full run, remove those from ALLOWED:"
        )
        for line in _unseen:
            terminalreporter.write_line(f"  {line}")
