"""The admin health page reports database, Redis, worker and beat."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from erp.tasks import heartbeat_task

pytestmark = pytest.mark.django_db


def test_health_page_shows_each_component(admin_client):
    response = admin_client.get(reverse("health"))
    text = response.content.decode()
    for name in ("Database", "Redis", "Celery worker", "Celery beat"):
        assert name in text
    assert "PostgreSQL" in text and "connected as" in text
    assert "no heartbeat recorded yet" in text


def test_heartbeat_task_marks_beat_alive(admin_client):
    heartbeat_task()
    assert cache.get("heartbeat:beat")
    response = admin_client.get(reverse("health"), HTTP_HX_REQUEST="true")
    assert b"last scheduled heartbeat ran on time" in response.content
    assert b"<html" not in response.content


def test_the_page_comes_at_once_and_its_refresh_asks_the_workers(admin_client, monkeypatch):
    from erp.celery import app

    asked = []
    monkeypatch.setattr(app.control, "ping", lambda **kw: asked.append(kw) or [])
    page = admin_client.get(reverse("health")).content.decode()
    assert asked == [] and "asking the workers" in page and 'hx-trigger="load, every 10s"' in page
    refresh = admin_client.get(reverse("health"), HTTP_HX_REQUEST="true").content.decode()
    assert asked == [{"timeout": 1.0, "limit": 1}]
    assert "no worker answered a ping within 1 second" in refresh
