"""Write KPI snapshots for a range of past days (after an upgrade, or to rebuild trends)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from erp.models import Tenant
from erp.tenancy import task_context
from reporting import snapshots


class Command(BaseCommand):
    help = (
        "Write the KPI snapshots of every day from --from to --to (default: yesterday) for a "
        "tenant, replacing any already written: safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="slug of the tenant")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default yesterday)")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant {options['tenant']!r}.")
        try:
            start = datetime.date.fromisoformat(options["start"])
            end = datetime.date.fromisoformat(options["end"]) if options["end"] else None
        except ValueError as exc:
            raise CommandError(f"Dates are YYYY-MM-DD: {exc}") from exc
        last = snapshots.yesterday(tenant)
        end = end or last
        if end > last:
            raise CommandError(f"{end} is not over yet; the last day to snapshot is {last}.")
        if start > end:
            raise CommandError("--from is after --to.")
        total, day = 0, start
        while day <= end:
            # One transaction per day: an interrupted backfill keeps the days it finished.
            with task_context(tenant.pk) as current:
                total += snapshots.write_snapshots(tenant=current, day=day)
            day += datetime.timedelta(days=1)
        self.stdout.write(f"{total} snapshot rows for {(end - start).days + 1} days.")
