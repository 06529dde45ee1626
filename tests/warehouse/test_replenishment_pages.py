"""The supervisor's min/max list (create, edit, delete with validation) and replenishment
queue (urgent faces first, then the oldest)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from tests.warehouse.faces import Faces
from warehouse.models import PickFace

pytestmark = pytest.mark.django_db


def _form(floor, **changes):
    data = {"site": floor.site.pk, "bin": "P-01", "item": floor.coffee.sku, "min_quantity": "10",
            "max_quantity": "40", "unit": "case"}  # fmt: skip
    data.update(changes)
    return data


def test_supervisor_creates_edits_and_deletes_a_min_max(client, tenant_a):
    floor = Faces(tenant_a)
    client.force_login(floor.supervisor)
    created = client.post(reverse("warehouse:face_create"), _form(floor, bin="p-01"))
    assert created.status_code == 302
    with tenant_context(tenant_a):
        face = PickFace.objects.get()
    assert (face.bin_id, face.item_id, face.min_quantity, face.unit) == (
        floor.p1.pk, floor.coffee.pk, Decimal(10), "case",
    )  # fmt: skip
    listing = client.get(reverse("warehouse:face_list"))
    assert b"P-01" in listing.content and floor.coffee.sku.encode() in listing.content

    edited = client.post(
        reverse("warehouse:face_edit", args=[face.pk]), _form(floor, max_quantity="60")
    )
    assert edited.status_code == 302
    with tenant_context(tenant_a):
        face.refresh_from_db()
        assert face.max_quantity == 60
        assert face.history.first().history_user == floor.supervisor
    deleted = client.post(reverse("warehouse:face_delete", args=[face.pk]))
    assert deleted.status_code == 302
    with tenant_context(tenant_a):
        assert not PickFace.objects.exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"max_quantity": "10"}, b"Max (10) must be more than min (10)."),
        ({"min_quantity": "-1"}, b"greater than or equal to 0"),
        ({"bin": "R-01"}, b"R-01 is not a pick face bin."),
        ({"bin": "NOPE"}, b"No bin NOPE at"),
        ({"item": "NOPE"}, b"No item with SKU NOPE."),
        ({"unit": "pallet"}, b"has no unit &#x27;pallet&#x27;."),
        ({"min_quantity": "abc"}, b"Enter a number."),
    ],
)
def test_bad_min_max_is_refused_with_its_reason(client, tenant_a, changes, message):
    floor = Faces(tenant_a)
    client.force_login(floor.supervisor)
    response = client.post(reverse("warehouse:face_create"), _form(floor, **changes))
    assert response.status_code == 422
    assert message in response.content, response.content.decode()[-3000:]
    with tenant_context(tenant_a):
        assert not PickFace.objects.exists()


def test_a_second_min_max_for_one_bin_and_item_is_refused(client, tenant_a):
    floor = Faces(tenant_a)
    floor.face(floor.coffee, floor.p1, 5, 20)
    client.force_login(floor.supervisor)
    response = client.post(reverse("warehouse:face_create"), _form(floor))
    assert response.status_code == 422 and b"already has a min/max" in response.content


def test_a_face_with_replenishments_is_kept(client, tenant_a):
    floor = Faces(tenant_a, stock=1)
    face = floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    floor.run()
    client.force_login(floor.supervisor)
    response = client.post(reverse("warehouse:face_delete", args=[face.pk]), follow=True)
    assert b"kept for their history" in response.content
    with tenant_context(tenant_a):
        assert PickFace.objects.filter(pk=face.pk).exists()


def test_the_queue_lists_urgent_faces_first(client, tenant_a):
    floor = Faces(tenant_a, stock=5)
    floor.face(floor.cups, floor.p2, 10, 40)  # face 1: normal
    floor.face(floor.coffee, floor.p1, 10, 40)  # face 2: its 5 are all picked by the wave
    floor.released_wave(floor.released_order([(floor.coffee, 5)]))
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)
    floor.stock_reserve(floor.cups, 100)
    floor.run()
    client.force_login(floor.supervisor)
    page = client.get(reverse("warehouse:replenish_queue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Urgent: picks waiting") < text.index(floor.cups.sku)
    assert text.index(floor.coffee.sku) < text.index(floor.cups.sku)
    partial = client.get(reverse("warehouse:replenish_queue"), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and floor.cups.sku.encode() in partial.content


def test_operators_do_not_see_the_supervisor_pages(client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(reverse("warehouse:face_list")).status_code == 403
    assert client.get(reverse("warehouse:replenish_queue")).status_code == 403
