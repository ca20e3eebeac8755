"""HTTP: webhook endpoints of the e-shops, their delivery log, redelivery (the procurement officer)."""

from __future__ import annotations

from flask import current_app, has_app_context
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from ..auth.http import current_actor, require_roles
from ..extensions import db
from ..jobs.queue import queue
from ..metrics import register_queue_source, register_webhook_source
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .schemas import CreatedEndpointSchema, DeliverySchema, EndpointInSchema, EndpointSchema
from .service import add_endpoint, delivery_log, get_endpoint, list_endpoints, redeliver, remove_endpoint
from .views_data import delivery_view, endpoint_view

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description="Webhooks till e-butiker")


@blp.route("")
class Endpoints(MethodView):
    @require_roles("webhooks.manage")
    @blp.response(200, EndpointSchema(many=True))
    def get(self):
        """The registered endpoints with their latest delivery (never their secrets)."""
        return [endpoint_view(e, delivery_log(db.session, e.id, limit=1)) for e in list_endpoints(db.session)]

    @require_roles("webhooks.manage")
    @blp.arguments(EndpointInSchema)
    @blp.response(201, CreatedEndpointSchema)
    def post(self, body):
        """Register an e-shop's endpoint; the answer carries its signing secret, shown this once."""
        endpoint, secret = add_endpoint(db.session, eshop=body["eshop"], url=body["url"], actor=current_actor())
        return {**endpoint_view(endpoint, []), "secret": secret}


@blp.route("/<int:endpoint_id>")
class Endpoint(MethodView):
    @require_roles("webhooks.manage")
    @blp.response(204)
    def delete(self, endpoint_id: int):
        """Stop sending to the endpoint; its delivery log is kept."""
        remove_endpoint(db.session, endpoint_id, actor=current_actor())


@blp.route("/<int:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @require_roles("webhooks.manage")
    @blp.response(200, DeliverySchema(many=True))
    def get(self, endpoint_id: int):
        """The endpoint's deliveries, newest first: status, attempts, last answer or error, next try."""
        get_endpoint(db.session, endpoint_id)
        return [delivery_view(d, with_attempts=True) for d in delivery_log(db.session, endpoint_id)]


@blp.route("/deliveries/<int:delivery_id>/redeliver")
class Redeliver(MethodView):
    @require_roles("webhooks.manage")
    @blp.response(202, DeliverySchema)
    def post(self, delivery_id: int):
        """Send a delivery again now (same webhook-id)."""
        return delivery_view(redeliver(db.session, delivery_id, actor=current_actor()))


# --- /metrics (metrics.py): the webhook deliveries as a queue, failed tries per e-shop, the task queue's depth


def _delivery_queue(session):
    counts = dict(session.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)).all())
    waiting = counts.get(DeliveryStatus.pending, 0) + counts.get(DeliveryStatus.sending, 0)
    yield "webhook", waiting, counts.get(DeliveryStatus.failed, 0)
    if has_app_context():
        try:
            yield "tasks", queue(current_app._get_current_object()).depth(), 0
        except Exception:  # the queue's storage is away: the scrape still answers
            return


def _failed_tries(session) -> dict[str, int]:
    rows = session.execute(
        select(WebhookEndpoint.eshop, func.count())
        .select_from(WebhookAttempt)
        .join(WebhookDelivery, WebhookAttempt.delivery_id == WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .where(WebhookAttempt.ok.is_(False))
        .group_by(WebhookEndpoint.eshop)
    ).all()
    return dict(rows)


register_queue_source(_delivery_queue)
register_webhook_source(_failed_tries)
