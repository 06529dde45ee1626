"""The `plain` filter shows exact decimals as written, without padding or exponents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.templatetags.numbers import plain


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
