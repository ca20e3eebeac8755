"""A supplier's own person (role leverantor) uploads their own price lists and sees only their own supplier."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog_service.auth.models import User
from catalog_service.extensions import db
from tests.conftest import bearer_client, csrf_from, make_token, page_client, post_upload
from tests.factories import assortments as factory
from tests.feeds.conftest import feed_rows
from tests.helpers import audit_entries


@pytest.fixture
def world(app, tmp_path):
    """A small contract with version 1 published for every supplier, and a Medi draft waiting."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    for supplier in ("juzo", "medi"):
        assert factory.import_and_publish(app, tmp_path, supplier, feed_rows(supplier)) == 1
    medi_draft = factory.import_draft(app, factory_file(tmp_path, "medi", 4), "medi")
    return {"medi_draft": medi_draft, "tmp": tmp_path}


def factory_file(tmp_path, supplier: str, extra: int):
    """The supplier's published articles and ``extra`` new ones, as a price list file."""
    rows = feed_rows(supplier) + factory.articles(supplier, extra, start=20)
    return factory.write_price_list(tmp_path, supplier, rows, name=f"{supplier}-{extra}.xlsx")


@pytest.fixture
def juzo_api(app):
    return bearer_client(app, make_token(app, roles=("leverantor",), name="juzo-lev"))


def test_a_juzo_person_uploads_a_juzo_list_and_sees_its_result(app, world, juzo_api):
    response = post_upload(juzo_api, factory_file(world["tmp"], "juzo", 6), "juzo")
    assert response.status_code == 201, response.get_json()
    import_id = response.get_json()["import_id"]
    assert juzo_api.get(f"/api/v1/pricelists/{import_id}").status_code == 200
    assert juzo_api.get(f"/api/v1/pricelists/{import_id}/rows").status_code == 200
    assert juzo_api.get(f"/api/v1/pricelists/{import_id}/invalid-rows.xlsx").status_code == 200
    review = juzo_api.get(f"/api/v1/pricelists/{import_id}/diff")
    assert review.status_code == 200 and len(review.get_json()["diff"]["added"]) == 6
    assert juzo_api.get("/api/v1/suppliers/juzo/versions").status_code == 200
    assert juzo_api.get("/api/v1/feeds/juzo/fetches").status_code == 200  # their own e-shop's fetch status
    assert [e.actor for e in audit_entries(app, "pricelist.import")][-1] == "juzo-lev"


def test_another_suppliers_things_are_not_found(app, world, juzo_api):
    medi_draft = world["medi_draft"]
    for url in (
        f"/api/v1/pricelists/{medi_draft}",
        f"/api/v1/pricelists/{medi_draft}/rows",
        f"/api/v1/pricelists/{medi_draft}/invalid-rows.xlsx",
        f"/api/v1/pricelists/{medi_draft}/diff",
        "/api/v1/pricelists/999999",  # an id that does not exist answers the same
        "/api/v1/suppliers/medi/versions",
        "/api/v1/suppliers/nosuchsupplier/versions",
        "/api/v1/feeds/medi",
        "/api/v1/feeds/medi/fetches",
        "/api/v1/pricelists?supplier=medi",
    ):
        response = juzo_api.get(url)
        assert response.status_code == 404, url
    upload = post_upload(juzo_api, factory_file(world["tmp"], "medi", 2), "medi")
    assert upload.status_code == 404


def test_publishing_rolling_back_and_mapping_colours_are_refused(app, world, juzo_api):
    juzo_draft = post_upload(juzo_api, factory_file(world["tmp"], "juzo", 6), "juzo").get_json()["import_id"]
    assert juzo_api.post("/api/v1/suppliers/juzo/publish", json={}).status_code == 403
    assert juzo_api.post("/api/v1/suppliers/medi/publish", json={}).status_code == 403
    assert juzo_api.post("/api/v1/suppliers/juzo/rollback", json={"to_version": 1, "reason": "x"}).status_code == 403
    pages = page_client(app, "leverantor", name="juzo-sida")
    token = csrf_from(pages.get("/pricelists/upload").text)
    colour = pages.post(
        f"/pricelists/{juzo_draft}/colours", data={"value": "Sand", "base_colour": "", "csrf_token": token}
    )
    assert colour.status_code == 403
    assert pages.post("/review/juzo/publish", data={"csrf_token": token}).status_code == 403
    for url in ("/", "/orders", "/requests", "/stock", "/audit", "/api/v1/orders", "/api/v1/audit"):
        assert pages.get(url).status_code == 403, url


def test_the_pages_show_only_their_own_supplier(app, world):
    pages = page_client(app, "leverantor", name="juzo-sida")
    upload = pages.get("/pricelists/upload").text
    assert 'value="juzo"' in upload and 'value="medi"' not in upload
    assert pages.get("/review/medi").status_code == 404
    assert pages.get(f"/pricelists/{world['medi_draft']}").status_code == 404
    own = factory.import_draft(app, factory_file(world["tmp"], "juzo", 1), "juzo", actor="juzo-sida")
    result = pages.get(f"/pricelists/{own}")
    assert result.status_code == 200 and "Koppla" not in result.text  # the result, without colour mapping
    review = pages.get("/review/juzo")
    assert review.status_code == 200 and "Bara en upphandlare kan publicera" in review.text  # read-only
    versions = pages.get("/versions")
    assert versions.status_code == 307 and versions.headers["Location"].endswith("/versions?supplier=juzo")
    assert pages.get("/versions?supplier=medi").status_code == 404


def test_the_officer_sees_the_suppliers_draft_marked_and_publishes_it(app, world, juzo_api, officer_client):
    post_upload(juzo_api, factory_file(world["tmp"], "juzo", 6), "juzo")
    officer = page_client(app, "upphandlare", name="upphandlare9")
    assert "inskickad av leverantören" in officer.get("/").text
    review = officer.get("/review/juzo")
    assert "inskickad av leverantören" in review.text
    published = officer_client.post("/api/v1/suppliers/juzo/publish", json={})
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["version"] == 2 and published.get_json()["published_by"] == "upphandlare1"


def test_a_supplier_person_is_bound_to_exactly_one_supplier(app, runner):
    result = runner.invoke(
        args=["user", "create", "juzo-cli", "--role", "leverantor", "--supplier", "juzo", "--password-stdin"],
        input="ett långt lösenord\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.supplier).where(User.name == "juzo-cli")) == "juzo"
    for args in (
        ["user", "create", "x1", "--role", "leverantor"],  # no supplier
        ["user", "create", "x2", "--role", "leverantor", "--role", "upphandlare", "--supplier", "juzo"],
        ["user", "create", "x3", "--role", "hmc", "--supplier", "juzo"],
        ["user", "create", "x4", "--role", "leverantor", "--supplier", "acme"],
    ):
        refused = runner.invoke(args=[*args, "--password-stdin"], input="pw\n")
        assert refused.exit_code != 0, args
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.name.in_(["x1", "x2", "x3", "x4"]))) is None


def test_an_officer_invites_a_supplier_who_then_logs_in(app):
    officer = page_client(app, "upphandlare", name="upphandlare9")
    page = officer.get("/suppliers/invite")
    invited = officer.post(
        "/suppliers/invite", data={"name": "medi.anna", "supplier": "medi", "csrf_token": csrf_from(page.text)}
    )
    assert invited.status_code == 201
    import re

    password = re.search(r"lösenord <code>([^<]+)</code>", invited.text).group(1)
    from tests.conftest import login

    supplier = app.test_client()
    assert login(supplier, "medi.anna", password).status_code == 302
    assert supplier.get("/review/medi").status_code == 200
    assert supplier.get("/review/juzo").status_code == 404
    assert page_client(app, "hmc", name="hmc9").get("/suppliers/invite").status_code == 403
    [entry] = [e for e in audit_entries(app, "user.create") if e.details.get("supplier")]
    assert entry.actor == "upphandlare9" and entry.details["supplier"] == "medi"


def test_the_fence_names_only_endpoints_that_exist(app):
    """A renamed endpoint would silently close to suppliers: the fence's list must match the URL map."""
    from catalog_service.auth.supplier_fence import SUPPLIER_ENDPOINTS

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(SUPPLIER_ENDPOINTS) - endpoints == set()
