"""The declared state machine every document's table uses: a move is made only from the
table's sources by its roles, to the target named among several, past its guard; the system
moves alone only where the table says; an action may run from a status it keeps; refusals
name the document and both statuses; each move leaves who and why for the history row; the
buttons offered are the moves the member may make now."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import models

from erp.errors import InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from erp.transitions import Machine, transition
from tests.factories import member

pytestmark = pytest.mark.django_db


class Door(models.TextChoices):
    OPEN = "open", "Open"
    SHUT = "shut", "Shut"
    LOCKED = "locked", "Locked shut"
    GONE = "gone", "Gone"


KEEPERS = {Role.SUPERVISOR}

machine = Machine(
    field="state",
    choices=Door,
    describe=lambda door: f"Door {door.code}",
    table={
        "shut": transition([Door.OPEN], Door.SHUT, {Role.OPERATOR, Role.SUPERVISOR}, label="Shut"),
        "lock": transition(
            [Door.SHUT],
            Door.LOCKED,
            KEEPERS,
            label="Lock",
            style="danger",
            guard=lambda facts: facts["key"],
        ),
        # The wind leaves a door open or shut; nobody presses a button for it.
        "blow": transition([Door.OPEN, Door.SHUT], [Door.OPEN, Door.SHUT], KEEPERS, system=True),
        "remove": transition(
            [], None, KEEPERS, label="Remove", keeps=[Door.OPEN, Door.SHUT], outcome="removed"
        ),
    },
)


@pytest.fixture(autouse=True)
def _in_tenant_a(tenant_a):
    """Memberships are read under the tenant's row-level security, as services read them."""
    with tenant_context(tenant_a):
        yield


def door(state: str = Door.OPEN) -> SimpleNamespace:
    return SimpleNamespace(code="D-7", state=state)


def test_a_move_in_the_table_sets_the_status_and_who_and_why(tenant_a):
    user = member(tenant_a, Role.OPERATOR)
    shut = door()
    moved = machine.move(shut, "shut", tenant=tenant_a, user=user, reason=" draught ")
    assert moved is True
    assert shut.state == "shut"
    assert shut._history_user == user
    assert shut._change_reason == "shut: draught"


def test_a_move_from_a_status_outside_its_sources_is_refused_by_name(tenant_a):
    locked = door(Door.LOCKED)
    with pytest.raises(InvalidTransition) as refused:
        machine.move(locked, "shut", tenant=tenant_a, user=member(tenant_a, Role.OPERATOR))
    assert str(refused.value) == "Door D-7 cannot go from locked shut to shut."
    assert locked.state == "locked"
    assert not hasattr(locked, "_change_reason")


def test_a_role_the_table_does_not_name_is_refused(tenant_a):
    with pytest.raises(RoleRequired, match="Supervisor"):
        machine.move(door(Door.SHUT), "lock", tenant=tenant_a, user=member(tenant_a, Role.ADMIN))


def test_a_member_of_another_tenant_is_refused(tenant_a, tenant_b):
    with pytest.raises(RoleRequired):
        machine.move(door(), "shut", tenant=tenant_a, user=member(tenant_b, Role.OPERATOR))


def test_an_action_with_several_targets_goes_to_the_one_named(tenant_a):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    blown = door(Door.OPEN)
    assert machine.move(blown, "blow", tenant=tenant_a, user=supervisor, target=Door.SHUT)
    assert blown.state == "shut"
    with pytest.raises(InvalidTransition) as refused:
        machine.move(blown, "blow", tenant=tenant_a, user=supervisor, target=Door.GONE)
    assert str(refused.value) == "Door D-7 cannot go from shut to gone."
    with pytest.raises(ValueError, match="several targets"):
        machine.move(blown, "blow", tenant=tenant_a, user=supervisor)


def test_naming_the_status_a_document_has_keeps_it_there(tenant_a):
    shut = door(Door.SHUT)
    moved = machine.move(
        shut, "blow", tenant=tenant_a, user=member(tenant_a, Role.SUPERVISOR), target=Door.SHUT
    )
    assert moved is False and shut.state == "shut"


def test_only_a_system_action_is_taken_without_a_user(tenant_a):
    blown = door(Door.SHUT)
    assert machine.move(blown, "blow", tenant=tenant_a, user=None, target=Door.OPEN)
    assert blown.state == "open" and not hasattr(blown, "_history_user")
    assert blown._change_reason == "blow"
    with pytest.raises(InvalidTransition) as refused:
        machine.move(blown, "shut", tenant=tenant_a, user=None)
    assert str(refused.value) == "Door D-7 cannot go from open to shut."


def test_a_guard_refuses_the_move_when_the_facts_say_no(tenant_a):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    shut = door(Door.SHUT)
    with pytest.raises(InvalidTransition) as refused:
        machine.move(shut, "lock", tenant=tenant_a, user=supervisor, facts={"key": False})
    assert str(refused.value) == "Door D-7 cannot go from shut to locked shut."
    assert shut.state == "shut"
    assert machine.move(shut, "lock", tenant=tenant_a, user=supervisor, facts={"key": True})
    assert shut.state == "locked"


def test_an_action_runs_from_a_status_it_keeps_without_moving(tenant_a):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    kept = door(Door.SHUT)
    assert machine.move(kept, "remove", tenant=tenant_a, user=supervisor, reason="rotten") is False
    assert kept.state == "shut"
    assert (kept._history_user, kept._change_reason) == (supervisor, "remove: rotten")
    with pytest.raises(InvalidTransition) as refused:
        machine.move(door(Door.LOCKED), "remove", tenant=tenant_a, user=supervisor)
    assert str(refused.value) == "Door D-7 cannot go from locked shut to removed."


def test_the_history_reason_can_be_the_buttons_label_and_is_cut_to_the_column(tenant_a):
    labelled = Machine(
        field="state", choices=Door, table=machine.table, recorded_as=lambda step: step.label
    )
    shut = door()
    labelled.move(
        shut, "shut", tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), reason="x" * 200
    )
    assert shut._change_reason == "Shut: " + "x" * 94


@pytest.mark.parametrize(
    ("state", "role", "facts", "offered"),
    [
        (Door.OPEN, Role.OPERATOR, None, ["shut"]),
        (Door.OPEN, Role.SUPERVISOR, None, ["shut", "remove"]),
        # A guarded action is offered only when the facts given satisfy it.
        (Door.SHUT, Role.SUPERVISOR, None, ["remove"]),
        (Door.SHUT, Role.SUPERVISOR, {"key": False}, ["remove"]),
        (Door.SHUT, Role.SUPERVISOR, {"key": True}, ["lock", "remove"]),
        (Door.LOCKED, Role.SUPERVISOR, {"key": True}, []),
        (Door.OPEN, Role.FINANCE, None, []),
    ],
)
def test_the_buttons_are_the_labelled_moves_the_member_may_make_now(
    tenant_a, state, role, facts, offered
):
    steps = machine.allowed(door(state), tenant=tenant_a, user=member(tenant_a, role), facts=facts)
    assert [step.name for step in steps] == offered


def test_a_button_carries_its_label_and_style(tenant_a):
    (lock,) = [
        step
        for step in machine.allowed(
            door(Door.SHUT),
            tenant=tenant_a,
            user=member(tenant_a, Role.SUPERVISOR),
            facts={"key": True},
        )
        if step.name == "lock"
    ]
    assert (lock.label, lock.style, lock.target) == ("Lock", "danger", "locked")
