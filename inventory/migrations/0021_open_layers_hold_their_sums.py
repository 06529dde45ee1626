# The open layers' index carries each layer's remaining quantity and value (INCLUDE), so what an
# item-site holds now is summed by an index-only scan: excess stock sums every open layer of the
# tenant, dead stock those of its candidates. At 10^7 entries (358,846 open layers) the sum went
# from `Index Scan using inv_costlayer_open_idx ... (actual time=0.053..258.029 rows=358846)`
# to `Index Only Scan using inv_costlayer_open_held_idx ... (actual time=0.017..46.013
# rows=358846)`. The keys and predicate are the old index's, so the posting's read of an
# item-site's open layers and pool uses it as before; it replaces that index (28 MB against
# 31 MB there), built first and dropped after, concurrently, so postings never wait.

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("erp", "0015_owner_role"),
        ("inventory", "0020_day_closes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="costlayer",
            index=models.Index(
                condition=models.Q(
                    ("remaining_quantity__gt", 0), ("is_pool", True), _connector="OR"
                ),
                fields=["tenant", "item", "site", "received_at"],
                include=("remaining_quantity", "remaining_value"),
                name="inv_costlayer_open_held_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="costlayer", name="inv_costlayer_open_idx"),
    ]
