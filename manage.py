#!/usr/bin/env python
import os
import sys

# Commands that only print need no servers; everything else may touch the database or Redis.
NO_SERVERS = {"help", "--help", "-h", "version", "--version"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    if len(sys.argv) > 1 and sys.argv[1] not in NO_SERVERS:
        # Settings only read DATABASE_URL / REDIS_URL; where they are unset, the embedded
        # servers under .data/ are started (or attached to) here, before Django loads them.
        from erp.embedded import ensure_env

        ensure_env()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
