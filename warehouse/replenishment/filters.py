from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from inventory.models import Site
from warehouse.models import PickFace


class PickFaceFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="bin__site", queryset=Site.objects.none(), empty_label=_("Any site")
    )
    bin = django_filters.CharFilter(field_name="bin__code", lookup_expr="istartswith")
    item = django_filters.CharFilter(field_name="item__sku", lookup_expr="istartswith")

    class Meta:
        model = PickFace
        fields = ["site", "bin", "item"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = Site.objects.filter(tenant=request.tenant, is_active=True)
