"""Create the database roles and the database the application runs as.

Requests, Celery tasks and migrations connect as one application role that owns the
database and its tables but is neither SUPERUSER nor BYPASSRLS, so FORCE ROW LEVEL SECURITY
applies to everything it does. A separate maintenance role with BYPASSRLS exists for backups
(`pg_dump` as the application role sees no tenant rows).

Run with a superuser URL: ``python -m erp.provision <admin-url> <app-url>``; the embedded
server is provisioned automatically by `erp.embedded.start`.
"""

from __future__ import annotations

import sys
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql


class ProvisionError(RuntimeError):
    pass


def _parts(app_url: str) -> tuple[str, str | None, str]:
    url = urlsplit(app_url)
    role = unquote(url.username or "")
    password = unquote(url.password) if url.password else None
    database = url.path.lstrip("/")
    if not role or not database:
        raise ProvisionError(f"the application URL must name a user and a database: {app_url}")
    return role, password, database


def provision(*, admin_url: str, app_url: str) -> None:
    """Idempotently create the application role, the maintenance role and the database."""
    role, password, database = _parts(app_url)
    maintenance = f"{role}_maintenance"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
        ).fetchone()
        if row is None:
            conn.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE"
                ).format(sql.Identifier(role))
            )
        elif row[0] or row[1]:
            raise ProvisionError(
                f"role {role!r} is a superuser or has BYPASSRLS; row-level security would not "
                "apply to it. Use another role name in DATABASE_URL."
            )
        if password:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [maintenance]).fetchone():
            conn.execute(
                sql.SQL("CREATE ROLE {} NOLOGIN BYPASSRLS IN ROLE {}").format(
                    sql.Identifier(maintenance), sql.Identifier(role)
                )
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            # The owner must be the application role: on PostgreSQL 15+ only the database
            # owner may create tables in schema public.
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(database), sql.Identifier(role)
                )
            )


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m erp.provision <superuser-url> <application-url>", file=sys.stderr)
        return 2
    provision(admin_url=argv[1], app_url=argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
