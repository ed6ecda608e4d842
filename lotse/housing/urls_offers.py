"""The offer part of the housing URLs: landlords (wohnraum/vermieter/), flat offers (wohnraum/angebote/) and the
county's rent limits (mietobergrenzen/)."""

from django.urls import URLPattern, URLResolver, path

from lotse.housing.views import landlords, offers, rent_limits

urlpatterns: list[URLPattern | URLResolver] = [
    # Landlords and the support agreed with them.
    path("wohnraum/vermieter/", landlords.landlord_list, name="landlord_list"),
    path("wohnraum/vermieter/neu/", landlords.landlord_create, name="landlord_create"),
    path("wohnraum/vermieter/<int:pk>/", landlords.landlord_detail, name="landlord_detail"),
    path("wohnraum/vermieter/<int:pk>/bearbeiten/", landlords.landlord_edit, name="landlord_edit"),
    path("wohnraum/vermieter/<int:pk>/unterstuetzung/neu/", landlords.support_add, name="support_add"),
    path("wohnraum/vermieter/unterstuetzung/<int:pk>/korrigieren/", landlords.support_correct, name="support_correct"),
    path("wohnraum/vermieter/unterstuetzung/<int:pk>/beenden/", landlords.support_end, name="support_end"),
    # Flat offers, their status, shares, photos and exposés.
    path("wohnraum/angebote/", offers.offer_list, name="offer_list"),
    path("wohnraum/angebote/neu/", offers.offer_create, name="offer_create"),
    path("wohnraum/angebote/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("wohnraum/angebote/<int:pk>/bearbeiten/", offers.offer_edit, name="offer_edit"),
    path("wohnraum/angebote/<int:pk>/status/", offers.offer_status, name="offer_status"),
    path("wohnraum/angebote/<int:pk>/teilen/", offers.offer_share, name="offer_share"),
    path("wohnraum/angebote/freigaben/<int:pk>/beenden/", offers.offer_unshare, name="offer_unshare"),
    path("wohnraum/angebote/<int:pk>/dateien/neu/", offers.offer_document_upload, name="offer_document_upload"),
    path("wohnraum/angebote/<int:pk>/dateien/<int:document_pk>/", offers.offer_document, name="offer_document"),
    path(
        "wohnraum/angebote/<int:pk>/dateien/<int:document_pk>/entfernen/",
        offers.offer_document_delete,
        name="offer_document_delete",
    ),
    # The county's rent limits, their import and export.
    path("mietobergrenzen/", rent_limits.rent_limits, name="rent_limits"),
    path("mietobergrenzen/neu/", rent_limits.rent_limit_set, name="rent_limit_set"),
    path("mietobergrenzen/gemeinde/<int:pk>/", rent_limits.rent_limit_municipality, name="rent_limit_municipality"),
    path("mietobergrenzen/<int:pk>/korrigieren/", rent_limits.rent_limit_correct, name="rent_limit_correct"),
    path("mietobergrenzen/export.xlsx", rent_limits.rent_limit_export, name="rent_limit_export"),
    path("mietobergrenzen/import/", rent_limits.rent_limit_import, name="rent_limit_import"),
    path(
        "mietobergrenzen/import/vorlage.xlsx",
        rent_limits.rent_limit_import_template,
        name="rent_limit_import_template",
    ),
    path("mietobergrenzen/import/<int:pk>/", rent_limits.rent_limit_import_detail, name="rent_limit_import_detail"),
    path(
        "mietobergrenzen/import/<int:pk>/uebernehmen/",
        rent_limits.rent_limit_import_commit,
        name="rent_limit_import_commit",
    ),
    path(
        "mietobergrenzen/import/<int:pk>/verwerfen/",
        rent_limits.rent_limit_import_discard,
        name="rent_limit_import_discard",
    ),
    path(
        "mietobergrenzen/import/<int:pk>/fortschritt/",
        rent_limits.rent_limit_import_progress,
        name="rent_limit_import_progress",
    ),
    path(
        "mietobergrenzen/import/<int:pk>/neu-starten/",
        rent_limits.rent_limit_import_restart,
        name="rent_limit_import_restart",
    ),
]
