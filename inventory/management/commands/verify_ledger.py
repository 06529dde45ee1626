from django.core.management.base import BaseCommand, CommandError

from erp.models import Tenant
from erp.tenancy import task_context
from inventory import ledger


class Command(BaseCommand):
    help = (
        "Recompute every balance, reservation total and valuation layer from the ledger's "
        "entries and print the differences; by default only the entries after each tenant's "
        "checkpoint are read. A clean check advances the checkpoint. Exits 1 when any "
        "difference exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="slug of one tenant (default: all)")
        parser.add_argument(
            "--full",
            action="store_true",
            help="read every entry from the first, not only those after the checkpoint "
            "(finds an entry changed below the checkpoint too)",
        )

    def handle(self, *args, tenant=None, full=False, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {tenant!r}.")
        found = 0
        for each in tenants:
            with task_context(each.pk):
                outcome = ledger.check(tenant_id=each.pk, full=full)
            for difference in outcome.differences:
                self.stdout.write(f"{each.slug}: {difference.check}: {difference.detail}")
            if outcome.total_differences > len(outcome.differences):
                self.stdout.write(
                    f"{each.slug}: ... {outcome.total_differences - len(outcome.differences)} "
                    "more not shown"
                )
            found += outcome.total_differences
            self.stdout.write(f"{each.slug}: {self._summary(outcome)}")
        if found:
            self.stderr.write(self.style.ERROR(f"{found} difference(s) found."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("No differences."))

    @staticmethod
    def _summary(outcome) -> str:
        state = "ledger consistent" if outcome.clean else "ledger INCONSISTENT"
        base = outcome.based_on
        scope = (
            "full check"
            if base is None
            else f"from checkpoint #{base.pk} (entries after #{base.upto_entry_id})"
        )
        line = (
            f"{state}: {scope}, {outcome.entries_checked:,} entries read in {outcome.seconds:.2f} s"
        )
        checkpoint = outcome.record
        if checkpoint.is_checkpoint:
            line += (
                f"; checkpoint #{checkpoint.pk} now covers {checkpoint.entries:,} entries "
                f"up to #{checkpoint.upto_entry_id}"
            )
        elif outcome.note:
            line += f"; {outcome.note}"
        return line
