"""The volunteer coordination's pages: volunteers (list, detail, forms, status, requirements), the worklist, the
volunteer list's import and export, meetings and trainings with their attendance."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core import staged_import_views as staged
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.staged_import import Files
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show, written_file_response
from lotse.volunteers import volunteer_queries as queries
from lotse.volunteers import volunteer_services as services
from lotse.volunteers.choices import MeetingKind
from lotse.volunteers.models import Meeting, Requirement, Volunteer, VolunteerLanguage
from lotse.volunteers.volunteer_forms import (
    AttendanceForm,
    MeetingCreateForm,
    MeetingFilterForm,
    MeetingForm,
    RequirementCorrectForm,
    RequirementForm,
    StatusForm,
    VolunteerCreateForm,
    VolunteerFilterForm,
    VolunteerForm,
)
from lotse.volunteers.volunteer_import import (
    VOLUNTEER_LIST,
    export_name,
    export_workbook,
    exported_volunteers,
    template_workbook,
)

C = Capability.COORDINATE_VOLUNTEERS
FORM_PAGE = "volunteers/volunteer/form_page.html"
MEETING_FORM_PAGE = "volunteers/volunteer/meeting_form_page.html"


def _view(request: AuthenticatedRequest, record: Volunteer | Meeting) -> None:
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=record, request=request)


# --- Volunteers -------------------------------------------------------------------------------------------------


@capability_required(C)
@require_safe
def volunteer_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    languages = sorted(
        set(
            VolunteerLanguage.objects.filter(volunteer__in=Volunteer.objects.visible_to(user)).values_list(
                "language", flat=True
            )
        )
    )
    form = VolunteerFilterForm(request.GET or None, languages=languages)
    filters = form.values() if request.GET else {}
    listing = queries.volunteer_list(user, filters, request.GET.get("page"), timezone.localdate())
    log_accesses(acting_user=user, action=AccessAction.VIEW, records=listing.page.object_list, request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/volunteer/volunteer_list.html",
        {
            "form": form,
            "listing": listing,
            "page": listing.page,
            "filtered": bool(filters),
            "query_string": query.urlencode(),
        },
    )


@capability_required(C)
@require_http_methods(["GET", "POST"])
def volunteer_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = VolunteerCreateForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.register_volunteer(
            acting_user=user,
            organisation=user.organisation,
            consent_on=form.cleaned_data["consent_on"],
            status=form.cleaned_data["status"],
            languages=form.languages(),
            **form.volunteer_fields(),
        ),
    )
    if saved:
        messages.success(request, _("The volunteer was recorded."))
        return redirect("volunteers:volunteer_detail", pk=saved.result.pk)
    return form_page(
        request,
        form=form,
        title=_("New volunteer"),
        submit=_("Record volunteer"),
        back_url=reverse("volunteers:volunteer_list"),
        template=FORM_PAGE,
    )


@capability_required(C)
@shows_person_data
@require_safe
def volunteer_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    volunteer = get_visible_or_404(
        Volunteer.objects.select_related("municipality", "consent_recorded_by"), request.user, pk=pk
    )
    _view(request, volunteer)
    return render(
        request,
        "volunteers/volunteer/volunteer_detail.html",
        queries.volunteer_page(volunteer, timezone.localdate()),
    )


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = get_visible_or_404(Volunteer, user, pk=pk)
    form = VolunteerForm(request.POST or None, initial=VolunteerForm.initial_for(volunteer))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_volunteer(
            acting_user=user,
            volunteer=volunteer,
            expected_version=form.loaded_version(),
            languages=form.languages(),
            **form.volunteer_fields(),
        ),
        current_version=lambda: Volunteer.objects.get(pk=volunteer.pk).version,
    )
    if saved:
        messages.success(request, _("The volunteer was saved."))
        return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    _view(request, volunteer)
    return form_page(
        request,
        form=form,
        title=_("Edit volunteer"),
        submit=_("Save"),
        back_url=reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
        template=FORM_PAGE,
        volunteer=volunteer,
    )


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def volunteer_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = get_visible_or_404(Volunteer, user, pk=pk)
    form = StatusForm(request.POST or None, initial={"version": volunteer.version, "status": volunteer.status})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.change_status(
            acting_user=user,
            volunteer=volunteer,
            expected_version=form.loaded_version(),
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
        current_version=lambda: Volunteer.objects.get(pk=volunteer.pk).version,
    )
    if saved:
        messages.success(request, _("The status was changed."))
        return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    _view(request, volunteer)
    return form_page(
        request,
        form=form,
        title=_("Change the status of %(name)s") % {"name": volunteer.full_name},
        submit=_("Change status"),
        back_url=reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
        template=FORM_PAGE,
        volunteer=volunteer,
    )


@capability_required(C)
@require_POST
def volunteer_anonymise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    volunteer = get_visible_or_404(Volunteer, request.user, pk=pk)
    if done_or_flash(request, lambda: services.anonymise_volunteer(acting_user=request.user, volunteer=volunteer)):
        messages.success(request, _("The volunteer was anonymised."))
    return redirect("volunteers:volunteer_detail", pk=volunteer.pk)


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def requirement_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = get_visible_or_404(Volunteer, user, pk=pk)
    form = RequirementForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.add_requirement(
            acting_user=user,
            volunteer=volunteer,
            kind=form.cleaned_data["kind"],
            met_on=form.cleaned_data["met_on"],
            note=form.cleaned_data["note"],
        ),
    )
    if saved:
        messages.success(request, _("The requirement was recorded."))
        return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    _view(request, volunteer)
    return form_page(
        request,
        form=form,
        title=_("Record a requirement of %(name)s") % {"name": volunteer.full_name},
        submit=pgettext("button", "Record"),
        back_url=reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
        template=FORM_PAGE,
        volunteer=volunteer,
    )


def _requirement(request: AuthenticatedRequest, pk: int) -> Requirement:
    """A requirement of a volunteer the user may see (a volunteer's requirements are scoped by the volunteer)."""
    visible = Requirement.objects.filter(volunteer__in=Volunteer.objects.visible_to(request.user))
    return get_object_or_404(visible.select_related("volunteer"), pk=pk)


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def requirement_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    requirement = _requirement(request, pk)
    volunteer = requirement.volunteer
    form = RequirementCorrectForm(
        request.POST or None,
        initial={"version": requirement.version, "met_on": requirement.met_on, "note": requirement.note},
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.correct_requirement(
            acting_user=user,
            requirement=requirement,
            expected_version=form.loaded_version(),
            met_on=form.cleaned_data["met_on"],
            note=form.cleaned_data["note"],
        ),
        current_version=lambda: Requirement.objects.get(pk=requirement.pk).version,
    )
    if saved:
        messages.success(request, _("The requirement was corrected."))
        return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    _view(request, volunteer)
    return form_page(
        request,
        form=form,
        title=_("Correct: %(requirement)s") % {"requirement": requirement.get_kind_display()},
        submit=_("Save"),
        back_url=reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
        template=FORM_PAGE,
        volunteer=volunteer,
    )


@capability_required(C)
@require_POST
def requirement_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    volunteer = requirement.volunteer
    if done_or_flash(request, lambda: services.remove_requirement(acting_user=request.user, requirement=requirement)):
        messages.success(request, _("The requirement was removed."))
    return redirect("volunteers:volunteer_detail", pk=volunteer.pk)


@capability_required(C)
@require_safe
def volunteer_worklist(request: AuthenticatedRequest) -> HttpResponse:
    work = queries.worklist(request.user, timezone.localdate())
    shown = {r.volunteer for r in work.renewals} | {v for v, _m in work.missing} | set(work.anonymisation_due)
    log_accesses(
        acting_user=request.user, action=AccessAction.VIEW, records=sorted(shown, key=lambda v: v.pk), request=request
    )
    return render(
        request,
        "volunteers/volunteer/worklist.html",
        {"work": work, "renewal_days": queries.renewal_horizon(timezone.localdate())},
    )


# --- Import and export ------------------------------------------------------------------------------------------


class VolunteerListForm(staged.UploadForm):
    volunteer_list = forms.FileField(
        label=gettext_lazy("List of volunteers"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (separated by semicolons or commas)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt", "class": "form-control"}),
    )

    def clean_volunteer_list(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["volunteer_list"]
        limit = VOLUNTEER_LIST.max_megabytes()
        if (upload.size or 0) > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload

    def files_to_check(self) -> Files:
        upload = self.cleaned_data["volunteer_list"]
        return [(upload.name or "", upload.read())]


@capability_required(C)
@require_http_methods(["GET", "POST"])
def volunteer_import(request: AuthenticatedRequest) -> HttpResponse:
    return staged.upload_page(
        request, VOLUNTEER_LIST, VolunteerListForm, template="volunteers/volunteer/import_upload.html"
    )


(
    volunteer_import_detail,
    volunteer_import_commit,
    volunteer_import_discard,
    volunteer_import_progress,
    volunteer_import_restart,
) = staged.run_views(VOLUNTEER_LIST, C)


@capability_required(C)
@require_safe
def volunteer_import_template(request: AuthenticatedRequest) -> HttpResponse:
    return written_file_response(template_workbook, "ehrenamtliche-vorlage.xlsx")


@capability_required(C)
@require_safe
def volunteer_export(request: AuthenticatedRequest) -> HttpResponse:
    """The organisation's volunteers in the columns of the import (its export is written to the access log)."""
    volunteers = exported_volunteers(request.user.organisation_id)
    log_accesses(acting_user=request.user, action=AccessAction.EXPORT, records=volunteers, request=request)
    return written_file_response(lambda stream: export_workbook(volunteers, stream), export_name())


# --- Meetings and trainings -------------------------------------------------------------------------------------


@capability_required(C)
@require_safe
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET or None)
    filters = form.values() if request.GET else {}
    page = queries.meeting_list(request.user, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/volunteer/meeting_list.html",
        {"form": form, "page": page, "filtered": bool(filters), "query_string": query.urlencode()},
    )


@capability_required(C)
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = MeetingCreateForm(request.POST or None, user=user)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_meeting(acting_user=user, organisation=user.organisation, **form.meeting_fields()),
    )
    if saved:
        messages.success(request, _("The meeting was recorded. Record who attended next."))
        return redirect("volunteers:meeting_attendance", pk=saved.result.pk)
    return form_page(
        request,
        form=form,
        title=_("New meeting or training"),
        submit=pgettext("button", "Record"),
        back_url=reverse("volunteers:meeting_list"),
        template=MEETING_FORM_PAGE,
    )


@capability_required(C)
@shows_person_data
@require_safe
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting.objects.select_related("programme"), request.user, pk=pk)
    _view(request, meeting)
    return render(request, "volunteers/volunteer/meeting_detail.html", queries.meeting_page(meeting))


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = get_visible_or_404(Meeting, user, pk=pk)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting), user=user)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_meeting(
            acting_user=user, meeting=meeting, expected_version=form.loaded_version(), **form.meeting_fields()
        ),
        current_version=lambda: Meeting.objects.get(pk=meeting.pk).version,
        form_kwargs={"user": user},
    )
    if saved:
        messages.success(request, _("The meeting was saved."))
        return redirect("volunteers:meeting_detail", pk=meeting.pk)
    _view(request, meeting)
    return form_page(
        request,
        form=form,
        title=_("Edit meeting or training"),
        submit=_("Save"),
        back_url=reverse("volunteers:meeting_detail", args=[meeting.pk]),
        template=MEETING_FORM_PAGE,
        meeting=meeting,
    )


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = get_visible_or_404(Meeting, user, pk=pk)
    initial = {
        "version": meeting.version,
        "volunteers": list(meeting.volunteers.values_list("pk", flat=True)),
        "newcomers": list(meeting.newcomers.values_list("pk", flat=True)),
    }
    form = AttendanceForm(request.POST or None, initial=initial, meeting=meeting, user=user)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.set_attendance(
            acting_user=user,
            meeting=meeting,
            expected_version=form.loaded_version(),
            volunteers=form.cleaned_data["volunteers"],
            newcomers=form.cleaned_data["newcomers"],
        ),
        current_version=lambda: Meeting.objects.get(pk=meeting.pk).version,
        form_kwargs={"meeting": meeting, "user": user},
    )
    if saved:
        messages.success(request, _("The attendance was saved."))
        return redirect("volunteers:meeting_detail", pk=meeting.pk)
    _view(request, meeting)
    return form_page(
        request,
        form=form,
        title=_("Attendance: %(meeting)s") % {"meeting": meeting},
        intro=_("A training counts as “training attended” for every volunteer recorded here.")
        if meeting.kind == MeetingKind.TRAINING
        else "",
        submit=_("Save attendance"),
        back_url=reverse("volunteers:meeting_detail", args=[meeting.pk]),
        template=MEETING_FORM_PAGE,
        meeting=meeting,
    )
