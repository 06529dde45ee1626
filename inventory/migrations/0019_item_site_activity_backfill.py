"""Fill each item-site's last outbound movement from the entries posted before 0018.

In a migration of its own: rows inserted in 0018's transaction would leave trigger events
pending when its deferred constraints are added ("cannot ALTER TABLE ... pending trigger
events"). Row-level security applies to the migrating role too, so each tenant's rows go in
under its context.
"""

from django.db import migrations

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
    dependencies = [("inventory", "0018_item_site_activity")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
