"""The pages of volunteering: volunteers and their requirements (ehrenamt/), sponsorship programmes and meetings
(patenschaften/, treffen/), the volunteer interpreter pool (dolmetschdienst/) and the figures (ehrenamt/zahlen/)."""

from django.urls import URLPattern, URLResolver, path

from lotse.volunteers.views import figures, interpreting, sponsorships, volunteers

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = [
    # Volunteers, requirements, the list's import and export (ehrenamt/...).
    path("ehrenamt/", volunteers.volunteer_list, name="volunteer_list"),
    path("ehrenamt/neu/", volunteers.volunteer_create, name="volunteer_create"),
    path("ehrenamt/aufgaben/", volunteers.volunteer_worklist, name="volunteer_worklist"),
    path("ehrenamt/<int:pk>/", volunteers.volunteer_detail, name="volunteer_detail"),
    path("ehrenamt/<int:pk>/bearbeiten/", volunteers.volunteer_edit, name="volunteer_edit"),
    path("ehrenamt/<int:pk>/status/", volunteers.volunteer_status, name="volunteer_status"),
    path("ehrenamt/<int:pk>/anonymisieren/", volunteers.volunteer_anonymise, name="volunteer_anonymise"),
    path("ehrenamt/<int:pk>/nachweise/neu/", volunteers.requirement_add, name="requirement_add"),
    path("ehrenamt/nachweise/<int:pk>/korrigieren/", volunteers.requirement_correct, name="requirement_correct"),
    path("ehrenamt/nachweise/<int:pk>/entfernen/", volunteers.requirement_remove, name="requirement_remove"),
    path("ehrenamt/import/", volunteers.volunteer_import, name="volunteer_import"),
    path("ehrenamt/import/<int:pk>/", volunteers.volunteer_import_detail, name="volunteer_import_detail"),
    path("ehrenamt/import/<int:pk>/uebernehmen/", volunteers.volunteer_import_commit, name="volunteer_import_commit"),
    path("ehrenamt/import/<int:pk>/verwerfen/", volunteers.volunteer_import_discard, name="volunteer_import_discard"),
    path(
        "ehrenamt/import/<int:pk>/fortschritt/", volunteers.volunteer_import_progress, name="volunteer_import_progress"
    ),
    path("ehrenamt/import/<int:pk>/neu-starten/", volunteers.volunteer_import_restart, name="volunteer_import_restart"),
    path("ehrenamt/import/vorlage.xlsx", volunteers.volunteer_import_template, name="volunteer_import_template"),
    path("ehrenamt/export.xlsx", volunteers.volunteer_export, name="volunteer_export"),
    # Meetings and trainings (treffen/...).
    path("treffen/", volunteers.meeting_list, name="meeting_list"),
    path("treffen/neu/", volunteers.meeting_create, name="meeting_create"),
    path("treffen/<int:pk>/", volunteers.meeting_detail, name="meeting_detail"),
    path("treffen/<int:pk>/bearbeiten/", volunteers.meeting_edit, name="meeting_edit"),
    path("treffen/<int:pk>/teilnahme/", volunteers.meeting_attendance, name="meeting_attendance"),
    # Programmes, newcomers, sponsorships, check-ins, matching, meetings and trainings (patenschaften/..., treffen/...).
    path("patenschaften/", sponsorships.programme_list, name="programme_list"),
    path("patenschaften/programme/neu/", sponsorships.programme_create, name="programme_create"),
    path("patenschaften/programme/<int:pk>/", sponsorships.programme_detail, name="programme_detail"),
    path("patenschaften/programme/<int:pk>/bearbeiten/", sponsorships.programme_edit, name="programme_edit"),
    path("patenschaften/programme/<int:pk>/vorschlag/", sponsorships.programme_proposal, name="programme_proposal"),
    path(
        "patenschaften/programme/<int:pk>/haushalt/neu/",
        sponsorships.participation_create,
        name="participation_create",
    ),
    path("patenschaften/haushalte/<int:pk>/", sponsorships.participation_detail, name="participation_detail"),
    path("patenschaften/haushalte/<int:pk>/bearbeiten/", sponsorships.participation_edit, name="participation_edit"),
    path("patenschaften/haushalte/<int:pk>/mitglied/", sponsorships.newcomer_add, name="newcomer_add"),
    path(
        "patenschaften/haushalte/<int:pk>/passende-paten/",
        sponsorships.participation_matching,
        name="participation_matching",
    ),
    path(
        "patenschaften/haushalte/<int:pk>/patenschaft/neu/",
        sponsorships.sponsorship_create,
        name="sponsorship_create",
    ),
    path("patenschaften/haushalte/<int:pk>/anfragen/", sponsorships.proposal_confirm, name="proposal_confirm"),
    path("patenschaften/liste/", sponsorships.sponsorship_list, name="sponsorship_list"),
    path("patenschaften/rueckmeldungen/", sponsorships.check_in_worklist, name="check_in_worklist"),
    path("patenschaften/<int:pk>/", sponsorships.sponsorship_detail, name="sponsorship_detail"),
    path("patenschaften/<int:pk>/status/", sponsorships.sponsorship_transition, name="sponsorship_transition"),
    path("patenschaften/<int:pk>/rueckmeldung/", sponsorships.check_in_create, name="check_in_create"),
    # The interpreter pool: requests, bookings, the signed answer link, monthly statements (dolmetschdienst/...).
    path("dolmetschdienst/", interpreting.pool_requests, name="interpreting_pool_requests"),
    path("dolmetschdienst/einstellungen/", interpreting.pool_settings, name="interpreting_pool_settings"),
    path("dolmetschdienst/<int:pk>/", interpreting.pool_request, name="interpreting_pool_request"),
    path("dolmetschdienst/<int:pk>/buchen/", interpreting.book, name="interpreting_book"),
    path("dolmetschdienst/<int:pk>/ablehnen/", interpreting.decline, name="interpreting_decline"),
    path("dolmetschdienst/buchungen/<int:pk>/zurueckziehen/", interpreting.withdraw, name="interpreting_withdraw"),
    path("dolmetschdienst/buchungen/<int:pk>/antwort/", interpreting.record_answer, name="interpreting_record_answer"),
    path("dolmetschdienst/buchungen/<int:pk>/ergebnis/", interpreting.outcome, name="interpreting_outcome"),
    path("dolmetschdienst/abrechnung/", interpreting.statements, name="interpreting_statements"),
    path("dolmetschdienst/abrechnung.xlsx", interpreting.statements_xlsx_view, name="interpreting_statements_xlsx"),
    path("dolmetschdienst/abrechnung.pdf", interpreting.statements_pdf_view, name="interpreting_statements_pdf"),
    path("dolmetschdienst/anfragen/", interpreting.my_requests, name="interpreting_my_requests"),
    path("dolmetschdienst/anfragen/neu/", interpreting.request_create, name="interpreting_request_create"),
    path("dolmetschdienst/anfragen/<int:pk>/", interpreting.request_detail, name="interpreting_request_detail"),
    path("dolmetschdienst/anfragen/<int:pk>/buchen/", interpreting.request_book, name="interpreting_request_book"),
    path("dolmetschdienst/anfragen/<int:pk>/absagen/", interpreting.request_cancel, name="interpreting_request_cancel"),
    path("dolmetschdienst/anfragen/<int:pk>/kontakt/", interpreting.link_contact, name="interpreting_link_contact"),
    # The interpreter's answer through the signed link of the mail: public, no account.
    path("dolmetschdienst/antwort/<str:token>/", interpreting.answer, name="interpreting_answer"),
    # Figures (ehrenamt/zahlen/).
    *figures.urlpatterns,
]
