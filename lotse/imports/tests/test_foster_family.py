"""The housing situation "Pflegefamilie" (foster family) in the housing sheet of the import."""

from __future__ import annotations

import pytest

from lotse.imports.tests.builders import good_sheets, problems, run, xlsx
from lotse.imports.workbook import HOUSING
from lotse.people.models import HousingRecord

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cell", ["pflegefamilie", "Pflegefamilie", "PFLEGEFAMILIE"])
def test_it_imports_a_foster_family_as_housing_situation(cell, org_a, org_admin_a, municipalities):
    sheets = good_sheets()
    sheets[HOUSING.name][2][2] = cell  # P-3's housing on 01.06.2023

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert report.committed is True
    situations = set(
        HousingRecord.objects.filter(person__organisation=org_a).values_list("person__external_id", "situation")
    )
    assert situations == {("P-1", "anschlussunterbringung"), ("P-3", "pflegefamilie")}
