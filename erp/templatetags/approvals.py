"""`{% load approvals %}{% approval requested_by requested_at approved_by approved_at %}`: the
one line every approved document shows, "Requested by X on d — Approved by Y on d", and
whether two different people did (segregation of duties). `requested_by` may be a list of
users or of count rounds (a count's counters): the approver must be none of them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("components/_approval.html")
def approval(
    requested_by, requested_at, approved_by, approved_at, requested="Requested",
    approved="Approved",
) -> dict:  # fmt: skip
    people = requested_by if hasattr(requested_by, "__iter__") else [requested_by]
    # A count's rounds stand for their counters.
    requesters = []
    for person in people:
        person = getattr(person, "counter", person)
        if person is not None and all(person.pk != r.pk for r in requesters):
            requesters.append(person)
    return {
        "requesters": requesters,
        "requested_at": requested_at,
        "approved_by": approved_by,
        "approved_at": approved_at,
        "requested": requested,
        "approved": approved,
        "separate": approved_by is not None and all(u.pk != approved_by.pk for u in requesters),
    }
