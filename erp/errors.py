"""The base of every error a service raises on purpose (STYLE.md, "Errors").

A `DomainError` keeps its facts as attributes and renders a translated message naming them,
so views can show `str(exc)` as is and tests can assert on the facts.
"""

from __future__ import annotations

import contextlib

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    message: str = _("The request could not be carried out.")

    def __init__(self, message: str | None = None, **facts):
        self.facts = facts
        for key, value in facts.items():
            setattr(self, key, value)
        text = message if message is not None else str(self.message)
        with contextlib.suppress(KeyError, IndexError):  # a message without those facts
            text = text.format(**facts)
        super().__init__(text)


class RoleRequired(DomainError):
    message = _("This action needs one of these roles: {roles}.")

    def __init__(self, *, roles: list[str]):
        super().__init__(roles=", ".join(roles))


class InvalidTransition(DomainError):
    message = _("{document} cannot go from {current} to {target}.")


class ImportNotReady(DomainError):
    message = _("This import is {status}; only a checked file without errors can be imported.")


class ImportNotInterrupted(DomainError):
    message = _("This import is {status}; only an interrupted import can be resumed.")


class ImportStillRunning(DomainError):
    message = _("A worker is still at this import; it cannot be resumed while it runs.")


class ImportNotYours(DomainError):
    message = _("Only the person who uploaded this file, or an admin, can resume it.")


class AlreadyMember(DomainError):
    message = _("{email} is already a member of {tenant}.")


class AlertNoteRequired(DomainError):
    message = _("Say how the alert was resolved: a note is required.")


class AlertNotForRole(DomainError):
    message = _("This alert is for {roles}; your role does not see it.")


class ExportNotAvailable(DomainError):
    message = _("{reason}")
