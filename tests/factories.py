"""factory-boy factories. Tenant-owned rows are created inside their tenant's context (RLS)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from erp.models import Membership, Tenant, User
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Bin, BinType, Site, Zone, ZoneType

PASSWORD = "test-password-123"


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Ltd")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TenantOwnedFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenant_context(kwargs["tenant"]):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class SiteFactory(TenantOwnedFactory):
    class Meta:
        model = Site

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    time_zone = "Europe/Berlin"


class ZoneFactory(TenantOwnedFactory):
    class Meta:
        model = Zone

    site = factory.SubFactory(SiteFactory)
    tenant = factory.SelfAttribute("site.tenant")
    code = factory.Sequence(lambda n: f"Z{n}")
    name = factory.LazyAttribute(lambda o: f"Zone {o.code}")
    zone_type = ZoneType.STORAGE


class BinFactory(TenantOwnedFactory):
    class Meta:
        model = Bin

    zone = factory.SubFactory(ZoneFactory)
    site = factory.SelfAttribute("zone.site")
    tenant = factory.SelfAttribute("zone.tenant")
    code = factory.Sequence(lambda n: f"B-{n:05}")
    bin_type = BinType.RESERVE
    walk_sequence = factory.Sequence(lambda n: n * 10)


def member(tenant: Tenant, role: Role = Role.ADMIN, **kwargs) -> User:
    """A user holding `role` in `tenant`."""
    return MembershipFactory(tenant=tenant, role=role, **kwargs).user
