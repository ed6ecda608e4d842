from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from lotse.core.choices import OrganisationKind, Role
from lotse.core.models import Municipality, Organisation, User

TEST_PASSWORD = "Kaffee-Fahrrad-Nebel-42"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    short_name = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.WOHLFAHRTSVERBAND


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("ags",)

    ags = factory.Sequence(lambda n: f"08{118000 + n:06d}")  # 08118000, 08118001, … (8 digits beyond 999 too)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    county = "Landkreis Testkreis"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    roles = factory.LazyFunction(lambda: [Role.INTEGRATIONSMANAGEMENT])
    password = factory.django.Password(TEST_PASSWORD)
