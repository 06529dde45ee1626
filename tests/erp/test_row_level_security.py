"""Row-level security and composite tenant keys, checked with raw SQL (no ORM filters)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from erp.tenancy import TenantContextError, tenant_context
from tests.factories import BinFactory, SiteFactory, ZoneFactory


def _count(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


@pytest.fixture
def two_tenants_bins(tenant_a, tenant_b):
    a = BinFactory.create_batch(3, zone=ZoneFactory(site=SiteFactory(tenant=tenant_a)))
    b = BinFactory.create_batch(2, zone=ZoneFactory(site=SiteFactory(tenant=tenant_b)))
    return a, b


def test_application_role_is_subject_to_row_level_security(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_select_without_filter_under_tenant_a_returns_none_of_b(
    two_tenants_bins, tenant_a, tenant_b
):
    _, b_bins = two_tenants_bins
    with tenant_context(tenant_a):
        assert _count("SELECT count(*) FROM inventory_bin") == 3
        assert _count("SELECT count(*) FROM inventory_bin WHERE tenant_id = %s", [tenant_b.pk]) == 0
        assert _count("SELECT count(*) FROM inventory_bin WHERE id = %s", [b_bins[0].pk]) == 0
        assert _count("SELECT count(*) FROM inventory_historicalbin") == 3


def test_select_without_tenant_context_returns_no_rows(two_tenants_bins):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', '', true)")
        assert _count("SELECT count(*) FROM inventory_bin") == 0
        assert _count("SELECT count(*) FROM inventory_site") == 0
        assert _count("SELECT count(*) FROM erp_membership") == 0


@pytest.mark.django_db(transaction=True)
def test_fresh_connection_without_context_sees_nothing(tenant_a):
    BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=tenant_a)))
    connection.close()
    assert _count("SELECT count(*) FROM inventory_bin") == 0


def test_insert_of_another_tenants_row_is_refused(tenant_a, tenant_b):
    site_b = SiteFactory(tenant=tenant_b)
    with tenant_context(tenant_a), pytest.raises(DatabaseError, match="row-level security"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_zone (tenant_id, site_id, code, name, zone_type) "
                "VALUES (%s, %s, 'X', 'X', 'storage')",
                [tenant_b.pk, site_b.pk],
            )


def test_raw_insert_of_a_row_referencing_b_row_fails_in_the_database(tenant_a, tenant_b):
    site_b = SiteFactory(tenant=tenant_b)
    with tenant_context(tenant_a), pytest.raises(IntegrityError, match="tenant_fk"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_zone (tenant_id, site_id, code, name, zone_type) "
                "VALUES (%s, %s, 'X', 'X', 'storage')",
                [tenant_a.pk, site_b.pk],
            )
            # The composite keys are deferred to commit; check them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db(transaction=True)
def test_cross_tenant_reference_fails_at_commit(tenant_a, tenant_b):
    zone_a = ZoneFactory(site=SiteFactory(tenant=tenant_a))
    zone_b = ZoneFactory(site=SiteFactory(tenant=tenant_b))
    with pytest.raises(IntegrityError):
        with tenant_context(tenant_a), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_bin (tenant_id, site_id, zone_id, code, bin_type, walk_sequence, is_active) "
                "VALUES (%s, %s, %s, 'X-1', 'reserve', 0, true)",
                [tenant_a.pk, zone_a.site_id, zone_b.pk],
            )
    with tenant_context(tenant_a):
        assert _count("SELECT count(*) FROM inventory_bin") == 0


def test_bin_zone_must_lie_in_the_bins_site(tenant_a):
    zone = ZoneFactory(site=SiteFactory(tenant=tenant_a))
    other_site = SiteFactory(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(IntegrityError, match="zone_in_site"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_bin (tenant_id, site_id, zone_id, code, bin_type, walk_sequence, is_active) "
                "VALUES (%s, %s, %s, 'X-1', 'reserve', 0, true)",
                [tenant_a.pk, other_site.pk, zone.pk],
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db(transaction=True)
def test_tenant_context_outside_a_transaction_is_refused():
    from erp.tenancy import _set

    with pytest.raises(TenantContextError):
        _set(1, None)


def test_nested_context_restores_the_outer_tenant(two_tenants_bins, tenant_a, tenant_b):
    with tenant_context(tenant_a):
        with tenant_context(tenant_b):
            assert _count("SELECT count(*) FROM inventory_bin") == 2
        assert _count("SELECT count(*) FROM inventory_bin") == 3


def test_durable_task_context_cannot_nest(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(RuntimeError, match="durable"):
        with tenant_context(tenant_b, durable=True):
            pass


def test_memberships_visible_to_their_user_across_tenants(tenant_a, tenant_b):
    from erp.models import Membership
    from tests.factories import MembershipFactory

    shared = MembershipFactory(tenant=tenant_a).user
    MembershipFactory(tenant=tenant_b, user=shared)
    MembershipFactory(tenant=tenant_b)  # someone else at B
    with tenant_context(None, user=shared):
        assert Membership.objects.count() == 2
    with tenant_context(tenant_a, user=shared):
        # B's other member stays hidden; the user's own B membership shows.
        assert set(Membership.objects.values_list("tenant_id", flat=True)) == {
            tenant_a.pk,
            tenant_b.pk,
        }
        assert Membership.objects.filter(tenant=tenant_b).count() == 1
