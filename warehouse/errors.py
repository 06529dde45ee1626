from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class WarehouseError(DomainError):
    """Input the floor must fix (wrong bin, closed order, missing lot...), said in full."""

    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


class ReceivingError(WarehouseError):
    pass
