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


class InvalidSupplierItem(DomainError):
    """Facts: sku, supplier, detail (which term is wrong and why)."""

    message = _("{sku} from {supplier}: {detail}")


class PreferredTaken(DomainError):
    message = _(
        "Another supplier of {sku} was marked preferred at the same moment; reload the page and "
        "try again."
    )


class DuplicatePriceBreak(DomainError):
    message = _(
        "{sku} from {supplier} already has a price break at {quantity}; remove it first to "
        "change its price."
    )


class PlanningRunning(DomainError):
    message = _("A planning run is already under way; its suggestions will replace these.")


class SuggestionNotOpen(DomainError):
    message = _("{item} at {site} was {status} already; reload the page.")


class InvalidSuggestion(DomainError):
    message = _("{detail}")


class NoTransferMaker(DomainError):
    message = _("Transfers cannot be made here: the warehouse app is not installed.")
