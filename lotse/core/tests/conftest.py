"""The world of the URL matrix and the architecture tests: records of organisation A and the county."""

from __future__ import annotations

import pytest

from lotse.core.models import Organisation, User
from lotse.core.tests.factories import MunicipalityFactory
from lotse.core.tests.test_url_matrix import Urls, collect
from lotse.core.tests.url_arguments import UrlWorld


@pytest.fixture
def world(org_a: Organisation, county: Organisation, colleague_a: User, org_admin_a: User) -> UrlWorld:
    return UrlWorld(
        owner=org_a,
        county=county,
        municipality=MunicipalityFactory.create(),
        colleague=colleague_a,
        administrator=org_admin_a,
    )


@pytest.fixture
def urls(world: UrlWorld) -> Urls:
    """Every app's answer (``lotse/<app>/tests/url_arguments.py``) for this world."""
    return collect(world)
