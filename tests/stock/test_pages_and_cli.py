"""The stock page with its pictures and decision form; the command line; the OpenAPI document."""

from __future__ import annotations

import io
import json

import openpyxl
from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.stock.models import StockDecision
from tests.helpers import table_counts
from tests.stock.conftest import WINDOW, A, B, D
from tests.stock.test_recommendations import DESIGN_KEYS

PERIOD = f"from={WINDOW['from']}&to={WINDOW['to']}"


def test_stock_page_shows_the_pareto_curve_the_matrix_and_the_recommended_articles(app, example, hmc_client):
    response = hmc_client.get(f"/stock?{PERIOD}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 1 and "Paretokurva" in page and "<script" not in page
    # the matrix: A row X column holds A, B and D, of which A and B are recommended
    assert '<td class="num" data-class="AX">3 (2)</td>' in page
    assert '<td class="num" data-class="BZ">1 (0)</td>' in page and '<td class="num" data-class="CZ">1 (0)</td>' in page
    assert f">{A}</a>" in page and f">{B}</a>" in page and f">{D}</a>" not in page  # D is made to measure
    assert 'name="csrf_token"' in page and 'action="/stock/decisions"' in page
    assert 'href="/stock/lagerlista.xlsx"' in page


def test_article_page_shows_its_weekly_demand(app, example, hmc_client):
    page = hmc_client.get(f"/stock/medi/{B}?{PERIOD}").get_data(as_text=True)
    assert page.count("<svg") == 1 and "<script" not in page
    assert "v32 2026" in page and "v35 2026" in page  # the four weeks of the window
    assert "Rekommenderas: klass AX" in page and "Inget beslut är fattat" in page


def test_bad_period_on_the_page_says_why_in_swedish(app, example, hmc_client):
    response = hmc_client.get("/stock?from=2026-09-01&to=2026-08-01&service_level=1.5")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Från-datumet ligger efter till-datumet." in page and "Servicenivån ska vara ett tal" in page
    assert "<svg" in page  # the default period is shown meanwhile


def test_the_period_form_sends_only_dates_and_a_number_in_its_url(app, example, hmc_client):
    page = hmc_client.get("/stock?from=2026-08-03&to=2026-08-30&service_level=0,9").get_data(as_text=True)
    form = page.split('<form method="get"')[1].split("</form>")[0]
    assert '<input type="date" name="from" value="2026-08-03">' in form
    assert '<input type="date" name="to" value="2026-08-30">' in form
    assert 'type="number" name="service_level"' in form and 'value="0.9"' in form
    assert form.count("<input") == 3  # no free-text field travels in the URL


def test_posting_the_form_records_a_decision_and_shows_it(app, example, hmc_client):
    form = {"csrf_token": "", "supplier": "medi", "article_number": B, "stock": "ja", "rationale": "Jämn efterfrågan."}
    response = hmc_client.post("/stock/decisions", data={**form, "back": "stock"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/stock/medi/{B}?sparat=1")
    page = hmc_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Beslutet är sparat." in page and "Jämn efterfrågan." in page and "(gäller)" in page
    with app.app_context():
        assert db.session.scalars(select(StockDecision.article_number)).all() == [B]


def test_a_refused_form_says_why_keeps_nothing_and_never_shows_personal_data_back(app, example, hmc_client):
    before = table_counts(app)
    form = {
        "supplier": "medi",
        "article_number": A,
        "stock": "ja",
        "rationale": "Till Eva, Linnégatan 2, 748 30 Österbybruk",
        "back": "article",
    }
    response = hmc_client.post("/stock/decisions", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Motiveringen innehåller personuppgifter (gatuadress, postnummer och ort)" in page
    assert "Linnégatan" not in page and "Österbybruk" not in page
    assert table_counts(app) == before
    made_to_measure = hmc_client.post("/stock/decisions", data={**form, "article_number": D, "rationale": "Ok"})
    assert made_to_measure.status_code == 422 and "måttsydd" in made_to_measure.get_data(as_text=True)
    assert table_counts(app) == before


def test_stock_list_downloads_as_xlsx_from_page_and_api(app, example, hmc_client):
    hmc_client.post(
        "/api/v1/stock/decisions", json={"supplier": "medi", "article_number": A, "stock": True, "rationale": "=1+1"}
    )
    for url in ("/stock/lagerlista.xlsx", f"/api/v1/stock/list.xlsx?{PERIOD}"):
        response = hmc_client.get(url)
        assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
        sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Lagerartiklar"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert [row[header.index("Artikelnummer")] for row in rows] == [A]
        assert rows[0][header.index("Motivering")] == "=1+1"  # text, never a formula
    rows = dict(zip(header, rows[0], strict=True))
    assert (rows["Beställningspunkt"], rows["Maxnivå"], rows["I publicerat sortiment"]) == (10, 20, True)


def test_recommend_command_prints_the_design_json_and_writes_the_workbook(app, runner, example, tmp_path):
    output = tmp_path / "rapport.xlsx"
    args = ["stock", "recommend", "--json", "--from", WINDOW["from"], "--to", WINDOW["to"], "-o", str(output)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report)[:3] == ["window", "service_level", "settings"]
    assert report["window"] == WINDOW and report["service_level"] == 0.95
    assert all(set(article) >= DESIGN_KEYS for article in report["articles"])
    assert list(report["articles"][0])[: len(DESIGN_KEYS)] == [
        "supplier", "article_number", "units", "order_lines", "weeks_with_demand", "weekly_mean", "weekly_sd",
        "value_sek", "abc", "xyz", "made_to_measure", "lead_time_working_days", "recommend_stock",
        "reorder_point", "max_level", "rule",
    ]  # fmt: skip
    assert "rekommenderas" in result.stderr
    sheet = openpyxl.load_workbook(output)["Rekommendationer"]
    assert sheet.max_row == 1 + len(report["articles"])


def test_recommend_command_refuses_a_bad_service_level_and_window(app, runner, example):
    bad_level = runner.invoke(args=["stock", "recommend", "--json", "--service-level", "1.5"])
    assert bad_level.exit_code == 1
    assert json.loads(bad_level.stdout)["error"]["code"] == "bad_service_level"
    assert "Servicenivån ska vara ett tal från 0,5 till under 1" in bad_level.stderr
    bad_date = runner.invoke(args=["stock", "recommend", "--from", "2026-02-30"])
    assert bad_date.exit_code == 1 and "Från-datumet är inget datum" in bad_date.stderr
    weekend = runner.invoke(args=["stock", "recommend", "--from", "2026-08-08", "--to", "2026-08-09"])
    assert weekend.exit_code == 1 and "ingen arbetsdag" in weekend.stderr


def test_decide_and_list_commands(app, runner, example, tmp_path):
    args = ["stock", "decide", "--supplier", "medi", "--article", A, "--stock", "--rationale", "Hög omsättning"]
    result = runner.invoke(args=[*args, "--json", "--actor", "hmc1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["number"] == 1
    refused = runner.invoke(args=[*args[:-1], "Mejla anna@example.com"])
    assert refused.exit_code == 1 and "personuppgifter" in refused.stderr and "anna@" not in refused.output
    output = tmp_path / "lager.xlsx"
    listed = runner.invoke(args=["stock", "list", "--json", "-o", str(output)])
    assert listed.exit_code == 0, listed.output
    assert [item["article_number"] for item in json.loads(listed.stdout)["items"]] == [A]
    assert output.read_bytes().startswith(b"PK")


def test_api_refuses_bad_window_and_service_level_in_swedish(app, example, hmc_client):
    for query, words in (
        ("service_level=1.5", "Servicenivån ska vara ett tal från 0,5 till under 1"),
        ("service_level=nittio", "Servicenivån"),
        ("from=2026-09-01&to=2026-08-01", "Från-datumet ligger efter till-datumet."),
        ("to=igår", "Till-datumet är inget datum"),
    ):
        response = hmc_client.get(f"/api/v1/stock/recommendations?{query}")
        assert response.status_code == 422, query
        assert words in response.get_json()["error"]["message"]


def test_the_openapi_document_describes_the_stock_api(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/stock/recommendations"])
    assert {"get", "post"} <= set(paths["/api/v1/stock/decisions"])
    assert "/api/v1/stock/list.xlsx" in paths and "/api/v1/stock/recommendations.xlsx" in paths
