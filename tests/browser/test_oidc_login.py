"""Logging in through the region's identity provider in a real browser: our login page, the provider's own
form (a real OpenID provider on loopback), and back to the page the person was headed for."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shoot
from tests.oidc_provider import HMC_GROUP, PROVIDER_WARNINGS, running_provider

pytestmark = PROVIDER_WARNINGS


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return provider.settings()


def test_a_person_logs_in_with_the_organisations_account(live_server, new_page, provider):
    provider.add_person(
        "hsa-SE2321000016-b1x2",
        preferred_username="berit.hmc",
        groups=[HMC_GROUP],
        personal_identity_number="19121212-1212",
    )
    page = new_page(live_server)
    page.goto("/orders")  # not logged in: the login page, which offers the organisation's account first
    shoot(page, "login-with-organisation")
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.wait_for_url(f"{provider.url}/**")
    page.locator("input[name=sub]").fill("hsa-SE2321000016-b1x2")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server}/orders")
    assert page.get_by_text("berit.hmc (HMC-personal)").is_visible()
    assert "19121212-1212" not in page.content()
