"""One table of who may do what: the API, the pages, the menu and the README all read it."""

from __future__ import annotations

import re

import pytest

from catalog_service.auth.models import Role
from catalog_service.auth.permissions import PERMISSIONS
from tests.conftest import ROOT, bearer_client, make_token, page_client

README_TABLE = re.compile(r"<!-- role table:[^>]*-->\n(.*?)\n<!-- end of role table -->", re.S)


def _readme_roles() -> dict[str, tuple[str, ...]]:
    """The README's role table: action -> role names, as written there."""
    found = README_TABLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "the README has no role table between its markers"
    rows = {}
    for line in found.group(1).splitlines()[2:]:  # below the header and the separator
        action, _what, who = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[action.strip("`")] = tuple(role.strip() for role in who.split(","))
    return rows


def test_the_readme_role_table_is_the_code_table():
    expected = {action: tuple(role.value for role in permission.roles) for action, permission in PERMISSIONS.items()}
    assert _readme_roles() == expected


def test_every_action_of_a_view_is_in_the_table(app):
    actions = {getattr(view, "page_action", None) for view in app.view_functions.values()} - {None}
    assert len(actions) >= 10 and actions <= set(PERMISSIONS)


@pytest.mark.parametrize(
    ("api", "page", "allowed"),
    [
        ("/api/v1/orders?kundordernummer=KO-2600001", "/orders", {"hmc", "forskrivare", "admin"}),
        ("/api/v1/audit", "/audit", {"admin"}),
        ("/api/v1/requests/candidates", "/requests/candidates", {"hmc", "upphandlare", "admin"}),
    ],
)
def test_the_api_and_the_page_answer_each_role_alike(app, api, page, allowed):
    for role in Role:
        token_client = bearer_client(app, make_token(app, roles=(role.value,), name=f"{role.value}-api"))
        person = page_client(app, role.value, name=f"{role.value}-page")
        api_status, page_status = token_client.get(api).status_code, person.get(page).status_code
        if role.value in allowed:
            assert (api_status, page_status) == (200, 200), role
        else:
            assert (api_status, page_status) == (403, 403), role
