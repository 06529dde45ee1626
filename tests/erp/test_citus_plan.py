"""manage.py citus_plan prints the Citus statements for the live schema in an order Citus
accepts: reference tables first, each after the tables its keys point to, then every tenant
table distributed by tenant_id in one co-location group, referenced before referencing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from erp.distribution import KeyCycle, referenced_first


@pytest.mark.django_db
def test_the_plan_puts_each_table_after_the_tables_its_keys_point_to():
    out = io.StringIO()
    call_command("citus_plan", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("--")]
    tables = [line.split("'")[1] for line in lines]

    def at(table: str) -> int:
        return tables.index(table)

    reference = [line for line in lines if "create_reference_table" in line]
    assert lines[: len(reference)] == reference
    assert len(reference) == 13
    assert at("django_content_type") < at("auth_permission") < at("auth_group_permissions")
    assert at("erp_tenant") < at("erp_membership") and at("erp_user") < at("erp_membership")
    assert at("inventory_site") < at("inventory_zone") < at("inventory_bin")
    assert at("inventory_stocktransaction") < at("inventory_stockentry")
    assert at("inventory_item") < at("inventory_stockbalance")
    assert "django_session" not in tables and "erp_outboxmessage" not in tables
    anchor = tables[len(reference)]
    assert lines[len(reference)] == (
        f"SELECT create_distributed_table('{anchor}', 'tenant_id', colocate_with => 'none');"
    )
    assert all(
        line.endswith(f"colocate_with => '{anchor}');") for line in lines[len(reference) + 1 :]
    )


def test_keys_in_a_cycle_are_refused():
    with pytest.raises(KeyCycle, match="cycle among"):
        referenced_first({"a": ["b"], "b": ["c"], "c": ["a"], "d": []})
    assert referenced_first({"bin": ["zone"], "zone": ["site"], "site": []}) == [
        "site",
        "zone",
        "bin",
    ]
