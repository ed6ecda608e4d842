"""Merging two records of one person (team leads): find the other record, compare both, choose the one kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lotse.cases.models import Case
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.forms import BootstrapMixin
from lotse.core.models import User
from lotse.core.services import ConcurrentEditError, log_access
from lotse.core.web import AuthenticatedRequest, save_or_show
from lotse.people import merge as merging
from lotse.people.duplicates import likely_duplicates
from lotse.people.models import Person
from lotse.people.search import fold, plain

SEARCH_HITS = 20


class MergeForm(BootstrapMixin, forms.Form):
    keep = forms.TypedChoiceField(
        label=gettext_lazy("Which record is kept?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the record that is kept.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    other_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, person: Person, other: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [  # type: ignore[attr-defined]
            (person.pk, _("%(name)s (no. %(pk)s)") % {"name": person.full_name, "pk": person.pk}),
            (other.pk, _("%(name)s (no. %(pk)s)") % {"name": other.full_name, "pk": other.pk}),
        ]


def _landing(user: User, person: Person) -> HttpResponse:
    """After the merge: the kept person's page in their newest case the user may read, else the case list."""
    case = Case.objects.visible_to(user).filter(case_clients__person=person).order_by("-start_date", "-pk").first()
    if case is None:
        return redirect("cases:case_list")
    return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)


@capability_required(Capability.MERGE_PERSONS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def person_merge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    persons = Person.objects.visible_to(user).filter(organisation_id=user.organisation_id)
    person = get_visible_or_404(persons.select_related("municipality"), user, pk=pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=person, request=request)
    other_pk = request.POST.get("other") or request.GET.get("other")
    if not other_pk:
        query = request.GET.get("q", "").strip()
        hits: list[Person] = []
        if query and plain(query):
            hits = list(
                persons.filter(Q(search_text__contains=plain(query)) | Q(search_key__contains=fold(query)))
                .exclude(pk=person.pk)
                .select_related("municipality")
                .order_by("family_name", "given_names", "pk")[:SEARCH_HITS]
            )
        candidates = likely_duplicates(
            user,
            family_name=person.family_name,
            given_names=person.given_names,
            birth_date=person.birth_date,
            nationalities=person.nationalities,
            scope=persons,
            exclude=person,
        )
        for shown in [*hits, *(hit.person for hit in candidates)]:
            log_access(acting_user=user, action=AccessAction.VIEW, record=shown, request=request)
        return render(
            request,
            "cases/person_merge.html",
            {"person": person, "candidates": candidates, "hits": hits, "query": query},
        )
    other = get_visible_or_404(persons.select_related("municipality"), user, pk=other_pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=other, request=request)
    form = MergeForm(
        request.POST or None,
        person=person,
        other=other,
        initial={"keep": person.pk, "version": person.version, "other_version": other.version},
    )

    def merge() -> merging.MergeResult:
        data = form.cleaned_data
        versions = {person.pk: data["version"], other.pk: data["other_version"]}
        kept, removed = (person, other) if data["keep"] == person.pk else (other, person)
        try:
            return merging.merge_persons(
                acting_user=user,
                kept=kept,
                removed=removed,
                kept_version=versions[kept.pk],
                removed_version=versions[removed.pk],
            )
        except ConcurrentEditError:
            raise ValidationError(
                _("One of the two records was changed in the meantime, so nothing was merged. Compare them again.")
            ) from None

    form, saved = save_or_show(request, form, merge)
    if saved:
        kept = saved.result.kept
        removed = other if kept.pk == person.pk else person
        messages.success(
            request,
            _("“%(removed)s” was merged into “%(kept)s”; all records moved.")
            % {"removed": removed.full_name, "kept": kept.full_name},
        )
        return _landing(user, kept)
    rows = [
        (_("Family name"), person.family_name, other.family_name),
        (_("Given names"), person.given_names, other.given_names),
        (_("Name in original script"), person.original_script_name, other.original_script_name),
        (_("Spelling variants and aliases"), ", ".join(person.aliases), ", ".join(other.aliases)),
        (_("Date of birth"), person.birth_date_display, other.birth_date_display),
        (_("Gender"), person.get_gender_display(), other.get_gender_display()),
        (_("Nationalities"), ", ".join(person.nationalities), ", ".join(other.nationalities)),
        (_("Municipality of residence"), str(person.municipality or ""), str(other.municipality or "")),
        (_("Phone"), person.phone, other.phone),
        (_("E-mail"), person.email, other.email),
        (_("Registered on"), person.created_at.strftime("%d.%m.%Y"), other.created_at.strftime("%d.%m.%Y")),
    ]
    counts = _record_counts(person, other)
    return render(
        request,
        "cases/person_merge.html",
        {"person": person, "other": other, "form": form, "rows": rows, "counts": counts},
    )


def _record_counts(person: Person, other: Person) -> list[tuple[str, int, int]]:
    """How many records of each kind each of the two has (the kinds either has)."""
    mine, theirs = merging.records_of(person), merging.records_of(other)
    names = {relation.label: relation.model._meta.verbose_name_plural for relation in merging.person_relations()}
    return [(str(names[label]), mine[label], theirs[label]) for label in mine if mine[label] or theirs[label]]
