"""Parsers for CSV cells shared by importers. Each appends a message naming the column and
the value to `problems` and returns None when the cell is bad; an empty cell is None too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import models

TRUE = frozenset({"1", "yes", "y", "true", "t"})
FALSE = frozenset({"0", "no", "n", "false", "f"})
MAX_INTEGER = 2_147_483_647  # PostgreSQL integer


def decimal(
    value: str,
    column: str,
    problems: list[str],
    *,
    places: int,
    max_digits: int = 12,
    positive: bool = False,
) -> Decimal | None:
    """A non-negative decimal that fits a DecimalField(max_digits, places); > 0 if `positive`."""
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(f"{column} '{value}' is not a number")
        return None
    whole = max_digits - places
    if not number.is_finite():
        problems.append(f"{column} '{value}' is not a number")
    elif number < 0:
        problems.append(f"{column} {value} must not be negative")
    elif positive and number == 0:
        problems.append(f"{column} must be more than 0")
    elif number.as_tuple().exponent < -places or abs(number) >= 10**whole:
        problems.append(
            f"{column} {value} has too many digits (at most {whole} before and {places} after the point)"
        )
    else:
        return number
    return None


def integer(value: str, column: str, problems: list[str]) -> int | None:
    """A whole number from 0 to the largest PostgreSQL integer."""
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        problems.append(f"{column} '{value}' is not a whole number")
        return None
    if number < 0:
        problems.append(f"{column} {value} must not be negative")
    elif number > MAX_INTEGER:
        problems.append(f"{column} {value} is too large")
    else:
        return number
    return None


def boolean(
    value: str,
    column: str,
    problems: list[str],
    *,
    default: bool,
    true_words: frozenset[str] = frozenset(),
    false_words: frozenset[str] = frozenset(),
) -> bool | None:
    """yes/no (1/0, true/false, y/n, and any extra words); empty means `default`."""
    text = value.lower()
    if text == "":
        return default
    if text in TRUE | true_words:
        return True
    if text in FALSE | false_words:
        return False
    problems.append(f"{column} '{value}' is not yes or no")
    return None


def choice(
    value: str,
    column: str,
    problems: list[str],
    *,
    choices: type[models.TextChoices],
    default: str = "",
    required: bool = False,
) -> str | None:
    """One of `choices`, by value or label, in any case; empty means `default` unless
    `required`."""
    if value == "" and not required:
        return default
    known = {c.value.lower(): c.value for c in choices} | {
        str(c.label).lower(): c.value for c in choices
    }
    found = known.get(value.lower())
    if found is None:
        problems.append(f"{column} '{value}' is not one of {', '.join(choices.values)}")
    return found


def text(
    value: str, column: str, problems: list[str], *, max_length: int, required: bool = False
) -> str:
    """Free text up to `max_length` characters; empty is "" unless `required`."""
    if required and not value:
        problems.append(f"{column} is empty")
    elif len(value) > max_length:
        problems.append(f"{column} '{value[:20]}…' is longer than {max_length} characters")
    return value


def code(value: str, column: str, problems: list[str], *, max_length: int) -> str:
    """A required code without spaces (codes are typed at scanners and in URLs)."""
    text(value, column, problems, max_length=max_length, required=True)
    if any(ch.isspace() for ch in value):
        problems.append(f"{column} '{value}' contains spaces")
    return value


def claim(
    key: object,
    line: int,
    *,
    existing: object,
    seen: dict,
    problems: list[str],
    exists: str,
    duplicate: str,
) -> bool:
    """Takes `key` for this file line, refusing one already stored or on an earlier line.

    `existing` is anything supporting `in` (a set of keys already in the database); `seen`
    maps the keys taken so far to their line numbers, so the message can point at both lines.
    """
    if key in existing:
        problems.append(exists)
    elif key in seen:
        problems.append(f"{duplicate} (also on line {seen[key]})")
    else:
        seen[key] = line
        return True
    return False
