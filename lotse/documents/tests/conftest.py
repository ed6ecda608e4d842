"""The documents' own records: a case of organisation A, and a document storage in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotse.cases.models import Case
from lotse.cases.tests.factories import open_case_for
from lotse.core.models import User


@pytest.fixture(autouse=True)
def document_folder(settings, tmp_path: Path) -> Path:
    """Files the tests store lie in a temporary folder, on the file system as in production."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}},
    }
    return folder


@pytest.fixture
def case(caseworker_a: User) -> Case:
    return open_case_for(caseworker_a)


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
