"""CSV imports for any app: upload, check every line, then import all lines or none.

An app describes one kind of import with an `Importer` (its columns, a check function and a
write function) and registers it from its `AppConfig.ready()`; `erp` never imports the apps to
its right. The framework keeps the uploaded file in an `ImportJob`, runs the check and the
import in Celery (`erp.imports.tasks`), reports progress through the cache, and serves the
upload and detail pages (`erp.imports.urls.import_urls`).

This package's `__init__` loads no models, so `erp.models` can import from it.
"""

from erp.imports.registry import Column, Importer, PreviewColumn, importer_for, register

__all__ = ["Column", "Importer", "PreviewColumn", "importer_for", "register"]
