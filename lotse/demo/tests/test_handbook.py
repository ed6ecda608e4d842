"""The user guide (docs/handbuch/) and its pictures stay in step with the screenshot command."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from lotse.demo.management.commands.handbook_screenshots import SHOTS

HANDBOOK = Path(settings.BASE_DIR) / "docs" / "handbuch"
IMAGE = re.compile(r"!\[[^\]]+\]\((bilder/[\w-]+\.png)\)")
LINK = re.compile(r"\]\(([\w-]+\.md)\)")


def test_every_picture_of_the_guide_is_taken_by_the_command_and_is_there():
    used = {match for page in HANDBOOK.glob("*.md") for match in IMAGE.findall(page.read_text())}
    taken = {f"bilder/{shot.name}.png" for shot in SHOTS}
    assert used <= taken, f"pictures the command does not take: {sorted(used - taken)}"
    assert taken <= used, f"pictures no page shows: {sorted(taken - used)}"
    assert [name for name in sorted(used) if not (HANDBOOK / name).is_file()] == []


def test_every_link_between_the_pages_of_the_guide_leads_to_a_page():
    for page in HANDBOOK.glob("*.md"):
        for target in LINK.findall(page.read_text()):
            assert (HANDBOOK / target).is_file(), f"{page.name} links to the missing {target}"
