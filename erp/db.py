"""Refuse to serve from a database role that row-level security would not apply to."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created)
def refuse_privileged_role(sender, connection, **kwargs) -> None:
    if getattr(settings, "ALLOW_PRIVILEGED_DATABASE_ROLE", False):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls, current_user FROM pg_roles "
            "WHERE rolname = current_user"
        )
        privileged, role = cursor.fetchone()
    if privileged:
        raise ImproperlyConfigured(
            f"The database role {role!r} is a superuser or has BYPASSRLS, so row-level security "
            "would not isolate tenants. Point DATABASE_URL at the application role "
            "(see README, 'Databases')."
        )
