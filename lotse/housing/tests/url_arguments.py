"""The housing URLs for the URL matrix, from the two parts of the app: landlords, offers and rent limits
(``offer_urls``), searches, matching and placements (``search_urls``)."""

from __future__ import annotations

from collections.abc import Mapping

from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.housing.tests.figures_urls import figures_urls
from lotse.housing.tests.offer_urls import offer_urls
from lotse.housing.tests.search_urls import search_urls


def merge(*answers: AppUrls) -> AppUrls:
    kwargs: dict[str, Mapping[str, object]] = {}
    out_of_scope: dict[str, frozenset[str]] = {}
    refused: dict[str, frozenset[str]] = {}
    accepts_post: frozenset[str] = frozenset()
    redirects: frozenset[str] = frozenset()
    for answer in answers:
        kwargs.update(answer.kwargs)
        out_of_scope.update(answer.out_of_scope)
        refused.update(answer.refused)
        accepts_post |= answer.accepts_post
        redirects |= answer.redirects
    return AppUrls(kwargs, out_of_scope, refused, accepts_post, redirects)


def url_arguments(world: UrlWorld) -> AppUrls:
    return merge(offer_urls(world), search_urls(world), figures_urls(world))
