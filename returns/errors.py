from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class ReturnsError(DomainError):
    """Input the desk or the floor must fix, said in full; `field` names the scanner field to
    scan again when there is one."""

    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


class NotShipped(ReturnsError):
    """A lot, serial or quantity the customer was never sent."""


class SegregationOfDuties(ReturnsError):
    """The approver of a credit is its requester, or lacks the finance role it needs."""
