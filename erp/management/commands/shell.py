"""`manage.py shell` without the warning about django-simple-history's models.

Django 5.2 imports every model into the shell by dotted path; the historical models are
built at run time and live in no module, so it listed each as "could not be imported".
"""

import sys

from django.core.management.commands import shell


class Command(shell.Command):
    def get_auto_imports(self):
        return [
            path
            for path in super().get_auto_imports()
            if hasattr(sys.modules.get(path.rpartition(".")[0]), path.rpartition(".")[2])
        ]
