from django.core.management.base import BaseCommand
from django.db import transaction

from erp import demo
from erp.demo_registry import steps
from erp.tenancy import tenant_context


class Command(BaseCommand):
    help = (
        "Load the demo tenants and users, then every app's registered demo data: sites, bins, "
        "items, stock, purchasing, receiving, customers and sales orders (idempotent)."
    )

    def handle(self, *args, **options):
        with transaction.atomic(durable=True):
            tenants = demo.load()
            for tenant in tenants:
                with tenant_context(tenant):
                    for step in steps():
                        step.load(tenant)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready for {', '.join(t.slug for t in tenants)}.")
        )
