"""The ownership check reports a module that writes another app's model, and only that."""

from __future__ import annotations

import types

import pytest

from erp.roles import Role
from inventory.models import Item
from inventory.services import items
from tests.architecture.ownership import ALLOWED, Recorder, offences
from tests.factories import ItemFactory, member

pytestmark = pytest.mark.django_db

PLANTED = """
from inventory.models import Item
from inventory.services import items


def rename_by_save(item):
    item.description = "Planted by save"
    item.save()


def rename_by_update(item):
    Item.objects.filter(pk=item.pk).update(description="Planted by update")


def delete_it(item):
    Item.objects.filter(pk=item.pk).delete()


def rename_through_the_owner(*, tenant, user, item):
    item.description = "Through inventory's service"
    return items.update_item(tenant=tenant, user=user, item=item)
"""


def _plant(module_name: str) -> types.ModuleType:
    """A module that claims to be part of `module_name`'s app, as a real one would."""
    module = types.ModuleType(module_name)
    exec(compile(PLANTED, f"<{module_name}>", "exec"), module.__dict__)
    return module


@pytest.fixture
def item(tenant_a, as_tenant):
    with as_tenant(tenant_a):
        yield ItemFactory(tenant=tenant_a)


def test_a_planted_cross_app_save_update_and_delete_are_reported(item):
    planted = _plant("warehouse.planted")
    with Recorder() as recorder:
        planted.rename_by_save(item)
        planted.rename_by_update(item)
        planted.delete_it(item)

    assert recorder.findings == {("warehouse.planted", "inventory.Item")}
    assert offences(recorder.findings) == ["warehouse.planted writes inventory.Item"]


def test_the_owning_app_writing_its_own_model_is_not_reported(item):
    planted = _plant("inventory.planted")
    with Recorder() as recorder:
        planted.rename_by_save(item)
        planted.rename_by_update(item)

    assert recorder.findings == set()


def test_a_write_through_the_owners_service_is_the_owners(tenant_a, item):
    planner = member(tenant_a, Role.PLANNER)
    planted = _plant("warehouse.planted")
    with Recorder() as recorder:
        planted.rename_through_the_owner(tenant=tenant_a, user=planner, item=item)

    assert recorder.findings == set()
    assert Item.objects.get(pk=item.pk).description == "Through inventory's service"


def test_writes_from_test_code_are_not_checked(item):
    with Recorder() as recorder:
        item.description = "Renamed by a test"
        item.save()
        Item.objects.filter(pk=item.pk).update(description="Updated by a test")

    assert recorder.findings == set()


def test_an_allowed_write_is_not_an_offence():
    finding = {("warehouse.planted", "inventory.Item")}

    assert offences(finding, {("warehouse.planted", "inventory.Item"): "moving"}) == []
    assert offences(finding, {}) == ["warehouse.planted writes inventory.Item"]


def test_every_allowed_write_says_why():
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_recorder_leaves_querysets_as_it_found_them(item):
    from django.db.models import QuerySet

    update = QuerySet.update
    with Recorder():
        assert QuerySet.update is not update
    assert QuerySet.update is update
    assert items is not None
