from django.core.management.base import BaseCommand, CommandError

from erp.models import Tenant
from warehouse.scale import documents


class Command(BaseCommand):
    help = (
        "Add the warehouse documents behind a scale tenant's history (made by seed_scale): "
        "shipments with cartons, receipt lines with discrepancies, the cycle counts behind the "
        "count adjustments, order confirm and promise dates, and open backorders. Posts "
        "nothing. Resumable and idempotent: a rerun continues, a rerun after a full run adds "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="slug of the scale tenant")
        parser.add_argument("--seed", type=int, default=1, help="of the random choices")
        parser.add_argument(
            "--backorders", type=int, default=documents.BACKORDERS, help="open backorders wanted"
        )

    def handle(self, *args, **o):
        if not Tenant.objects.filter(slug=o["tenant"]).exists():
            raise CommandError(f"No tenant {o['tenant']}: make it with seed_scale first.")
        if o["backorders"] < 0:
            raise CommandError("--backorders cannot be negative.")
        try:
            summary = documents.run(
                slug=o["tenant"], seed=o["seed"], backorders=o["backorders"],
                stderr=self.stderr._out,
            )  # fmt: skip
        except KeyboardInterrupt:
            self.stderr.write("\nInterrupted; run the same command again to continue.")
            raise SystemExit(130) from None
        write_summary(self.stdout, summary)


def write_summary(stdout, summary: documents.Summary) -> None:
    stdout.write(
        f"documents added: {summary.shipments:,} shipments ({summary.short_orders:,} orders "
        f"shipped short), {summary.cartons:,} cartons, {summary.receipt_lines:,} receipt lines, "
        f"{summary.discrepancies:,} discrepancies, {summary.counts:,} counts "
        f"({summary.count_results:,} results, {summary.beyond_tolerance:,} beyond tolerance), "
        f"{summary.backorders:,} backorders"
    )
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.steps.items())
    stdout.write(f"in {summary.seconds:.1f} s ({steps})")
