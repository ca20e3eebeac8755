"""Delivering webhook events: one try per task, exponential backoff for 24 hours, a log of every attempt.

A try claims its delivery with a conditional UPDATE (pending and due → sending), so two workers never send
the same delivery at once; the HTTP request runs outside any transaction, and its outcome is written with
the attempt. A worker killed mid-send leaves the delivery ``sending``: the every-minute scan gives it back
after STALE_SENDING and it is tried again (a receiver may then see a webhook-id twice, as the standard allows).
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from ..extensions import db
from ..models import utcnow
from ..transactions import transaction
from .http import RefusedURL, check_url, post
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery

STALE_SENDING = timedelta(minutes=5)
USER_AGENT = "hmc-catalog-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: DeliveryStatus
    next_try_at: datetime | None


def signed_headers(secret: str, message_id: str, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers; the timestamp is the wall clock at sending (receivers check it)."""
    sent = datetime.now(UTC)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent, body),
    }


def backoff(config, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: the base, then doubling."""
    return timedelta(seconds=float(config["WEBHOOK_RETRY_BASE_SECONDS"]) * 2 ** (attempts - 1))


def deliver(app: Flask, delivery_id: int, *, now: datetime | None = None) -> Outcome | None:
    """Try the delivery once if it is due at ``now`` (the clock by default); None if it was not due or taken."""
    now = now or utcnow()
    with app.app_context(), Session(db.engine) as session:
        with transaction(session):
            claimed = session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.status == DeliveryStatus.pending,
                    WebhookDelivery.next_try_at <= now,
                )
                .values(status=DeliveryStatus.sending, claimed_at=now)
            ).rowcount
        if claimed != 1:
            return None
        delivery = session.get(WebhookDelivery, delivery_id)
        endpoint, event = delivery.endpoint, delivery.event
        started, clock = utcnow(), time.monotonic()
        code, error = None, None
        if endpoint.removed_at is not None:
            error = "Mottagaren togs bort."
        else:
            code, error = _send(app, endpoint.url, endpoint.secret, event.message_id, event.body.encode())
        took = int((time.monotonic() - clock) * 1000)
        with transaction(session):
            return _settle(app, session, delivery, now, started, took, code, error)


def _send(app: Flask, url: str, secret: str, message_id: str, body: bytes) -> tuple[int | None, str | None]:
    try:
        target = check_url(url, allow_loopback=bool(app.config.get("WEBHOOK_ALLOW_LOOPBACK")))
        code = post(
            target,
            body,
            signed_headers(secret, message_id, body),
            timeout=float(app.config["WEBHOOK_TIMEOUT_SECONDS"]),
        )
    except RefusedURL as refused:
        return None, refused.message
    except TimeoutError:
        return None, "Tidsgränsen gick ut."
    except (OSError, http.client.HTTPException) as failure:  # never the secret: only the kind of failure
        return None, f"Anslutningen misslyckades ({type(failure).__name__})."
    return code, None if 200 <= code < 300 else f"Svarade {code}."


def _settle(app, session, delivery, now, started, took, code, error) -> Outcome:
    ok = error is None
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id, started_at=started, duration_ms=took, status_code=code, error=error, ok=ok
        )
    )
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error, delivery.claimed_at = code, error, None
    if ok:
        delivery.status, delivery.next_try_at, delivery.finished_at = DeliveryStatus.succeeded, None, utcnow()
        return Outcome(delivery.status, None)
    following = now + backoff(app.config, delivery.attempts)
    give_up = delivery.event.due_at + timedelta(hours=float(app.config["WEBHOOK_RETRY_HOURS"]))
    if following > give_up or delivery.endpoint.removed_at is not None:
        delivery.status, delivery.next_try_at, delivery.finished_at = DeliveryStatus.failed, None, utcnow()
        return Outcome(delivery.status, None)
    delivery.status, delivery.next_try_at = DeliveryStatus.pending, following
    return Outcome(delivery.status, following)


def schedule_retry(app: Flask, delivery_id: int, outcome: Outcome | None) -> None:
    """Put the next try on the queue at its time (the every-minute scan would find it too)."""
    if outcome is not None and outcome.next_try_at is not None:
        from ..jobs.queue import enqueue

        enqueue(app, "deliver_webhook", delivery_id, eta=outcome.next_try_at)


def deliver_due(app: Flask, *, now: datetime | None = None) -> int:
    """Every delivery due at ``now``, one try each; deliveries left ``sending`` by a dead worker go back first."""
    now = now or utcnow()
    with app.app_context(), Session(db.engine) as session, transaction(session):
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.sending, WebhookDelivery.claimed_at < now - STALE_SENDING)
            .values(status=DeliveryStatus.pending, claimed_at=None)
        )
        due = list(
            session.scalars(
                select(WebhookDelivery.id)
                .where(WebhookDelivery.status == DeliveryStatus.pending, WebhookDelivery.next_try_at <= now)
                .order_by(WebhookDelivery.next_try_at, WebhookDelivery.id)
            )
        )
    tried = 0
    for delivery_id in due:
        tried += deliver(app, delivery_id, now=now) is not None
    return tried
