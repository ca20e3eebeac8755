"""The feed over HTTP: formats, conditional requests, gzip, fetch log, changes, and formula-safe files."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from werkzeug.http import http_date, parse_date

from catalog_service.extensions import db
from exports.formats.csv_format import CsvFormat
from exports.formats.json_format import JsonFormat
from exports.formats.xlsx_format import XlsxFormat
from tests.conftest import bearer_client
from tests.factories import assortments as factory
from tests.feeds.conftest import feed_rows
from tests.helpers import assert_error, eventually

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FEED = "/api/v1/feeds/medi"


@pytest.fixture
def eshop(app, published, eshop_tokens):
    """Medi's e-shop, with every supplier's version 1 published."""
    return bearer_client(app, eshop_tokens["medi"])


def fetches(app) -> list[tuple]:
    from catalog_service.feeds.models import FeedFetch

    with app.app_context():
        rows = db.session.scalars(db.select(FeedFetch).order_by(FeedFetch.id))
        return [(f.supplier, f.version_number, f.format, f.status) for f in rows]


def publish_medi(app, tmp_path, rows, name: str) -> int:
    return factory.import_and_publish(app, tmp_path, "medi", rows, name=name)


# --- formats -----------------------------------------------------------------------------------


def test_json_is_the_default(eshop):
    response = eshop.get(FEED)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["supplier"] == "medi" and document["version"] == 1
    assert set(document) >= {"supplier", "version", "published_at", "contract", "ordering", "items"}
    assert len(document["items"]) == 5
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize(
    ("query", "accept", "mimetype"),
    [
        ("?format=json", None, "application/json"),
        ("?format=csv", None, "text/csv"),
        ("?format=xlsx", None, XLSX),
        ("?format=CSV", None, "text/csv"),
        ("", "application/json", "application/json"),
        ("", "text/csv", "text/csv"),
        ("", XLSX, XLSX),
        ("", "*/*", "application/json"),
        ("", "text/*", "text/csv"),
        ("", "text/csv;q=0.5, application/json;q=0.9", "application/json"),
        ("?format=csv", "image/png", "text/csv"),  # the query parameter wins over Accept
    ],
)
def test_format_by_query_or_accept(eshop, query, accept, mimetype):
    headers = {"Accept": accept} if accept else {}
    response = eshop.get(FEED + query, headers=headers)

    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_each_format_has_its_own_body_and_etag(eshop):
    bodies = {f: eshop.get(f"{FEED}?format={f}") for f in ("json", "csv", "xlsx")}

    assert bodies["json"].get_json()["items"][0]["article_number"] == "MED-0001"
    rows = list(csv.DictReader(io.StringIO(bodies["csv"].data.decode("utf-8-sig"))))
    assert [r["article_number"] for r in rows] == [i["article_number"] for i in bodies["json"].get_json()["items"]]
    assert bodies["xlsx"].data.startswith(b"PK")
    assert 'filename="medi-sortiment-v1.csv"' in bodies["csv"].headers["Content-Disposition"]
    assert 'filename="medi-sortiment-v1.xlsx"' in bodies["xlsx"].headers["Content-Disposition"]
    assert len({r.headers["ETag"] for r in bodies.values()}) == 3


def test_unknown_format_is_400(eshop, app):
    assert_error(eshop.get(FEED + "?format=pdf"), 400, "unknown_format")
    assert fetches(app) == []


def test_unacceptable_media_type_is_406(eshop, app):
    error = assert_error(eshop.get(FEED, headers={"Accept": "image/png"}), 406, "not_acceptable")
    assert "text/csv" in error["message"]
    assert fetches(app) == []


# --- caching headers and conditional requests --------------------------------------------------


def test_strong_etag_last_modified_and_cache_control(eshop):
    response = eshop.get(FEED)

    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert len(etag) > 10
    assert response.headers["Cache-Control"] == "private, no-cache"
    published_at = datetime.fromisoformat(response.get_json()["published_at"].replace("Z", "+00:00"))
    assert parse_date(response.headers["Last-Modified"]) == published_at
    assert "Accept-Encoding" in response.headers["Vary"]
    assert eshop.get(FEED).headers["ETag"] == etag  # stable between fetches


@pytest.mark.parametrize("format_name", ["json", "csv", "xlsx", "peppol"])
def test_if_none_match_gives_304_with_no_body(eshop, format_name):
    url = f"{FEED}?format={format_name}"
    first = eshop.get(url)

    again = eshop.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert again.headers["Vary"] == first.headers["Vary"]


def test_if_none_match_with_another_etag_gives_the_body(eshop):
    first = eshop.get(FEED)
    response = eshop.get(FEED, headers={"If-None-Match": '"not-this-one"'})
    assert response.status_code == 200
    assert response.data == first.data
    assert eshop.get(FEED, headers={"If-None-Match": "*"}).status_code == 304


def test_if_modified_since(eshop):
    last_modified = eshop.get(FEED).headers["Last-Modified"]
    moment = parse_date(last_modified)

    assert eshop.get(FEED, headers={"If-Modified-Since": last_modified}).status_code == 304
    later = http_date(moment + timedelta(hours=1))
    assert eshop.get(FEED, headers={"If-Modified-Since": later}).status_code == 304
    earlier = eshop.get(FEED, headers={"If-Modified-Since": http_date(moment - timedelta(seconds=1))})
    assert earlier.status_code == 200
    assert earlier.get_json()["version"] == 1


def test_if_none_match_takes_precedence_over_if_modified_since(eshop):
    last_modified = eshop.get(FEED).headers["Last-Modified"]
    response = eshop.get(FEED, headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified})
    assert response.status_code == 200


def test_a_new_version_invalidates_the_old_etag(app, eshop, tmp_path):
    first = eshop.get(FEED)
    assert eshop.get(FEED, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    assert publish_medi(app, tmp_path, [*feed_rows("medi"), *factory.articles("medi", 1, start=20)], "v2.xlsx") == 2

    response = eshop.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    assert response.headers["ETag"] != first.headers["ETag"]
    assert eshop.get(FEED, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


# --- gzip --------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", ["json", "csv", "xlsx", "peppol"])
def test_gzip_when_the_client_accepts_it(eshop, format_name):
    url = f"{FEED}?format={format_name}"
    plain = eshop.get(url)

    zipped = eshop.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.mimetype == plain.mimetype
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
    revalidated = eshop.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers["ETag"] == zipped.headers["ETag"]


def test_gzip_refused_with_q_zero_is_not_sent(eshop):
    plain = eshop.get(FEED)
    response = eshop.get(FEED, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == plain.data and response.headers["ETag"] == plain.headers["ETag"]


# --- the fetch log ----------------------------------------------------------------------------


def test_every_fetch_is_logged_with_version_format_and_status(app, eshop, tmp_path):
    etag = eshop.get(FEED).headers["ETag"]
    eshop.get(FEED, headers={"If-None-Match": etag})
    eshop.get(FEED + "?format=csv", headers={"Accept-Encoding": "gzip"})
    eshop.get(FEED + "?format=xlsx")
    publish_medi(app, tmp_path, [*feed_rows("medi"), *factory.articles("medi", 1, start=20)], "v2.xlsx")
    eshop.get(FEED, headers={"If-None-Match": etag})

    assert fetches(app) == [
        ("medi", 1, "json", 200),
        ("medi", 1, "json", 304),
        ("medi", 1, "csv", 200),
        ("medi", 1, "xlsx", 200),
        ("medi", 2, "json", 200),
    ]


def test_fetch_log_names_the_token(app, eshop, eshop_tokens):
    from catalog_service.auth.models import ApiToken
    from catalog_service.auth.service import hash_token
    from catalog_service.feeds.models import FeedFetch

    eshop.get(FEED)
    with app.app_context():
        (fetch,) = db.session.scalars(db.select(FeedFetch))
        token = db.session.get(ApiToken, fetch.token_id)
        assert token.token_hash == hash_token(eshop_tokens["medi"])
        assert fetch.at is not None


# --- changes ----------------------------------------------------------------------------------


def test_changes_since_an_unknown_version_is_a_json_404(eshop):
    assert_error(eshop.get(FEED + "/changes?since=99"), 404, "version_not_found")
    assert_error(eshop.get(FEED + "/changes?since=0"), 404)


def test_changes_needs_a_numeric_since(eshop):
    assert_error(eshop.get(FEED + "/changes"), 422)
    assert_error(eshop.get(FEED + "/changes?since=ett"), 422)


def test_changes_since_the_current_version_are_empty(eshop):
    body = eshop.get(FEED + "/changes?since=1").get_json()

    assert body["since"] == body["version"] == 1
    assert body["added"] == body["removed"] == body["changed"] == []
    assert body["unchanged"] == 5


def test_changes_since_an_older_version(app, eshop, tmp_path):
    rows = feed_rows("medi")
    rows[0] = factory.Article(rows[0].article_number, rows[0].model, price=410.0)  # list price changes
    rows[1] = factory.Article(rows[1].article_number, rows[1].model, name="Ny benämning")
    del rows[2]
    rows.append(factory.Article("MED-0099", factory.model("medi", 1)))
    publish_medi(app, tmp_path, rows, "v2.xlsx")

    body = eshop.get(FEED + "/changes?since=1").get_json()

    assert (body["since"], body["version"]) == (1, 2)
    assert [i["article_number"] for i in body["added"]] == ["MED-0099"]
    assert [i["article_number"] for i in body["removed"]] == ["MED-0003"]
    assert {c["article_number"]: c["fields"] for c in body["changed"]} == {
        "MED-0001": {"list_price_sek": {"old": "400.00", "new": "410.00"}},
        "MED-0002": {"name": {"old": "Kompressionsstrumpa", "new": "Ny benämning"}},
    }
    assert body["unchanged"] == 2
    assert body["added"][0]["contract_price_sek"] == "450.00"


# --- formula neutralisation, end to end ---------------------------------------------------------

DANGEROUS = {
    "MED-0101": '=HYPERLINK("http://evil.example","klicka")',
    "MED-0102": "+SUM(1+1)*cmd|' /C calc'!A0",
    "MED-0103": "-2+3+cmd|' /C calc'!A0",
    "MED-0104": "@SUM(A1:A9)",
}


@pytest.fixture
def dangerous_feed(app, published, eshop, tmp_path):
    rows = [*feed_rows("medi"), *(factory.Article(n, factory.model("medi", 1), name=v) for n, v in DANGEROUS.items())]
    publish_medi(app, tmp_path, rows, "farliga-namn.xlsx")
    return eshop


def test_json_carries_the_raw_names(dangerous_feed):
    items = {i["article_number"]: i for i in dangerous_feed.get(FEED).get_json()["items"]}
    assert {n: items[n]["name"] for n in DANGEROUS} == DANGEROUS


def test_csv_cells_that_look_like_formulas_are_prefixed(dangerous_feed):
    text = dangerous_feed.get(FEED + "?format=csv").data.decode("utf-8-sig")
    rows = {r["article_number"]: r for r in csv.DictReader(io.StringIO(text))}

    assert {n: rows[n]["name"] for n in DANGEROUS} == {n: "'" + v for n, v in DANGEROUS.items()}
    assert rows["MED-0001"]["name"] == "Kompressionsstrumpa"
    assert rows["MED-0101"]["contract_price_sek"] == "450.00"


def test_xlsx_cells_that_look_like_formulas_are_text(dangerous_feed):
    data = dangerous_feed.get(FEED + "?format=xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Sortiment"]
    header = [c.value for c in sheet[1]]
    number, name = header.index("article_number"), header.index("name")
    cells = {row[number].value: row[name] for row in sheet.iter_rows(min_row=2)}

    for article, value in DANGEROUS.items():
        assert cells[article].data_type == "s", article
        assert cells[article].value == value
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


# --- bodies are rendered at publish --------------------------------------------------------------


def test_bodies_are_computed_at_publish_not_per_request(eshop, monkeypatch):
    def refuse(self, document):
        raise AssertionError("a feed body was rendered during a request")

    for writer in (JsonFormat, CsvFormat, XlsxFormat):
        monkeypatch.setattr(writer, "write", refuse)

    for format_name in ("json", "csv", "xlsx"):
        assert eshop.get(f"{FEED}?format={format_name}").status_code == 200
        assert eshop.get(f"{FEED}?format={format_name}", headers={"Accept-Encoding": "gzip"}).status_code == 200
    assert eshop.get(FEED).get_json()["version"] == 1


def test_published_at_is_utc_and_recent(eshop):
    published_at = datetime.fromisoformat(eshop.get(FEED).get_json()["published_at"].replace("Z", "+00:00"))
    assert published_at.tzinfo is not None
    assert abs(datetime.now(UTC) - published_at) < timedelta(minutes=5)


# --- with the caches on -------------------------------------------------------------------------


def test_a_new_version_is_served_at_once_with_the_cache_on(app, cached_app, published, eshop_tokens, tmp_path):
    client = bearer_client(cached_app, eshop_tokens["medi"])
    first = client.get(FEED)
    assert client.get(FEED, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304  # head cached

    with cached_app.app_context():
        from catalog_service.assortment.service import publish_assortment
        from catalog_service.pricelists.service import import_price_list

        path = factory.write_price_list(tmp_path, "medi", [*feed_rows("medi"), *factory.articles("medi", 1, start=40)])
        import_price_list(db.session, path, "medi", actor="upphandlare1")
        publish_assortment(db.session, "medi", actor="upphandlare2")
        db.session.commit()

    response = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    assert client.get(FEED + "?format=csv").data.count(b"MED-0040") == 1


def test_a_version_published_by_another_process_reaches_a_caching_server(
    app, listening_app, eshop_tokens, published, tmp_path
):
    server = bearer_client(listening_app, eshop_tokens["medi"])
    etag = server.get(FEED).headers["ETag"]  # the feed head is cached in the server process

    publish_medi(app, tmp_path, [*feed_rows("medi"), *factory.articles("medi", 1, start=50)], "v2.xlsx")

    assert eventually(lambda: server.get(FEED, headers={"If-None-Match": etag}).status_code == 200)
