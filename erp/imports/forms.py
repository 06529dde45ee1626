from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 CSV with a header row; see the columns below.")
    )

    def clean_file(self) -> dict:
        """The upload as {"name", "text"}: UTF-8 text (a BOM is dropped), not empty."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB."),
                params={"mb": settings.IMPORT_MAX_BYTES // 1_048_576},
            )
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _(
                    "The file is not UTF-8 text (byte %(pos)s). Save it as 'CSV UTF-8' and try again."
                ),
                params={"pos": exc.start},
            ) from exc
        if "\x00" in text:
            raise forms.ValidationError(_("The file is not a CSV text file."))
        if not text.strip():
            raise forms.ValidationError(_("The file is empty."))
        return {"name": upload.name, "text": text}
