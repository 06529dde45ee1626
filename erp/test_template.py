"""One migrated database that every test database is cloned from.

Migrating an empty database takes about a minute: Django renders again every model related
to the one an operation changes, and every model here points at the tenant. Cloning a
database (`CREATE DATABASE ... TEMPLATE`) takes a fraction of a second. So the first process
that needs a test database migrates a template once and marks it with a fingerprint of the
migrations; every pytest worker clones it, and later runs clone it again until a migration
changes. `make test` builds it beside the lint step:

    python -m erp.test_template   # with the test settings (STOCKLINE_TESTING=true)
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from pathlib import Path

from psycopg import sql

# Any constant will do: it only has to be the same in every process that builds or clones.
LOCK_KEY = 7_342_001
MARK = "stockline test template "
# Files whose change alters the migrated schema without a migration file changing: the
# operations most migrations use (row-level security, tenant keys), the fields they name, and
# the audit view built after every migrate (reporting/apps.py).
ALSO_FINGERPRINTED = (
    "erp/migration_ops.py",
    "erp/fields.py",
    "reporting/audit_view.py",
    "reporting/apps.py",
)


def fingerprint() -> str:
    """A digest of every installed app's migrations (Django's own included) and of the code
    that runs after them."""
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256()
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        for path in sorted((Path(app.path) / "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    for name in ALSO_FINGERPRINTED:
        digest.update((Path(settings.BASE_DIR) / name).read_bytes())
    return digest.hexdigest()[:32]


def template_name(test_name: str) -> str:
    """`test_x_gw1` (pytest-xdist's worker suffix) and `test_x` share `test_x_template`."""
    return re.sub(r"_gw\d+$", "", test_name) + "_template"


@contextlib.contextmanager
def _server(connection):
    """A cursor on the server's maintenance database, for CREATE and DROP DATABASE (Django's
    own way to reach it, whatever form the database URL takes)."""
    with connection._nodb_cursor() as cursor:
        yield cursor


def _mark_of(server, name: str) -> str | None:
    server.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    )
    row = server.fetchone()
    return None if row is None else (row[0] or "")


def _migrate_into(connection, name: str) -> None:
    from django.core.management import call_command

    before = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command(
            "migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True
        )
        call_command("createcachetable", database=connection.alias)
    finally:
        connection.close()  # a template with a session open cannot be cloned
        connection.settings_dict["NAME"] = before


def ensure(connection, template: str, *, rebuild: bool = False) -> bool:
    """Make `template` hold the current schema; True when it had to be migrated. Processes
    that get here together wait for the first: the lock is held until it is done."""
    wanted = MARK + fingerprint()
    with _server(connection) as server:
        server.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        if not rebuild and _mark_of(server, template) == wanted:
            return False
        ident = sql.Identifier(template)
        _drop(server, template)
        server.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(ident)
        )
        try:
            _migrate_into(connection, template)
        except BaseException:
            # Half-migrated, it must not pass for current: without its mark it is rebuilt.
            _drop(server, template)
            raise
        server.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(wanted)))
        return True


def clone(connection, template: str, target: str) -> None:
    """`target` afresh as a copy of `template` (whatever an earlier run left in it goes)."""
    with _server(connection) as server:
        # Under the lock, so no other process is rebuilding the template meanwhile.
        server.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        _drop(server, target)
        server.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(target), sql.Identifier(template)
            )
        )


def _drop(server, name: str) -> None:
    # FORCE: a run that was killed may have left a session on it.
    server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def drop(connection, name: str) -> None:
    with _server(connection) as server:
        _drop(server, name)


def set_up_test_database(connection, *, rebuild: bool = False) -> str:
    """The test database of this process, cloned from the template; Django's settings point
    at it afterwards, as `create_test_db` leaves them."""
    from django.conf import settings

    target = connection.creation._get_test_db_name()
    template = template_name(target)
    ensure(connection, template, rebuild=rebuild)
    connection.close()
    clone(connection, template, target)
    settings.DATABASES[connection.alias]["NAME"] = target
    connection.settings_dict["NAME"] = target
    return target


def main() -> int:
    import django

    django.setup()
    from django.db import connection

    started = time.monotonic()
    template = template_name(connection.creation._get_test_db_name())
    built = ensure(connection, template)
    state = "migrated" if built else "already current"
    print(f"    test template {template} {state} ({time.monotonic() - started:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
