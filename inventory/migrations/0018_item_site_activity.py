"""When each item last left each site, for dead stock: written by the posting statement from
now on, filled here from the entries already posted. Row-level security applies to the
migrating role too, so each tenant's rows go in under its context."""

import django.db.models.deletion

import erp.fields
import erp.migration_ops
from django.db import migrations, models


BACKFILL = """
INSERT INTO inventory_itemsiteactivity (tenant_id, item_id, site_id, last_outbound_at)
SELECT e.tenant_id, e.item_id, e.site_id, max(x.posted_at)
FROM inventory_stockentry e
JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
WHERE e.tenant_id = %s AND e.site_id IS NOT NULL AND e.quantity < 0
  AND x.kind IN ('shipment', 'transfer')
GROUP BY e.tenant_id, e.item_id, e.site_id
"""


def backfill(apps, schema_editor):
    tenants = apps.get_model("erp", "Tenant").objects.values_list("pk", flat=True)
    with schema_editor.connection.cursor() as cursor:
        for tenant_id in tenants:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
            cursor.execute(BACKFILL, [tenant_id])
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("erp", "0014_export_job"),
        ("inventory", "0017_carrying_cost_rate"),
    ]

    operations = [
        migrations.CreateModel(
            name="ItemSiteActivity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_outbound_at", models.DateTimeField()),
                (
                    "item",
                    erp.fields.TenantForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.item",
                    ),
                ),
                (
                    "site",
                    erp.fields.TenantForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.site",
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="erp.tenant",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "item site activity",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "item", "site"), name="inventory_itemsiteactivity_one"
                    )
                ],
            },
        ),
        erp.migration_ops.TenantTable("ItemSiteActivity"),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
