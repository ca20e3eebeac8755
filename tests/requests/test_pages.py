"""The pages: form, answer, lookup, queue, detail with timeline and buttons, work order, candidates.

The clients are people logged in to the pages.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import pytest
import time_machine

from catalog_service.requests.models import RequestStatus
from tests.conftest import csrf_from, page_client
from tests.helpers import urls_and_log_lines
from tests.requests.conftest import IN_ASSORTMENT, NEVER, payload, reach, stored, submit

POST_FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.DOTALL)


def assert_post_forms_carry_csrf(html: str) -> int:
    """Every post form carries the CSRF token; returns how many the page's content has (the logout form aside)."""
    forms = POST_FORM.findall(html)
    for form in forms:
        assert '<input type="hidden" name="csrf_token"' in form
    return len([form for form in forms if "Logga ut" not in form])


def form(**overrides) -> dict:
    return {key: value for key, value in payload(**overrides).items()}


def test_the_form_page_lists_reasons_suppliers_and_carries_csrf(app, people):
    response = people.lisa.get("/requests/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ingen upphandlad modell passar" in html and ">Medi<" in html
    assert assert_post_forms_carry_csrf(html) == 1


def test_submitting_the_form_opens_the_request_page(app, people):
    response = people.lisa.post("/requests/new", data=form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/requests/KONS-2026-000001")
    page = people.lisa.get("/requests/KONS-2026-000001").get_data(as_text=True)
    assert "Konsultation KONS-2026-000001" in page and "inskickad" in page
    assert 'value="start_review"' not in page  # the prescriber has no step to take yet


def test_an_article_in_the_assortment_gets_the_answer_page(app, people, published):
    response = people.lisa.post("/requests/new", data=form(article_number=IN_ASSORTMENT))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Artikeln finns i sortimentet" in html and "Medis e-butik" in html and IN_ASSORTMENT in html
    assert stored(app, "KONS-2026-000001")[0] == "resolved_in_assortment"


def test_a_refused_form_names_the_field_and_never_shows_the_value(app, people):
    secret = "19550323-3859"
    response = people.lisa.post("/requests/new", data=form(description=f"Patient {secret} behöver strumpa"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fältet ”Beskrivning” innehåller personuppgifter (personnummer)" in html  # Swedish label and kind
    assert 'Fältet "description"' not in html and secret not in html
    # every other field is kept, only the refused one is emptied
    assert 'value="KO-2600001"' in html and 'value="Mediven Sonder"' in html and 'value="VGR-1234"' in html
    assert f'value="{NEVER}"' in html
    assert re.search(r'<option value="medi"\s*selected', html)
    assert re.search(r'<option value="measurements_outside_sizes"\s*selected', html)
    assert re.search(r'name="description"[^>]*>\s*</textarea>', html)
    bad_number = people.lisa.post("/requests/new", data=form(kundordernummer="Sven Svensson"))
    assert bad_number.status_code == 422 and "Svensson" not in bad_number.get_data(as_text=True)


def test_hmc_takes_steps_with_the_buttons_and_sees_the_timeline(app, people):
    number = submit(people.lisa).get_json()["number"]
    page = people.hanna.get(f"/requests/{number}").get_data(as_text=True)
    assert 'value="start_review"' in page
    assert assert_post_forms_carry_csrf(page) == 1

    response = people.hanna.post(f"/requests/{number}/actions", data={"action": "start_review", "comment": "Tar den."})
    assert response.status_code == 303
    page = people.hanna.get(f"/requests/{number}").get_data(as_text=True)
    assert "under handläggning" in page and "Tar den." in page and "hanna" in page
    assert {'value="propose_alternative"', 'value="send_for_cost_approval"', 'value="reject"'} <= set(
        re.findall(r'value="[a-z_]+"', page)
    )
    assert assert_post_forms_carry_csrf(page) == 3


def test_an_illegal_or_refused_step_on_the_page_shows_why(app, people):
    number = submit(people.lisa).get_json()["number"]
    illegal = people.hanna.post(f"/requests/{number}/actions", data={"action": "approve"})
    assert illegal.status_code == 409 and "Det går inte att" in illegal.get_data(as_text=True)
    forbidden = people.olof.post(f"/requests/{number}/actions", data={"action": "start_review"})
    assert forbidden.status_code == 403
    secret = "lars.svensson@example.com"
    refused = people.hanna.post(f"/requests/{number}/actions", data={"action": "start_review", "comment": secret})
    assert refused.status_code == 422 and secret not in refused.get_data(as_text=True)
    assert stored(app, number) == ("submitted", 1)


def test_approval_in_the_form_makes_the_work_order_and_its_page_has_the_steps(app, people):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False):
        # logged in on that day: a session signed later would not be valid then
        people.hanna = page_client(app, "hmc", name="hanna-maj", csrf_header=True)
        approved = people.hanna.post(
            f"/requests/{number}/actions",
            data={
                "action": "approve",
                "cost_estimate_sek": "4 500,50",
                "cost_unit_code": "vgr-9000",
                "made_to_measure": "on",
            },
        )
        assert approved.status_code == 303
        order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
        assert order in people.hanna.get(f"/requests/{number}").get_data(as_text=True)
        page = people.hanna.get(f"/work-orders/{order}").get_data(as_text=True)
        assert "4\u00a0500,50\u00a0kr" in page and "VGR-9000" in page and "10 arbetsdagar" in page
        assert assert_post_forms_carry_csrf(page) == 1 and 'value="order"' in page
        assert '<button type="submit">Beställ</button>' in page and "Beställa" not in page  # imperative
        assert people.hanna.post(f"/work-orders/{order}/actions", data={"action": "order"}).status_code == 303
        page = people.hanna.get(f"/work-orders/{order}").get_data(as_text=True)
    assert "beställd" in page and "2026-05-19" in page and 'value="receive"' in page
    assert people.lisa.post(f"/work-orders/{order}/actions", data={"action": "receive"}).status_code == 403


def test_a_refused_step_keeps_its_form_but_the_refused_field(app, people):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)
    secret = "19121212-1212"
    data = {
        "action": "approve",
        "cost_estimate_sek": "4 500,50",
        "cost_unit_code": "VGR-9000",
        "made_to_measure": "on",
        "specification": f"Till {secret}",
        "comment": "Godkänt per telefon",
    }
    refused = people.hanna.post(f"/requests/{number}/actions", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and secret not in html and "19121212" not in html
    assert "”Specifikation” innehåller personuppgifter (personnummer)" in html
    assert 'value="4 500,50"' in html and 'value="VGR-9000"' in html and 'value="Godkänt per telefon"' in html
    assert re.search(r'name="made_to_measure"\s*checked', html)
    assert re.search(r'name="specification"[^>]*value=""', html)
    assert stored(app, number)[0] == "awaiting_cost_approval"


def test_the_queue_page_filters_and_flags_overdue_requests(app, api_people):
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False):
        old = submit(api_people.lisa, urgency="urgent").get_json()["number"]
    with time_machine.travel(datetime(2026, 5, 11, 10, 0, tzinfo=UTC), tick=False):
        new = submit(api_people.lisa, supplier="juzo").get_json()["number"]
    with time_machine.travel(datetime(2026, 5, 12, 10, 0, tzinfo=UTC), tick=False):
        hanna = page_client(app, "hmc", name="hanna-maj")  # logged in on that day
        page = hanna.get("/requests").get_data(as_text=True)
        juzo = hanna.get("/requests?supplier=juzo").get_data(as_text=True)
        overdue = hanna.get("/requests?overdue=1").get_data(as_text=True)
        unknown = hanna.get("/requests?supplier=nobody")
    assert old in page and new in page and page.count('class="overdue">försenat') == 1
    assert new in juzo and old not in juzo
    assert old in overdue and new not in overdue
    assert unknown.status_code == 422 and "nobody" not in unknown.get_data(as_text=True)


def test_the_lookup_finds_by_request_number_and_by_customer_order_number(app, people):
    first = submit(people.lisa).get_json()["number"]
    second = submit(people.olof, kundordernummer="KO-2600002").get_json()["number"]
    by_number = people.lisa.get(f"/requests/lookup?q={second.lower()}").get_data(as_text=True)
    assert second in by_number and first not in by_number
    by_order = people.lisa.get("/requests/lookup?q=KO-2600001").get_data(as_text=True)
    assert first in by_order and second not in by_order
    nothing = people.lisa.get("/requests/lookup?q=Sven+Svensson").get_data(as_text=True)
    assert "Inga ärenden hittades" in nothing and "Svensson" not in nothing


def look_up(client, typed: str):
    """The lookup form as a browser sends it: POSTed with the CSRF token, redirects followed."""
    token = csrf_from(client.get("/requests/lookup").text)
    return client.post("/requests/lookup", data={"q": typed, "csrf_token": token}, follow_redirects=True)


def test_the_lookup_form_is_posted_and_ends_on_a_url_with_only_the_number(app, people):
    first = submit(people.lisa).get_json()["number"]
    page = people.lisa.get("/requests/lookup").get_data(as_text=True)
    assert 'method="post" action="/requests/lookup"' in page and 'method="get"' not in page
    by_order = look_up(people.lisa, " KO-2600001 ")
    (redirect,) = by_order.history
    assert redirect.status_code == 303 and redirect.headers["Location"] == "/requests/lookup?q=KO-2600001"
    assert by_order.request.full_path == "/requests/lookup?q=KO-2600001" and first in by_order.get_data(as_text=True)
    by_number = look_up(people.lisa, first.lower())
    assert by_number.request.full_path == f"/requests/lookup?q={first}" and first in by_number.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["19121212-1212", "191212121212", "Sven Svensson", "KONS-19121212-1212"])
def test_personal_data_typed_in_the_lookup_never_reaches_a_url_or_the_log(app, people, caplog, typed):
    number = submit(people.lisa).get_json()["number"]
    with caplog.at_level(logging.DEBUG):
        response = look_up(people.lisa, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and not response.history  # re-rendered, not redirected
    assert "Sök på ett ärendenummer" in page and number not in page  # no search was made
    assert typed not in page and "Svensson" not in page
    seen = urls_and_log_lines(response, caplog)
    assert typed not in seen and "Svensson" not in seen
    assert '"path": "/requests/lookup"' in seen  # the access log saw the request, only its path


def test_the_queue_counts_in_good_swedish(app, people):
    submit(people.lisa)
    assert "<p>1 ärende.</p>" in people.hanna.get("/requests").get_data(as_text=True)
    submit(people.olof, kundordernummer="KO-2600002")
    assert "<p>2 ärenden.</p>" in people.hanna.get("/requests").get_data(as_text=True)


def test_the_candidates_page_shows_the_report(app, people):
    for _ in range(3):
        submit(people.lisa, article_number="MED-7777")
    page = people.ulla.get("/requests/candidates").get_data(as_text=True)
    assert "MED-7777" in page and "Mediven Sonder" in page
    assert "MED-7777" not in people.ulla.get("/requests/candidates?min_count=4").get_data(as_text=True)


def test_an_unknown_request_page_is_a_404(app, people):
    response = people.hanna.get("/requests/KONS-2026-999999")
    assert response.status_code == 404 and "Det finns inget ärende" in response.get_data(as_text=True)
    assert people.hanna.get("/work-orders/AO-2026-999999").status_code == 404
