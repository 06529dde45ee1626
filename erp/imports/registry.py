"""The importers apps register: what a kind of CSV holds and how it is checked and written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from erp.roles import Role


@dataclass(frozen=True)
class Column:
    """A CSV column, explained on the upload page."""

    name: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class PreviewColumn:
    """A column of the preview of a checked file: `value(row)` of one checked row."""

    label: str
    value: Callable[[dict], Any]
    css: str = ""


# check(*, tenant, lines) -> (rows, errors): reads every line, writes nothing. An error is
# {"line": <file line number>, "message": <text naming the cell>}.
CheckFunction = Callable[..., tuple[list[dict], list[dict]]]
# write(*, tenant, job, rows, progress) -> how many records it made; progress(done) reports.
WriteFunction = Callable[..., int]


@dataclass(frozen=True)
class Importer:
    kind: str  # "<app>.<things>", stored on every ImportJob
    label: str  # "Bins": page titles and the list of recent imports
    noun: str  # "bin"
    noun_plural: str  # "bins"
    columns: tuple[Column, ...]
    check: CheckFunction
    write: WriteFunction
    roles: frozenset[Role]  # who may upload and start; the pages take the same roles
    url_name: str  # the upload page; the detail and start pages add "_detail" / "_start"
    done_url_name: str  # where the imported records are listed
    preview: tuple[PreviewColumn, ...] = ()
    example: str = ""  # a short CSV shown on the upload page
    notes: tuple[str, ...] = ()  # rules that span columns, shown on the upload page

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> set[str]:
        return {c.name for c in self.columns if c.required}

    @property
    def detail_url_name(self) -> str:
        return f"{self.url_name}_detail"

    @property
    def start_url_name(self) -> str:
        return f"{self.url_name}_start"

    @property
    def resume_url_name(self) -> str:
        return f"{self.url_name}_resume"

    def count(self, n: int) -> str:
        return f"{n} {self.noun if n == 1 else self.noun_plural}"


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make `importer` available under its kind (call from the owning app's `ready()`)."""
    existing = _importers.get(importer.kind)
    if existing is not None and existing is not importer:
        raise ImproperlyConfigured(f"Two importers registered for kind {importer.kind!r}.")
    _importers[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    try:
        return _importers[kind]
    except KeyError:
        raise ImproperlyConfigured(
            f"No importer registered for kind {kind!r}; register it in its app's ready()."
        ) from None


def importers() -> list[Importer]:
    return sorted(_importers.values(), key=lambda i: i.kind)
