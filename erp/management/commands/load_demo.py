from django.core.management.base import BaseCommand
from django.db import transaction

from erp import demo
from erp.tenancy import tenant_context


class Command(BaseCommand):
    help = (
        "Load the demo tenants, users, sites, zones, bins, items, stock, purchasing, receiving, "
        "customers and sales orders (idempotent)."
    )

    def handle(self, *args, **options):
        from inventory import demo as inventory_demo
        from inventory import demo_stock
        from orders import demo as orders_demo
        from purchasing import demo as purchasing_demo
        from warehouse import demo as warehouse_demo

        with transaction.atomic(durable=True):
            tenants = demo.load()
            for tenant in tenants:
                with tenant_context(tenant):
                    inventory_demo.load(tenant)
                    demo_stock.load(tenant)
                    warehouse_demo.load(tenant, purchasing_demo.load(tenant))
                    orders_demo.load(tenant)
                    # A released wave needs the released sales orders made just above.
                    warehouse_demo.load_outbound(tenant)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready for {', '.join(t.slug for t in tenants)}.")
        )
