"""HTTP methods across every route (issue 8, point 3): TRACE is refused everywhere."""

from __future__ import annotations

import re

from tests.helpers import assert_error


def test_trace_is_405_on_every_route(app):
    client = app.test_client()
    rules = list(app.url_map.iter_rules())
    assert len(rules) >= 15
    for rule in rules:
        path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", rule.rule)
        response = client.open(path, method="TRACE")
        if path.startswith(("/api/", "/healthz", "/readyz")):
            assert_error(response, 405)
        else:  # people's pages answer with the HTML error page
            assert response.status_code == 405 and "Inte tillåtet" in response.text
        allowed = set(response.headers["Allow"].split(", "))
        assert allowed and "TRACE" not in allowed and allowed <= {"GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE"}
    assert client.open("/finns-inte", method="TRACE").status_code == 404
