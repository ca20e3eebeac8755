"""Publishing: numbered versions without gaps, four-eyes, the removal guard, rollback, review and audit."""

from __future__ import annotations

import json
import threading

import pytest

from catalog_service.assortment.models import AssortmentVersion, VersionCounter
from catalog_service.extensions import db
from catalog_service.feeds.models import FeedDocument
from tests.conftest import bearer_client, make_token, post_upload
from tests.factories import assortments as factory
from tests.factories import workbooks
from tests.helpers import assert_error, audit_entries

MEDI1 = factory.model("medi", 1)
PUBLISH_MEDI = ("assortment", "publish", "--supplier", "medi")
ROLLBACK_MEDI = ("assortment", "rollback", "--supplier", "medi")
SOL = workbooks.ContractModel("Medi", 1, "SOL1-AD")
COLOURS = [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart, Black")]


@pytest.fixture
def contract_loaded(app, tmp_path):
    return factory.load_contract(app, factory.small_contract(tmp_path))


@pytest.fixture
def files(tmp_path):
    """Write price lists under fresh names: ``files('medi', rows)``."""
    counter = iter(range(1, 1000))

    def write(supplier, rows, **options):
        return factory.write_price_list(tmp_path, supplier, rows, name=f"{supplier}-{next(counter)}.xlsx", **options)

    return write


def versions(app, supplier: str) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(
            db.select(AssortmentVersion).where(AssortmentVersion.supplier == supplier).order_by(AssortmentVersion.id)
        )
        return [(v.number, v.kind.value, v.item_count) for v in rows]


def counter(app, supplier: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(VersionCounter.last_number).where(VersionCounter.supplier == supplier)) or 0


def feed_articles(app, supplier: str) -> list[str]:
    client = bearer_client(app, make_token(app, eshop=supplier))
    return [i["article_number"] for i in client.get(f"/api/v1/feeds/{supplier}").get_json()["items"]]


def upload(client, path, supplier="medi") -> int:
    response = post_upload(client, path, supplier)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["import_id"]


# --- version numbers ---------------------------------------------------------------------------


def test_versions_count_1_2_3_per_supplier_independently(app, contract_loaded, files):
    numbers = []
    for supplier, count in [("medi", 2), ("juzo", 2), ("medi", 3), ("juzo", 3), ("medi", 4), ("rama", 1)]:
        factory.import_draft(app, files(supplier, factory.articles(supplier, count)), supplier)
        numbers.append((supplier, factory.publish(app, supplier)))

    assert numbers == [("medi", 1), ("juzo", 1), ("medi", 2), ("juzo", 2), ("medi", 3), ("rama", 1)]
    assert versions(app, "medi") == [(1, "publish", 2), (2, "publish", 3), (3, "publish", 4)]
    assert versions(app, "essity") == []
    assert (counter(app, "medi"), counter(app, "juzo"), counter(app, "rama"), counter(app, "essity")) == (3, 2, 1, 0)


def test_versions_endpoint_lists_newest_first(app, contract_loaded, files, reviewer_client):
    for count in (1, 2):
        factory.import_draft(app, files("medi", factory.articles("medi", count)), "medi")
        factory.publish(app, "medi")

    listed = reviewer_client.get("/api/v1/suppliers/medi/versions").get_json()

    assert [(v["version"], v["items"], v["kind"]) for v in listed] == [(2, 2, "publish"), (1, 1, "publish")]
    assert all(v["published_by"] == "upphandlare2" and v["supplier"] == "medi" for v in listed)


def test_publish_renders_every_feed_format_once(app, contract_loaded, files):
    factory.import_draft(app, files("medi", factory.articles("medi", 2)), "medi")
    factory.publish(app, "medi")
    with app.app_context():
        formats = db.session.scalars(db.select(FeedDocument.format).order_by(FeedDocument.format)).all()
    assert formats == ["csv", "json", "peppol", "xlsx"]


# --- four eyes ---------------------------------------------------------------------------------


def test_the_uploader_cannot_publish_over_http(app, contract_loaded, files, officer_client, reviewer_client):
    import_id = upload(officer_client, files("medi", factory.articles("medi", 3)))

    error = assert_error(officer_client.post("/api/v1/suppliers/medi/publish", json={}), 409, "four_eyes")
    assert error["details"] == {"uploaded_by": "upphandlare1"}
    assert versions(app, "medi") == []
    assert counter(app, "medi") == 0

    published = reviewer_client.post("/api/v1/suppliers/medi/publish", json={})
    assert published.status_code == 201, published.get_json()
    body = published.get_json()
    assert (body["version"], body["kind"], body["items"], body["import_id"]) == (1, "publish", 3, import_id)
    assert body["published_by"] == "upphandlare2"


def test_the_uploader_cannot_publish_from_the_cli(runner, contract_loaded, files):
    path = files("medi", factory.articles("medi", 3))
    assert (
        runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--actor", "anna"]).exit_code == 0
    )

    refused = runner.invoke(args=["assortment", "publish", "--supplier", "medi", "--actor", "anna"])
    assert refused.exit_code == 1
    assert refused.stderr.strip().count("\n") == 0 and "anna" in refused.stderr
    refused_env = runner.invoke(args=["assortment", "publish", "--supplier", "medi"], env={"CATALOG_ACTOR": "anna"})
    assert refused_env.exit_code == 1

    published = runner.invoke(args=["assortment", "publish", "--supplier", "medi", "--actor", "bertil", "--json"])
    assert published.exit_code == 0, published.output
    body = json.loads(published.stdout)
    assert (body["version"], body["published_by"], body["items"]) == (1, "bertil", 3)


def test_four_eyes_refusal_in_json_mode_prints_a_json_error(runner, contract_loaded, files):
    path = files("medi", factory.articles("medi", 1))
    runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--actor", "anna"])

    refused = runner.invoke(args=["assortment", "publish", "--supplier", "medi", "--actor", "anna", "--json"])

    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["error"]["code"] == "four_eyes"


def test_four_eyes_can_be_turned_off(app, contract_loaded, files, officer_client, runner):
    app.config["FOUR_EYES"] = False
    upload(officer_client, files("medi", factory.articles("medi", 3)))

    published = officer_client.post("/api/v1/suppliers/medi/publish", json={})
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["published_by"] == "upphandlare1"

    path = files("juzo", factory.articles("juzo", 2))
    runner.invoke(args=["pricelist", "import", str(path), "--supplier", "juzo", "--actor", "anna"])
    assert runner.invoke(args=["assortment", "publish", "--supplier", "juzo", "--actor", "anna"]).exit_code == 0


# --- removal guard -----------------------------------------------------------------------------


@pytest.fixture
def ten_published(app, contract_loaded, files):
    """Medi version 1 with ten items, MED-0001 … MED-0010."""
    factory.import_draft(app, files("medi", factory.articles("medi", 10)), "medi")
    assert factory.publish(app, "medi") == 1


@pytest.mark.parametrize(("kept", "added"), [(8, 0), (8, 5)], ids=["20%", "20%+additions"])
def test_removing_exactly_20_percent_passes(app, ten_published, files, reviewer_client, kept, added):
    rows = factory.articles("medi", kept) + factory.articles("medi", added, start=100)
    factory.import_draft(app, files("medi", rows), "medi")

    response = reviewer_client.post("/api/v1/suppliers/medi/publish", json={})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["items"] == kept + added


@pytest.mark.parametrize(("kept", "added"), [(7, 0), (7, 10), (0, 5)], ids=["30%", "30%+additions", "all"])
def test_removing_more_than_20_percent_needs_confirmation_and_a_reason(
    app, ten_published, files, reviewer_client, kept, added
):
    rows = factory.articles("medi", kept) + factory.articles("medi", added, start=100)
    factory.import_draft(app, files("medi", rows), "medi")
    publish = "/api/v1/suppliers/medi/publish"

    error = assert_error(reviewer_client.post(publish, json={}), 409, "removal_guard")
    assert error["details"] == {"removed": 10 - kept, "published": 10, "share": (10 - kept) / 10}
    assert_error(reviewer_client.post(publish, json={"confirm_removal": True}), 409, "removal_guard")
    assert_error(reviewer_client.post(publish, json={"confirm_removal": True, "reason": "   "}), 409, "removal_guard")
    assert_error(reviewer_client.post(publish, json={"reason": "Utgående modeller"}), 409, "removal_guard")
    assert versions(app, "medi") == [(1, "publish", 10)]
    assert counter(app, "medi") == 1

    response = reviewer_client.post(publish, json={"confirm_removal": True, "reason": "Utgående modeller"})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["version"], body["items"], body["reason"]) == (2, kept + added, "Utgående modeller")
    (entry,) = [e for e in audit_entries(app, "assortment.publish") if e.details["number"] == 2]
    assert entry.details["reason"] == "Utgående modeller"
    assert entry.actor == "upphandlare2"


def test_removal_guard_from_the_cli(app, ten_published, files, runner):
    factory.import_draft(app, files("medi", factory.articles("medi", 5)), "medi")

    refused = runner.invoke(args=["assortment", "publish", "--supplier", "medi", "--actor", "bertil"])
    assert refused.exit_code == 1
    assert refused.stderr.strip().count("\n") == 0 and "5 av 10" in refused.stderr
    no_reason = runner.invoke(
        args=["assortment", "publish", "--supplier", "medi", "--actor", "bertil", "--confirm-removal"]
    )
    assert no_reason.exit_code == 1

    confirmed = runner.invoke(
        args=[*PUBLISH_MEDI, "--actor", "bertil", "--confirm-removal", "--reason", "Halva sortimentet utgår", "--json"]
    )
    assert confirmed.exit_code == 0, confirmed.output
    assert json.loads(confirmed.stdout)["version"] == 2


# --- refusals leave no trace ---------------------------------------------------------------------


def test_refused_publishes_leave_no_version_and_no_gap(app, ten_published, files, officer_client, reviewer_client):
    upload(officer_client, files("medi", factory.articles("medi", 5)))  # removes half, uploaded by upphandlare1
    publish = "/api/v1/suppliers/medi/publish"

    assert_error(officer_client.post(publish, json={}), 409, "four_eyes")
    assert_error(reviewer_client.post(publish, json={}), 409, "removal_guard")
    assert_error(reviewer_client.post("/api/v1/suppliers/medi/rollback", json={"to_version": 7, "reason": "x"}), 404)
    assert_error(reviewer_client.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": " "}), 422)
    assert versions(app, "medi") == [(1, "publish", 10)]
    assert counter(app, "medi") == 1
    assert [e.details["number"] for e in audit_entries(app, "assortment.publish")] == [1]

    response = reviewer_client.post(publish, json={"confirm_removal": True, "reason": "Halva sortimentet utgår"})
    assert response.get_json()["version"] == 2
    assert [v[0] for v in versions(app, "medi")] == [1, 2]


def test_publishing_without_a_draft_is_409(app, contract_loaded, files, reviewer_client):
    assert_error(reviewer_client.post("/api/v1/suppliers/juzo/publish", json={}), 409, "no_draft")
    assert counter(app, "juzo") == 0

    factory.import_draft(app, files("juzo", factory.articles("juzo", 2)), "juzo")
    assert reviewer_client.post("/api/v1/suppliers/juzo/publish", json={}).status_code == 201
    assert_error(reviewer_client.post("/api/v1/suppliers/juzo/publish", json={}), 409, "no_draft")
    assert counter(app, "juzo") == 1


def test_publishing_for_an_unknown_supplier_is_404(contract_loaded, reviewer_client, runner):
    assert_error(reviewer_client.post("/api/v1/suppliers/okand/publish", json={}), 404, "unknown_supplier")
    result = runner.invoke(args=["assortment", "publish", "--supplier", "okand", "--actor", "bertil"])
    assert result.exit_code == 1 and "Okänd leverantör" in result.stderr


def test_no_draft_from_the_cli(contract_loaded, runner):
    result = runner.invoke(args=["assortment", "publish", "--supplier", "rama", "--actor", "bertil"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Fel:") and result.stderr.strip().count("\n") == 0


# --- rollback ----------------------------------------------------------------------------------


@pytest.fixture
def two_versions(app, contract_loaded, files):
    """Medi version 1 (MED-0001 … 0005) and version 2 (MED-0001 … 0004 and MED-0100)."""
    factory.import_draft(app, files("medi", factory.articles("medi", 5)), "medi")
    factory.publish(app, "medi")
    factory.import_draft(
        app, files("medi", factory.articles("medi", 4) + factory.articles("medi", 1, start=100)), "medi"
    )
    factory.publish(app, "medi")


def test_rollback_publishes_an_earlier_version_as_a_new_one(app, two_versions, reviewer_client):
    response = reviewer_client.post(
        "/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": "Fel prislista publicerad"}
    )

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["version"], body["kind"], body["items"], body["reason"]) == (
        3,
        "rollback",
        5,
        "Fel prislista publicerad",
    )
    assert versions(app, "medi") == [(1, "publish", 5), (2, "publish", 5), (3, "rollback", 5)]
    assert feed_articles(app, "medi") == ["MED-0001", "MED-0002", "MED-0003", "MED-0004", "MED-0005"]
    (entry,) = audit_entries(app, "assortment.rollback")
    assert entry.actor == "upphandlare2"
    assert (entry.details["number"], entry.details["restored"], entry.details["reason"]) == (
        3,
        1,
        "Fel prislista publicerad",
    )


def test_rolled_back_feed_equals_the_restored_version(app, two_versions, reviewer_client):
    from catalog_service.feeds.service import feed_body, feed_head

    reviewer_client.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": "Tillbaka"})
    client = bearer_client(app, make_token(app, eshop="medi"))
    items = client.get("/api/v1/feeds/medi").get_json()["items"]
    with app.app_context():
        version_one = db.session.scalar(
            db.select(FeedDocument)
            .join(AssortmentVersion)
            .where(AssortmentVersion.number == 1, FeedDocument.format == "json")
        )
        assert json.loads(version_one.body)["items"] == items
        assert feed_head(db.session, "medi", "json").version_number == 3
        assert json.loads(feed_body(db.session, feed_head(db.session, "medi", "json"), gzipped=False))["version"] == 3


@pytest.mark.parametrize(
    "body", [{"to_version": 1}, {"to_version": 1, "reason": ""}, {"to_version": 1, "reason": "  "}]
)
def test_rollback_needs_a_reason(app, two_versions, reviewer_client, body):
    assert_error(reviewer_client.post("/api/v1/suppliers/medi/rollback", json=body), 422)
    assert counter(app, "medi") == 2
    assert len(versions(app, "medi")) == 2


def test_rollback_from_the_cli(app, two_versions, runner):
    missing_reason = runner.invoke(args=["assortment", "rollback", "--supplier", "medi", "--to", "1"])
    assert missing_reason.exit_code != 0

    result = runner.invoke(args=[*ROLLBACK_MEDI, "--to", "1", "--reason", "Tillbaka", "--json", "--actor", "cecilia"])

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["version"], body["kind"], body["published_by"]) == (3, "rollback", "cecilia")
    unknown = runner.invoke(args=["assortment", "rollback", "--supplier", "medi", "--to", "9", "--reason", "x"])
    assert unknown.exit_code == 1
    assert counter(app, "medi") == 3


def test_publish_after_a_rollback_continues_the_numbers(app, two_versions, files, reviewer_client):
    reviewer_client.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": "Tillbaka"})
    factory.import_draft(app, files("medi", factory.articles("medi", 6)), "medi")

    assert reviewer_client.post("/api/v1/suppliers/medi/publish", json={}).get_json()["version"] == 4
    assert [v[:2] for v in versions(app, "medi")] == [(1, "publish"), (2, "publish"), (3, "rollback"), (4, "publish")]


# --- concurrency -------------------------------------------------------------------------------


def run_together(app, *operations):
    """Run each operation in its own thread, app context and session, all released at once by a barrier.

    Returns each operation's result or the exception it raised, in order.
    """
    barrier = threading.Barrier(len(operations))
    results: list = [None] * len(operations)

    def run(index, operation):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = operation(db.session)
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, op)) for i, op in enumerate(operations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def publish_op(supplier):
    from catalog_service.assortment.service import publish_assortment

    return lambda session: publish_assortment(session, supplier, actor="upphandlare2").number


def rollback_op(supplier, to_version):
    from catalog_service.assortment.service import rollback_assortment

    return lambda session: (
        rollback_assortment(session, supplier, to_version, actor="upphandlare2", reason="test").number
    )


def test_concurrent_publish_and_rollback_get_consecutive_numbers(app, contract_loaded, files):
    factory.import_draft(app, files("medi", factory.articles("medi", 3)), "medi")
    assert factory.publish(app, "medi") == 1
    for round_number in range(3):
        extra = factory.articles("medi", round_number + 1, start=100)  # keeps every earlier draft's items
        factory.import_draft(app, files("medi", factory.articles("medi", 3) + extra), "medi")

        results = run_together(app, publish_op("medi"), rollback_op("medi", 1))

        assert all(isinstance(r, int) for r in results), results
        assert sorted(results) == [2 + 2 * round_number, 3 + 2 * round_number]

    numbers = [v[0] for v in versions(app, "medi")]
    assert sorted(numbers) == list(range(1, 8))
    assert counter(app, "medi") == 7
    with app.app_context():
        assert db.session.query(FeedDocument).count() == 7 * 4  # json, csv, xlsx and peppol per version


def test_two_concurrent_publishes_of_one_draft_publish_it_once(app, contract_loaded, files):
    from catalog_service.errors import Conflict

    factory.import_draft(app, files("medi", factory.articles("medi", 3)), "medi")

    results = run_together(app, publish_op("medi"), publish_op("medi"))

    assert sorted(results, key=str)[0] == 1, results
    (refused,) = [r for r in results if not isinstance(r, int)]
    assert isinstance(refused, Conflict) and refused.code == "no_draft"
    assert versions(app, "medi") == [(1, "publish", 3)]
    assert counter(app, "medi") == 1


def test_concurrent_publishes_for_different_suppliers_each_get_1(app, contract_loaded, files):
    for supplier in factory.SUPPLIERS:
        factory.import_draft(app, files(supplier, factory.articles(supplier, 2)), supplier)

    results = run_together(app, *(publish_op(s) for s in factory.SUPPLIERS))

    assert results == [1, 1, 1, 1]


# --- review: diff, reconciliation, layout -------------------------------------------------------


@pytest.fixture
def reviewed_draft(app, contract_loaded, files):
    """Medi version 1 (MED-0001 … 0005, Sand, with GTIN) and a second draft without the GTIN column that
    changes MED-0001's price, drops MED-0002, adds MED-0006 and MED-0007 (above the contract price), and
    has MED2-MTM only in a colour that is no base colour; MED3-AG is not in the file at all."""
    factory.import_draft(app, files("medi", factory.articles("medi", 5, gtin="4048713000017")), "medi")
    factory.publish(app, "medi")
    rows = [
        factory.Article("MED-0001", MEDI1, price=410.0),
        *factory.articles("medi", 3, start=3),
        factory.Article("MED-0006", MEDI1),
        factory.Article("MED-0007", MEDI1, price=499.0),
        factory.Article("MED-0200", factory.model("medi", 2), colour="Marinblå"),
        factory.Article("MED-0201", factory.model("medi", 2), colour="Marinblå"),
        factory.Article("MED-0202", factory.model("medi", 2), colour="Marinblå"),
    ]
    return factory.import_draft(app, files("medi", rows, without=("gtin",)), "medi")


def check_review(review: dict, import_id: int) -> None:
    assert (review["import_id"], review["supplier"], review["against_version"]) == (import_id, "medi", 1)
    assert review["uploaded_by"] == "upphandlare1"
    diff = review["diff"]
    assert [i["article_number"] for i in diff["added"]] == ["MED-0006", "MED-0007"]
    assert [i["article_number"] for i in diff["removed"]] == ["MED-0002"]
    changed = {c["article_number"]: c["fields"] for c in diff["changed"]}
    assert changed["MED-0001"]["list_price_sek"] == {"old": "400.00", "new": "410.00"}
    assert all(set(fields) == {"gtin"} for number, fields in changed.items() if number != "MED-0001")
    assert set(changed) == {"MED-0001", "MED-0003", "MED-0004", "MED-0005"}  # the GTIN column went
    assert diff["unchanged"] == 0

    rec = review["reconciliation"]
    missing = {m["model"]: m["reason"] for m in rec["models_without_allowed_items"]}
    assert missing == {factory.model("medi", 2): "only_non_base_colours", factory.model("medi", 3): "missing"}
    assert rec["base_colours_missing"] == [{"model": MEDI1, "missing_base_colours": ["Svart"]}]
    (above,) = rec["priced_above_contract"]
    assert (above["article_number"], above["price_sek"], above["contract_price_sek"]) == (
        "MED-0007",
        "499.00",
        "450.00",
    )
    assert len(review["layout_warnings"]) == 1 and "GTIN" in review["layout_warnings"][0]


def test_diff_over_http(app, reviewed_draft, reviewer_client, eshop_token_client):
    response = reviewer_client.get(f"/api/v1/pricelists/{reviewed_draft}/diff")

    assert response.status_code == 200, response.get_json()
    check_review(response.get_json(), reviewed_draft)
    assert_error(reviewer_client.get("/api/v1/pricelists/9999/diff"), 404)
    assert_error(eshop_token_client.get(f"/api/v1/pricelists/{reviewed_draft}/diff"), 403)


def test_diff_from_the_cli_equals_the_api(app, reviewed_draft, reviewer_client, runner):
    result = runner.invoke(args=["pricelist", "diff", "--supplier", "medi", "--json"])

    assert result.exit_code == 0, result.output
    review = json.loads(result.stdout)
    check_review(review, reviewed_draft)
    assert review == reviewer_client.get(f"/api/v1/pricelists/{reviewed_draft}/diff").get_json()
    human = runner.invoke(args=["pricelist", "diff", "--supplier", "medi"])
    assert human.exit_code == 0 and human.stdout == ""
    assert "2 nya, 1 borttagna" in human.stderr and "GTIN" in human.stderr


def test_diff_of_a_first_draft_adds_everything(app, contract_loaded, files, runner):
    factory.import_draft(app, files("juzo", factory.articles("juzo", 2)), "juzo")

    review = json.loads(runner.invoke(args=["pricelist", "diff", "--supplier", "juzo", "--json"]).stdout)

    assert review["against_version"] is None
    assert len(review["diff"]["added"]) == 2
    assert review["diff"]["removed"] == review["diff"]["changed"] == [] and review["layout_warnings"] == []


def test_diff_without_a_draft_fails_with_one_line(contract_loaded, runner):
    result = runner.invoke(args=["pricelist", "diff", "--supplier", "rama", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "no_draft"
    assert result.stderr.strip().count("\n") == 0


def test_same_layout_gives_no_warning(app, contract_loaded, files, runner):
    factory.import_draft(app, files("essity", factory.articles("essity", 2)), "essity")
    factory.publish(app, "essity")
    factory.import_draft(app, files("essity", factory.articles("essity", 3)), "essity")

    review = json.loads(runner.invoke(args=["pricelist", "diff", "--supplier", "essity", "--json"]).stdout)

    assert review["layout_warnings"] == []
    assert [i["article_number"] for i in review["diff"]["added"]] == ["ESS-0003"]
    assert review["diff"]["unchanged"] == 2


# --- audit -------------------------------------------------------------------------------------


@pytest.fixture
def eshop_token_client(app):
    return bearer_client(app, make_token(app, eshop="medi"))


def test_audit_lists_publish_rollback_and_tokens(app, two_versions, reviewer_client, runner):
    admin = bearer_client(app, make_token(app, roles=("admin",)))  # the audit log is admin's
    reviewer_client.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": "Tillbaka"})
    created = json.loads(
        runner.invoke(args=["token", "create", "--eshop", "juzo", "--json", "--actor", "admin"]).stdout
    )
    assert runner.invoke(args=["token", "revoke", str(created["id"]), "--actor", "admin"]).exit_code == 0

    cli = runner.invoke(args=["audit", "--json"])
    assert cli.exit_code == 0, cli.output
    entries = json.loads(cli.stdout)["entries"]
    api = admin.get("/api/v1/audit")
    assert api.status_code == 200
    assert api.get_json() == entries

    actions = [e["action"] for e in entries]
    for action in ("contract.load", "pricelist.import", "assortment.publish", "assortment.rollback"):
        assert action in actions
    assert actions.index("token.revoke") < actions.index("token.create")  # newest first
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    publishes = [e for e in entries if e["action"] == "assortment.publish"]
    assert sorted(e["details"]["number"] for e in publishes) == [1, 2]
    revoke = next(e for e in entries if e["action"] == "token.revoke")
    assert (revoke["actor"], revoke["object_id"], revoke["details"]["supplier"]) == (
        "admin",
        str(created["id"]),
        "juzo",
    )
    assert created["token"] not in json.dumps(entries)
    assert all(e["at"] and e["actor"] and e["object_type"] for e in entries)


def test_audit_filters(app, two_versions, reviewer_client, runner):
    only = json.loads(runner.invoke(args=["audit", "--json", "--action", "assortment."]).stdout)["entries"]
    assert {e["action"] for e in only} == {"assortment.publish"}
    admin = bearer_client(app, make_token(app, roles=("admin",)))
    api = admin.get("/api/v1/audit?action=assortment.&limit=1").get_json()
    assert len(api) == 1 and api[0]["details"]["number"] == 2
    human = runner.invoke(args=["audit"])
    assert human.exit_code == 0 and "assortment.publish" in human.stdout


@pytest.mark.parametrize("roles", [("hmc",), ("forskrivare",), ("upphandlare",)])
def test_audit_needs_an_admin(app, roles, eshop_token_client):
    assert_error(eshop_token_client.get("/api/v1/audit"), 403, "forbidden")
    other = bearer_client(app, make_token(app, roles=roles))
    assert_error(other.get("/api/v1/audit"), 403, "forbidden")
    admin = bearer_client(app, make_token(app, roles=("admin",)))
    assert admin.get("/api/v1/audit").status_code == 200
    assert_error(app.test_client().get("/api/v1/audit"), 401)


def test_a_draft_judged_against_a_replaced_contract_is_not_published(app, runner, tmp_path):
    assert runner.invoke(args=["contract", "load", str(workbooks.contract(tmp_path, [SOL], COLOURS))]).exit_code == 0
    path = workbooks.small_price_list(tmp_path)
    assert runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--actor", "a"]).exit_code == 0
    other = workbooks.contract(tmp_path, [workbooks.ContractModel("Medi", 1, "VEG2-AD")], COLOURS, name="b.xlsx")
    assert runner.invoke(args=["contract", "load", str(other)]).exit_code == 0
    result = runner.invoke(args=["assortment", "publish", "--supplier", "medi", "--actor", "b", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "stale_draft"
