"""The queue's tasks: plain functions of (app, *args), run in an app context by queue.py.

TASKS are enqueued by the code that needs them; EVERY_MINUTE and NIGHTLY run by the clock in the worker
(``catalog worker``, or the one `catalog run` starts when the queue is embedded).
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.orm import Session

from ..extensions import db
from ..transactions import transaction

log = logging.getLogger("catalog_service.jobs")

SYSTEM_ACTOR = "system"  # the audit log's actor for what the service does by itself


def import_upload(app: Flask, job_id: int) -> int:
    """An upload-page (or large API) import: the job row says what, and ends done or failed with a reason."""
    from ..pricelists.runner import run_job

    return run_job(app, job_id)


def deliver_webhook(app: Flask, delivery_id: int) -> None:
    """One try of one webhook delivery; a failed try schedules the next one (exponential backoff)."""
    from ..webhooks.delivery import deliver, schedule_retry

    outcome = deliver(app, delivery_id)
    schedule_retry(app, delivery_id, outcome)


def deliver_due_webhooks(app: Flask) -> None:
    """Every minute: deliveries that are due (a scheduled event, a retry, an enqueueing that was lost)."""
    from ..webhooks.delivery import deliver_due

    deliver_due(app)


def sweep_import_jobs(app: Flask) -> None:
    """Every minute: fail imports whose worker died (no heartbeat), remove job files nobody needs, and put
    back on the queue a job that has waited so long that its enqueueing was probably lost."""
    from ..pricelists.sweep import sweep_once

    sweep_once(app, requeue=True)


def purge_old_order_lines(app: Flask) -> dict | None:
    """Nightly retention purge: order lines (and order exports) dated before the active contract's start."""
    from ..contracts.service import active_contract
    from ..errors import DomainError
    from ..orders.service import purge_orders

    with Session(db.engine) as session, transaction(session):
        try:
            start = active_contract(session).start_date
        except DomainError:  # no contract loaded yet: nothing is before its start
            return None
        counts = purge_orders(session, start, actor=SYSTEM_ACTOR)
    log.info("nightly purge before %s: %s order lines, %s imports", start, counts["lines"], counts["imports"])
    return counts


TASKS = {"import_upload": import_upload, "deliver_webhook": deliver_webhook}
EVERY_MINUTE = {"deliver_due_webhooks": deliver_due_webhooks, "sweep_import_jobs": sweep_import_jobs}
NIGHTLY = {"purge_old_order_lines": purge_old_order_lines}
