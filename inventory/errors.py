from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class DuplicateCode(DomainError):
    message = _("{kind} {code} already exists{where}.")


class ImportNotReady(DomainError):
    message = _("This import is {status}; only a checked file without errors can be imported.")
