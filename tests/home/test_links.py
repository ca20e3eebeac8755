"""Every link and form a person sees leads somewhere they may go: no page shows its reader an action that
would answer 403 (the per-role URL map is in tests/web/test_login_and_access.py)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from catalog_service.auth.models import Role, User
from catalog_service.auth.permissions import may
from tests.conftest import page_client

TARGETS = re.compile(r'<(?:a|form)\b[^>]*?\b(?:href|action)="(/[^"]*)"(?:[^>]*?\bmethod="(\w+)")?', re.I)


def _targets(html: str):
    for path, method in TARGETS.findall(html):
        yield urlsplit(unescape(path)).path, (method or "get").upper()


def _pages(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" in rule.methods and not rule.arguments and getattr(view, "page_action", None):
            yield rule.rule


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.admin])
def test_no_page_shows_its_reader_a_link_or_form_they_may_not_use(app, demo_data, role):
    client = page_client(app, role.value, name=f"{role.value}-links")
    person = User(name="x", roles=[role.value], active=True)
    adapter = app.url_map.bind("localhost")
    refused, seen = [], 0
    for page in _pages(app):
        response = client.get(page)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        for path, method in _targets(response.text):
            try:
                endpoint, _args = adapter.match(path, method=method)
            except (NotFound, MethodNotAllowed):
                continue  # static files, the API's own pages
            action = getattr(app.view_functions[endpoint], "page_action", None)
            seen += 1
            if action and not may(person, action):
                refused.append((page, path, action))
    assert seen >= 10 and refused == []


@pytest.fixture
def demo_data(app, runner):
    from tests.conftest import PASSWORD

    assert runner.invoke(args=["demo", "--password", PASSWORD]).exit_code == 0
