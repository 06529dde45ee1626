"""The base of every flow's scanner forms: a handheld scanner types characters, then Enter,
so the page steers the cursor from one scan to the next."""

from __future__ import annotations

from django import forms

SCAN = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
# A scan step: Enter in a scanner form moves to the next empty step and submits after the
# last one (static/js/stockline.js). Fields without it are asked for by the server when a
# scan did not carry them (a lot, a quantity), or reached with Tab.
STEP = {**SCAN, "data-scan": "step"}


class ScannerForm(forms.Form):
    """A form a handheld scanner fills (characters, then Enter). The view moves the focus to
    the field to scan next, and a refused scan empties its field and focuses it, so the next
    scan replaces it instead of being appended to it."""

    def focus(self, name: str) -> None:
        """Put the cursor in `name` (and make it a scan step) when the page renders."""
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        if name in self.fields:
            self.fields[name].widget.attrs.update({"autofocus": True, "data-scan": "step"})

    def refuse(self, name: str | None, message: str) -> None:
        """Show `message` on field `name` (emptied and focused), or on the form."""
        if name not in self.fields:
            self.add_error(None, message)
            return
        self.add_error(name, message)
        data = self.data.copy()
        data[self.add_prefix(name)] = ""
        self.data = data
        self.focus(name)

    def fill(self, **values) -> None:
        """Show values read from a scan in the fields still empty (a GS1 label's lot...)."""
        data = self.data.copy()
        for name, value in values.items():
            key = self.add_prefix(name)
            if name in self.fields and value not in (None, "") and not data.get(key):
                data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        self.data = data


def scanned_code(value: str) -> str:
    """A bin or document code as scanned: without a symbology identifier (]C0...)."""
    from inventory.scanning import strip_symbology

    return strip_symbology(value)
