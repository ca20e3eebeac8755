"""Endpoints and deliveries as plain dicts, for the CLI, the API and the page (never a secret)."""

from __future__ import annotations

from .models import WebhookDelivery, WebhookEndpoint


def _iso(moment):
    return moment.isoformat() if moment else None


def delivery_view(delivery: WebhookDelivery, *, with_attempts: bool = False) -> dict:
    found = {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event": delivery.event.type,
        "message_id": delivery.event.message_id,
        "supplier": delivery.event.supplier,
        "version": delivery.event.version,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "next_try_at": _iso(delivery.next_try_at),
        "created_at": _iso(delivery.created_at),
        "finished_at": _iso(delivery.finished_at),
    }
    if with_attempts:
        found["tries"] = [
            {
                "started_at": _iso(a.started_at),
                "duration_ms": a.duration_ms,
                "status_code": a.status_code,
                "error": a.error,
                "ok": a.ok,
            }
            for a in delivery.tries
        ]
    return found


def endpoint_view(endpoint: WebhookEndpoint, latest: list[WebhookDelivery] | None = None) -> dict:
    found = {
        "id": endpoint.id,
        "eshop": endpoint.eshop,
        "url": endpoint.url,
        "created_by": endpoint.created_by,
        "created_at": _iso(endpoint.created_at),
    }
    if latest is not None:
        found["last_delivery"] = delivery_view(latest[0]) if latest else None
    return found
