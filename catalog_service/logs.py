"""Logs as JSON lines on stderr, one object per line, each with the request id of its request.

Fields: ``time`` (UTC), ``level``, ``logger``, ``message``, ``request_id``; the
access line of a request adds ``method``, ``path`` (never the query string,
where a leaked token would sit), ``status`` and ``duration_ms``. Nothing else of
the request is logged: no headers, bodies or addresses, so no personal data.
A path in which the privacy guard finds personal data is logged as its route
(``/api/v1/feeds/<supplier>``). The request id is the caller's ``X-Request-ID``
when it is well-formed, otherwise a new one; it is echoed in the response.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from .privacy.guard import find_personal_data

REQUEST_ID_HEADER = "X-Request-ID"
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
MAX_LOGGED_PATH = 300
access_log = logging.getLogger("catalog_service.access")


class JsonLines(logging.Formatter):
    """One JSON object per record; a traceback, when there is one, goes into ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(line, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):
    """The one handler this module installs (recognised so that many create_app calls add it once)."""


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


def _stamp_request_id(make_record):
    """A record factory that notes the request id when the record is made (formatting may come later)."""

    def make(*args, **kwargs):
        record = make_record(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    make.stamps_request_id = True
    return make


def configure_logging(level: int = logging.INFO) -> None:
    """Send every logger's records to stderr as JSON lines (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "stamps_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(factory))
    root = logging.getLogger()
    if not any(isinstance(handler, _JsonHandler) for handler in root.handlers):
        handler = _JsonHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    # The development server's own access lines carry the query string; ours do not, so it stays quiet.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """JSON logging, and a request id and one access line per request."""
    configure_logging()
    app.before_request(_start)
    app.after_request(_finish)


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is well-formed and holds no personal data, otherwise a new one."""
    if header and WELL_FORMED_ID.fullmatch(header) and not find_personal_data(header):
        return header
    return uuid.uuid4().hex


def _start() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish(response):
    if not g.get("request_id"):  # a request refused before _start ran
        g.request_id = request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = g.request_id
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 2) if started is not None else None
    fields = {
        "method": request.method,
        "path": logged_path(),
        "status": response.status_code,
        "duration_ms": duration,
    }
    access_log.info("request", extra={"fields": fields})
    return response


def logged_path() -> str:
    """The request's path without the query string; its route instead when the path holds personal data."""
    path = request.path[:MAX_LOGGED_PATH]
    if find_personal_data(path):
        rule = request.url_rule
        return rule.rule if rule is not None else "<dold>"
    return path
