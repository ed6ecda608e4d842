"""The offer part of the housing URLs for the URL matrix: landlords, flat offers and the county's rent limits.

Landlords and offers belong to organisation A (``world.owner``), whose housing staff and integration management
(capability HOUSING) see them; the holders of the capability in organisation B get a 404. The rent limits are kept
by the Landratsamt (``world.county``): the housing staff of A and B hold KEEP_RENT_LIMITS but are refused (403)
because their organisation is no Landratsamt; every signed-in user reads the limits.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.files.base import ContentFile

from lotse.core import staged_import
from lotse.core.choices import ImportKind, ImportStatus
from lotse.core.models import ImportRun
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.housing import landlord_services, offer_services, rent_limit_services
from lotse.housing.choices import LandlordKind, SupportKind
from lotse.housing.rent_limit_services import LimitValues

# Hold HOUSING, but in organisation B.
OTHERS = frozenset({"housing_staff_b", "caseworker_b", "teamlead_b"})
# Hold KEEP_RENT_LIMITS, but their organisation is no Landratsamt.
NOT_THE_DISTRICT_OFFICE = frozenset({"housing_staff_a", "housing_staff_b"})

# The smallest valid PNG (a 1x1 pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def offer_urls(world: UrlWorld) -> AppUrls:
    day = datetime.date(2025, 3, 1)
    landlord = landlord_services.create_landlord(
        acting_user=None,
        organisation=world.owner,
        consent_on=day,
        kind=LandlordKind.PRIVATE,
        name="Erika Vermieterin",
        phone="07141 1234",
    )
    offer = offer_services.create_offer(
        acting_user=None,
        organisation=world.owner,
        landlord=landlord,
        street="Lindenstraße 4",
        municipality=world.municipality,
        rooms=Decimal("3"),
        living_space=Decimal("72"),
        rent_cold=Decimal("620"),
        service_charges=Decimal("140"),
        available_from=day,
        max_occupants=4,
        acquired_on=day,
    )
    support = landlord_services.add_support(
        acting_user=None,
        landlord=landlord,
        kind=SupportKind.RENT_GUARANTEE,
        agreed_on=day,
        amount=Decimal("3000"),
        ends_on=datetime.date(2027, 3, 1),
        offer=offer,
    )
    # Shared with the Landratsamt, where nobody holds HOUSING: it changes nobody's scope.
    share = offer_services.share_offer(acting_user=None, offer=offer, organisation=world.county, on=day)
    photo = offer_services.add_document(
        acting_user=None, offer=offer, file=ContentFile(PNG, name="flur.png"), file_name="flur.png", title="Flur"
    )
    limit = rent_limit_services.set_limits(
        acting_user=None,
        municipalities=[world.municipality],
        valid_from=day,
        limits={1: LimitValues(Decimal("552"), Decimal("45"))},
    )[0]
    upload = ImportRun.objects.create(
        organisation=world.county,
        kind=ImportKind.RENT_LIMITS,
        file_names=["mietobergrenzen.csv"],
        file_hash="4" * 64,
        status=ImportStatus.CHECKING,
    )
    upload.job_id = staged_import._defer(upload, False, None)
    upload.save()

    of_landlord = {"pk": landlord.pk}
    of_support = {"pk": support.pk}
    of_offer = {"pk": offer.pk}
    of_photo = {"pk": offer.pk, "document_pk": photo.pk}
    scoped: dict[str, Mapping[str, object]] = {
        "housing:landlord_detail": of_landlord,
        "housing:landlord_edit": of_landlord,
        "housing:support_add": of_landlord,
        "housing:support_correct": of_support,
        "housing:support_end": of_support,
        "housing:offer_detail": of_offer,
        "housing:offer_edit": of_offer,
        "housing:offer_status": of_offer,
        "housing:offer_share": of_offer,
        "housing:offer_unshare": {"pk": share.pk},
        "housing:offer_document_upload": of_offer,
        "housing:offer_document": of_photo,
        "housing:offer_document_delete": of_photo,
    }
    of_upload = {"pk": upload.pk}
    kept: dict[str, Mapping[str, object]] = {
        "housing:rent_limit_correct": {"pk": limit.pk},
        "housing:rent_limit_import_detail": of_upload,
        "housing:rent_limit_import_commit": of_upload,
        "housing:rent_limit_import_discard": of_upload,
        "housing:rent_limit_import_progress": of_upload,
        "housing:rent_limit_import_restart": of_upload,
    }
    district_office = [
        *kept,
        "housing:rent_limit_set",
        "housing:rent_limit_import",
        "housing:rent_limit_import_template",
    ]
    read_only = {
        "housing:landlord_detail",
        "housing:offer_detail",
        "housing:offer_document",
        "housing:rent_limit_import_detail",
        "housing:rent_limit_import_progress",
    }
    return AppUrls(
        kwargs={**scoped, **kept, "housing:rent_limit_municipality": {"pk": world.municipality.pk}},
        out_of_scope=dict.fromkeys(scoped, OTHERS),
        refused=dict.fromkeys(district_office, NOT_THE_DISTRICT_OFFICE),
        accepts_post=frozenset({*scoped, *kept} - read_only)
        | {
            "housing:landlord_create",
            "housing:offer_create",
            "housing:rent_limit_set",
            "housing:rent_limit_import",
        },
    )
