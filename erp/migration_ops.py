"""Migration operations that make a table tenant-safe in the database.

One call per tenant-owned model, placed after the models are created::

    operations = [..., TenantTable("Bin"), TenantTable("HistoricalBin", history=True)]

`TenantTable` adds UNIQUE (tenant_id, id), enables and forces row-level security with the
`tenant_isolation` policy, and turns every `TenantForeignKey` of the model into the composite
(tenant_id, x_id) -> (tenant_id, id) constraint, DEFERRABLE INITIALLY DEFERRED. History
tables get the policy only: their rows must outlive the rows they describe.
`AddTenantForeignKey` does the last part for a key added to an existing model later.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.migrations.operations.base import Operation

TENANT_SETTING = "NULLIF(current_setting('app.tenant_id', true), '')::bigint"
USER_SETTING = "NULLIF(current_setting('app.user_id', true), '')::bigint"


def constraint_name(table: str, suffix: str) -> str:
    name = f"{table}_{suffix}"
    if len(name) <= 63:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{table[: 62 - len(suffix) - 9]}_{digest}_{suffix}"


def _tenant_keys(model) -> list[models.Field]:
    from erp.fields import TenantForeignKey

    return [f for f in model._meta.local_fields if isinstance(f, TenantForeignKey)]


def _fk_sql(model, field) -> tuple[str, str]:
    qn = lambda name: '"' + name.replace('"', '""') + '"'  # noqa: E731
    table = model._meta.db_table
    target = field.related_model._meta.db_table
    name = constraint_name(table, f"{field.column}_tenant_fk")
    add = (
        f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} "
        f"FOREIGN KEY (tenant_id, {qn(field.column)}) REFERENCES {qn(target)} (tenant_id, id) "
        "DEFERRABLE INITIALLY DEFERRED"
    )
    drop = f"ALTER TABLE {qn(table)} DROP CONSTRAINT IF EXISTS {qn(name)}"
    return add, drop


class TenantTable(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, history: bool = False, user_column: str | None = None):
        self.model_name = model_name
        self.history = history
        # Rows whose user_column equals app.user_id are also readable (a user's memberships
        # in every tenant, for the tenant switcher); writes still need the tenant.
        self.user_column = user_column

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        if self.history:
            kwargs["history"] = True
        if self.user_column:
            kwargs["user_column"] = self.user_column
        return self.__class__.__name__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Tenant isolation (RLS, composite keys) for {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"tenant_{self.model_name.lower()}"

    def _statements(self, model) -> tuple[list[str], list[str]]:
        table = model._meta.db_table
        quoted = '"' + table + '"'
        using = f"tenant_id = {TENANT_SETTING}"
        if self.user_column:
            using = f"({using}) OR {self.user_column} = {USER_SETTING}"
        forward = [
            f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_isolation ON {quoted} USING ({using}) "
            f"WITH CHECK (tenant_id = {TENANT_SETTING})",
        ]
        backward = [
            f"DROP POLICY IF EXISTS tenant_isolation ON {quoted}",
            f"ALTER TABLE {quoted} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {quoted} DISABLE ROW LEVEL SECURITY",
        ]
        if not self.history:
            unique = constraint_name(table, "tenant_id_id_key")
            forward.insert(
                0, f'ALTER TABLE {quoted} ADD CONSTRAINT "{unique}" UNIQUE (tenant_id, id)'
            )
            fk_backward = []
            for field in _tenant_keys(model):
                add, drop = _fk_sql(model, field)
                forward.append(add)
                fk_backward.insert(0, drop)
            backward = (
                fk_backward
                + backward
                + [f'ALTER TABLE {quoted} DROP CONSTRAINT IF EXISTS "{unique}"']
            )
        return forward, backward

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        for statement in self._statements(model)[0]:
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        for statement in self._statements(model)[1]:
            schema_editor.execute(statement)


class AddTenantForeignKey(Operation):
    """The composite tenant constraint for a `TenantForeignKey` added to an existing model."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, field_name: str):
        self.model_name = model_name
        self.field_name = field_name

    def deconstruct(self):
        return (
            self.__class__.__name__,
            [],
            {"model_name": self.model_name, "field_name": self.field_name},
        )

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Composite tenant key for {self.model_name}.{self.field_name}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(_fk_sql(model, model._meta.get_field(self.field_name))[0])

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(_fk_sql(model, model._meta.get_field(self.field_name))[1])


class TouchUpdatedAt(Operation):
    """Keep a model's `updated_at` column true for every UPDATE, `QuerySet.update` and raw SQL
    included, with a trigger: the API's updated-since sync must not miss a row whose change
    did not go through `save()`. The time is the statement's clock, not the transaction's
    start, so a long transaction's rows sort by when they changed."""

    reduces_to_sql = True
    reversible = True
    FUNCTION = "stockline_touch_updated_at"

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return (f"{__name__}.{type(self).__qualname__}", [self.model_name], {})

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Trigger keeping {self.model_name}.updated_at current"

    @property
    def migration_name_fragment(self):
        return f"touch_{self.model_name.lower()}"

    def _trigger(self, model) -> str:
        return constraint_name(model._meta.db_table, "touch")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION {self.FUNCTION}() RETURNS trigger AS $$
            BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END
            $$ LANGUAGE plpgsql"""
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{self._trigger(model)}" BEFORE UPDATE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {self.FUNCTION}()"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self._trigger(model)}" ON "{table}"')
