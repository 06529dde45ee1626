"""URL patterns of one importer's pages, for the owning app's `urls.py`::

    urlpatterns = [..., *import_urls("inventory.bins", prefix="settings/bins/import/")]

The names come from the importer's `url_name` (without its namespace), and every page takes
the importer's roles, so the URL coverage test sees each kind's own guard.
"""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from erp.imports import views
from erp.imports.registry import importer_for
from erp.roles import roles_required


def import_urls(kind: str, *, prefix: str) -> list[URLPattern]:
    importer = importer_for(kind)
    guard = roles_required(*importer.roles)
    name = importer.url_name.rpartition(":")[2]
    kwargs = {"kind": kind}
    return [
        path(prefix, guard(views.upload), kwargs, name=name),
        path(f"{prefix}<int:pk>/", guard(views.detail), kwargs, name=f"{name}_detail"),
        path(
            f"{prefix}<int:pk>/start/",
            require_POST(guard(views.start)),
            kwargs,
            name=f"{name}_start",
        ),
        path(
            f"{prefix}<int:pk>/resume/",
            require_POST(guard(views.resume)),
            kwargs,
            name=f"{name}_resume",
        ),
    ]
