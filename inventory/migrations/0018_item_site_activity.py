"""When each item last left each site, for dead stock: written by the posting statement from
now on; 0019 fills it from the entries already posted."""

import django.db.models.deletion

import erp.fields
import erp.migration_ops
from django.db import migrations, models


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
    ]
