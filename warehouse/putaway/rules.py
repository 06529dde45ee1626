"""Admin changes to warehouse configuration."""

from __future__ import annotations

from django.db import transaction

from erp.models import Tenant, User
from erp.roles import Role, require_role
from warehouse.models import PutawayRule, ReceivingSettings


@transaction.atomic
def save_rule(*, tenant: Tenant, user: User, rule: PutawayRule) -> PutawayRule:
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    rule.tenant = tenant
    rule.save()
    return rule


@transaction.atomic
def save_settings(*, tenant: Tenant, user: User, settings: ReceivingSettings) -> ReceivingSettings:
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    settings.tenant = tenant
    settings.save()
    return settings
