"""`make seed-scale`: run `manage.py seed_scale` with the benches' set-up (the embedded
servers when DATABASE_URL / REDIS_URL are unset, migrations applied). Arguments pass through.
"""

from __future__ import annotations

import sys

from _setup import django_setup

if __name__ == "__main__":
    django_setup()
    from django.core.management import call_command

    call_command("seed_scale", *sys.argv[1:])
