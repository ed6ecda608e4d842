"""The pages of volunteering: volunteers and their requirements (ehrenamt/), sponsorship programmes and meetings
(patenschaften/, treffen/), the volunteer interpreter pool (dolmetschdienst/) and the figures (ehrenamt/zahlen/)."""

from django.urls import URLPattern, URLResolver, path

from lotse.volunteers.views import interpreting

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = [
    # Volunteers, requirements, the list's import and export (ehrenamt/...).
    # Programmes, newcomers, sponsorships, check-ins, matching, meetings and trainings (patenschaften/..., treffen/...).
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
]
