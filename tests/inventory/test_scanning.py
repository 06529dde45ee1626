"""What scanners send, read the way a handheld sends it: AIM symbology identifiers in front
(]E0 for EAN-13/UPC-A, ]E4 for EAN-8, ]C1 GS1-128, ]e0 DataBar, ]d2 GS1 DataMatrix, ]Q3 GS1
QR, ]C0 plain Code 128), fields separated by GS (ASCII 29) or by the visible stand-ins some
keyboard-wedge set-ups type instead."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory import scanning
from inventory.scanning import parse_scan, resolve_item
from tests.factories import ItemFactory, ItemUnitFactory

GTIN13 = "9501101530003"  # EAN-13 with its check digit
GTIN14 = "09501101530003"
UPC_A = "036000291452"  # UPC-A, sent as 13 digits (leading 0) by an EAN-13 reader
GS = "\x1d"
# A lot-tracked carton label: GTIN, expiry 2030-06-30, lot, serial, count 12.
ELEMENTS = f"01{GTIN14}17300630" + f"10L-2030-06{GS}21SN-77{GS}3712"


@pytest.mark.parametrize("prefix", ["]E0", ""])
def test_ean13_with_or_without_its_symbology_identifier_is_a_gtin(prefix):
    scan = parse_scan(prefix + GTIN13)
    assert scan.gtin == GTIN14
    assert scan.raw == GTIN13


@pytest.mark.parametrize("code", ["]E0" + "0" + UPC_A, "]E0" + UPC_A, "]E4" + "96385074"])
def test_upc_a_and_ean8_with_symbology_identifiers_are_gtins(code):
    scan = parse_scan(code)
    body = code[3:]
    assert scan.gtin == body.zfill(14)
    assert scan.raw == body


@pytest.mark.parametrize("prefix", ["]C1", "]e0", "]d2", "]Q3"])
def test_gs1_symbologies_fill_every_field(prefix):
    scan = parse_scan(prefix + ELEMENTS)
    assert scan.gtin == GTIN14
    assert scan.lot == "L-2030-06"
    assert scan.expiry == datetime.date(2030, 6, 30)
    assert scan.serial == "SN-77"
    assert scan.count == Decimal(12)


def test_ai_30_is_a_count_too():
    scan = parse_scan(f"]C101{GTIN14}10L1{GS}306")
    assert scan.lot == "L1" and scan.count == Decimal(6)


@pytest.mark.parametrize("separator", ["\u241d", "<GS>"])
def test_visible_stand_ins_for_gs_separate_fields_like_gs(separator):
    scan = parse_scan("]C1" + ELEMENTS.replace(GS, separator))
    assert (scan.lot, scan.serial, scan.count) == ("L-2030-06", "SN-77", Decimal(12))


def test_gs1_without_identifier_still_parses_with_gs():
    scan = parse_scan(ELEMENTS)
    assert (scan.gtin, scan.lot, scan.serial) == (GTIN14, "L-2030-06", "SN-77")


def test_gs1_human_readable_form_behind_an_identifier():
    scan = parse_scan(f"]Q3(01){GTIN14}(10)L-9")
    assert scan.gtin == GTIN14 and scan.lot == "L-9"


@pytest.mark.parametrize(
    "text,raw",
    [("]C0P-01-02", "P-01-02"), ("]A0COFFEE-1", "COFFEE-1"), ("COFFEE-1", "COFFEE-1"), ("  P-01 ", "P-01")],
)  # fmt: skip
def test_plain_codes_lose_their_identifier_and_stay_raw(text, raw):
    scan = parse_scan(text)
    assert scan.raw == raw and scan.gtin is None and not scan.is_gs1
    assert scanning.strip_symbology(text) == raw


@pytest.mark.django_db
def test_an_ean13_with_aim_prefix_finds_its_item(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    ItemUnitFactory(item=item, code="case", factor=12, gtin=GTIN13)
    with tenant_context(tenant_a):
        found, unit, scan = resolve_item(tenant=tenant_a, text="]E0" + GTIN13)
    assert found == item and unit == "case" and scan.gtin == GTIN14


@pytest.mark.django_db
def test_a_sku_behind_a_code128_identifier_finds_its_item(tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="TEA-100P")
    with tenant_context(tenant_a):
        found, unit, _ = resolve_item(tenant=tenant_a, text="]C0tea-100p")
    assert found == item and unit is None
