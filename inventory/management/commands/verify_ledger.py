from django.core.management.base import BaseCommand, CommandError

from erp.models import Tenant
from erp.tenancy import task_context
from inventory import ledger


class Command(BaseCommand):
    help = (
        "Recompute every balance, reservation total and valuation layer from the ledger's "
        "entries and print the differences. Exits 1 when any exist."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="slug of one tenant (default: all)")

    def handle(self, *args, tenant=None, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {tenant!r}.")
        found = 0
        for each in tenants:
            with task_context(each.pk):
                differences = ledger.verify(each.pk)
            for difference in differences:
                self.stdout.write(f"{each.slug}: {difference.check}: {difference.detail}")
            found += len(differences)
            if not differences:
                self.stdout.write(f"{each.slug}: ledger consistent")
        if found:
            self.stderr.write(self.style.ERROR(f"{found} difference(s) found."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("No differences."))
