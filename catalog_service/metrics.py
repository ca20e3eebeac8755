"""``/metrics``: Prometheus text format, for an admin's token or a caller on this machine (loopback).

Most series are read from the database when scraped, so they are the same whichever app
server or gunicorn worker answers and cost the serving path nothing:

- ``catalog_feed_fetches_total{supplier,token_id,kind,status}``: feed fetches per token and answer
  (the fetch log, written every FETCH_LOG_FLUSH_SECONDS);
- ``catalog_feed_current_version_fetch_age_seconds{supplier,token_id,version}``: per live e-shop token,
  seconds since its last fetch of the version in effect; when it has not fetched that version yet,
  seconds since it could have (the version's effective time, or the token's creation if later);
- ``catalog_feed_eshop_behind{supplier,token_id}``: 1 when that is past FETCH_ALERT_HOURS (feeds/alerts.py);
- ``catalog_queue_depth{queue}`` and ``catalog_jobs_failed_total{queue}``: jobs waiting or running, and
  failed jobs, per queue: ``import`` counts the background import jobs table; other queues add
  themselves with ``register_queue_source``;
- ``catalog_webhook_failures_total{eshop}``: failed webhook deliveries, from ``register_webhook_source``
  (0 for every e-shop until a source is registered);
- ``catalog_import_job_duration_seconds``: a histogram of finished background imports (created to finished);
- ``catalog_assortment_scheduled_versions{supplier}``: versions waiting for their effective time.

Counted in the process: ``catalog_http_requests_total{route,method,status}`` (the route's rule, never the
path with its values) and ``catalog_import_duration_seconds{source}`` (``observe_import``). Under
gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (an empty folder, emptied at each start):
prometheus-client then sums every worker's counts; without it each worker reports its own.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from sqlalchemy import func, select

from .assortment.versions import scheduled_versions
from .auth.http import current_caller
from .auth.models import ApiToken, TokenKind
from .auth.permissions import may
from .errors import Forbidden
from .extensions import db
from .feeds.alerts import alert_hours, eshop_fetch_status
from .feeds.models import FeedFetch
from .models import utcnow
from .pricelists.models import ImportJob, JobStatus
from .suppliers import profiles

bp = Blueprint("metrics", __name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
IMPORT_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

# Counted in the process. Kept out of prometheus-client's global registry: in multiprocess mode the
# values live in PROMETHEUS_MULTIPROC_DIR and are read back by MultiProcessCollector.
_LOCAL = CollectorRegistry(auto_describe=True)
HTTP_REQUESTS = Counter(
    "catalog_http_requests", "HTTP requests per route, method and status", ("route", "method", "status"), registry=None
)
IMPORT_DURATION = Histogram(
    "catalog_import_duration_seconds",
    "Import durations (seconds) by source",
    ("source",),
    buckets=IMPORT_BUCKETS,
    registry=None,
)
if not MULTIPROCESS:
    _LOCAL.register(HTTP_REQUESTS)
    _LOCAL.register(IMPORT_DURATION)

_children: dict[tuple, object] = {}  # label values → counter child: skips labels()' own checks per request

QueueSource = Callable[[object], Iterable[tuple[str, int, int]]]  # session → (queue, depth, failed_total)
WebhookSource = Callable[[object], dict[str, int]]  # session → failed deliveries per e-shop (supplier code)
_queue_sources: list[QueueSource] = []
_webhook_sources: list[WebhookSource] = []


def register_queue_source(source: QueueSource) -> None:
    """Add a queue to ``catalog_queue_depth`` and ``catalog_jobs_failed_total``.

    ``source(session)`` yields ``(queue_name, depth, failed_total)``: jobs waiting or running, and jobs
    that failed (a count that only grows). Called at each scrape, in the request's session.
    """
    if source not in _queue_sources:
        _queue_sources.append(source)


def register_webhook_source(source: WebhookSource) -> None:
    """Add webhook delivery failures: ``source(session)`` returns ``{supplier_code: failed_deliveries}``."""
    if source not in _webhook_sources:
        _webhook_sources.append(source)


def observe_import(seconds: float, source: str) -> None:
    """Count one import's duration (``source``: cli, api, upload, queue …) in ``catalog_import_duration_seconds``."""
    IMPORT_DURATION.labels(source).observe(seconds)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_count_request)


def _count_request(response):
    req = request._get_current_object()  # one proxy look-up: this runs on every feed poll (about 2 µs in all)
    rule = req.url_rule
    key = (rule.rule if rule is not None else "<unmatched>", req.method, response.status_code)
    child = _children.get(key)
    if child is None:
        child = _children[key] = HTTP_REQUESTS.labels(key[0], key[1], str(key[2]))
    child.inc()
    return response


def from_loopback(req) -> bool:
    """A direct call from this machine: a loopback peer, and no proxy's forwarding header (a proxy on this
    machine would make every outside caller look local)."""
    if req.headers.get("X-Forwarded-For") or req.headers.get("Forwarded"):
        return False
    try:
        return ipaddress.ip_address(req.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    """The metrics in Prometheus text format: an admin's token (or session), or a caller on loopback."""
    req = request._get_current_object()
    if not from_loopback(req):
        caller = current_caller()  # 401 without a valid token
        if caller.kind is TokenKind.eshop or not may(caller, "metrics.read"):
            raise Forbidden("forbidden", "Bara en administratör kan läsa mätvärdena.")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector(collect_database()))
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_LocalCollector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


class _LocalCollector:
    def collect(self):
        return _LOCAL.collect()


class _DatabaseCollector:
    def __init__(self, families: list):
        self.families = families

    def collect(self):
        return iter(self.families)


def collect_database(session=None, now=None) -> list:
    """The series read from the database, as prometheus-client metric families."""
    session = session or db.session
    now = now or utcnow()
    fetch_log = current_app.extensions.get("fetch_log")
    if fetch_log is not None and fetch_log.seconds > 0:
        fetch_log.flush()  # this process's pending fetches count too
    return [
        _fetches(session),
        *_eshop_ages(session, now),
        *_queues(session),
        _webhook_failures(session),
        _import_durations(session),
        _scheduled(session, now),
    ]


def _fetches(session) -> CounterMetricFamily:
    family = CounterMetricFamily(
        "catalog_feed_fetches",
        "Feed fetches per token and answer status",
        labels=("supplier", "token_id", "kind", "status"),
    )
    for supplier, token_id, kind, status, count in session.execute(
        select(FeedFetch.supplier, FeedFetch.token_id, ApiToken.kind, FeedFetch.status, func.sum(FeedFetch.count))
        .join(ApiToken, ApiToken.id == FeedFetch.token_id)
        .group_by(FeedFetch.supplier, FeedFetch.token_id, ApiToken.kind, FeedFetch.status)
        .order_by(FeedFetch.supplier, FeedFetch.token_id, FeedFetch.status)
    ).all():
        family.add_metric((supplier, str(token_id), TokenKind(kind).value, str(status)), float(count or 0))
    return family


def _eshop_ages(session, now) -> list:
    age = GaugeMetricFamily(
        "catalog_feed_current_version_fetch_age_seconds",
        "Seconds since the e-shop last fetched the version in effect (since it took effect, if never)",
        labels=("supplier", "token_id", "version"),
    )
    behind = GaugeMetricFamily(
        "catalog_feed_eshop_behind",
        f"1 when the e-shop has not fetched the version in effect within {alert_hours():g} hours",
        labels=("supplier", "token_id"),
    )
    limit = alert_hours() * 3600
    for row in eshop_fetch_status(session, now):
        seconds = (now - (row["fetched_at"] or row["since"])).total_seconds()
        labels = (row["supplier"], str(row["token_id"]))
        age.add_metric((*labels, str(row["version"])), max(seconds, 0.0))
        behind.add_metric(labels, 1.0 if row["fetched_at"] is None and seconds >= limit else 0.0)
    return [age, behind]


def _queues(session) -> list:
    depth = GaugeMetricFamily("catalog_queue_depth", "Jobs waiting or running, per queue", labels=("queue",))
    failed = CounterMetricFamily("catalog_jobs_failed", "Jobs that failed, per queue", labels=("queue",))
    counts = {
        JobStatus(key).value: value
        for key, value in session.execute(select(ImportJob.status, func.count()).group_by(ImportJob.status)).all()
    }
    queues = [("import", counts.get("queued", 0) + counts.get("running", 0), counts.get("failed", 0))]
    for source in _queue_sources:
        queues.extend(source(session))
    for name, waiting, failures in queues:
        depth.add_metric((name,), float(waiting))
        failed.add_metric((name,), float(failures))
    return [depth, failed]


def _webhook_failures(session) -> CounterMetricFamily:
    family = CounterMetricFamily("catalog_webhook_failures", "Failed webhook deliveries per e-shop", labels=("eshop",))
    failures = dict.fromkeys(sorted(profiles()), 0)
    for source in _webhook_sources:
        for eshop, count in source(session).items():
            failures[eshop] = failures.get(eshop, 0) + count
    for eshop, count in failures.items():
        family.add_metric((eshop,), float(count))
    return family


def _import_durations(session) -> HistogramMetricFamily:
    durations = [
        (finished - created).total_seconds()
        for created, finished in session.execute(
            select(ImportJob.created_at, ImportJob.finished_at).where(
                ImportJob.finished_at.is_not(None), ImportJob.status.in_([JobStatus.done, JobStatus.failed])
            )
        ).all()
    ]
    buckets = [(str(float(bound)), sum(1 for d in durations if d <= bound)) for bound in IMPORT_BUCKETS]
    return HistogramMetricFamily(
        "catalog_import_job_duration_seconds",
        "Background import jobs, created to finished (seconds)",
        buckets=[*buckets, ("+Inf", len(durations))],
        sum_value=sum(durations),
    )


def _scheduled(session, now) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "catalog_assortment_scheduled_versions", "Versions waiting for their effective time", labels=("supplier",)
    )
    pending = dict.fromkeys(sorted(profiles()), 0)
    for version in scheduled_versions(session, now):
        pending[version.supplier] = pending.get(version.supplier, 0) + 1
    for supplier, count in pending.items():
        family.add_metric((supplier,), float(count))
    return family
