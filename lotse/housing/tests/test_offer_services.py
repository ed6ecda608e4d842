"""The offer part's services: landlords with consent, support agreed, flat offers with their guarded status,
placing (for the placement pipeline), sharing, photos and exposés, and the rent limits. Every refusal is a German
message and changes nothing; concurrent edits are refused; every change leaves its history with the acting user."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from lotse.cases.tests.factories import acting_user_of, events_of
from lotse.core.services import ConcurrentEditError
from lotse.core.tests.factories import OrganisationFactory
from lotse.documents.storage import document_storage
from lotse.housing import landlord_services, offer_services, rent_limit_services
from lotse.housing.choices import ContactWay, LandlordKind, OfferStatus, SupportKind
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport, OfferDocument, OfferShare, RentLimit
from lotse.housing.rent_limit_services import LimitValues
from lotse.housing.rent_limits import limit_for
from lotse.housing.tests.offer_world import PDF, PNG, days_ago, landlord, municipality, offer

pytestmark = pytest.mark.django_db


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- Landlords --------------------------------------------------------------------------------------------------


def test_it_records_a_landlord_with_the_consent_and_who_recorded_it(org_a, housing_staff_a):
    erika = landlord_services.create_landlord(
        acting_user=housing_staff_a,
        organisation=org_a,
        consent_on=days_ago(2),
        kind=LandlordKind.PRIVATE,
        name=" Erika Muster ",
        email="erika@example.org",
        preferred_contact=ContactWay.EMAIL,
    )
    erika.refresh_from_db()
    assert (erika.name, erika.consent_on, erika.consent_recorded_by) == ("Erika Muster", days_ago(2), housing_staff_a)
    assert [acting_user_of(event) for event in events_of(erika)] == [housing_staff_a.pk]


@pytest.mark.parametrize(
    ("consent_days_ago", "fields", "message"),
    [
        (
            None,
            {},
            "Vermieter werden nur mit ihrer Einwilligung erfasst: Tragen Sie das Datum der Einwilligung ein.",
        ),
        (-1, {}, "Die Einwilligung kann nicht in der Zukunft datiert sein."),
        (1, {"name": "  "}, "Ein Vermieter braucht einen Namen."),
        (
            1,
            {"preferred_contact": ContactWay.EMAIL},
            "Der Vermieter möchte per E-Mail erreicht werden: Tragen Sie die E-Mail-Adresse ein.",
        ),
    ],
)
def test_it_refuses_a_landlord_without_what_it_needs(org_a, housing_staff_a, consent_days_ago, fields, message):
    # Dates are taken when the test runs, not when it is collected: a run across midnight keeps "tomorrow" tomorrow.
    consent_on = None if consent_days_ago is None else days_ago(consent_days_ago)
    values = {"kind": LandlordKind.PRIVATE, "name": "Erika Muster", "phone": "0711", **fields}
    with pytest.raises(ValidationError) as error:
        landlord_services.create_landlord(
            acting_user=housing_staff_a, organisation=org_a, consent_on=consent_on, **values
        )
    assert refusal(error) == message
    assert not Landlord.objects.exists()


def test_it_lets_only_the_housing_staff_of_the_organisation_record_landlords(org_a, housing_staff_b, statistician):
    for outsider in (housing_staff_b, statistician):
        with pytest.raises(ValidationError) as error:
            landlord(org_a, outsider)
        assert refusal(error) == "Das darf nur die Wohnraumakquise der Organisation, die die Wohnung akquiriert hat."
    assert not Landlord.objects.exists()


def test_it_edits_a_landlord_versioned(org_a, housing_staff_a):
    erika = landlord(org_a)
    version = erika.version
    landlord_services.update_landlord(
        acting_user=housing_staff_a, landlord=erika, expected_version=version, name="Erika Muster-Berg", town="Asperg"
    )
    stale = Landlord.objects.get(pk=erika.pk)
    stale.version = version
    with pytest.raises(ConcurrentEditError):
        landlord_services.update_landlord(
            acting_user=housing_staff_a, landlord=stale, expected_version=version, name="Erika Other"
        )
    erika.refresh_from_db()
    assert (erika.name, erika.town, erika.version) == ("Erika Muster-Berg", "Asperg", version + 1)


def test_it_scopes_landlords_to_the_housing_staff_of_their_organisation(
    org_a, housing_staff_a, caseworker_a, housing_staff_b, caseworker_b, statistician
):
    erika = landlord(org_a)
    for reader in (housing_staff_a, caseworker_a):
        assert list(Landlord.objects.visible_to(reader)) == [erika]
    for outsider in (housing_staff_b, caseworker_b, statistician):
        assert not Landlord.objects.visible_to(outsider).exists()


# --- Support agreed ---------------------------------------------------------------------------------------------


def test_it_records_a_rent_default_guarantee_with_amount_and_term(org_a, housing_staff_a):
    erika = landlord(org_a)
    flat = offer(erika, municipality())
    guarantee = landlord_services.add_support(
        acting_user=housing_staff_a,
        landlord=erika,
        kind=SupportKind.RENT_GUARANTEE,
        agreed_on=days_ago(5),
        amount=Decimal("3000"),
        ends_on=days_ago(-360),
        offer=flat,
    )
    assert (guarantee.amount, guarantee.offer) == (Decimal("3000"), flat)
    assert landlord_services.support_in_force(guarantee, days_ago(0))
    ended = landlord_services.end_support(
        acting_user=housing_staff_a, support=guarantee, expected_version=guarantee.version, on=days_ago(1)
    )
    assert ended.ends_on == days_ago(1)
    assert not landlord_services.support_in_force(ended, days_ago(0))
    with pytest.raises(ValidationError) as error:
        landlord_services.end_support(
            acting_user=housing_staff_a, support=ended, expected_version=ended.version, on=days_ago(0)
        )
    assert refusal(error) == f"Diese Unterstützung endete bereits am {days_ago(1):%d.%m.%Y}."


@pytest.mark.parametrize(
    ("kind", "amount", "ends_on", "message"),
    [
        (SupportKind.RENT_GUARANTEE, None, 300, "Tragen Sie den Betrag ein: Mietausfallgarantie."),
        (
            SupportKind.OCCUPANCY_RIGHT,
            Decimal("15000"),
            None,
            "Tragen Sie das Ende der Laufzeit ein: Belegungsrecht gegen Renovierungszuschuss.",
        ),
        (
            SupportKind.ADVICE,
            Decimal("10"),
            None,
            "Nur eine Mietausfallgarantie oder ein Belegungsrecht hat einen Betrag.",
        ),
        (
            SupportKind.ADVICE,
            None,
            -10,
            "Die Unterstützung kann nicht enden, bevor sie vereinbart wurde ({agreed_on:%d.%m.%Y}).",
        ),
    ],
)
def test_it_refuses_support_without_what_it_needs(org_a, housing_staff_a, kind, amount, ends_on, message):
    erika = landlord(org_a)
    with pytest.raises(ValidationError) as error:
        landlord_services.add_support(
            acting_user=housing_staff_a,
            landlord=erika,
            kind=kind,
            agreed_on=days_ago(5),
            amount=amount,
            ends_on=None if ends_on is None else days_ago(-ends_on),
        )
    assert refusal(error) == message.format(agreed_on=days_ago(5))
    assert not LandlordSupport.objects.exists()


def test_it_refuses_support_for_another_landlords_flat(org_a, housing_staff_a):
    erika, otto = landlord(org_a), landlord(org_a, name="Otto Haus")
    flat = offer(otto, municipality())
    with pytest.raises(ValidationError) as error:
        landlord_services.add_support(
            acting_user=housing_staff_a, landlord=erika, kind=SupportKind.ADVICE, agreed_on=days_ago(1), offer=flat
        )
    assert refusal(error) == "Die Wohnung ist keines der Angebote dieses Vermieters."


# --- Offers -----------------------------------------------------------------------------------------------------


def test_it_records_an_offer_with_every_field(org_a, housing_staff_a):
    place = municipality()
    erika = landlord(org_a)
    flat = offer_services.create_offer(
        acting_user=housing_staff_a,
        organisation=org_a,
        landlord=erika,
        external_id="W-7",
        street="Lindenstraße 4",
        postal_code="71634",
        municipality=place,
        district="Oststadt",
        rooms=Decimal("2.5"),
        living_space=Decimal("61.5"),
        floor=2,
        lift=True,
        step_free=True,
        rent_cold=Decimal("550"),
        service_charges=Decimal("110"),
        heating_costs=Decimal("80"),
        heating="zentral",
        deposit=Decimal("1650"),
        available_from=days_ago(-30),
        limited_until=days_ago(-400),
        pets_allowed=False,
        max_occupants=3,
        landlord_wishes="Nichtraucher",
        notes="Besichtigung dienstags",
        acquired_on=days_ago(3),
    )
    flat.refresh_from_db()
    assert (flat.status, flat.status_since, flat.created_by) == (OfferStatus.NEW, days_ago(3), housing_staff_a)
    assert flat.gross_cold_rent == Decimal("660")
    assert (flat.district, flat.heating, flat.limited_until) == ("Oststadt", "zentral", days_ago(-400))


def test_it_refuses_an_offer_of_another_organisations_landlord(org_a, org_b, housing_staff_a, housing_staff_b):
    erika = landlord(org_a)
    with pytest.raises(ValidationError) as error:
        offer_services.create_offer(
            acting_user=housing_staff_b,
            organisation=org_b,
            landlord=erika,
            street="X 1",
            municipality=municipality(),
            rooms=Decimal(2),
            living_space=Decimal(50),
            rent_cold=Decimal(500),
            available_from=days_ago(0),
        )
    assert refusal(error) == "Wählen Sie einen Vermieter Ihrer Organisation."
    with pytest.raises(ValidationError) as error:
        offer(erika, municipality("Asperg", "08118003"), limited_until=days_ago(-14))
    assert refusal(error) == (
        f"Ein befristetes Mietverhältnis endet nach dem Tag, ab dem die Wohnung frei ist ({days_ago(-14):%d.%m.%Y})."
    )
    assert not FlatOffer.objects.exists()


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ([], OfferStatus.RESERVED, "Ein Angebot im Status „neu“ kann nicht „reserviert“ werden."),
        (
            [OfferStatus.WITHDRAWN],
            OfferStatus.CHECKED,
            "Ein Angebot im Status „zurückgezogen“ kann nicht „geprüft“ werden.",
        ),
        ([OfferStatus.CHECKED], OfferStatus.CHECKED, "Das Angebot ist bereits „geprüft“."),
        (
            [OfferStatus.CHECKED],
            OfferStatus.PLACED,
            "Ein Angebot wird vermittelt, wenn der Mietvertrag unterschrieben ist: Erfassen Sie den Mietvertrag in der "
            "Vermittlung.",
        ),
    ],
)
def test_it_guards_the_status_transitions(org_a, housing_staff_a, path, status, message):
    flat = offer(landlord(org_a), municipality())
    for step in path:
        flat = offer_services.change_status(
            acting_user=housing_staff_a, offer=flat, expected_version=flat.version, status=step, on=days_ago(10)
        )
    before = (flat.status, flat.version)
    with pytest.raises(ValidationError) as error:
        offer_services.change_status(
            acting_user=housing_staff_a, offer=flat, expected_version=flat.version, status=status, on=days_ago(5)
        )
    assert refusal(error) == message
    flat.refresh_from_db()
    assert (flat.status, flat.version) == before


def test_it_moves_an_offer_new_checked_reserved_and_withdrawn_with_dates(org_a, housing_staff_a):
    flat = offer(landlord(org_a), municipality())
    for status, days in ((OfferStatus.CHECKED, 15), (OfferStatus.RESERVED, 10), (OfferStatus.WITHDRAWN, 2)):
        flat = offer_services.change_status(
            acting_user=housing_staff_a, offer=flat, expected_version=flat.version, status=status, on=days_ago(days)
        )
    flat.refresh_from_db()
    assert (flat.status, flat.status_since) == (OfferStatus.WITHDRAWN, days_ago(2))
    assert [e.status for e in events_of(flat)] == ["neu", "geprueft", "reserviert", "zurueckgezogen"]
    with pytest.raises(ValidationError) as error:
        offer_services.update_offer(acting_user=housing_staff_a, offer=flat, expected_version=flat.version, rooms=2)
    assert refusal(error) == "Das Angebot ist „zurückgezogen“ und kann nicht mehr geändert werden."


def test_it_refuses_a_status_dated_before_the_last_one_or_in_the_future(org_a, housing_staff_a):
    flat = offer(landlord(org_a), municipality())
    with pytest.raises(ValidationError) as error:
        offer_services.change_status(
            acting_user=housing_staff_a,
            offer=flat,
            expected_version=flat.version,
            status=OfferStatus.CHECKED,
            on=days_ago(25),
        )
    assert refusal(error) == (
        f"Das Angebot ist seit {days_ago(20):%d.%m.%Y} „neu“; die Änderung kann nicht früher datiert werden."
    )
    with pytest.raises(ValidationError) as error:
        offer_services.change_status(
            acting_user=housing_staff_a,
            offer=flat,
            expected_version=flat.version,
            status=OfferStatus.CHECKED,
            on=days_ago(-1),
        )
    assert refusal(error) == "Das Datum der Änderung kann nicht in der Zukunft liegen."


def test_it_refuses_a_concurrent_edit_of_an_offer(org_a, housing_staff_a):
    flat = offer(landlord(org_a), municipality())
    version = flat.version
    offer_services.update_offer(acting_user=housing_staff_a, offer=flat, expected_version=version, rooms=Decimal(4))
    stale = FlatOffer.objects.get(pk=flat.pk)
    with pytest.raises(ConcurrentEditError):
        offer_services.change_status(
            acting_user=housing_staff_a, offer=stale, expected_version=version, status="geprueft", on=days_ago(1)
        )
    assert FlatOffer.objects.get(pk=flat.pk).status == OfferStatus.NEW


def test_it_places_an_offer_for_the_placement_pipeline_once(org_a, housing_staff_a, housing_staff_b):
    flat = offer(landlord(org_a), municipality())
    with pytest.raises(ValidationError):
        offer_services.mark_placed(acting_user=housing_staff_b, offer=flat, on=days_ago(1))
    placed = offer_services.mark_placed(acting_user=housing_staff_a, offer=flat, on=days_ago(1))
    assert (placed.status, placed.status_since) == (OfferStatus.PLACED, days_ago(1))
    assert FlatOffer.objects.get(pk=flat.pk).version == placed.version
    with pytest.raises(ValidationError) as error:
        offer_services.mark_placed(acting_user=housing_staff_a, offer=flat, on=days_ago(0))
    assert refusal(error) == "Das Angebot ist „vermittelt“; es kann nicht vermittelt werden."


# --- Sharing and scope ------------------------------------------------------------------------------------------


def test_it_shares_an_offer_read_only_with_another_organisation(
    org_a, org_b, housing_staff_a, caseworker_b, housing_staff_b, statistician
):
    flat = offer(landlord(org_a), municipality())
    assert not FlatOffer.objects.visible_to(caseworker_b).exists()
    share = offer_services.share_offer(acting_user=housing_staff_a, offer=flat, organisation=org_b)
    for reader in (caseworker_b, housing_staff_b):
        assert list(FlatOffer.objects.visible_to(reader)) == [flat]
        assert not FlatOffer.objects.editable_by(reader).exists()
        assert not Landlord.objects.visible_to(reader).exists()
    assert not FlatOffer.objects.visible_to(statistician).exists()
    with pytest.raises(ValidationError) as error:
        offer_services.share_offer(acting_user=housing_staff_a, offer=flat, organisation=org_b)
    assert refusal(error) == "Das Angebot ist bereits mit AWO Testkreis geteilt."
    with pytest.raises(ValidationError) as error:
        offer_services.share_offer(acting_user=housing_staff_a, offer=flat, organisation=org_a)
    assert refusal(error) == "Das Angebot gehört Ihrer eigenen Organisation."
    offer_services.end_share(acting_user=housing_staff_a, share=share)
    assert not FlatOffer.objects.visible_to(caseworker_b).exists()
    assert [event.pgh_label for event in events_of(OfferShare, share.pk)] == ["insert", "delete"]


# --- Photos and exposés -----------------------------------------------------------------------------------------


def test_it_keeps_a_photo_and_an_expose_checked_like_the_case_documents(
    org_a, housing_staff_a, django_capture_on_commit_callbacks
):
    flat = offer(landlord(org_a), municipality())
    photo = offer_services.add_document(
        acting_user=housing_staff_a, offer=flat, file=ContentFile(PNG, name="flur.png"), file_name="flur.png"
    )
    expose = offer_services.add_document(
        acting_user=housing_staff_a,
        offer=flat,
        file=ContentFile(PDF, name="expose.pdf"),
        file_name="C:\\Daten\\expose.pdf",
        title="Exposé",
    )
    assert (photo.title, photo.content_type, photo.size) == ("flur.png", "image/png", len(PNG))
    assert (expose.original_name, expose.content_type) == ("expose.pdf", "application/pdf")
    assert document_storage.exists(photo.file.name)
    assert "flur" not in photo.file.name
    stored = expose.file.name
    with django_capture_on_commit_callbacks(execute=True):
        offer_services.delete_document(acting_user=housing_staff_a, document=expose)
    assert not OfferDocument.objects.filter(pk=expose.pk).exists()
    assert not document_storage.exists(stored)  # removed once the deletion is committed


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "leer.png", "Die Datei „leer.png“ ist leer."),
        (
            b"MZ\x90\x00 a program",
            "foto.jpg",
            "Die Datei „foto.jpg“ ist weder ein PDF-Dokument noch ein JPEG- oder PNG-Bild noch ein Office-Dokument "
            "(Word, Excel, PowerPoint, OpenDocument): Geprüft wurde ihr Inhalt, nicht ihr Name.",
        ),
        (PNG, "grundriss.pdf", None),
    ],
)
def test_it_refuses_a_file_that_is_not_a_photo_or_an_expose(org_a, housing_staff_a, content, name, message):
    flat = offer(landlord(org_a), municipality())
    with pytest.raises(ValidationError) as error:
        offer_services.add_document(
            acting_user=housing_staff_a, offer=flat, file=ContentFile(content, name=name), file_name=name
        )
    if message is not None:
        assert refusal(error) == message
    else:
        assert "grundriss.pdf" in refusal(error)
    assert not OfferDocument.objects.exists()


def test_it_refuses_an_office_document_as_a_photo(org_a, housing_staff_a):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    flat = offer(landlord(org_a), municipality())
    with pytest.raises(ValidationError) as error:
        offer_services.add_document(
            acting_user=housing_staff_a,
            offer=flat,
            file=ContentFile(buffer.getvalue(), name="text.odt"),
            file_name="text.odt",
        )
    assert refusal(error) == "Ein Foto oder Exposé ist ein JPEG- oder PNG-Bild oder ein PDF-Dokument."
    assert not OfferDocument.objects.exists()


# --- Rent limits ------------------------------------------------------------------------------------------------


def test_it_lets_only_the_district_office_keep_the_rent_limits(housing_staff_a, sysadmin, county):
    place = municipality()
    limits = {1: LimitValues(Decimal("552"), Decimal("45"))}
    with pytest.raises(ValidationError) as error:
        rent_limit_services.set_limits(
            acting_user=housing_staff_a, municipalities=[place], valid_from=days_ago(0), limits=limits
        )
    assert refusal(error) == "Die Mietobergrenzen pflegt nur das Landratsamt."
    assert not RentLimit.objects.exists()
    keeper = OrganisationFactory.create(short_name="lra-2", kind="landratsamt")
    county_staff = type(housing_staff_a).objects.create(
        username="wohnraum-lra", organisation=keeper, roles=["wohnraum"]
    )
    rent_limit_services.set_limits(
        acting_user=county_staff, municipalities=[place], valid_from=days_ago(0), limits=limits
    )
    rent_limit_services.set_limits(
        acting_user=sysadmin, municipalities=[place], valid_from=days_ago(-30), limits=limits
    )
    assert RentLimit.objects.count() == 2


def test_it_enters_the_limits_of_a_comparison_area_at_once_and_refuses_them_twice(sysadmin):
    ludwigsburg, asperg = municipality(), municipality("Asperg", "08118003")
    limits = {
        1: LimitValues(Decimal("552"), Decimal("45")),
        2: LimitValues(Decimal("668"), None),
        8: LimitValues(Decimal("1500"), None),
    }
    rows = rent_limit_services.set_limits(
        acting_user=sysadmin,
        municipalities=[ludwigsburg, asperg],
        valid_from=datetime.date(2026, 1, 1),
        limits=limits,
    )
    assert len(rows) == 6
    assert limit_for(asperg.pk, 2, datetime.date(2026, 3, 1)).max_gross_cold_rent == Decimal("668")  # type: ignore[union-attr]
    assert limit_for(asperg.pk, 2, datetime.date(2025, 12, 31)) is None
    with pytest.raises(ValidationError) as error:
        rent_limit_services.set_limits(
            acting_user=sysadmin,
            municipalities=[asperg],
            valid_from=datetime.date(2026, 1, 1),
            limits={2: LimitValues(Decimal("700"))},
        )
    assert refusal(error) == (
        "Asperg hat bereits eine Grenze für 2 Personen gültig ab 01.01.2026; korrigieren Sie diesen Eintrag."
    )
    with pytest.raises(ValidationError) as error:
        rent_limit_services.set_limits(
            acting_user=sysadmin,
            municipalities=[asperg],
            valid_from=datetime.date(2027, 1, 1),
            limits={9: LimitValues(Decimal("700"))},
        )
    assert refusal(error) == "Eine Haushaltsgröße ist eine Zahl von 1 bis 8."
    assert RentLimit.objects.count() == 6


def test_it_corrects_a_limit_versioned_with_its_history(sysadmin):
    place = municipality()
    (limit,) = rent_limit_services.set_limits(
        acting_user=sysadmin,
        municipalities=[place],
        valid_from=datetime.date(2026, 1, 1),
        limits={3: LimitValues(Decimal("780"))},
    )
    version = limit.version
    rent_limit_services.correct_limit(
        acting_user=sysadmin,
        limit=limit,
        expected_version=version,
        max_gross_cold_rent=Decimal("790"),
        max_living_space=Decimal("75"),
    )
    with pytest.raises(ConcurrentEditError):
        rent_limit_services.correct_limit(
            acting_user=sysadmin,
            limit=RentLimit.objects.get(pk=limit.pk),
            expected_version=version,
            max_gross_cold_rent=Decimal("1"),
            max_living_space=None,
        )
    limit.refresh_from_db()
    assert (limit.max_gross_cold_rent, limit.max_living_space) == (Decimal("790"), Decimal("75"))
    assert [acting_user_of(event) for event in events_of(limit)] == [sysadmin.pk, sysadmin.pk]
