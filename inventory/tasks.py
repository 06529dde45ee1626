"""Inventory's Celery tasks (found by Celery's autodiscovery). CSV imports, bins included, run
in the import framework's tasks (`erp.imports.tasks`)."""
