"""Print the statements that would distribute this database by tenant_id with Citus
(docs/scale/distributing-by-tenant.md, "The migration, step by step", steps 3 and 4). Reads the
catalog only; run the output on a Citus coordinator, never here."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from erp.distribution import KeyCycle, citus_plan


class Command(BaseCommand):
    help = "Print create_reference_table / create_distributed_table statements, in order."

    def handle(self, *args, **options):
        try:
            with connection.cursor() as cursor:
                statements = citus_plan(cursor)
        except (KeyCycle, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("-- Generated from the live schema by manage.py citus_plan.")
        for statement in statements:
            self.stdout.write(statement)
