"""Postal addresses laid out as each country's post expects them on a label or document.

Stored addresses have the same fields everywhere (lines, city, region, postal code, ISO country
code); only their arrangement differs. The country line is left off when the address is in the
sender's country and printed as the country's name in capitals otherwise (the UPU's rule for
international mail)."""

from __future__ import annotations

# Countries whose post writes "city region postal code" on one line.
CITY_REGION_POSTAL = {"US": ", ", "CA": " ", "AU": " "}
# Countries whose post writes "postal code city" (region, where used, on its own line or not at all).
POSTAL_CITY = {
    "AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GR", "HR", "HU", "IS", "LU",
    "MX", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "TR",
}  # fmt: skip
# Where the region is not part of the address at all (it would only confuse the sorting).
NO_REGION = {"DE", "AT", "CH", "FR", "NL", "BE", "LU", "DK", "SE", "NO", "FI", "PL", "CZ", "SK"}

COUNTRY_NAMES = {
    "AR": "Argentina", "AT": "Austria", "AU": "Australia", "BE": "Belgium", "BR": "Brazil",
    "CA": "Canada", "CH": "Switzerland", "CL": "Chile", "CN": "China", "CO": "Colombia",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GR": "Greece", "HK": "Hong Kong",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IL": "Israel", "IN": "India",
    "IS": "Iceland", "IT": "Italy", "JP": "Japan", "KR": "South Korea", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "MX": "Mexico", "NL": "Netherlands", "NO": "Norway",
    "NZ": "New Zealand", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden",
    "SG": "Singapore", "SI": "Slovenia", "SK": "Slovakia", "TR": "Türkiye", "TW": "Taiwan",
    "UA": "Ukraine", "US": "United States", "ZA": "South Africa",
}  # fmt: skip


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())


def postal_lines(
    *, line1: str = "", line2: str = "", city: str = "", region: str = "",
    postal_code: str = "", country: str = "", sender_country: str = "",
) -> list[str]:  # fmt: skip
    """The address below the addressee's name, one printed line each, empty parts left out.

    US "Chicago, IL 60601", CA "Toronto ON M5V 2T6", AU "Sydney NSW 2000"; GB the town, then
    the postcode on its own line; most of Europe "60601 City"; elsewhere the city, the region
    and the postal code on lines of their own. The country as a name in capitals when it is
    not `sender_country` (or no sender country is known)."""
    country = (country or "").strip().upper()
    city, region, postal_code = city.strip(), region.strip(), postal_code.strip()
    out = [line1.strip(), line2.strip()]
    if country in CITY_REGION_POSTAL:
        place = CITY_REGION_POSTAL[country].join(part for part in [city, region] if part)
        out.append(" ".join(part for part in [place, postal_code] if part))
    elif country in ("GB", "IE"):
        out += [city.upper() if country == "GB" else city, region, postal_code.upper()]
    elif country == "IT":  # "00144 Roma RM": the province's code after the city
        out.append(" ".join(part for part in [postal_code, city, region] if part))
    elif country in POSTAL_CITY:
        out.append(" ".join(part for part in [postal_code, city] if part))
        if country not in NO_REGION:
            out.append(region)
    else:
        out += [city, region, postal_code]
    if country and country != (sender_country or "").strip().upper():
        out.append(country_name(country).upper())
    return [line for line in out if line]
