"""Info sheets "Ansprechpartner und Beratungsangebote": the list, the editor, the PDF, printing from a case.

Every signed-in user sees the list and prints a sheet (accommodation staff hand
it out at each assignment); the network editors write the blocks and choose the
actors; caseworkers print it from a case in the client's language.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.cases.models import Case
from lotse.core.access import Capability, capability_required, get_visible_or_404, signed_in
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import ConcurrentEditError, log_access
from lotse.core.web import (
    AuthenticatedRequest,
    add_errors,
    done_or_flash,
    file_response,
    form_after_conflict,
    form_page,
    save_or_show,
)
from lotse.network import pdf, queries, sheet_services
from lotse.network.choices import MASTER_LANGUAGE, SheetLanguage, direction
from lotse.network.models import InfoSheet, InfoSheetBlock, InfoSheetText
from lotse.network.sheet_forms import SheetActorsForm, SheetCreateForm, TextForm, TranslationForm

LANGUAGE_LABELS = dict(SheetLanguage.choices)
FORM_PAGE = "network/sheets/form_page.html"


# --- fetching --------------------------------------------------------------------------------------------


def _sheet(request: AuthenticatedRequest, pk: int) -> InfoSheet:
    return get_visible_or_404(InfoSheet.objects.select_related("municipality"), request.user, pk=pk)


def _block(sheet: InfoSheet, block_pk: int) -> InfoSheetBlock:
    block = InfoSheetBlock.objects.filter(sheet=sheet, pk=block_pk).first()
    if block is None:
        raise Http404
    block.sheet = sheet
    return block


def _language(code: str) -> str:
    if code not in SheetLanguage.values:
        raise Http404
    return code


def sheet_form_page(
    request: AuthenticatedRequest,
    sheet: InfoSheet,
    form: Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
    template: str = FORM_PAGE,
    **context: Any,
) -> HttpResponse:
    """A form about one info sheet: its breadcrumb, and cancel leads back to the sheet's editor."""
    return form_page(
        request,
        sheet=sheet,
        form=form,
        title=title,
        submit=submit,
        back_url=reverse("network:sheet_detail", args=[sheet.pk]),
        intro=intro,
        template=template,
        **context,
    )


# --- the list --------------------------------------------------------------------------------------------


@signed_in
@require_safe
def sheet_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "network/sheets/sheet_list.html", queries.sheet_list_page(request.user))


@capability_required(Capability.EDIT_NETWORK)
@require_http_methods(["GET", "POST"])
def sheet_create(request: AuthenticatedRequest) -> HttpResponse:
    form = SheetCreateForm(request.POST or None, municipalities=queries.municipalities_without_sheet())
    form, saved = save_or_show(
        request,
        form,
        lambda: sheet_services.create_sheet(acting_user=request.user, municipality=form.cleaned_data["municipality"]),
    )
    if saved:
        sheet = saved.result
        messages.success(
            request,
            _("The info sheet of %(municipality)s was created. Add its text blocks and choose its actors.")
            % {"municipality": sheet.municipality.name},
        )
        return redirect("network:sheet_detail", pk=sheet.pk)
    return form_page(
        request,
        sheet=None,
        form=form,
        title=_("New info sheet"),
        submit=_("Create info sheet"),
        back_url=reverse("network:sheet_list"),
        intro=_("Each municipality has one info sheet “Contacts and counselling services”, printed in every language."),
        template=FORM_PAGE,
    )


# --- the editor ------------------------------------------------------------------------------------------


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_safe
def sheet_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render(request, "network/sheets/sheet_detail.html", queries.sheet_editor_page(_sheet(request, pk)))


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def sheet_actors(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    listed = set(sheet.actors.values_list("pk", flat=True))
    choosable = queries.choosable_actors(listed)
    initial = {"actors": sorted(listed), "version": sheet.version}
    form = SheetActorsForm(request.POST or None, initial=initial, choosable=choosable)

    def current_version() -> int:
        nonlocal listed
        current = InfoSheet.objects.get(pk=sheet.pk)
        listed = set(current.actors.values_list("pk", flat=True))
        return current.version

    form, saved = save_or_show(
        request,
        form,
        lambda: sheet_services.set_actors(
            acting_user=request.user,
            sheet=sheet,
            actors=form.cleaned_data["actors"],
            expected_version=form.cleaned_data["version"] or 0,
        ),
        current_version=current_version,
        form_kwargs={"choosable": choosable},
    )
    if saved:
        messages.success(request, _("The actors of the info sheet were saved."))
        return redirect("network:sheet_detail", pk=sheet.pk)
    chosen = {str(value) for value in (form["actors"].value() or [])}
    return sheet_form_page(
        request,
        sheet,
        form,
        title=_("Actors on the info sheet"),
        submit=_("Save actors"),
        intro=_(
            "The sheet is handed to the public: only published actors can be chosen. They are printed by category "
            "with their address, phone, e-mail, website, opening hours and languages of counselling."
        ),
        template="network/sheets/sheet_actors.html",
        groups=queries.choice_groups(choosable, chosen, listed),
    )


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def block_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    form = TextForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: sheet_services.add_block(
            acting_user=request.user, sheet=sheet, heading=form.cleaned_data["heading"], body=form.cleaned_data["body"]
        ),
    )
    if saved:
        messages.success(request, _("The text block was added. Its translations can be written now."))
        return redirect("network:sheet_detail", pk=sheet.pk)
    return sheet_form_page(
        request,
        sheet,
        form,
        title=_("New text block"),
        submit=_("Add text block"),
        intro=_("Write the block in German first: the German text is the original of every translation."),
    )


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def block_edit(request: AuthenticatedRequest, pk: int, block_pk: int) -> HttpResponse:
    """The block's German text (the master) and the state of its translations."""
    sheet = _sheet(request, pk)
    block = _block(sheet, block_pk)
    state = queries.block_state(block)
    master = state.master
    initial = {"heading": master.heading, "body": master.body, "version": master.version} if master else {}
    form = TextForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: sheet_services.write_text(
            acting_user=request.user,
            block=block,
            language=MASTER_LANGUAGE,
            heading=form.cleaned_data["heading"],
            body=form.cleaned_data["body"],
            expected_version=form.cleaned_data["version"] if master is not None else None,
        ),
        current_version=lambda: _text_version(block, MASTER_LANGUAGE),
    )
    if saved:
        translated = [row.label for row in state.rows if row.code != MASTER_LANGUAGE and row.text is not None]
        if master is not None and saved.result.version == master.version:
            messages.info(request, _("The German text was not changed."))
        elif translated:
            messages.warning(
                request,
                _("The German text was saved. Its translations (%(languages)s) are marked outdated until checked.")
                % {"languages": ", ".join(translated)},
            )
        else:
            messages.success(request, _("The German text was saved."))
        return redirect("network:sheet_detail", pk=sheet.pk)
    return sheet_form_page(
        request,
        sheet,
        form,
        title=_("Text block: German original"),
        submit=_("Save German text"),
        intro=_("A change of the German text marks every translation of the block outdated until it is checked."),
        template="network/sheets/block_edit.html",
        state=state,
    )


def _text_version(block: InfoSheetBlock, language: str) -> int | None:
    """After a concurrent edit the next save is checked against the text as it is now (None: not written)."""
    current = InfoSheetText.objects.filter(block=block, language=language).first()
    return current.version if current else None


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def text_edit(request: AuthenticatedRequest, pk: int, block_pk: int, language: str) -> HttpResponse:
    """A translation of the block, written beside the current German text."""
    sheet = _sheet(request, pk)
    block = _block(sheet, block_pk)
    language = _language(language)
    if language == MASTER_LANGUAGE:
        return redirect("network:block_edit", pk=sheet.pk, block_pk=block.pk)
    state = queries.block_state(block)
    row = state.row(language)
    master, text = state.master, row.text
    if master is None:
        messages.error(request, _("Write the German text of the block first: it is the original of every translation."))
        return redirect("network:block_edit", pk=sheet.pk, block_pk=block.pk)
    initial: dict[str, Any] = {"master_version": master.version}
    if text is not None:
        initial.update(heading=text.heading, body=text.body, version=text.version)
    kwargs: dict[str, Any] = {"language": language, "outdated": row.outdated}
    form = TranslationForm(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = sheet_services.write_text(
                acting_user=request.user,
                block=block,
                language=language,
                heading=data["heading"],
                body=data["body"],
                expected_version=data["version"] if text is not None else None,
                master_version=data["master_version"],
                confirmed=bool(data.get("confirmed")),
            )
        except ConcurrentEditError as error:
            form = form_after_conflict(TranslationForm, request, _text_version(block, language), error, **kwargs)
        except ValidationError as error:
            if getattr(error, "code", None) == "master_changed":
                # The German text beside the form is the current one now; the next save is checked against it.
                data = request.POST.copy()
                data["master_version"] = str(InfoSheetText.objects.get(pk=master.pk).version)
                form = TranslationForm(data, **kwargs)
                form.is_valid()
                master.refresh_from_db()
            add_errors(form, error)
        else:
            label = LANGUAGE_LABELS[language]
            if text is not None and saved.version == text.version:
                messages.info(request, _("The translation (%(language)s) was not changed.") % {"language": label})
            else:
                messages.success(request, _("The translation (%(language)s) was saved.") % {"language": label})
            return redirect("network:sheet_detail", pk=sheet.pk)
    return sheet_form_page(
        request,
        sheet,
        form,
        title=_("Translation: %(language)s") % {"language": LANGUAGE_LABELS[language]},
        submit=_("Save translation"),
        template="network/sheets/text_edit.html",
        master=master,
        text=text,
        row=row,
        language=language,
        direction=direction(language),
    )


@capability_required(Capability.EDIT_NETWORK)
@require_POST
def block_move(request: AuthenticatedRequest, pk: int, block_pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    block = _block(sheet, block_pk)
    directions = {"up": sheet_services.UP, "down": sheet_services.DOWN}
    direction = directions.get(request.POST.get("direction", ""))
    if direction is None:
        messages.error(request, _("Move the block up or down."))
        return redirect("network:sheet_detail", pk=sheet.pk)
    done_or_flash(
        request, lambda: sheet_services.move_block(acting_user=request.user, block=block, direction=direction)
    )
    return redirect(reverse("network:sheet_detail", args=[sheet.pk]) + f"#block-{block.pk}")


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def block_delete(request: AuthenticatedRequest, pk: int, block_pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    block = _block(sheet, block_pk)
    if request.method == "POST":
        if done_or_flash(request, lambda: sheet_services.delete_block(acting_user=request.user, block=block)):
            messages.success(request, _("The text block was deleted in every language."))
        return redirect("network:sheet_detail", pk=sheet.pk)
    return render(request, "network/sheets/block_delete.html", {"sheet": sheet, "state": queries.block_state(block)})


# --- printing --------------------------------------------------------------------------------------------


def _printed(request: AuthenticatedRequest, sheet: InfoSheet, language: str, *, logged: Model) -> HttpResponse:
    """The sheet's PDF, opened in the browser; printing is written to the access log (against ``logged``)."""
    response = file_response(pdf.sheet_pdf(sheet, language), pdf.pdf_filename(sheet, language), inline=True)
    log_access(acting_user=request.user, action=AccessAction.PRINT, record=logged, request=request)
    return response


@signed_in
@shows_no_person_data
@require_safe
def sheet_pdf(request: AuthenticatedRequest, pk: int, language: str) -> HttpResponse:
    sheet = _sheet(request, pk)
    return _printed(request, sheet, _language(language), logged=sheet)


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def case_info_sheet(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    """The info sheet of the case's municipality in the client's language (``?sprache=`` chooses another)."""
    case = get_visible_or_404(Case.objects.select_related("municipality"), request.user, pk=case_pk)
    requested = request.GET.get("sprache", "").strip()
    if requested and requested not in SheetLanguage.values:
        return render(
            request,
            "network/sheets/case_no_sheet.html",
            {"case": case, "message": _("There is no info sheet in the language “%(code)s”.") % {"code": requested}},
        )
    sheet = InfoSheet.objects.select_related("municipality").filter(municipality_id=case.municipality_id).first()
    if sheet is None:
        message = _("There is no info sheet for %(municipality)s yet. The network editors write it.") % {
            "municipality": case.municipality.name
        }
        return render(request, "network/sheets/case_no_sheet.html", {"case": case, "message": message})
    return _printed(request, sheet, requested or queries.client_language(case), logged=case)
