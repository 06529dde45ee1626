"""Addresses laid out as each country's post writes them."""

from __future__ import annotations

from erp.addresses import postal_lines


def test_a_us_address_puts_city_state_and_zip_on_one_line():
    lines = postal_lines(
        line1="233 S Wacker Dr", city="Chicago", region="IL", postal_code="60601",
        country="US", sender_country="US",
    )  # fmt: skip
    assert lines == ["233 S Wacker Dr", "Chicago, IL 60601"]


def test_the_country_is_named_in_capitals_when_it_is_not_the_senders():
    lines = postal_lines(
        line1="233 S Wacker Dr", city="Chicago", region="IL", postal_code="60601",
        country="us", sender_country="DE",
    )  # fmt: skip
    assert lines == ["233 S Wacker Dr", "Chicago, IL 60601", "UNITED STATES"]
    # No sender country known: printed too.
    assert postal_lines(city="Chicago", region="IL", postal_code="60601", country="US")[-1] == (
        "UNITED STATES"
    )


def test_a_canadian_address_puts_province_and_postal_code_after_the_city():
    lines = postal_lines(
        line1="290 Bremner Blvd", city="Toronto", region="ON", postal_code="M5V 3L9",
        country="CA", sender_country="CA",
    )  # fmt: skip
    assert lines == ["290 Bremner Blvd", "Toronto ON M5V 3L9"]


def test_a_british_address_puts_the_postcode_on_its_own_line():
    lines = postal_lines(
        line1="10 Downing Street", city="London", postal_code="sw1a 2aa", country="GB",
        sender_country="US",
    )  # fmt: skip
    assert lines == ["10 Downing Street", "LONDON", "SW1A 2AA", "UNITED KINGDOM"]


def test_continental_addresses_put_the_postal_code_before_the_city():
    german = postal_lines(
        line1="Unter den Linden 1", city="Berlin", region="Berlin", postal_code="10117",
        country="DE", sender_country="DE",
    )  # fmt: skip
    assert german == ["Unter den Linden 1", "10117 Berlin"]
    french = postal_lines(
        line1="5 Av. Anatole France", city="Paris", postal_code="75007", country="FR",
        sender_country="DE",
    )  # fmt: skip
    assert french == ["5 Av. Anatole France", "75007 Paris", "FRANCE"]
    assert postal_lines(city="Amsterdam", postal_code="1012 JS", country="NL", sender_country="NL") == ["1012 JS Amsterdam"]  # fmt: skip
    assert postal_lines(city="Madrid", region="Madrid", postal_code="28013", country="ES", sender_country="ES") == ["28013 Madrid", "Madrid"]  # fmt: skip
    assert postal_lines(city="Roma", region="RM", postal_code="00184", country="IT", sender_country="IT") == ["00184 Roma RM"]  # fmt: skip


def test_other_countries_print_city_region_and_postal_code_on_lines_of_their_own():
    lines = postal_lines(
        line1="1-1 Chiyoda", city="Chiyoda-ku", region="Tokyo", postal_code="100-0001",
        country="JP", sender_country="US",
    )  # fmt: skip
    assert lines == ["1-1 Chiyoda", "Chiyoda-ku", "Tokyo", "100-0001", "JAPAN"]
    # An unknown code prints as given; empty parts leave no empty lines.
    assert postal_lines(city="Atlantis", country="QQ", sender_country="US") == ["Atlantis", "QQ"]
    assert postal_lines(city="Springfield", region="IL", country="US", sender_country="US") == [
        "Springfield, IL"
    ]
