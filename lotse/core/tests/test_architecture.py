"""Guard rails of the architecture: the rules of DESIGN.md that a test can check.

- Apps depend on core and on each other's models, querysets, services and
  queries, never on each other's views or forms.
- Read-only views refuse POST (405) in every app.
- Permissions are capabilities held by roles in one table
  (``lotse.core.access``); production code elsewhere names no role set.

These tests read the source with ``ast`` (production code only: not
``tests/``, ``migrations/`` or the demo) and walk the URL patterns with the
URL matrix's world (``lotse.core.tests.test_url_matrix``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from lotse.conftest import client_for
from lotse.core.tests.test_url_matrix import PERSONAS, Urls, allowed_methods, guarded_names, url_patterns

LOTSE = Path(__file__).resolve().parents[2]
SKIPPED_DIRECTORIES = {"tests", "migrations", "demo", "locale", "templates", "static"}
# Apps whose forms every app may use: core holds the kit (VersionedForm, DateField, FilterForm), people the
# forms of a person's own data (casework and accommodation alike); people has no pages of its own.
SHARED_FORMS = {"core", "people"}
# The module names that make up an app's web layer.
WEB_LAYER = re.compile(r"^(views|forms|[a-z_]+_views|[a-z_]+_forms)$")


def production_modules() -> Iterator[tuple[Path, str, ast.Module]]:
    """Every production module under ``lotse/<app>/``: its path, its app and its syntax tree."""
    for path in sorted(LOTSE.rglob("*.py")):
        relative = path.relative_to(LOTSE)
        if len(relative.parts) < 2 or SKIPPED_DIRECTORIES & set(relative.parts[:-1]) or relative.parts[0] == "demo":
            continue
        yield path, relative.parts[0], ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _location(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(LOTSE.parent)}:{getattr(node, 'lineno', 0)}"


def imported_modules(path: Path, tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every module an import statement names, ``from lotse.x import views`` counting as ``lotse.x.views``."""
    package = ".".join(path.relative_to(LOTSE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield node, base
            for alias in node.names:
                yield node, f"{base}.{alias.name}"


def test_it_keeps_each_apps_views_and_forms_to_itself():
    violations: dict[str, str] = {}
    for path, app, tree in production_modules():
        for node, module in imported_modules(path, tree):
            parts = module.split(".")
            if len(parts) < 3 or parts[0] != "lotse" or parts[1] in (app, *SHARED_FORMS):
                continue
            if any(WEB_LAYER.match(part) for part in parts[2:]):
                violations.setdefault(_location(path, node), module)
    assert not violations, "an app imports another app's views or forms:\n" + "\n".join(
        f"{where} imports {module}" for where, module in sorted(violations.items())
    )


def test_it_keeps_core_free_of_the_domain_apps():
    """Core is the platform every app builds on: it imports none of them (apps register with it instead)."""
    violations = [
        f"{_location(path, node)} imports {module}"
        for path, app, tree in production_modules()
        if app == "core"
        for node, module in imported_modules(path, tree)
        if module.startswith("lotse.") and module.split(".")[1] not in ("core", "settings")
    ]
    assert not violations, "core imports a domain app:\n" + "\n".join(sorted(set(violations)))


def _is_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("Role", "R")


def role_sets(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Hand-written role sets: a literal collection of ``Role.X``, a call naming several, a ``*_ROLES`` name."""
    for node in ast.walk(tree):
        literal = isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_is_role(e) for e in node.elts)
        several = isinstance(node, ast.Call) and sum(_is_role(arg) for arg in node.args) >= 2
        if literal or several:
            yield node, ast.unparse(node)
        elif isinstance(node, ast.Name) and node.id.endswith("_ROLES"):
            yield node, node.id
        elif isinstance(node, ast.alias) and (node.asname or node.name).endswith("_ROLES"):
            yield node, node.name


# Roles given as data, not checked: (module, source text) -> why.
ROLES_AS_DATA = {
    ("core/models.py", "[Role.SYSTEMADMINISTRATION]"): "createsuperuser gives the first account system administration",
    ("cases/management/commands/bench_load.py", "[Role.INTEGRATIONSMANAGEMENT]"): "the load test's caseworkers",
    ("cases/management/commands/bench_load.py", "[Role.STATISTIK]"): "the load test's statistics user",
    ("cases/management/commands/bench_search.py", "[Role.INTEGRATIONSMANAGEMENT]"): "the search benchmark's caseworker",
}


def test_it_names_roles_only_in_the_capability_table():
    """New code asks for a capability (``can``, ``require``, ``roles_holding``), never for a list of roles."""
    table = LOTSE / "core" / "access.py"
    violations = sorted(
        f"{_location(path, node)} {text}"
        for path, _app, tree in production_modules()
        if path != table
        for node, text in role_sets(tree)
        if (path.relative_to(LOTSE).as_posix(), text) not in ROLES_AS_DATA
    )
    assert not violations, "production code names a role set outside lotse/core/access.py:\n" + "\n".join(violations)


@pytest.mark.django_db
def test_it_refuses_post_on_every_read_only_view(request, urls: Urls):
    """Every URL that is not a form or an action answers POST with 405, whoever may read it.

    Read-only is what the app's ``url_arguments`` does not list in
    ``accepts_post``; the views say so with ``require_safe`` (or
    ``require_GET``), which this test proves by posting as a permitted
    persona. A URL listed as accepting POST must not restrict itself to GET.
    """
    personas = {name: request.getfixturevalue(name) for name in PERSONAS}
    clients: dict[str, Client] = {}
    accepting_but_restricted = []
    not_refused = []
    for name in guarded_names():
        methods = allowed_methods(url_patterns()[name].callback)
        if name in urls.accepts_post:
            if methods is not None and "POST" not in methods:
                accepting_but_restricted.append(name)
            continue
        persona = next(p for p, user in personas.items() if urls.permitted(p, user.roles, name))
        client = clients.setdefault(persona, client_for(personas[persona]))
        status = client.post(urls.url(name)).status_code
        if status != 405:
            not_refused.append((name, persona, status))
    assert not accepting_but_restricted, f"listed as taking POST, but the view refuses it: {accepting_but_restricted}"
    assert not not_refused, "read-only views that do not refuse POST (URL, persona, status):\n" + "\n".join(
        map(str, not_refused)
    )
