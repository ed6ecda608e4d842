"""Authorisation: which roles may use a view, and fetching records scoped to the user.

Deny by default: every view that is not explicitly public must declare the
roles that may use it with ``@roles_required`` (or ``@any_role``); the
RoleRequiredMiddleware refuses views without such a declaration, and a test
walks every URL pattern to prove the declaration is there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from lotse.core.choices import Role

ANY_ROLE = frozenset(Role.values)

V = TypeVar("V", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[V], V]:
    unknown = set(roles) - set(Role.values)
    if unknown or not roles:
        raise ValueError(f"roles_required needs known role codes, got {roles!r}")

    def decorate(view: V) -> V:
        view.lotse_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def any_role(view: V) -> V:
    """Open to every signed-in user, whatever their role (start page, own profile)."""
    view.lotse_roles = ANY_ROLE  # type: ignore[attr-defined]
    return view


M = TypeVar("M", bound=Model)


def get_visible_or_404(source: type[M] | QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one record through the model's ``visible_to`` scope; anything else is a 404.

    A record the user may not see is indistinguishable from one that does
    not exist, so its existence is never revealed.
    """
    base: Any = source if isinstance(source, QuerySet) else source._default_manager
    queryset: QuerySet[M] = base.visible_to(user)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
