"""Number and date formats of every page: `plain` for inputs (exact, no grouping), and the
display filters for quantities, money, prices, percentages and dates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from erp.formats import tenant_formats
from erp.templatetags.numbers import day, moment, money, percent, plain, price, qty


@pytest.mark.parametrize(
    "value,text",
    [
        (Decimal("12.5000"), "12.5"),
        (Decimal("100"), "100"),
        (Decimal("100.0000"), "100"),
        (Decimal("-3.000"), "-3"),
        (Decimal("0.000001"), "0.000001"),
        (Decimal("-0.0000"), "0"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_plain_decimals(value, text):
    assert plain(value) == text


# Every page formats through these (erp.numbers, the `numbers` filters): quantities exact and
# grouped, money to the cent with its currency, percentages exact.


@pytest.mark.parametrize(
    "value,unit,text",
    [
        (Decimal("242.4000"), "", "242.4"),
        (Decimal("1230.0000"), "", "1,230"),
        (Decimal("24.4800"), "kg", "24.48 kg"),
        (Decimal("1234567.125"), "EA", "1,234,567.125 EA"),
        (Decimal("-1500.5000"), "", "-1,500.5"),
        (Decimal("100"), "", "100"),
        (Decimal("0.0000"), "", "0"),
        (Decimal("-0.0000"), "", "0"),
        (7, "", "7"),
        (None, "", "—"),
    ],
)
def test_quantities_are_exact_grouped_and_in_their_unit(value, unit, text):
    assert qty(value, unit) == text


@pytest.mark.parametrize(
    "value,currency,text",
    [
        (Decimal("1230"), "USD", "1,230.00 USD"),
        (Decimal("1230.005"), "EUR", "1,230.01 EUR"),
        (Decimal("-0.004"), "USD", "0.00 USD"),
        (Decimal("-2500.5"), "GBP", "-2,500.50 GBP"),
        (Decimal("0.5"), "USD", "0.50 USD"),
        (None, "USD", "—"),
    ],
)
def test_money_is_to_the_cent_with_its_currency(value, currency, text):
    assert money(value, currency) == text


@pytest.mark.parametrize(
    "value,text",
    [
        (Decimal("12.500000"), "12.50 USD"),
        (Decimal("12.345000"), "12.345 USD"),
        (Decimal("1234.1234565"), "1,234.123457 USD"),
        (Decimal("3"), "3.00 USD"),
    ],
)
def test_unit_prices_keep_their_precision_but_never_fewer_than_cents(value, text):
    assert price(value, "USD") == text


@pytest.mark.parametrize(
    "value,text",
    [(Decimal("2.50"), "2.5%"), (Decimal("10.00"), "10%"), (Decimal("0"), "0%"), (None, "—")],
)
def test_percentages_are_exact(value, text):
    assert percent(value) == text


def test_money_without_a_currency_takes_the_active_tenants():
    eur = SimpleNamespace(currency="EUR", date_format="d/m/Y", time_zone="Europe/Berlin")
    with tenant_formats(eur):
        assert money(Decimal("1230")) == "1,230.00 EUR"
        assert price(Decimal("0.125")) == "0.125 EUR"
        # A document in another currency keeps its own.
        assert money(Decimal("99"), "USD") == "99.00 USD"


def test_dates_follow_the_tenants_format_and_time_zone():
    moment_utc = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    berlin = SimpleNamespace(currency="EUR", date_format="d.m.Y", time_zone="Europe/Berlin")
    with tenant_formats(berlin):
        # 23:30 UTC is half past midnight the next day in Berlin.
        assert moment(moment_utc) == "01.12.2026 00:30"
        assert day(moment_utc) == "01.12.2026"
        assert day(datetime.date(2026, 3, 9)) == "09.03.2026"
    chicago = SimpleNamespace(currency="USD", date_format="m/d/Y", time_zone="America/Chicago")
    with tenant_formats(chicago):
        assert moment(moment_utc) == "11/30/2026 17:30"


def test_templates_format_without_loading_anything():
    """The filters are builtins, so a page never falls back to padding or floatformat."""
    usd = SimpleNamespace(currency="USD", date_format="Y-m-d", time_zone="UTC")
    template = Template(
        "{{ q|qty:'kg' }} · {{ total|money }} · {{ po_total|money:'EUR' }} · {{ pct|percent }}"
    )
    with tenant_formats(usd):
        text = template.render(
            Context(
                {
                    "q": Decimal("24.4800"),
                    "total": Decimal("1230"),
                    "po_total": Decimal("5.5"),
                    "pct": Decimal("2.50"),
                }
            )
        )
    assert text == "24.48 kg · 1,230.00 USD · 5.50 EUR · 2.5%"
