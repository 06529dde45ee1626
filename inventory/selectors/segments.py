"""Reads of the ABC/XYZ segments (inventory.services.segmentation writes them)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Max, QuerySet, Sum

from inventory.models import AbcClass, Item, ItemSegment, XyzClass


def item_segments(*, tenant) -> QuerySet[ItemSegment]:
    return ItemSegment.objects.filter(tenant=tenant).select_related("item", "site")


def segments_of_item(*, tenant, item: Item) -> list[ItemSegment]:
    return list(
        ItemSegment.objects.filter(tenant=tenant, item=item)
        .select_related("site")
        .order_by("site__code")
    )


def segments_computed_on(*, tenant) -> datetime.date | None:
    """The date the tenant's segments were computed for (None before the first run). A run
    replaces every row in one transaction, so all rows carry the same date."""
    return ItemSegment.objects.filter(tenant=tenant).aggregate(day=Max("computed_on"))["day"]


def segment_matrix(segments: QuerySet[ItemSegment]) -> dict:
    """Rows and consumption value of `segments` (filtered as the page is) per ABC x XYZ cell,
    with totals per ABC class and overall, in one query."""
    cells = {(abc, xyz): {"rows": 0, "value": Decimal(0)} for abc in AbcClass for xyz in XyzClass}
    grouped = (
        segments.order_by()
        .values("abc_class", "xyz_class")
        .annotate(rows=Count("pk"), value=Sum("annual_value"))
    )
    for group in grouped:
        cells[(group["abc_class"], group["xyz_class"])] = {
            "rows": group["rows"],
            "value": group["value"],
        }
    classes = []
    for abc in AbcClass:
        row = [cells[(abc, xyz)] for xyz in XyzClass]
        classes.append(
            {
                "abc": abc.value,
                "cells": row,
                "rows": sum(c["rows"] for c in row),
                "value": sum((c["value"] for c in row), Decimal(0)),
            }
        )
    return {
        "xyz": [x.value for x in XyzClass],
        "classes": classes,
        "rows": sum(c["rows"] for c in classes),
        "value": sum((c["value"] for c in classes), Decimal(0)),
    }
