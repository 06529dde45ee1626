"""The tenant's return settings, customers' own policies, routing rules and the suppliers
that take goods back (admins only)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from erp.models import Tenant, User
from erp.roles import require_role
from purchasing.models import Supplier
from returns.errors import ReturnsError
from returns.models import DispositionRule, ReturningSupplier, ReturnPolicy, ReturnSettings
from returns.permissions import SETTINGS


def save_settings(*, tenant: Tenant, user: User, settings: ReturnSettings) -> ReturnSettings:
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    settings.tenant = tenant
    settings._history_user = user
    settings.save()
    return settings


@transaction.atomic
def save_policy(*, tenant: Tenant, user: User, policy: ReturnPolicy) -> ReturnPolicy:
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    policy.tenant = tenant
    policy._history_user = user
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        raise ReturnsError(f"{policy.customer.code} already has a return policy.") from exc
    return policy


@transaction.atomic
def delete_policy(*, tenant: Tenant, user: User, policy: ReturnPolicy) -> None:
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    policy._history_user = user
    policy.delete()


@transaction.atomic
def save_rule(*, tenant: Tenant, user: User, rule: DispositionRule) -> DispositionRule:
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    rule.tenant = tenant
    rule._history_user = user
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        raise ReturnsError(f"There is already a rule for {rule}.") from exc
    return rule


@transaction.atomic
def delete_rule(*, tenant: Tenant, user: User, rule: DispositionRule) -> None:
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    rule._history_user = user
    rule.delete()


@transaction.atomic
def set_returning_suppliers(*, tenant: Tenant, user: User, suppliers: Iterable[Supplier]) -> None:
    """Exactly `suppliers` take goods back from now on."""
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    wanted = {supplier.pk for supplier in suppliers}
    ReturningSupplier.objects.filter(tenant=tenant).exclude(supplier_id__in=wanted).delete()
    have = set(
        ReturningSupplier.objects.filter(tenant=tenant).values_list("supplier_id", flat=True)
    )
    ReturningSupplier.objects.bulk_create(
        [ReturningSupplier(tenant=tenant, supplier_id=pk) for pk in sorted(wanted - have)]
    )
