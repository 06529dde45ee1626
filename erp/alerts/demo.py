"""The demo's alert settings and its first rule run, after every app's demo data (idempotent:
a second run finds each subject's alert and opens no other)."""

from __future__ import annotations

from erp.alerts import services
from erp.alerts.models import AlertSettings
from erp.models import Tenant

# The demo's dairy lots expire in about six weeks: a two-month window shows them.
DEMO_EXPIRY_WINDOW = 60


def load(tenant: Tenant) -> None:
    AlertSettings.objects.get_or_create(
        tenant=tenant, defaults={"lot_expiry_days": DEMO_EXPIRY_WINDOW}
    )
    services.run_rules(tenant=tenant)
