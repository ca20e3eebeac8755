"""People with each role, a small published assortment, and shortcuts that walk a request through its states."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from catalog_service.extensions import db
from catalog_service.requests.models import ConsultationRequest, RequestStatus
from tests.conftest import bearer_client, make_token, page_client
from tests.factories import assortments as factory

KO = "KO-2600001"
IN_ASSORTMENT = "MED-0001"  # published in version 1 (and 2) of Medi
REMOVED = "MED-0003"  # in version 1 of Medi, not in version 2
NEVER = "MED-9999"  # in no published version


def payload(**overrides) -> dict:
    """A valid request for an article in no assortment; ``overrides`` replace fields (None removes one)."""
    body = {
        "kundordernummer": KO,
        "supplier": "medi",
        "article_number": NEVER,
        "model": "Mediven Sonder",
        "description": "Behöver längre lårdel än standardstorlekarna, omkrets 72 cm.",
        "reason": "measurements_outside_sizes",
        "urgency": "normal",
        "unit_code": "VGR-1234",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@pytest.fixture
def people(app):
    """A test client per person: two prescribers, HMC, procurement, admin, and an e-shop.

    The people are logged in to the pages (their session also opens the API, with the CSRF header,
    as a page's script would call it); ``api_people`` call the API with their own API tokens.
    """
    return SimpleNamespace(
        lisa=page_client(app, "forskrivare", name="lisa", csrf_header=True),
        olof=page_client(app, "forskrivare", name="olof", csrf_header=True),
        hanna=page_client(app, "hmc", name="hanna", csrf_header=True),
        ulla=page_client(app, "upphandlare", name="ulla", csrf_header=True),
        adam=page_client(app, "admin", name="adam", csrf_header=True),
        lev=page_client(app, "leverantor", name="lev", csrf_header=True),  # a supplier's person (Juzo)
        eshop=bearer_client(app, make_token(app, eshop="medi")),
    )


@pytest.fixture
def api_people(app):
    """The same kinds of people, each calling the API with a person's bearer token."""
    return SimpleNamespace(
        lisa=bearer_client(app, make_token(app, roles=("forskrivare",), name="lisa")),
        olof=bearer_client(app, make_token(app, roles=("forskrivare",), name="olof")),
        hanna=bearer_client(app, make_token(app, roles=("hmc",), name="hanna")),
        ulla=bearer_client(app, make_token(app, roles=("upphandlare",), name="ulla")),
        adam=bearer_client(app, make_token(app, roles=("admin",), name="adam")),
        eshop=bearer_client(app, make_token(app, eshop="medi")),
    )


CLIENT_OF_ROLE = {"forskrivare": "olof", "hmc": "hanna", "upphandlare": "ulla", "admin": "adam", "leverantor": "lev"}


@pytest.fixture
def published(app, tmp_path):
    """Medi version 1: MED-0001..0003 (standard), MED-0010..0011 (made to measure); version 2 without MED-0003."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    rows = factory.articles("medi", 3) + factory.articles("medi", 2, start=10, model_number=2, colour="Black")
    assert factory.import_and_publish(app, tmp_path, "medi", rows, name="medi-1.xlsx") == 1
    kept = [row for row in rows if row.article_number != REMOVED]
    assert factory.import_and_publish(app, tmp_path, "medi", kept, name="medi-2.xlsx") == 2
    return "medi"


def submit(client, **overrides):
    return client.post("/api/v1/requests", json=payload(**overrides))


def act(client, number: str, action: str, **fields):
    return client.post(f"/api/v1/requests/{number}/actions", json={"action": action, **fields})


def act_on_order(client, number: str, action: str, **fields):
    return client.post(f"/api/v1/work-orders/{number}/actions", json={"action": action, **fields})


APPROVAL = {"cost_estimate_sek": "4500.50", "cost_unit_code": "VGR-9000", "made_to_measure": True}

# How to reach each state through the API, from a fresh request by lisa (approved is never at rest).
PATHS = {
    RequestStatus.submitted: [],
    RequestStatus.in_review: ["start_review"],
    RequestStatus.resolved_with_alternative: ["start_review", "propose_alternative"],
    RequestStatus.awaiting_cost_approval: ["start_review", "send_for_cost_approval"],
    RequestStatus.work_order_created: ["start_review", "send_for_cost_approval", "approve"],
    RequestStatus.rejected: ["start_review", "reject"],
    RequestStatus.closed: ["start_review", "reject", "close"],
}


def reach(app, people, status: RequestStatus) -> str:
    """A request by lisa in ``status``; its number. ``approved`` and ``resolved_in_assortment`` are set directly."""
    response = submit(people.lisa)
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    if status not in PATHS:
        force_status(app, number, status)
        return number
    for action in PATHS[status]:
        fields = APPROVAL if action == "approve" else {}
        stepped = act(people.hanna, number, action, **fields)
        assert stepped.status_code == 200, stepped.get_json()
    return number


def force_status(app, number: str, status: RequestStatus) -> None:
    with app.app_context():
        request = db.session.scalar(db.select(ConsultationRequest).where(ConsultationRequest.number == number))
        request.status = status
        db.session.commit()


def stored(app, number: str) -> tuple[str, int]:
    """(status, timeline rows) of a request, read from the database."""
    with app.app_context():
        request = db.session.scalar(db.select(ConsultationRequest).where(ConsultationRequest.number == number))
        return request.status.value, len(request.events)
