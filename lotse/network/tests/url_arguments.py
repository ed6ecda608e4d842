"""The network URLs for the URL matrix: an actor, a category, an info sheet with a block, an actor list upload.

The directory, the categories and the sheets belong to the whole county:
every signed-in user sees them, so only two records are scoped. The
uploaded actor list belongs to organisation A (the city's network editor
gets a 404), and the info sheet for a case names a case of A (the
caseworker of B gets a 404).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from lotse.cases import services as case_services
from lotse.core import staged_import
from lotse.core.choices import ImportKind, ImportStatus
from lotse.core.models import ImportRun
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.network import services, sheet_services

READ_ONLY = {
    "network:actor_detail",
    "network:sheet_detail",
    "network:sheet_pdf",
    "network:case_info_sheet",
    "network:actor_import_detail",
    "network:actor_import_progress",
}


def url_arguments(world: UrlWorld) -> AppUrls:
    category = services.create_category(acting_user=None, slug="test-matrix", name="Testkategorie")
    actor = services.create_actor(
        acting_user=None, name="Jobcenter", category=category, municipality=world.municipality, is_public=True
    )
    sheet = sheet_services.create_sheet(acting_user=None, municipality=world.municipality)
    block = sheet_services.add_block(acting_user=None, sheet=sheet, heading="Willkommen", body="Hier finden Sie Hilfe.")
    # A staged actor list as the upload leaves it, waiting for its check.
    upload = ImportRun.objects.create(
        organisation=world.owner,
        kind=ImportKind.ACTORS,
        file_names=["akteure.csv"],
        file_hash="1" * 64,
        status=ImportStatus.CHECKING,
    )
    upload.job_id = staged_import._defer(upload, False, None)  # waiting for a worker
    upload.save()
    case = case_services.open_case(
        acting_user=None,
        organisation=world.owner,
        municipality=world.municipality,
        start_date=datetime.date(2025, 3, 3),
        responsible=None,
        head={"family_name": "Nasser", "given_names": "Omar"},
    )
    of_sheet = {"pk": sheet.pk}
    of_block = {**of_sheet, "block_pk": block.pk}
    of_upload = {"pk": upload.pk}
    kwargs: dict[str, Mapping[str, object]] = {
        "network:actor_detail": {"pk": actor.pk},
        "network:actor_edit": {"pk": actor.pk},
        "network:actor_delete": {"pk": actor.pk},
        "network:category_edit": {"pk": category.pk},
        "network:category_delete": {"pk": category.pk},
        "network:sheet_detail": of_sheet,
        "network:sheet_actors": of_sheet,
        "network:sheet_pdf": {**of_sheet, "language": "de"},
        "network:block_add": of_sheet,
        "network:block_edit": of_block,
        "network:block_move": of_block,
        "network:block_delete": of_block,
        # The German text of a block is edited on the block's page; this page is for its translations.
        "network:text_edit": {**of_block, "language": "en"},
        "network:case_info_sheet": {"case_pk": case.pk},
        "network:actor_import_detail": of_upload,
        "network:actor_import_commit": of_upload,
        "network:actor_import_discard": of_upload,
        "network:actor_import_progress": of_upload,
        "network:actor_import_restart": of_upload,
        "public:map": {"lang": "de"},
        "public:actor": {"lang": "de", "pk": actor.pk},
    }
    uploads = [name for name in kwargs if name.startswith("network:actor_import_")]
    return AppUrls(
        kwargs=kwargs,
        out_of_scope={
            **dict.fromkeys(uploads, frozenset({"network_editor", "volunteer_coordinator_b"})),
            "network:case_info_sheet": frozenset({"caseworker_b", "teamlead_b"}),
        },
        accepts_post=frozenset(kwargs) - READ_ONLY - {"public:map", "public:actor"}
        | {"network:actor_create", "network:category_create", "network:sheet_create", "network:actor_import"},
        # The city map's start sends the visitor to the map in their language.
        redirects=frozenset({"public:start"}),
    )
