"""Webhooks to e-shops (issue 18, item 2): signed per Standard Webhooks, sent once per event from an outbox
written in the publish's own transaction, retried with growing delays, never to private addresses."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from catalog_service.assortment.models import AssortmentVersion
from catalog_service.assortment.service import publish_assortment
from catalog_service.audit.models import AuditEntry
from catalog_service.extensions import db
from catalog_service.models import utcnow
from catalog_service.webhooks import http as webhook_http
from catalog_service.webhooks.delivery import deliver_due
from catalog_service.webhooks.http import RefusedURL
from catalog_service.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from catalog_service.webhooks.service import EFFECTIVE, PUBLISHED, add_endpoint, record_version_events
from tests.factories import assortments as factory

PUBLIC_ADDRESS = "93.184.215.14"  # a global address that no test connects to


@pytest.fixture
def contract(webhook_app, tmp_path):
    return factory.load_contract(webhook_app, factory.small_contract(tmp_path))


def register(app, url: str, eshop: str = "medi") -> tuple[int, str]:
    with app.app_context():
        endpoint, secret = add_endpoint(db.session, eshop=eshop, url=url, actor="upphandlare1")
        db.session.commit()
        return endpoint.id, secret


def verified(secret: str, request: dict) -> dict:
    """The body, checked with the standardwebhooks library as an e-shop would (raises if the signature is wrong)."""
    return Webhook(secret).verify(request["body"], request["headers"])


def deliveries(app, endpoint_id: int) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id).order_by(WebhookDelivery.id)
        ).all()
        found = [(d.event.type, d.status.value, d.attempts) for d in rows]
        db.session.remove()
    return found


def test_each_publish_sends_version_published_once_and_version_effective_signed(
    webhook_app, contract, receiver, tmp_path
):
    endpoint_id, secret = register(webhook_app, receiver.url)
    register(webhook_app, receiver.url.replace("/hmc", "/juzo"), eshop="juzo")  # another e-shop: told nothing

    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))
    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 4), name="v2.xlsx")

    published = [verified(secret, r) for r in receiver.of_type(PUBLISHED)]
    assert [p["data"]["version"] for p in published] == [1, 2]
    effective = [verified(secret, r) for r in receiver.of_type(EFFECTIVE)]
    assert [e["data"]["version"] for e in effective] == [1, 2]  # published now: in effect now
    assert {r["path"] for r in receiver.received} == {"/hooks/hmc"}
    body = published[1]
    assert set(body) == {"type", "timestamp", "data"}
    assert set(body["data"]) == {"supplier", "version", "effective_from", "published_at", "feed_url"}
    assert (
        body["data"]["supplier"] == "medi" and body["data"]["feed_url"] == "https://katalog.example/api/v1/feeds/medi"
    )
    assert len({r["headers"]["webhook-id"] for r in receiver.received}) == 4  # one id per event
    assert deliveries(webhook_app, endpoint_id) == [
        (PUBLISHED, "succeeded", 1),
        (EFFECTIVE, "succeeded", 1),
        (PUBLISHED, "succeeded", 1),
        (EFFECTIVE, "succeeded", 1),
    ]
    with pytest.raises(Exception, match="signature"):  # a tampered body does not verify
        Webhook(secret).verify(receiver.received[0]["body"] + b" ", receiver.received[0]["headers"])

    deliver_due(webhook_app, now=utcnow() + timedelta(days=2))  # the scan sends nothing twice
    assert len(receiver.received) == 4


def test_a_scheduled_version_sends_version_effective_at_its_effective_time(webhook_app, contract, receiver, tmp_path):
    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))
    endpoint_id, secret = register(webhook_app, receiver.url)
    moment = utcnow().replace(microsecond=0) + timedelta(days=3)
    factory.import_draft(
        webhook_app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 4), name="v2.xlsx"), "medi"
    )
    assert factory.publish(webhook_app, "medi", effective_from=moment) == 2

    [published] = [verified(secret, r) for r in receiver.of_type(PUBLISHED)]
    assert published["data"]["version"] == 2 and published["data"]["effective_from"] == moment.isoformat()
    assert deliver_due(webhook_app, now=moment - timedelta(seconds=1)) == 0
    assert receiver.of_type(EFFECTIVE) == []

    assert deliver_due(webhook_app, now=moment) == 1  # the worker's every-minute scan, or its task scheduled at T
    [effective] = [verified(secret, r) for r in receiver.of_type(EFFECTIVE)]
    assert effective["data"] == published["data"]
    assert deliveries(webhook_app, endpoint_id) == [(PUBLISHED, "succeeded", 1), (EFFECTIVE, "succeeded", 1)]


def test_a_cancelled_schedule_never_sends_version_effective(webhook_app, contract, receiver, tmp_path):
    from catalog_service.assortment.service import cancel_schedule

    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))
    endpoint_id, _ = register(webhook_app, receiver.url)
    moment = utcnow().replace(microsecond=0) + timedelta(days=3)
    factory.import_draft(
        webhook_app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 4), name="v2.xlsx"), "medi"
    )
    factory.publish(webhook_app, "medi", effective_from=moment)
    with webhook_app.app_context():
        cancel_schedule(db.session, "medi", actor="upphandlare2", reason="Fel prislista")
        db.session.commit()

    assert deliver_due(webhook_app, now=moment + timedelta(hours=1)) == 0
    assert receiver.of_type(EFFECTIVE) == [] and len(receiver.of_type(PUBLISHED)) == 1
    assert deliveries(webhook_app, endpoint_id) == [(PUBLISHED, "succeeded", 1), (EFFECTIVE, "failed", 0)]


def test_a_receiver_failing_twice_gets_three_attempts_with_growing_delays(webhook_app, contract, receiver, tmp_path):
    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))
    _, secret = register(webhook_app, receiver.url)
    receiver.answers = [500, 500]
    later = utcnow() + timedelta(days=5)  # only version_published is due in this test
    with webhook_app.app_context():
        version = db.session.scalar(select(AssortmentVersion))
        record_version_events(db.session, version, effective_from=later)
        db.session.commit()  # the first attempt, at once: 500

    tried_at, next_tries = [], []
    for _ in range(5):
        with webhook_app.app_context():
            delivery = db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id))
            if delivery.status is not DeliveryStatus.pending:
                break
            tried_at.append(delivery.tries[-1].started_at)
            next_tries.append(delivery.next_try_at)
            db.session.remove()
        deliver_due(webhook_app, now=next_tries[-1])  # the clock moves to the next try
    with webhook_app.app_context():
        delivery = db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id))
        log = [(a.status_code, a.ok, a.error) for a in delivery.tries]
        assert delivery.status is DeliveryStatus.succeeded and delivery.attempts == 3
        assert delivery.last_status_code == 200 and delivery.last_error is None and delivery.next_try_at is None

    assert log == [(500, False, "Svarade 500."), (500, False, "Svarade 500."), (200, True, None)]
    delays = [next_tries[0] - tried_at[0], next_tries[1] - next_tries[0]]
    assert delays[0] >= timedelta(seconds=29) and delays[1] >= 2 * delays[0] - timedelta(seconds=2)
    assert len(receiver.of_type(PUBLISHED)) == 3
    assert len({r["headers"]["webhook-id"] for r in receiver.of_type(PUBLISHED)}) == 1  # the same message each try
    metrics = webhook_app.test_client().get("/metrics").text  # from loopback
    assert 'catalog_webhook_failures_total{eshop="medi"} 2.0' in metrics
    [verified(secret, r) for r in receiver.of_type(PUBLISHED)]


def test_retries_stop_after_24_hours_and_the_delivery_fails(webhook_app, contract, receiver, tmp_path):
    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))
    register(webhook_app, receiver.url)
    receiver.answers = [503] * 100
    with webhook_app.app_context():
        record_version_events(db.session, db.session.scalar(select(AssortmentVersion)), effective_from=utcnow())
        db.session.commit()
    start = utcnow()
    for _ in range(40):
        with webhook_app.app_context():
            pending = db.session.scalars(
                select(WebhookDelivery.next_try_at).where(WebhookDelivery.status == DeliveryStatus.pending)
            ).all()
            db.session.remove()
        if not pending:
            break
        deliver_due(webhook_app, now=max(pending))
    with webhook_app.app_context():
        found = db.session.scalars(select(WebhookDelivery)).all()
        assert {d.status for d in found} == {DeliveryStatus.failed}
        last_try = db.session.scalar(select(func.max(WebhookAttempt.started_at)))
        attempts = {d.attempts for d in found}
    assert attempts == {12}  # 30 s doubling: the 12th failure's next try would be past 24 hours
    assert last_try - start < timedelta(hours=24)


def test_a_rolled_back_publish_sends_nothing(webhook_app, contract, receiver, tmp_path):
    factory.import_draft(webhook_app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 3)), "medi")
    register(webhook_app, receiver.url)
    with webhook_app.app_context():
        publish_assortment(db.session, "medi", actor="upphandlare2")
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 2  # in the transaction …
        db.session.rollback()  # … which does not commit
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert deliver_due(webhook_app, now=utcnow() + timedelta(days=2)) == 0
    assert receiver.received == []


@pytest.mark.parametrize(
    ("url", "resolved", "why"),
    [
        ("https://10.0.0.1/hook", None, "privat"),
        ("https://169.254.169.254/latest/meta-data", None, "metadata"),
        ("https://[fd00:ec2::254]/", None, "metadata"),
        ("https://shop.example/hook", "10.20.30.40", "privat"),
        ("https://metadata.shop.example/hook", "169.254.169.254", "metadata"),
        ("https://shop.example/hook", "127.0.0.1", "egna datorn"),
        ("http://shop.example/hook", PUBLIC_ADDRESS, "https://"),
        ("ftp://shop.example/hook", None, "https://"),
    ],
)
def test_unsafe_urls_are_refused_and_nothing_is_stored(app, monkeypatch, url, resolved, why):
    if resolved:
        monkeypatch.setattr(webhook_http, "resolve", lambda host, port: [resolved])
    with app.app_context(), pytest.raises(RefusedURL, match=why):
        add_endpoint(db.session, eshop="medi", url=url, actor="upphandlare1")
    with app.app_context():
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_http_to_loopback_needs_the_setting(app, receiver):
    with app.app_context(), pytest.raises(RefusedURL, match="egna datorn"):
        add_endpoint(db.session, eshop="medi", url=receiver.url, actor="upphandlare1")
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    register(app, receiver.url)


def test_a_name_that_later_resolves_to_a_private_address_is_not_called(
    webhook_app, contract, receiver, tmp_path, monkeypatch
):
    """DNS rebinding: the address is checked again at each try, and the request goes to the checked address."""
    monkeypatch.setattr(webhook_http, "resolve", lambda host, port: [PUBLIC_ADDRESS])
    endpoint_id, _ = register(webhook_app, "https://shop.example/hook")
    monkeypatch.setattr(webhook_http, "resolve", lambda host, port: ["10.0.0.7"])
    connected = []
    monkeypatch.setattr(webhook_http.socket, "create_connection", lambda *a, **k: connected.append(a))
    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))

    assert connected == []
    with webhook_app.app_context():
        tries = db.session.scalars(select(WebhookAttempt)).all()
        assert [t.error for t in tries] == [
            "Adressen pekar på ett privat eller reserverat nät och får inte anropas."
        ] * 2
    assert {s for _, s, _ in deliveries(webhook_app, endpoint_id)} == {"pending"}


def test_cli_api_and_page(webhook_app, contract, receiver, tmp_path):
    from tests.conftest import csrf_from, make_token, page_client

    runner = webhook_app.test_cli_runner()
    added = runner.invoke(args=["webhook", "add", "--eshop", "medi", "--url", receiver.url, "--actor", "anna"])
    assert added.exit_code == 0, added.output
    secret = added.stdout.strip()
    assert secret.startswith("whsec_") and Webhook(secret)
    listed = runner.invoke(args=["webhook", "list", "--json"])
    assert json.loads(listed.stdout)["endpoints"][0]["url"] == receiver.url and secret not in listed.stdout
    refused = runner.invoke(args=["webhook", "add", "--eshop", "medi", "--url", "https://10.0.0.1/"])
    assert refused.exit_code == 1 and "privat" in refused.stderr

    factory.import_and_publish(webhook_app, tmp_path, "medi", factory.articles("medi", 3))
    token = make_token(webhook_app, roles=("upphandlare",), name="upphandlare9")
    headers = {"Authorization": f"Bearer {token}"}
    client = webhook_app.test_client()
    endpoints = client.get("/api/v1/webhooks", headers=headers).get_json()
    assert endpoints[0]["last_delivery"]["status"] == "succeeded" and "secret" not in endpoints[0]
    log = client.get(f"/api/v1/webhooks/{endpoints[0]['id']}/deliveries", headers=headers).get_json()
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [
        (EFFECTIVE, "succeeded", 1),
        (PUBLISHED, "succeeded", 1),
    ]
    assert log[0]["tries"][0]["status_code"] == 200
    again = client.post(f"/api/v1/webhooks/deliveries/{log[1]['id']}/redeliver", headers=headers)
    assert again.status_code == 202
    assert len(receiver.of_type(PUBLISHED)) == 2  # sent again, with the same webhook-id
    assert len({r["headers"]["webhook-id"] for r in receiver.of_type(PUBLISHED)}) == 1
    created = client.post("/api/v1/webhooks", headers=headers, json={"eshop": "juzo", "url": receiver.url})
    assert created.status_code == 201 and created.get_json()["secret"].startswith("whsec_")
    bad = client.post("/api/v1/webhooks", headers=headers, json={"eshop": "juzo", "url": "https://169.254.169.254/"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "webhook_url_refused"
    hmc = make_token(webhook_app, roles=("hmc",), name="hmc9")
    assert client.get("/api/v1/webhooks", headers={"Authorization": f"Bearer {hmc}"}).status_code == 403

    officer = page_client(webhook_app, "upphandlare", name="upphandlare8")
    page = officer.get("/webhooks")
    assert page.status_code == 200 and "Version publicerad" in page.text and "levererad" in page.text
    assert secret not in page.text
    form = {"eshop": "rama", "url": receiver.url, "csrf_token": csrf_from(page.text)}
    shown = officer.post("/webhooks", data=form)
    assert shown.status_code == 201 and "whsec_" in shown.text
    assert page_client(webhook_app, "hmc", name="hmc8").get("/webhooks").status_code == 403
    delete = client.delete(f"/api/v1/webhooks/{created.get_json()['id']}", headers=headers)
    assert delete.status_code == 204

    with webhook_app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("webhook.%"))).all()
        details = json.dumps([e.details for e in db.session.scalars(select(AuditEntry)).all()])
    assert sorted(actions) == sorted(["webhook.add"] * 3 + ["webhook.redeliver", "webhook.remove"])
    assert "whsec_" not in details
