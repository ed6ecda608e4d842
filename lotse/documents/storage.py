"""Where the files of documents are kept: the storage ``documents`` of ``settings.STORAGES``.

By default a folder under the var directory (``LOTSE_DOCUMENT_DIR``); a
deployment may configure any Django storage backend for the alias. The
storage is never served under a URL of its own: a file leaves Lotse only
through the scoped download view, which writes the access log.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

ALIAS = "documents"


class DocumentStorage(LazyObject):
    """The storage of the alias, looked up at first use (and again after the settings change in a test)."""

    def _setup(self) -> None:
        self._wrapped = storages[ALIAS]


document_storage: Storage = DocumentStorage()  # type: ignore[assignment]


def get_document_storage() -> Storage:
    """The storage of ``Document.file`` (a callable, so migrations name it rather than a configured backend)."""
    return document_storage


@receiver(setting_changed)
def _forget_storage(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        document_storage._wrapped = empty  # type: ignore[attr-defined]
