"""Logs are JSON lines with a request id, and hold no personal data (issue 8, point 7)."""

from __future__ import annotations

import json
import logging
import re

import pytest

from catalog_service import create_app
from catalog_service.logs import JsonLines, request_id_from


def _lines(caplog) -> list[dict]:
    return [json.loads(JsonLines().format(record)) for record in caplog.records]


def _access(caplog) -> list[dict]:
    return [line for line in _lines(caplog) if line["logger"] == "catalog_service.access"]


def test_each_request_gives_one_json_access_line_with_its_request_id(app, caplog):
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/healthz?kundordernummer=KO-2600001", headers={"X-Request-ID": "lb-7f3a9c21"})

    assert response.headers["X-Request-ID"] == "lb-7f3a9c21"
    (line,) = _access(caplog)
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms"}
    assert (line["method"], line["path"], line["status"], line["request_id"]) == ("GET", "/healthz", 200, "lb-7f3a9c21")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"]) and line["level"] == "INFO"
    assert line["duration_ms"] >= 0


@pytest.mark.parametrize(
    "header",
    ["", "kort", "a b c d e f g h", "x" * 129, "19121212-1212", "anna@example.com", "id;DROP TABLE", "\u202eabcdefgh"],
    ids=["empty", "short", "spaces", "long", "personnummer", "email", "semicolon", "bidi"],
)
def test_a_malformed_request_id_is_replaced_by_a_new_one(app, header, caplog):
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/healthz", headers={"X-Request-ID": header} if header else {})
    generated = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert _access(caplog)[0]["request_id"] == generated
    assert header not in json.dumps(_lines(caplog)) or not header


def test_request_ids_differ_per_request(app):
    client = app.test_client()
    assert len({client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}) == 5


def test_a_path_with_personal_data_is_logged_as_its_route(app, caplog):
    token = "Bearer " + "x" * 43
    with caplog.at_level(logging.INFO):
        app.test_client().get("/api/v1/feeds/191212121212", headers={"Authorization": token})
        app.test_client().get("/api/v1/feeds/anna.andersson@example.com", headers={"Authorization": token})
    paths = [line["path"] for line in _access(caplog)]
    assert paths == ["/api/v1/feeds/<supplier>", "/api/v1/feeds/<supplier>"]
    assert "191212121212" not in json.dumps(_lines(caplog)) and "anna" not in json.dumps(_lines(caplog))


def test_an_unhandled_error_is_one_json_line_with_traceback_and_request_id(app, caplog):
    def broken():
        raise RuntimeError("trasig vy")

    app.add_url_rule("/api/v1/test-trasig", "test_broken", broken)  # the API answers JSON
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error is answered and logged
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/api/v1/test-trasig", headers={"X-Request-ID": "req-00000042"})

    assert response.status_code == 500 and response.is_json
    lines = _lines(caplog)
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["request_id"] == "req-00000042" and "RuntimeError: trasig vy" in error["exception"]
    assert _access(caplog)[0]["status"] == 500
    assert all("\n" not in JsonLines().format(record) for record in caplog.records)  # one line each


def test_logging_is_set_up_once_however_many_apps_are_made(app):
    for _ in range(3):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonLines)]
    assert len(handlers) == 1


def test_request_id_rules():
    assert request_id_from("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b") == "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
    assert request_id_from("0701234567") != "0701234567"  # a phone number is personal data
