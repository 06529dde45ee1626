import time

from django.core.management.base import BaseCommand, CommandError

from erp.demo_accounts import PASSWORD
from erp.tenancy import task_context
from inventory import ledger
from inventory.ledger import day_closes, held_close, snapshots, transit_close
from warehouse.management.commands.seed_scale_documents import write_summary
from warehouse.scale import documents
from warehouse.scale.run import Options, run


class Command(BaseCommand):
    help = (
        "Create (or finish) a big tenant: items with units and lots, sites with bins, "
        "suppliers, customers, and --years of stock history posted through the ledger in "
        "large postings, with their purchase and sales orders. Resumable: rerun after an "
        "interruption to continue; a rerun at the same size adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="slug of the tenant (made if new)")
        parser.add_argument("--items", type=int, required=True)
        parser.add_argument("--entries", type=int, required=True, help="ledger entries in all")
        parser.add_argument("--years", type=int, default=3, help="of history, ending now")
        parser.add_argument("--sites", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1, help="of the random history")
        parser.add_argument("--moves", type=int, default=500, help="moves per posting")
        parser.add_argument(
            "--workers", type=int, default=1,
            help="processes posting at once, each its share of the items (keep it the same "
            "when resuming)",
        )  # fmt: skip
        parser.add_argument("--skip-verify", action="store_true", help="skip verify_ledger")

    def handle(self, *args, **o):
        for name in ("items", "entries", "years", "sites", "moves", "workers"):
            if o[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        options = Options(
            tenant=o["tenant"], items=o["items"], entries=o["entries"], years=o["years"],
            sites=o["sites"], seed=o["seed"], moves=o["moves"], workers=o["workers"],
        )  # fmt: skip
        try:
            summary = run(options, stderr=self.stderr._out)
        except KeyboardInterrupt:
            self.stderr.write("\nInterrupted; run the same command again to continue.")
            raise SystemExit(130) from None
        self.stdout.write(
            f"tenant {options.tenant}: {summary.entries:,} entries, "
            f"{summary.transactions:,} transactions, {summary.items:,} items, "
            f"{summary.sites} sites"
        )
        self.stdout.write(
            f"posted {summary.posted:,} entries in {summary.posting_seconds:.1f} s "
            f"({summary.rate:,.0f} entries/s); {summary.seconds:.1f} s in all"
        )
        if summary.posted:
            per = summary.posted / 1000
            server = (
                f", server {summary.server_cpu / per * 1000:.0f} ms"
                if summary.server_cpu is not None
                else ""
            )
            self.stdout.write(
                f"CPU per 1,000 entries: client {summary.client_cpu / per * 1000:.0f} ms{server}"
            )
        self.stdout.write(f"sign in as (password {PASSWORD}): " + ", ".join(summary.emails))
        # The history was posted into the past: the valuation pages read month-end snapshots,
        # which the hourly task would otherwise close one tenant-month at a time.
        started = time.perf_counter()
        closed = snapshots.close_periods(summary.tenant_id)
        self.stdout.write(
            f"valuation snapshots: {closed} month(s) closed in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        closed = day_closes.close_days(summary.tenant_id)
        self.stdout.write(
            f"day closes: {closed} site-day(s) closed in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        transit_close.close_transit(summary.tenant_id)
        self.stdout.write(f"in-transit close: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        held_close.close_held(summary.tenant_id)
        self.stdout.write(f"held close: {time.perf_counter() - started:.1f} s")
        # The dock and floor documents behind the history (they post nothing).
        write_summary(self.stdout, documents.run(slug=options.tenant, seed=options.seed,
                                                 stderr=self.stderr._out))  # fmt: skip
        if o["skip_verify"]:
            return
        # A full, recorded check: when clean it is the checkpoint later checks continue from.
        with task_context(summary.tenant_id):
            outcome = ledger.check(tenant_id=summary.tenant_id, full=True)
        for difference in outcome.differences[:20]:
            self.stdout.write(f"{difference.check}: {difference.detail}")
        if not outcome.clean:
            raise CommandError(f"verify_ledger found {outcome.total_differences} difference(s).")
        self.stdout.write(
            self.style.SUCCESS(
                f"verify_ledger --full: ledger consistent, {outcome.entries_checked:,} entries "
                f"in {outcome.seconds:.1f} s"
            )
        )
