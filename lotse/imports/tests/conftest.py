"""The municipalities the workbooks of these tests name."""

from __future__ import annotations

import pytest

from lotse.core.models import Municipality


@pytest.fixture
def municipalities(db) -> dict[str, Municipality]:
    return {
        ags: Municipality.objects.create(ags=ags, name=name, county="Landkreis Ludwigsburg")
        for ags, name in (("08118048", "Ludwigsburg"), ("08118046", "Kornwestheim"), ("08118079", "Freiberg am Neckar"))
    }
