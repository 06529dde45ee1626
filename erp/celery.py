"""The Celery application: worker and beat both start from here (`celery -A erp ...`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")

app = Celery("stockline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
