# Bins flagged by short picks before counting existed become count tasks: a count with the
# bin's snapshot as it stands now, its first round, and an urgent entry in the work queue, so
# the stock those short picks held in quarantine gets its decision. Row-level security applies
# to the migrating role too, so each tenant's rows go in under its context.

from django.db import migrations

COUNT = [
    """
    INSERT INTO warehouse_count
        (tenant_id, site_id, zone_id, location_id, status, reason, source, request_id,
         snapshot_entry_id, created_at, note)
    SELECT r.tenant_id, l.site_id, b.zone_id, r.location_id, 'open', left(r.reason, 200),
           'short_pick', r.id,
           coalesce((SELECT max(e.id) FROM inventory_stockentry e
                     WHERE e.tenant_id = r.tenant_id AND e.location_id = r.location_id), 0),
           r.created_at, ''
    FROM warehouse_countrequest r
    JOIN inventory_location l ON l.tenant_id = r.tenant_id AND l.id = r.location_id
    LEFT JOIN inventory_bin b ON b.tenant_id = r.tenant_id AND b.id = l.bin_id
    WHERE NOT r.done AND l.site_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM warehouse_count c
                      WHERE c.tenant_id = r.tenant_id AND c.location_id = r.location_id
                        AND c.status IN ('open', 'counted', 'recount', 'recounted'))
    """,
    """
    INSERT INTO warehouse_countsnapshot
        (tenant_id, count_id, item_id, lot_id, serial_id, status, quantity)
    SELECT c.tenant_id, c.id, s.item_id, s.lot_id, s.serial_id, s.status, s.on_hand
    FROM warehouse_count c
    JOIN inventory_stockbalance s ON s.tenant_id = c.tenant_id AND s.location_id = c.location_id
    WHERE s.on_hand <> 0
      AND NOT EXISTS (SELECT 1 FROM warehouse_countround n
                      WHERE n.tenant_id = c.tenant_id AND n.count_id = c.id)
    """,
    """
    INSERT INTO warehouse_countround (tenant_id, count_id, number, empty)
    SELECT c.tenant_id, c.id, 1, false
    FROM warehouse_count c
    WHERE NOT EXISTS (SELECT 1 FROM warehouse_countround n
                      WHERE n.tenant_id = c.tenant_id AND n.count_id = c.id)
    """,
    """
    INSERT INTO warehouse_worktask
        (tenant_id, kind, reference, status, priority, site_id, zone_id, summary, created_at)
    SELECT n.tenant_id, 'count', n.id, 'open', 2, c.site_id, c.zone_id,
           left('Count bin ' || l.code, 200), c.created_at
    FROM warehouse_countround n
    JOIN warehouse_count c ON c.tenant_id = n.tenant_id AND c.id = n.count_id
    JOIN inventory_location l ON l.tenant_id = c.tenant_id AND l.id = c.location_id
    WHERE c.status = 'open' AND n.finished_at IS NULL
    ON CONFLICT DO NOTHING
    """,
]


def count_flagged_bins(apps, schema_editor):
    tenants = apps.get_model("erp", "Tenant").objects.values_list("pk", flat=True)
    with schema_editor.connection.cursor() as cursor:
        for tenant_id in tenants:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
            for statement in COUNT:
                cursor.execute(statement)
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0009_cycle_counts")]

    operations = [migrations.RunPython(count_flagged_bins, migrations.RunPython.noop)]
