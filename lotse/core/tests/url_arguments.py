"""What the URL matrix needs to know of an app's URLs, and core's own answer.

Every app with URLs has ``lotse/<app>/tests/url_arguments.py`` with one
function, ``url_arguments(world: UrlWorld) -> AppUrls``. It builds the
records its URLs name (through the services, owned by ``world.owner`` or
``world.county``) and returns:

- ``kwargs``: the URL arguments of every URL with parameters;
- ``out_of_scope``: the personas (root conftest fixture names) that hold the
  view's capability but may not see the record the URL names, so get a 404;
- ``refused``: personas that hold the capability but are refused (403) by a
  rule beyond the capability table (say, "only a Landratsamt assigns");
- ``accepts_post``: the URLs that change state or take a form; every other
  URL that needs signing in must refuse POST with 405 (read-only views);
- ``redirects``: URLs whose permitted GET answers with a redirect.

Who may use a URL at all is not written here: it comes from the capability
the view declares and the table in ``lotse.core.access``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lotse.core.models import Municipality, Organisation, User


@dataclass(frozen=True)
class UrlWorld:
    """The records' owners: organisation A (``org_a``), the county's Landratsamt, one municipality."""

    owner: Organisation
    county: Organisation
    municipality: Municipality
    # A user of ``owner`` whose page the user administration shows.
    colleague: User
    # The persona who administers ``owner`` (``org_admin_a``), for what only its own user may see;
    # None where a world is built for one app's pages only.
    administrator: User | None = None


@dataclass(frozen=True)
class AppUrls:
    kwargs: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    out_of_scope: Mapping[str, frozenset[str]] = field(default_factory=dict)
    refused: Mapping[str, frozenset[str]] = field(default_factory=dict)
    accepts_post: frozenset[str] = frozenset()
    redirects: frozenset[str] = frozenset()


def url_arguments(world: UrlWorld) -> AppUrls:
    user = {"pk": world.colleague.pk}
    return AppUrls(
        kwargs={
            "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
            "invitation_accept": {"uidb64": "MQ", "token": "set-password"},
            "core:user_detail": user,
            "core:user_set_active": user,
            "core:user_set_password": user,
            "core:user_reset_second_factor": user,
            "core:user_resend_invitation": user,
        },
        # The administrator of organisation B does not see the users of A.
        out_of_scope=dict.fromkeys(
            [
                "core:user_detail",
                "core:user_set_active",
                "core:user_set_password",
                "core:user_reset_second_factor",
                "core:user_resend_invitation",
            ],
            frozenset({"org_admin_b"}),
        ),
        accepts_post=frozenset(
            {
                "logout",
                "password_change",
                "core:user_create",
                "core:user_detail",
                "core:user_set_active",
                "core:user_set_password",
                "core:user_reset_second_factor",
                "core:user_resend_invitation",
                "invitation_accept",
                "second_factor_verify",
                "second_factor_recover",
                "second_factor_setup",
                "second_factor_renew_codes",
                "second_factor_switch_off",
            }
        ),
        # The steps of the second factor send a user who has none to pass on (to the start page); after signing in,
        # caseworkers go on to their worklist, everyone else to the start page.
        redirects=frozenset({"second_factor_verify", "second_factor_recover", "core:after_sign_in"}),
    )
