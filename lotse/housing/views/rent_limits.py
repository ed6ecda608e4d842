"""The county's rent limits: one page for all municipalities (every signed-in user reads it), a municipality's
entries, and for the district office the forms to enter a new set of limits and correct an entry, the import
through the staged-import lifecycle and the export in the same columns. No personal data."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lotse.core import staged_import_views as staged
from lotse.core.access import Capability, capability_required, signed_in
from lotse.core.audit import shows_no_person_data
from lotse.core.models import Municipality
from lotse.core.staged_import import Files
from lotse.core.web import AuthenticatedRequest, form_page, save_or_show, written_file_response
from lotse.housing import offer_queries as queries
from lotse.housing import rent_limit_services as services
from lotse.housing.models import RentLimit
from lotse.housing.offer_forms import RentLimitCorrectForm, RentLimitFilterForm, RentLimitSetForm
from lotse.housing.rent_limit_import import (
    RENT_LIMIT_LIST,
    export_name,
    export_rows,
    template_workbook,
    write_workbook,
)
from lotse.housing.rent_limit_services import HOUSEHOLD_SIZES

K = Capability.KEEP_RENT_LIMITS
FORM_PAGE = "housing/rent_limit_form_page.html"


def district_office_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Beyond the capability: only the keepers of a Landratsamt (403 for the housing staff of other organisations)."""

    @functools.wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not services.keeps_rent_limits(request.user):
            raise PermissionDenied(_("Only the district office keeps the rent limits."))
        return view(request, *args, **kwargs)

    return wrapped


@signed_in
@require_safe
def rent_limits(request: AuthenticatedRequest) -> HttpResponse:
    form = RentLimitFilterForm(request.GET or None)
    filters = form.values() if request.GET else {}
    on = filters.get("on") or timezone.localdate()
    rows = queries.rent_limit_table(on, filters.get("q", ""))
    return render(
        request,
        "housing/rent_limits.html",
        {
            "form": form,
            "rows": rows,
            "on": on,
            "sizes": list(HOUSEHOLD_SIZES),
            "keeps": services.keeps_rent_limits(request.user),
            "missing": sum(1 for row in rows if not row.complete),
        },
    )


@signed_in
@shows_no_person_data
@require_safe
def rent_limit_municipality(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "housing/rent_limit_municipality.html",
        {
            "municipality": municipality,
            "limits": queries.limit_history(municipality),
            "keeps": services.keeps_rent_limits(request.user),
        },
    )


@capability_required(K)
@district_office_only
@require_http_methods(["GET", "POST"])
def rent_limit_set(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    initial: dict[str, Any] = {}
    if chosen := request.GET.get("municipality"):
        initial["municipalities"] = [chosen]
    form = RentLimitSetForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.set_limits(
            acting_user=user,
            municipalities=form.cleaned_data["municipalities"],
            valid_from=form.cleaned_data["valid_from"],
            limits=form.limits(),
        ),
    )
    if saved:
        count = len(form.cleaned_data["municipalities"])
        messages.success(
            request,
            ngettext(
                "The limits were entered for %(count)s municipality.",
                "The limits were entered for %(count)s municipalities.",
                count,
            )
            % {"count": count},
        )
        return redirect(f"{reverse('housing:rent_limits')}?on={form.cleaned_data['valid_from']:%Y-%m-%d}")
    return form_page(
        request,
        form=form,
        title=_("Enter new rent limits"),
        submit=_("Enter limits"),
        back_url=reverse("housing:rent_limits"),
        intro=_(
            "The limits apply from the date given until the next limits of the same municipality and household "
            "size. Choose several municipalities to enter the limits of a comparison area at once. Households "
            "larger than the largest size entered get its limit plus the step between the two largest sizes per "
            "further person."
        ),
        template="housing/rent_limit_set.html",
    )


@capability_required(K)
@district_office_only
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def rent_limit_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    limit = get_object_or_404(RentLimit.objects.select_related("municipality"), pk=pk)
    form = RentLimitCorrectForm(
        request.POST or None,
        initial={
            "version": limit.version,
            "max_gross_cold_rent": limit.max_gross_cold_rent,
            "max_living_space": limit.max_living_space,
        },
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.correct_limit(
            acting_user=user,
            limit=limit,
            expected_version=form.loaded_version(),
            max_gross_cold_rent=form.cleaned_data["max_gross_cold_rent"],
            max_living_space=form.cleaned_data["max_living_space"],
        ),
        current_version=lambda: RentLimit.objects.get(pk=limit.pk).version,
    )
    if saved:
        messages.success(request, _("The limit was corrected."))
        return redirect("housing:rent_limit_municipality", pk=limit.municipality_id)
    return form_page(
        request,
        form=form,
        title=_("Correct the limit of %(municipality)s for %(size)s persons from %(date)s")
        % {
            "municipality": limit.municipality.name,
            "size": limit.household_size,
            "date": limit.valid_from.strftime("%d.%m.%Y"),
        },
        submit=_("Save"),
        back_url=reverse("housing:rent_limit_municipality", args=[limit.municipality_id]),
        template=FORM_PAGE,
        municipality=limit.municipality,
    )


# --- Import and export ------------------------------------------------------------------------------------------


class RentLimitListForm(staged.UploadForm):
    limit_list = forms.FileField(
        label=gettext_lazy("List of rent limits"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (separated by semicolons or commas)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt", "class": "form-control"}),
    )

    def clean_limit_list(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["limit_list"]
        limit = RENT_LIMIT_LIST.max_megabytes()
        if (upload.size or 0) > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload

    def files_to_check(self) -> Files:
        upload = self.cleaned_data["limit_list"]
        return [(upload.name or "", upload.read())]


@capability_required(K)
@district_office_only
@require_http_methods(["GET", "POST"])
def rent_limit_import(request: AuthenticatedRequest) -> HttpResponse:
    return staged.upload_page(
        request, RENT_LIMIT_LIST, RentLimitListForm, template="housing/rent_limit_import_upload.html"
    )


_runs = staged.run_views(RENT_LIMIT_LIST, K)
rent_limit_import_detail = district_office_only(_runs.detail)
rent_limit_import_commit = district_office_only(_runs.commit)
rent_limit_import_discard = district_office_only(_runs.discard)
rent_limit_import_progress = district_office_only(_runs.progress)
rent_limit_import_restart = district_office_only(_runs.restart)


@capability_required(K)
@district_office_only
@require_safe
def rent_limit_import_template(request: AuthenticatedRequest) -> HttpResponse:
    return written_file_response(template_workbook, "mietobergrenzen-vorlage.xlsx")


@signed_in
@require_safe
def rent_limit_export(request: AuthenticatedRequest) -> HttpResponse:
    """Every entry in the columns of the import (no personal data: every signed-in user may download it)."""
    limits = list(queries.exported_limits())
    return written_file_response(lambda stream: write_workbook(export_rows(limits), stream), export_name())
