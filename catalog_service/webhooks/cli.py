"""``catalog webhook add|list|log|remove|redeliver``: an e-shop's webhook endpoints and their delivery log."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..cli import actor_option, emit_json, json_option, transactional
from ..extensions import db
from .service import add_endpoint, delivery_log, get_endpoint, list_endpoints, redeliver, remove_endpoint
from .views_data import delivery_view, endpoint_view


@click.group("webhook")
def webhook():
    """Webhooks to e-shops: endpoints, their delivery log, redelivery."""


@webhook.command("add")
@click.option("--eshop", required=True, help="Supplier code: the e-shop whose feed the events are about.")
@click.option("--url", required=True, help="The receiver: https:// (http:// to loopback only in development).")
@json_option
@actor_option
@with_appcontext
@transactional
def add_command(eshop, url, as_json, actor):
    """Register an e-shop's endpoint and print its signing secret (whsec_…) once."""
    endpoint, secret = add_endpoint(db.session, eshop=eshop, url=url, actor=actor)
    if as_json:
        emit_json({**endpoint_view(endpoint), "secret": secret})
    else:
        click.echo(secret)
    click.echo(f"Webhook {endpoint.id} tillagd. Spara hemligheten nu: den visas inte igen.", err=True)


@webhook.command("list")
@click.option("--eshop", default=None, help="Only this e-shop's endpoints.")
@json_option
@with_appcontext
def list_command(eshop, as_json):
    """The endpoints (never their secrets) with their latest delivery."""
    endpoints = [endpoint_view(e, delivery_log(db.session, e.id, limit=1)) for e in list_endpoints(db.session, eshop)]
    if as_json:
        emit_json({"endpoints": endpoints})
        return
    for found in endpoints:
        last = found["last_delivery"]
        state = f"{last['event']} v{last['version']}: {last['status']}" if last else "inga leveranser"
        click.echo(f"{found['id']}\t{found['eshop']}\t{found['url']}\t{state}")


@webhook.command("log")
@click.argument("endpoint_id", type=int)
@json_option
@with_appcontext
def log_command(endpoint_id, as_json):
    """The endpoint's deliveries: event, status, attempts, last answer or error, next try."""
    get_endpoint(db.session, endpoint_id)
    deliveries = [delivery_view(d) for d in delivery_log(db.session, endpoint_id)]
    if as_json:
        emit_json({"deliveries": deliveries})
        return
    for found in deliveries:
        click.echo(
            f"{found['id']}\t{found['event']} v{found['version']}\t{found['status']}\tförsök {found['attempts']}"
            f"\t{found['last_status_code'] or ''}\t{found['last_error'] or ''}\t{found['next_try_at'] or ''}"
        )


@webhook.command("remove")
@click.argument("endpoint_id", type=int)
@actor_option
@with_appcontext
@transactional
def remove_command(endpoint_id, actor):
    """Stop sending to an endpoint (its log is kept)."""
    remove_endpoint(db.session, endpoint_id, actor=actor)
    click.echo(f"Webhook {endpoint_id} borttagen.", err=True)


@webhook.command("redeliver")
@click.argument("delivery_id", type=int)
@actor_option
@with_appcontext
@transactional
def redeliver_command(delivery_id, actor):
    """Send a delivery again now (by the job queue)."""
    redeliver(db.session, delivery_id, actor=actor)
    click.echo(f"Leverans {delivery_id} skickas igen.", err=True)
