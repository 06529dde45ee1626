"""Create an API token from the command line (for scripts and first set-up; admins use the
API tokens page). The token is printed once and never stored."""

from django.core.management.base import BaseCommand, CommandError

from erp.api import tokens
from erp.errors import DomainError
from erp.models import Membership, Tenant
from erp.roles import Role
from erp.tenancy import tenant_context


class Command(BaseCommand):
    help = "Create an API token for a tenant, acting as a role; prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--name", required=True, help="the system that will use it")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--admin", required=True, help="e-mail of an admin of the tenant")
        parser.add_argument("--rate", type=int, default=600, help="requests per minute")

    def handle(self, *args, tenant, name, role, admin, rate, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant with the slug {tenant!r}.")
        if not 1 <= rate <= 100_000:
            raise CommandError("--rate is 1 to 100000 requests per minute.")
        with tenant_context(found):
            membership = (
                Membership.objects.filter(tenant=found, user__email__iexact=admin, is_active=True)
                .select_related("user")
                .first()
            )
            if membership is None:
                raise CommandError(f"{admin} is not an active member of {found.slug}.")
            try:
                _, raw = tokens.create_token(
                    tenant=found, user=membership.user, name=name, role=role, rate_per_minute=rate
                )
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
