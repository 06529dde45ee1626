# Work made before the task queue existed (open putaway tasks, unfinished pick batches) joins
# the queue, so "My work" and the supervisor's queue show it after an upgrade. Row-level
# security applies to the migrating role too, so each tenant's rows go in under its context.

from django.db import migrations

QUEUE = [
    """
    INSERT INTO warehouse_worktask
        (tenant_id, kind, reference, status, priority, site_id, zone_id, summary, created_at)
    SELECT p.tenant_id, 'putaway', p.id, 'open', 3, l.site_id, b.zone_id,
           left(i.sku || ' from ' || l.code, 200), p.created_at
    FROM warehouse_putawaytask p
    JOIN inventory_location l ON l.tenant_id = p.tenant_id AND l.id = p.from_location_id
    JOIN inventory_item i ON i.tenant_id = p.tenant_id AND i.id = p.item_id
    LEFT JOIN inventory_location s
        ON s.tenant_id = p.tenant_id AND s.id = p.suggested_location_id
    LEFT JOIN inventory_bin b ON b.tenant_id = p.tenant_id AND b.id = s.bin_id
    WHERE p.state = 'open' AND l.site_id IS NOT NULL
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO warehouse_worktask
        (tenant_id, kind, reference, status, priority, site_id, zone_id, assignee_id,
         summary, created_at, started_at)
    SELECT b.tenant_id, 'pick', b.id,
           CASE WHEN b.status = 'claimed' THEN 'started' ELSE 'open' END, 3,
           w.site_id, w.zone_id, b.picker_id, left('Batch ' || w.number || '-' || b.number, 200),
           coalesce(w.released_at, w.created_at),
           CASE WHEN b.status = 'claimed' THEN now() END
    FROM warehouse_pickbatch b
    JOIN warehouse_wave w ON w.tenant_id = b.tenant_id AND w.id = b.wave_id
    WHERE b.status IN ('open', 'claimed')
    ON CONFLICT DO NOTHING
    """,
]


def queue_existing_work(apps, schema_editor):
    tenants = apps.get_model("erp", "Tenant").objects.values_list("pk", flat=True)
    with schema_editor.connection.cursor() as cursor:
        for tenant_id in tenants:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
            for statement in QUEUE:
                cursor.execute(statement)
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0007_work_queue")]

    operations = [migrations.RunPython(queue_existing_work, migrations.RunPython.noop)]
