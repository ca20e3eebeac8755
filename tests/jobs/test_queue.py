"""The job queue's set-up (issue 18, item 3): its storage by setting, its periodic tasks, the nightly purge."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import select

from catalog_service.audit.models import AuditEntry
from catalog_service.contracts.models import Contract
from catalog_service.extensions import db
from catalog_service.jobs import tasks
from catalog_service.jobs.queue import queue, queue_file
from catalog_service.orders.models import OrderLine
from catalog_service.pricelists.models import ImportJob
from tests.factories import assortments as factory
from tests.factories import workbooks


def test_the_embedded_queue_is_a_sqlite_file_and_redis_is_used_when_configured(app, tmp_path):
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL=f"sqlite:///{tmp_path / 'q.sqlite3'}")
    found = queue(app)
    assert isinstance(found.huey, SqliteHuey) and found.embedded
    assert queue_file(app).parent == Path(app.instance_path)  # the default, unset URL
    found.enqueue("import_upload", 12345)
    assert found.depth() == 1

    app.config["QUEUE_URL"] = "ftp://elsewhere"
    with pytest.raises(ValueError, match="CATALOG_QUEUE_URL"):
        queue(app)


def test_redis_queue_is_shared_by_servers(app, database_url):
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    name = f"catalog-test-{uuid.uuid4().hex[:8]}"
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL="redis://127.0.0.1:6379/15", QUEUE_NAME=name)
    from catalog_service import create_app

    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": database_url})  # a second app server
    try:
        assert isinstance(queue(app).huey, RedisHuey) and not queue(app).embedded
        queue(app).enqueue("import_upload", 1)
        queue(other).enqueue("import_upload", 2)
        assert queue(app).depth() == queue(other).depth() == 2  # one queue for both
    finally:
        queue(app).huey.flush()


def test_periodic_tasks_are_registered(app, tmp_path):
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL=f"sqlite:///{tmp_path / 'q.sqlite3'}")
    periodic = {task.name.rsplit(".", 1)[-1] for task in queue(app).huey._registry.periodic_tasks}
    assert periodic == {"deliver_due_webhooks", "sweep_import_jobs", "purge_old_order_lines"}


def test_the_nightly_purge_deletes_order_lines_before_the_contract_start(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 2))
    from catalog_service.demo.orders import HEADERS

    article = factory.articles("medi", 1)[0].article_number
    rows = [
        ["KO-2600001", date(2026, 5, 4), "Medi", article, 1, "Nej", None, None, ""],
        ["KO-2600002", date(2026, 6, 1), "Medi", article, 1, "Nej", None, None, ""],
    ]
    path = workbooks.price_list(tmp_path, HEADERS, rows, name="orderrader.xlsx", sheet="Orderrader")
    assert app.test_cli_runner().invoke(args=["orders", "import", str(path)]).exit_code == 0
    with app.app_context():  # the contract's start moved later: the earlier line is now before it
        db.session.scalar(select(Contract).where(Contract.active.is_(True))).start_date = date(2026, 5, 10)
        db.session.commit()

    with app.app_context():  # as the worker runs each task
        counts = tasks.purge_old_order_lines(app)

    assert (counts["before"], counts["lines"]) == ("2026-05-10", 1)
    with app.app_context():
        assert db.session.scalars(select(OrderLine.kundordernummer)).all() == ["KO-2600002"]
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "orders.purge")).one()
        assert entry.actor == "system" and json.dumps(entry.details).count("KO-") == 0


def test_the_nightly_purge_without_a_contract_does_nothing(app):
    with app.app_context():
        assert tasks.purge_old_order_lines(app) is None


def test_an_import_task_for_a_job_that_is_not_queued_touches_nothing(app, tmp_path):
    """A second copy of a task (re-enqueued, or delivered twice) finds the job taken and leaves its files."""
    from catalog_service.pricelists.jobs import job_folder, upload_path
    from catalog_service.pricelists.models import JobStatus

    with app.app_context():
        job = ImportJob(supplier="medi", filename="x.xlsx", created_by="u1", status=JobStatus.running)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    upload = upload_path(job_folder(app), job_id)
    upload.write_bytes(b"x")
    with app.app_context():
        assert tasks.import_upload(app, job_id) == 1
    assert upload.exists()
    with app.app_context():
        assert db.session.get(ImportJob, job_id).status is JobStatus.running


def test_a_delivery_due_later_is_scheduled_in_the_queue_at_its_time(app, tmp_path):
    """version_effective at T: its task waits in the queue's schedule until T (UTC), the scan being the backstop."""
    from datetime import UTC, datetime, timedelta, timezone

    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL=f"sqlite:///{tmp_path / 'q.sqlite3'}")
    found = queue(app)
    moment = datetime(2026, 5, 1, 0, 0, tzinfo=timezone(timedelta(hours=2)))  # midnight in Stockholm
    found.enqueue("deliver_webhook", 7, eta=moment)
    [task] = found.huey.pending()  # the worker keeps it in its schedule until its eta
    assert task.args == (7,) and task.eta == datetime(2026, 4, 30, 22, 0)  # naive UTC, as Huey keeps it
    assert moment.astimezone(UTC).replace(tzinfo=None) == task.eta
