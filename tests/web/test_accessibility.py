"""The shell's accessibility (issue 13, item 7): the statement page, the skip link and footer on every page,
and no GET form that could carry free text into a URL (item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import catalog_service
from tests.conftest import page_client

TEMPLATES = Path(catalog_service.__file__).parent


def test_the_accessibility_statement_is_open_without_login_and_names_the_mailbox(app):
    app.config["ACCESSIBILITY_CONTACT"] = "tillganglighet@hmc.example.se"
    response = app.test_client().get("/tillganglighet")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse" in html and "2018:1937" in html and "WCAG 2.1" in html
    assert "delvis förenlig" in html  # the conformance status
    assert "Innehåll som inte är tillgängligt" in html  # the known gaps
    assert 'href="mailto:tillganglighet@hmc.example.se"' in html  # whom to tell, a functional mailbox
    assert "digg.se" in html  # the supervising authority


def test_every_page_has_a_skip_link_and_the_statement_in_its_footer(app):
    for html in (
        app.test_client().get("/login").get_data(as_text=True),
        page_client(app, "upphandlare", name="upphandlare1").get("/").get_data(as_text=True),
        page_client(app, "forskrivare", name="forskrivare1").get("/audit").get_data(as_text=True),  # 403 page
    ):
        assert re.search(r'<a class="skip-link" href="#main">', html)
        assert 'id="main"' in html
        assert re.search(r'<footer>\s*<a href="/tillganglighet">Tillgänglighetsredogörelse</a>', html)


def test_the_header_names_roles_in_swedish(app):
    html = page_client(app, "forskrivare", name="forskrivare1").get("/requests/new").get_data(as_text=True)
    assert "forskrivare1 (förskrivare)" in html


def test_no_get_form_has_a_free_text_field():
    """A GET form puts its fields in the URL: only dates, numbers, choices and check boxes may be in one."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b.*?</form>", template.read_text(), re.S):
            opening = form[: form.index(">") + 1]
            if "post" in opening.lower():
                continue
            for field in re.findall(r"<(?:input|textarea)\b[^>]*>", form):
                kind = re.search(r'type="([^"]+)"', field)
                if field.startswith("<textarea") or (kind is None or kind.group(1) in ("text", "search")):
                    offenders.append(f"{template.relative_to(TEMPLATES)}: {field}")
    assert offenders == []


def test_a_person_lands_on_a_page_of_their_own_and_the_refusal_leads_back_there(app):
    from tests.conftest import login, make_person

    make_person(app, "forskrivare1", ("forskrivare",))
    client = app.test_client()
    landed = login(client, "forskrivare1")
    start = landed.headers["Location"]
    assert start != "/" and client.get(start).status_code == 200
    refused = client.get("/audit")
    assert refused.status_code == 403 and f'<a href="{start}">Till startsidan</a>' in refused.text
    officer = page_client(app, "upphandlare", name="upphandlare1")
    assert officer.get("/requests/lookup").status_code == 200
    assert 'href="/requests/new"' not in officer.get("/requests/lookup").text  # a link only where it may lead


def test_a_chart_is_a_named_image_that_scales_and_its_figures_are_a_table():
    from catalog_service.charts import chart_options, pygal_module, render_svg
    from catalog_service.stock.charts import pareto_table

    chart = pygal_module().Bar(**chart_options(width=800, height=300, title="Andel <inom> ledtid"))
    chart.add("Medi", [50, 100])
    svg = render_svg(chart)
    assert svg.startswith('<svg role="img" aria-label="Andel &lt;inom&gt; ledtid" focusable="false"')
    assert 'viewBox="0 0 800 300"' in svg and "<script" not in svg
    rows = pareto_table([{"value_sek": value} for value in (60, 20, 10, 5, 5)])
    assert len(rows) == 10 and rows[-1] == (1.0, 1.0)
    assert rows[1] == (0.2, 0.6)  # the largest fifth of the articles holds 60 % of the value
