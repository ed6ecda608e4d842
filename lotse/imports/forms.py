from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from lotse.core.models import Organisation, User
from lotse.core.staged_import import Files
from lotse.core.staged_import_views import UploadForm as StagedUploadForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx,.csv,.txt", "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple) and data:  # an empty list is no file: the required check below
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(StagedUploadForm):
    organisation = forms.ModelChoiceField(
        label=_("Import into organisation"),
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    workbook = MultipleFileField(
        label=_("Workbook"),
        help_text=_("An Excel workbook (.xlsx), or one CSV file per sheet named after it (e.g. Personen.csv)."),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"]).queryset = organisations

    def clean_workbook(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["workbook"]
        limit = settings.LOTSE_IMPORT_MAX_MEGABYTES
        if sum(upload.size or 0 for upload in files) > limit * 1024 * 1024:
            raise forms.ValidationError(_("The files are larger than %(limit)s MB together.") % {"limit": limit})
        return files

    def files_to_check(self) -> Files:
        return [(upload.name or "", upload.read()) for upload in self.cleaned_data["workbook"]]

    def organisation_for(self, user: User) -> Organisation:
        """An installation administrator chooses the organisation; everybody else imports into their own."""
        return self.cleaned_data.get("organisation") or user.organisation


class ExportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"]).queryset = organisations
