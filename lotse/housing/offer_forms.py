"""Forms of landlords, flat offers and rent limits: raw input in, domain values out (the services save)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import BootstrapMixin, DateField, DecimalField, FilterForm, VersionedForm, today
from lotse.core.models import Municipality, Organisation, User
from lotse.core.submissions import OnceForm
from lotse.core.widgets import MULTICHOICE_HELP, LongSelect, LongSelectMultiple
from lotse.housing.choices import ContactWay, Heating, LandlordKind, OfferStatus, SupportKind
from lotse.housing.landlord_services import LANDLORD_FIELDS
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport
from lotse.housing.offer_services import OFFER_FIELDS
from lotse.housing.rent_limit_services import HOUSEHOLD_SIZES, LimitValues

# --- Landlords --------------------------------------------------------------------------------------------------


class LandlordForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind of landlord"), choices=LandlordKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("A person's name, or the company's."))
    contact_person = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[0-9]{5}$",
        required=False,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    town = forms.CharField(label=_("Town"), max_length=100, required=False)
    preferred_contact = forms.ChoiceField(label=_("Preferred way of contact"), choices=ContactWay.choices)
    consent_on = DateField(
        label=_("Consented to being recorded on"),
        help_text=_("Record a landlord only with their consent; the date and you as the recording user are kept."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(landlord: Landlord) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(landlord, name) for name in LANDLORD_FIELDS}
        initial["version"] = landlord.version
        initial["consent_on"] = landlord.consent_on
        return initial

    def landlord_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LANDLORD_FIELDS}


class LandlordCreateForm(OnceForm, LandlordForm):
    field_order = ["kind", "name", "consent_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"consent_on": today()})
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class LandlordFilterForm(FilterForm):
    q = forms.CharField(label=_("Name, contact, e-mail, phone or town"), required=False)
    kind = forms.ChoiceField(label=_("Kind of landlord"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all")), *LandlordKind.choices]  # type: ignore[attr-defined]
        self.style_small()


class SupportForm(OnceForm, BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Support"), choices=SupportKind.choices)
    agreed_on = DateField(label=_("Agreed on"), initial=today)
    amount = DecimalField(
        label=_("Amount (EUR)"),
        required=False,
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        help_text=_("For a rent-default guarantee: the sum guaranteed; for an occupancy right: the renovation grant."),
    )
    ends_on = DateField(
        label=_("Until"),
        required=False,
        help_text=_("The end of the term of a guarantee or an occupancy right."),
    )
    offer = forms.ModelChoiceField(label=_("For the flat"), queryset=FlatOffer.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, landlord: Landlord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = landlord.offers.select_related("municipality")  # type: ignore[attr-defined]


class SupportCorrectForm(VersionedForm):
    agreed_on = DateField(label=_("Agreed on"))
    amount = DecimalField(label=_("Amount (EUR)"), required=False, min_value=Decimal(0), max_digits=9, decimal_places=2)
    ends_on = DateField(label=_("Until"), required=False)
    offer = forms.ModelChoiceField(label=_("For the flat"), queryset=FlatOffer.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, landlord: Landlord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = landlord.offers.select_related("municipality")  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(support: LandlordSupport) -> dict[str, Any]:
        return {
            "version": support.version,
            "agreed_on": support.agreed_on,
            "amount": support.amount,
            "ends_on": support.ends_on,
            "offer": support.offer_id,
            "note": support.note,
        }


class EndSupportForm(VersionedForm):
    on = DateField(label=_("Ended on"), initial=today)


# --- Offers -----------------------------------------------------------------------------------------------------


class OfferForm(VersionedForm):
    landlord = forms.ModelChoiceField(label=_("Landlord"), queryset=Landlord.objects.none(), widget=LongSelect)
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[0-9]{5}$",
        required=False,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), widget=LongSelect
    )
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    rooms = DecimalField(
        label=_("Rooms"), min_value=Decimal("0.5"), max_value=Decimal("20"), max_digits=3, decimal_places=1
    )
    living_space = DecimalField(
        label=_("Living space (m²)"), min_value=Decimal("1"), max_value=Decimal("9999"), max_digits=6, decimal_places=1
    )
    floor = forms.IntegerField(
        label=_("Floor"), min_value=-2, max_value=40, initial=0, help_text=_("0: ground floor, -1: basement")
    )
    lift = forms.BooleanField(label=_("Lift"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    rent_cold = DecimalField(
        label=_("Rent without utilities (EUR)"), min_value=Decimal(0), max_digits=8, decimal_places=2
    )
    service_charges = DecimalField(
        label=_("Service charges without heating (EUR)"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        initial=Decimal(0),
    )
    heating_costs = DecimalField(
        label=_("Heating costs (EUR)"), min_value=Decimal(0), max_digits=8, decimal_places=2, initial=Decimal(0)
    )
    heating = forms.ChoiceField(label=_("Heating"), choices=[("", "–"), *Heating.choices], required=False)
    deposit = DecimalField(
        label=_("Deposit (EUR)"), min_value=Decimal(0), max_digits=8, decimal_places=2, required=False
    )
    available_from = DateField(label=_("Available from"), initial=today)
    limited_until = DateField(
        label=_("Tenancy limited until"), required=False, help_text=_("Empty: the tenancy is not limited.")
    )
    pets_allowed = forms.NullBooleanField(label=_("Pets allowed"), required=False, widget=forms.NullBooleanSelect)
    max_occupants = forms.IntegerField(label=_("Occupants at most"), min_value=1, max_value=20, initial=2)
    landlord_wishes = forms.CharField(
        label=_("The landlord's wishes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    acquired_on = DateField(label=_("Acquired on"), initial=today)
    external_id = forms.CharField(label=_("Offer ID"), max_length=64, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = Landlord.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(offer: FlatOffer) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(offer, name) for name in OFFER_FIELDS}
        initial["version"] = offer.version
        initial["landlord"] = offer.landlord_id
        initial["municipality"] = offer.municipality_id
        return initial

    def offer_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in OFFER_FIELDS}
        fields["heating"] = fields["heating"] or ""
        if fields["service_charges"] is None:
            fields["service_charges"] = Decimal(0)
        if fields["heating_costs"] is None:
            fields["heating_costs"] = Decimal(0)
        return fields


class OfferCreateForm(OnceForm, OfferForm):
    pass


class OfferFilterForm(FilterForm):
    q = forms.CharField(label=_("Street, district or offer ID"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        widget=LongSelect,
        empty_label=_("all"),
    )
    rooms = DecimalField(
        label=_("Rooms at least"), required=False, min_value=Decimal("0.5"), max_digits=3, decimal_places=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("all")),
            ("open", _("open (new, checked, reserved)")),
            *OfferStatus.choices,
        ]
        self.style_small()


class OfferStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    on = DateField(label=_("Since"), initial=today)

    def __init__(self, *args: Any, states: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = states  # type: ignore[attr-defined]


class ShareForm(OnceForm, BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Share with"),
        queryset=Organisation.objects.none(),
        help_text=_(
            "The caseworkers of this organisation see the offer (not the landlord's contact) and may propose "
            "their households."
        ),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class OfferDocumentForm(OnceForm, BootstrapMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Empty: the name of the file.")
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, max_megabytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A photo (JPEG, PNG) or the exposé (PDF), at most %(limit)s MB.") % {
            "limit": max_megabytes
        }
        self.fields["file"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.pdf"


# --- Rent limits ------------------------------------------------------------------------------------------------


def _rent_field(size: int, required: bool) -> DecimalField:
    return DecimalField(
        label=_("Gross cold rent at most, %(size)s persons (EUR)") % {"size": size},
        required=required,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
    )


def _space_field(size: int) -> DecimalField:
    return DecimalField(
        label=_("Living space at most, %(size)s persons (m²)") % {"size": size},
        required=False,
        min_value=Decimal("0.1"),
        max_digits=6,
        decimal_places=1,
    )


class RentLimitSetForm(OnceForm, BootstrapMixin, forms.Form):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.order_by("name"),
        widget=LongSelectMultiple(attrs={"size": 6}),
        help_text=MULTICHOICE_HELP,
    )
    valid_from = DateField(label=_("Valid from"), initial=today)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for size in HOUSEHOLD_SIZES:
            self.fields[f"rent_{size}"] = _rent_field(size, required=False)
            self.fields[f"space_{size}"] = _space_field(size)
        # BootstrapMixin styled the fields it found; style the added ones too.
        for size in HOUSEHOLD_SIZES:
            for name in (f"rent_{size}", f"space_{size}"):
                self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for size in HOUSEHOLD_SIZES:
            if cleaned.get(f"space_{size}") is not None and cleaned.get(f"rent_{size}") is None:
                self.add_error(f"rent_{size}", _("Enter the rent for this size too, or leave out its living space."))
        if not any(cleaned.get(f"rent_{size}") is not None for size in HOUSEHOLD_SIZES):
            raise forms.ValidationError(_("Enter the limit of at least one household size."))
        return cleaned

    def limits(self) -> dict[int, LimitValues]:
        return {
            size: LimitValues(self.cleaned_data[f"rent_{size}"], self.cleaned_data.get(f"space_{size}"))
            for size in HOUSEHOLD_SIZES
            if self.cleaned_data.get(f"rent_{size}") is not None
        }

    def size_rows(self) -> list[tuple[int, Any, Any]]:
        return [(size, self[f"rent_{size}"], self[f"space_{size}"]) for size in HOUSEHOLD_SIZES]


class RentLimitCorrectForm(VersionedForm):
    max_gross_cold_rent = DecimalField(
        label=_("Gross cold rent at most (EUR)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    max_living_space = DecimalField(
        label=_("Living space at most (m²)"), required=False, min_value=Decimal("0.1"), max_digits=6, decimal_places=1
    )


class RentLimitFilterForm(FilterForm):
    on = DateField(label=_("In force on"), required=False, initial=today)
    q = forms.CharField(label=_("Municipality or AGS"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_small()
