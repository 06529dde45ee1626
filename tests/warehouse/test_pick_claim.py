"""Starting a batch is an explicit POST: opening Scanner > Pick lists what is waiting and
claims nothing, only operators and supervisors start a batch, and of two pickers starting
the same batch at once one gets it and the other is told who did and offered the next."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.concurrency import together
from tests.factories import member
from tests.warehouse.outbound import Floor
from warehouse.errors import BatchTaken
from warehouse.models import PickBatch
from warehouse.picking import services as picking
from warehouse.picking import waves


def _batches(floor) -> dict[int, int | None]:
    with tenant_context(floor.tenant):
        return dict(PickBatch.objects.values_list("pk", "picker_id"))


def _two_batches(floor):
    """Two released orders waved one per batch."""
    floor.released_order()
    wave = floor.wave(orders_per_batch=1)
    with tenant_context(floor.tenant):
        waves.release_wave(tenant=floor.tenant, user=floor.supervisor, wave=wave)
        return list(PickBatch.objects.filter(wave=wave).select_related("wave").order_by("number"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN])
def test_opening_pick_lists_the_waiting_batch_and_claims_nothing(client, tenant_a, role):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    before = _batches(floor)
    client.force_login(member(tenant_a, role))
    page = client.get(reverse("warehouse:pick_next"))
    assert page.status_code == 200
    assert f"<strong>{wave.number}-1</strong> · 2 picks · 1 order".encode() in page.content
    page = client.get(reverse("warehouse:pick_next"))  # and again: still nobody's
    assert _batches(floor) == before and set(before.values()) == {None}


@pytest.mark.django_db
def test_an_operator_starts_a_batch_with_a_post_and_is_sent_to_its_first_pick(client, tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    first = floor.tasks(wave)[0]
    client.force_login(floor.operator)
    page = client.get(reverse("warehouse:pick_next"))
    start = reverse("warehouse:pick_start", args=[first.batch_id])
    assert f'action="{start}"'.encode() in page.content
    response = client.post(start, follow=True)
    assert response.redirect_chain[-1][0] == reverse("warehouse:pick_task", args=[first.pk])
    assert _batches(floor) == {first.batch_id: floor.operator.pk}
    # From now on the list sends this picker straight to their next pick.
    again = client.get(reverse("warehouse:pick_next"))
    assert again.status_code == 302 and again.url == reverse("warehouse:pick_task", args=[first.pk])


@pytest.mark.django_db
def test_an_admin_can_look_but_cannot_start_a_batch(client, tenant_a):
    floor = Floor(tenant_a)
    batch_id = floor.tasks(floor.released_wave())[0].batch_id
    admin = member(tenant_a, Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("warehouse:pick_next"))
    assert reverse("warehouse:pick_start", args=[batch_id]).encode() not in page.content
    assert b"Only operators and supervisors pick" in page.content
    assert client.post(reverse("warehouse:pick_start", args=[batch_id])).status_code == 403
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        picking.start_batch(tenant=tenant_a, user=admin, batch=PickBatch.objects.get())
    assert _batches(floor) == {batch_id: None}


@pytest.mark.django_db
def test_starting_a_batch_someone_else_got_names_them_and_offers_the_next(client, tenant_a):
    floor = Floor(tenant_a)
    first, second = _two_batches(floor)
    other = member(tenant_a, Role.OPERATOR, user__full_name="Ann Lee")
    # Both open the list while the first batch is free.
    client.force_login(other)
    client.get(reverse("warehouse:pick_next"))
    assert client.post(reverse("warehouse:pick_start", args=[first.pk])).status_code == 302
    client.force_login(floor.operator)
    response = client.post(reverse("warehouse:pick_start", args=[first.pk]), follow=True)
    text = response.content.decode()
    assert (
        f"Batch {first} was taken by {other.get_short_name()}; here is the next one: {second}."
        in text
    )
    assert _batches(floor) == {first.pk: other.pk, second.pk: None}
    # The next one's Start button is the one a scanner's Enter presses.
    button = re.search(r"<button[^>]*autofocus[^>]*>[^<]*</button>", text)
    assert button and f"Start {second}" in button.group(0)
    assert f'action="{reverse("warehouse:pick_start", args=[second.pk])}"' in text


@pytest.mark.django_db
def test_a_repeated_start_by_the_same_picker_is_harmless(tenant_a):
    floor = Floor(tenant_a)
    with tenant_context(tenant_a):
        floor.released_wave()
        batch = PickBatch.objects.get()
        picking.start_batch(tenant=tenant_a, user=floor.operator, batch=batch)
        again = picking.start_batch(tenant=tenant_a, user=floor.operator, batch=batch)
    assert again.picker_id == floor.operator.pk


@pytest.mark.django_db
def test_a_pick_on_a_batch_not_started_is_refused(client, tenant_a):
    floor = Floor(tenant_a)
    task = floor.tasks(floor.released_wave())[0]
    client.force_login(floor.operator)
    page = client.get(reverse("warehouse:pick_task", args=[task.pk]))
    assert page.status_code == 200
    assert reverse("warehouse:pick_start", args=[task.batch_id]).encode() in page.content
    # Enter presses Start: the button has the cursor, not the bin field.
    assert re.search(r"<button[^>]*autofocus[^>]*>Start ", page.content.decode())
    assert "autofocus" not in re.search(r'<input[^>]*name="bin"[^>]*>', page.content.decode())[0]
    response = client.post(
        reverse("warehouse:pick_task", args=[task.pk]),
        {"bin": "P-01", "item": floor.coffee_gtin, "lot": "L-2030-06", "quantity": "6"},
    )
    assert response.status_code == 422
    with tenant_context(tenant_a):
        batch = PickBatch.objects.select_related("wave").get(pk=task.batch_id)
    assert f"Start batch {batch} before picking from it.".encode() in response.content
    assert _batches(floor) == {task.batch_id: None}


@pytest.mark.django_db(transaction=True)
def test_two_pickers_starting_one_batch_at_once_one_wins_the_other_is_told(tenant_a):
    floor = Floor(tenant_a)
    first, second = _two_batches(floor)
    ann = member(tenant_a, Role.OPERATOR, user__full_name="Ann Lee")
    bob = member(tenant_a, Role.SUPERVISOR, user__full_name="Bob Ray")
    won: list = []
    lost: list = []

    def start(user):
        try:
            with tenant_context(tenant_a, durable=True):
                batch = PickBatch.objects.get(pk=first.pk)  # both saw it free
                assert batch.picker_id is None
                picking.start_batch(tenant=tenant_a, user=user, batch=batch)
                won.append(user)
                # Hold the claim open a moment: the other start runs against it.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.3)")
        except BatchTaken as exc:
            lost.append((user, exc))

    assert together([lambda user=user: start(user) for user in (ann, bob)]) == [None, None]
    assert len(won) == 1 and len(lost) == 1
    (winner,), ((loser, error),) = won, lost
    assert {winner, loser} == {ann, bob}
    assert _batches(floor) == {first.pk: winner.pk, second.pk: None}
    assert error.picker == winner.get_short_name()
    assert str(error) == (
        f"Batch {first} was taken by {winner.get_short_name()}; here is the next one: {second}."
    )
