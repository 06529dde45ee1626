from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class OrderNotEditable(DomainError):
    message = _("{number} is {status}; only a draft order can be changed.")


class ApprovalRequired(DomainError):
    message = _(
        "{number} is worth {value} {currency}, above {threshold}: someone other than its creator must approve it."
    )


class EmptyOrder(DomainError):
    message = _("{number} has no lines.")


class InvalidLine(DomainError):
    message = _("{detail}")
