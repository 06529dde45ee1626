"""Errors the orders services raise on purpose (STYLE.md, "Errors"). The order-entry errors
(`OrderError`, `CreditHold`) live beside their service in `orders.services.sales_orders`."""

from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class DuplicateCustomer(DomainError):
    message = _("Customer {code} already exists.")


class InvalidCustomer(DomainError):
    message = _("{detail}")


class DefaultShipToRequired(DomainError):
    message = _(
        "{customer} needs one default ship-to: mark another address as the default instead."
    )


class ShipToOfAnotherCustomer(DomainError):
    message = _("That ship-to address belongs to {owner}, not {customer}.")


class NothingToRelease(DomainError):
    message = _("Tick at least one allocated order to release to the warehouse.")


class ShipsMoreThanPicked(DomainError):
    message = _("{reference} ships more {sku} than was picked.")
