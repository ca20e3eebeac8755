"""Webhook endpoints (added by the procurement officer) and the outbox of version events.

Events are written by ``record_version_events`` in the transaction of the publish itself, one delivery per
endpoint of the e-shop: a rolled-back publish leaves no event, a committed one always has its deliveries.
Once the session commits, its new deliveries are put on the job queue (``init_app``'s listener); a
delivery whose enqueueing was lost is found by the every-minute scan (delivery.py).
"""

from __future__ import annotations

import json
import secrets
import uuid
from base64 import b64encode
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..errors import Conflict, NotFound
from ..models import utcnow
from ..suppliers import profile_for
from .http import check_url
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

PUBLISHED, EFFECTIVE = "assortment.version_published", "assortment.version_effective"
EVENT_TYPES = (PUBLISHED, EFFECTIVE)
PENDING_KEY = "webhook_deliveries_to_enqueue"


def _config() -> dict:
    return current_app.config if has_app_context() else {}


def new_secret() -> str:
    """A Standard Webhooks signing secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


def add_endpoint(session: Session, *, eshop: str, url: str, actor: str) -> tuple[WebhookEndpoint, str]:
    """Register an e-shop's receiver; returns it and its secret (shown once). RefusedURL (422) for a bad URL."""
    code = profile_for(eshop).code
    url = url.strip()
    check_url(url, allow_loopback=bool(_config().get("WEBHOOK_ALLOW_LOOPBACK")))
    secret = new_secret()
    endpoint = WebhookEndpoint(eshop=code, url=url, secret=secret, created_by=actor)
    session.add(endpoint)
    session.flush()
    record(
        session,
        actor=actor,
        action="webhook.add",
        object_type="webhook_endpoint",
        object_id=endpoint.id,
        eshop=code,
        url=url,
    )
    return endpoint, secret


def list_endpoints(session: Session, eshop: str | None = None) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(WebhookEndpoint.removed_at.is_(None)).order_by(WebhookEndpoint.id)
    if eshop:
        query = query.where(WebhookEndpoint.eshop == profile_for(eshop).code)
    return list(session.scalars(query))


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.removed_at is not None:
        raise NotFound("webhook_not_found", f"Webhook {endpoint_id} finns inte.")
    return endpoint


def remove_endpoint(session: Session, endpoint_id: int, *, actor: str) -> WebhookEndpoint:
    """Stop sending to the endpoint (its log stays); its waiting deliveries fail with the reason."""
    endpoint = get_endpoint(session, endpoint_id)
    endpoint.removed_at, endpoint.removed_by = utcnow(), actor
    waiting = session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.pending
        )
    )
    for delivery in waiting:
        delivery.status, delivery.finished_at = DeliveryStatus.failed, utcnow()
        delivery.last_error, delivery.next_try_at = "Mottagaren togs bort.", None
    record(
        session,
        actor=actor,
        action="webhook.remove",
        object_type="webhook_endpoint",
        object_id=endpoint.id,
        eshop=endpoint.eshop,
    )
    session.flush()
    return endpoint


def redeliver(session: Session, delivery_id: int, *, actor: str) -> WebhookDelivery:
    """Send a delivery again now (same webhook-id, so a receiver that got it can tell); its log goes on."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("delivery_not_found", f"Leverans {delivery_id} finns inte.")
    get_endpoint(session, delivery.endpoint_id)  # not to a removed endpoint
    if delivery.status is DeliveryStatus.sending:
        raise Conflict("delivery_sending", "Leveransen skickas just nu.")
    delivery.status, delivery.next_try_at, delivery.finished_at = DeliveryStatus.pending, utcnow(), None
    session.flush()
    session.info.setdefault(PENDING_KEY, []).append((delivery.id, delivery.next_try_at))
    record(
        session,
        actor=actor,
        action="webhook.redeliver",
        object_type="webhook_delivery",
        object_id=delivery.id,
        endpoint_id=delivery.endpoint_id,
    )
    return delivery


def feed_url(supplier: str) -> str:
    base = str(_config().get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}/api/v1/feeds/{supplier}"


def record_version_events(session: Session, version, *, effective_from: datetime | None = None) -> list[WebhookEvent]:
    """The outbox: version_published now, version_effective at the version's effective time.

    ``effective_from`` defaults to the version's own (an effective-dated version) or its publishing time.
    The bodies hold the supplier, the version, its effective time and the feed's URL: no item data, no
    personal data. Flushes; the caller commits (with the publish).
    """
    now = utcnow()
    effective = effective_from or getattr(version, "effective_from", None) or version.published_at or now
    data = {
        "supplier": version.supplier,
        "version": version.number,
        "effective_from": effective.isoformat(),
        "published_at": (version.published_at or now).isoformat(),
        "feed_url": feed_url(version.supplier),
    }
    endpoints = list_endpoints(session, version.supplier)
    events = [
        _event(session, PUBLISHED, data, now, endpoints),
        _event(session, EFFECTIVE, data, max(now, effective), endpoints),
    ]
    return events


def cancel_version_events(session: Session, version) -> int:
    """A cancelled schedule: its waiting version_effective deliveries fail with the reason; how many."""
    waiting = session.scalars(
        select(WebhookDelivery)
        .join(WebhookEvent)
        .where(
            WebhookEvent.type == EFFECTIVE,
            WebhookEvent.supplier == version.supplier,
            WebhookEvent.version == version.number,
            WebhookDelivery.status == DeliveryStatus.pending,
        )
    ).all()
    for delivery in waiting:
        delivery.status, delivery.finished_at, delivery.next_try_at = DeliveryStatus.failed, utcnow(), None
        delivery.last_error = "Schemaläggningen avbröts: versionen börjar aldrig gälla."
    session.flush()
    return len(waiting)


def _event(session: Session, kind: str, data: dict, due: datetime, endpoints) -> WebhookEvent:
    body = json.dumps({"type": kind, "timestamp": due.isoformat(), "data": data}, separators=(",", ":"))
    found = WebhookEvent(
        message_id=f"msg_{uuid.uuid4().hex}",
        type=kind,
        supplier=data["supplier"],
        version=data["version"],
        body=body,
        due_at=due,
    )
    session.add(found)
    session.flush()
    for endpoint in endpoints:
        delivery = WebhookDelivery(event_id=found.id, endpoint_id=endpoint.id, next_try_at=due)
        session.add(delivery)
        session.flush()
        session.info.setdefault(PENDING_KEY, []).append((delivery.id, due))
    return found


def delivery_log(session: Session, endpoint_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session):
    """Enqueue a session's new deliveries once it committed (in the app of the current context)."""
    waiting = session.info.pop(PENDING_KEY, None)
    if not waiting or not has_app_context():
        return
    from ..jobs.queue import enqueue

    target = current_app._get_current_object()
    for delivery_id, due in waiting:
        try:
            enqueue(target, "deliver_webhook", delivery_id, eta=due if due > utcnow() else None)
        except Exception:  # the queue is away: the every-minute scan sends it
            current_app.logger.warning("webhook delivery %s not enqueued; the scan will send it", delivery_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    """A rolled-back publish sends nothing."""
    session.info.pop(PENDING_KEY, None)
