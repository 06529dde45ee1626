"""The ledger browser's index: (tenant_id, posted_at, id) on inventory_stocktransaction.

The transaction list pages by keyset in the order (posted_at DESC, id DESC) within a tenant
(erp.keyset): `WHERE tenant_id = $t AND posted_at <= $x AND (posted_at < $x OR (posted_at = $x
AND id < $y)) ORDER BY posted_at DESC, id DESC LIMIT 51`. Without this index the plan on a
tenant with 10^6 entries (bench/ledger_browser.py) is a scan of the all-tenant posted_at index
(or of the tenant's rows by `tenant_id_id_key`) filtered by tenant and then a top-N sort of
every row before the cursor: the deeper the page, the more rows read, and a small tenant pays
for a big one's rows through the all-tenant index. With it, EXPLAIN ANALYZE shows
`Index Scan Backward using inv_txn_posted_keyset_idx`, Index Cond on tenant_id and
posted_at <= $x, rows=51 at the first, a middle and the last page alike, and the per-row
subqueries (line count, reversal) run loops=51. The same index serves the ascending order
(Last page, Previous) by scanning forward, and the date filters of the list.

Built CONCURRENTLY: a big ledger's header table must keep taking postings while it builds.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inventory", "0010_site_bin_updated_at"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="stocktransaction",
            index=models.Index(
                fields=["tenant", "posted_at", "id"], name="inv_txn_posted_keyset_idx"
            ),
        ),
    ]
