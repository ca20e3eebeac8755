"""The review page puts what needs a decision first (with the unknown colours' map buttons), then publishing,
then the long article lists folded; a colour mapped there is answered on the review page."""

from __future__ import annotations

from tests.conftest import csrf_from, page_client
from tests.factories import assortments as factory


def test_decisions_come_before_publish_and_the_lists_are_folded(app, samples, sample_contract):
    draft = factory.import_draft(app, samples / "rama-prislista-2026.xlsx", "rama")
    officer = page_client(app, "upphandlare", name="upphandlare2")
    page = officer.get("/review/rama").text
    places = [page.index(marker) for marker in ('id="decide"', 'id="publish"', 'id="added"', 'id="changed"')]
    assert places == sorted(places)
    assert '<details id="added">' in page and "<summary>Nya artiklar (534)</summary>" in page
    assert page.index('id="review-unknown-colours"') < page.index('id="publish"')
    assert 'data-colour="Hudfarg"' in page and 'name="back" value="review"' in page

    mapped = officer.post(
        f"/pricelists/{draft}/colours",
        data={"value": "Hudfarg", "base_colour": "Beige", "back": "review", "csrf_token": csrf_from(page)},
    )
    assert mapped.status_code == 302 and mapped.headers["Location"] == "/review/rama#unknown-colours"
    again = officer.get("/review/rama").text
    assert 'data-colour="Hudfarg"' not in again and "Hudfarg" in again  # gone from the list; the notice names it

    hmc = page_client(app, "hmc", name="hmc1").get("/review/rama").text
    assert 'data-colour="Beige/svart"' in hmc and 'name="back" value="review"' not in hmc  # reads, never maps
