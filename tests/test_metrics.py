"""/metrics: Prometheus text that prometheus_client's parser reads, for an admin's token or loopback only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory
from tests.feeds.conftest import feed_rows

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}
SERIES = {
    "catalog_feed_fetches",
    "catalog_feed_current_version_fetch_age_seconds",
    "catalog_feed_eshop_behind",
    "catalog_queue_depth",
    "catalog_jobs_failed",
    "catalog_webhook_failures",
    "catalog_import_job_duration_seconds",
    "catalog_import_duration_seconds",
    "catalog_http_requests",
    "catalog_assortment_scheduled_versions",
}


def parsed(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def samples(family, name: str | None = None) -> dict:
    return {tuple(sorted(s.labels.items())): s.value for s in family.samples if name is None or s.name == name}


@pytest.fixture
def medi_fetched(app, tmp_path):
    """Medi version 1 published; Medi's e-shop fetched it twice (200, then 304); Juzo's e-shop never fetched."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    for supplier in ("medi", "juzo"):
        factory.import_and_publish(app, tmp_path, supplier, feed_rows(supplier))
    medi, juzo = make_token(app, eshop="medi"), make_token(app, eshop="juzo")
    eshop = bearer_client(app, medi)
    etag = eshop.get("/api/v1/feeds/medi").headers["ETag"]
    assert eshop.get("/api/v1/feeds/medi", headers={"If-None-Match": etag}).status_code == 304
    return {"medi": medi, "juzo": juzo}


def test_metrics_parse_and_hold_the_series(app, medi_fetched):
    response = app.test_client().get("/metrics")  # the test client calls from 127.0.0.1

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    families = parsed(response.text)
    assert set(families) >= SERIES, SERIES - set(families)
    fetches = samples(families["catalog_feed_fetches"], "catalog_feed_fetches_total")
    medi = {labels: value for labels, value in fetches.items() if ("supplier", "medi") in labels}
    assert sorted((dict(labels)["status"], value) for labels, value in medi.items()) == [("200", 1.0), ("304", 1.0)]
    behind = samples(families["catalog_feed_eshop_behind"])
    assert sorted(dict(labels)["supplier"] for labels in behind) == ["juzo", "medi"]
    assert set(behind.values()) == {0.0}  # published moments ago: nobody is late yet
    requests = samples(families["catalog_http_requests"], "catalog_http_requests_total")
    assert requests[(("method", "GET"), ("route", "/api/v1/feeds/<supplier>"), ("status", "304"))] >= 1
    depth = samples(families["catalog_queue_depth"])  # the import jobs, webhook deliveries, the task queue
    assert depth == {(("queue", "import"),): 0.0, (("queue", "webhook"),): 0.0, (("queue", "tasks"),): 0.0}
    assert samples(families["catalog_webhook_failures"], "catalog_webhook_failures_total")[(("eshop", "medi"),)] == 0


def test_an_eshop_that_has_not_fetched_within_the_alert_hours_is_flagged(app, medi_fetched):
    from catalog_service.feeds.alerts import eshops_behind

    later = datetime.now(UTC) + timedelta(hours=25)
    with app.app_context():
        assert eshops_behind(db.session) == []
        behind = eshops_behind(db.session, later)
    assert [(row["supplier"], row["version"], row["last_fetch_at"]) for row in behind] == [("juzo", 1, None)]
    with time_machine.travel(later, tick=False):
        families = parsed(app.test_client().get("/metrics").text)
        flags = {
            dict(labels)["supplier"]: value for labels, value in samples(families["catalog_feed_eshop_behind"]).items()
        }
        assert flags == {"juzo": 1.0, "medi": 0.0}
        ages = samples(families["catalog_feed_current_version_fetch_age_seconds"])
        assert all(value >= 25 * 3600 - 5 for value in ages.values())
        from tests.conftest import page_client

        page = page_client(app, "upphandlare").get("/").text
        assert "har inte hämtat version 1" in page


def test_metrics_need_an_admin_token_from_elsewhere(app, medi_fetched):
    outside = app.test_client()
    assert outside.get("/metrics", environ_overrides=OUTSIDE).status_code == 401
    forwarded = outside.get("/metrics", headers={"X-Forwarded-For": "198.51.100.1"})  # a proxy on this machine
    assert forwarded.status_code == 401
    officer = bearer_client(app, make_token(app, roles=("upphandlare",)))
    assert officer.get("/metrics", environ_overrides=OUTSIDE).status_code == 403
    eshop = bearer_client(app, medi_fetched["medi"])
    assert eshop.get("/metrics", environ_overrides=OUTSIDE).status_code == 403
    admin = bearer_client(app, make_token(app, roles=("admin",)))
    response = admin.get("/metrics", environ_overrides=OUTSIDE)
    assert response.status_code == 200
    assert "catalog_feed_fetches_total" in response.text


def test_in_multiprocess_mode_the_workers_counts_are_summed(database_url, tmp_path):
    """Two processes (as two gunicorn workers) count requests into PROMETHEUS_MULTIPROC_DIR; a scrape sums them."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "CATALOG_DATABASE_URL": database_url}
    script = (
        "import sys\n"
        "from catalog_service import create_app\n"
        "app = create_app({'TESTING': True, 'JOB_SWEEP_SECONDS': 0})\n"
        "client = app.test_client()\n"
        "for _ in range(3): assert client.get('/healthz').status_code == 200\n"
        "if sys.argv[1] == 'scrape': sys.stdout.write(client.get('/metrics').text)\n"
    )
    subprocess.run([sys.executable, "-c", script, "count"], env=env, check=True, timeout=60)
    scraped = subprocess.run(
        [sys.executable, "-c", script, "scrape"], env=env, check=True, timeout=60, capture_output=True, text=True
    ).stdout
    requests = samples(parsed(scraped)["catalog_http_requests"], "catalog_http_requests_total")
    assert requests[(("method", "GET"), ("route", "/healthz"), ("status", "200"))] == 6.0
