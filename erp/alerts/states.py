"""The alert's status machine (`erp.transitions`).

    alert   open --acknowledge--> acknowledged (someone is on it)
            open / acknowledged --resolve--> resolved (with a note saying how)
            open / acknowledged --close--> closed itself (the rule no longer finds its cause)

Who may act on an alert is the roles it is routed to (`Alert.roles`), checked by the service;
the table allows every role so that the routing stays the alert's own, except that an owner
(who reads, erp.roles) may acknowledge an alert of its inbox but not resolve it: resolving
says how the cause was dealt with, which is the staff's.
"""

from __future__ import annotations

from erp.alerts.models import AlertStatus as S
from erp.roles import ALL_ROLES, STAFF
from erp.transitions import Machine, transition

CAUSE_GONE = "closed itself: cause gone"

alert_machine = Machine(
    field="status", choices=S, describe=lambda alert: f"Alert #{alert.pk}",
    recorded_as=lambda step: CAUSE_GONE if step.name == "close" else step.name,
    table={
        "acknowledge": transition([S.OPEN], S.ACKNOWLEDGED, ALL_ROLES, label="Acknowledge"),
        "resolve": transition([S.OPEN, S.ACKNOWLEDGED], S.RESOLVED, STAFF, label="Resolve"),
        "close": transition([S.OPEN, S.ACKNOWLEDGED], S.CLOSED, ALL_ROLES, system=True),
    },
)  # fmt: skip
