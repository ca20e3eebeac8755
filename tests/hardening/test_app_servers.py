"""Two app servers, one PostgreSQL (issue 8, point 7): gunicorn on two loopback ports with production
caching; a publish through one is served by the other at once, with the new ETag. Their stderr is
JSON lines, each request's with its id, and no token in them."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import ROOT, make_token
from tests.factories import assortments as factory

pytestmark = pytest.mark.skipif(
    not os.environ.get("CATALOG_TEST_DATABASE_URL"), reason="several app servers share a PostgreSQL database"
)
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with one worker on a loopback port; stderr kept in a file."""

    def __init__(self, database_url: str, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.stderr = log.open("wb")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-w", "1", "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT,
            # No sweep for lost import jobs: the server's job folder is the checkout's instance folder,
            # which belongs to the developer's own database, not this test's.
            env={
                **os.environ,
                "CATALOG_DATABASE_URL": database_url,
                "CATALOG_CACHE_SECONDS": "30",
                "CATALOG_JOB_SWEEP_SECONDS": "0",
            },
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn on {self.port} did not become ready: {self.log.read_text()[-2000:]}")

    def request(self, method: str, path: str, *, headers=None, body: bytes | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def stop(self) -> list[dict]:
        """Stop the server; its stderr lines, each parsed as JSON (gunicorn's own lines are not the app's)."""
        self.process.terminate()
        self.process.wait(timeout=20)
        self.stderr.close()
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def _upload(server: Server, token: str, path: Path):
    upload = FileStorage(io.BytesIO(path.read_bytes()), filename=path.name)
    boundary, body = encode_multipart({"supplier": "medi", "file": upload})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return server.request("POST", "/api/v1/pricelists", headers=headers, body=body)


def test_a_publish_through_one_server_is_served_by_the_other_at_once(app, database_url, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 20))
    eshop = {"Authorization": f"Bearer {make_token(app, eshop='medi')}", "Accept-Encoding": "gzip"}
    uploader = make_token(app, roles=("upphandlare",), name="upphandlare1")
    publisher = make_token(app, roles=("upphandlare",), name="upphandlare2")
    one, other = Server(database_url, tmp_path / "one.log"), Server(database_url, tmp_path / "other.log")
    try:
        one.wait_ready()
        other.wait_ready()
        status, headers, _ = other.request("GET", "/api/v1/feeds/medi", headers=eshop)
        assert status == 200
        old_etag = headers["ETag"]
        assert other.request("GET", "/api/v1/feeds/medi", headers={**eshop, "If-None-Match": old_etag})[0] == 304

        new_list = factory.write_price_list(tmp_path, "medi", factory.articles("medi", 25), name="v2.xlsx")
        assert _upload(one, uploader, new_list)[0] == 201
        published = one.request(
            "POST",
            "/api/v1/suppliers/medi/publish",
            headers={"Authorization": f"Bearer {publisher}", "Content-Type": "application/json"},
            body=b"{}",
        )
        assert published[0] == 201, published[2][:300]

        status, headers, _ = other.request("GET", "/api/v1/feeds/medi", headers={**eshop, "If-None-Match": old_etag})
        assert status == 200, "the other server answered from its cache: not modified"
        assert headers["ETag"] != old_etag
        status, headers, body = other.request(
            "GET", "/api/v1/feeds/medi", headers={"Authorization": eshop["Authorization"]}
        )
        document = json.loads(body)
        assert (document["version"], len(document["items"])) == (2, 25)

        oversized = other.request("GET", "/api/v1/feeds/medi", headers={"Authorization": "Bearer " + "a" * 16_000})
        assert oversized[0] in (400, 431)  # gunicorn refuses long header lines itself (400) where it limits them
        assert other.request("GET", "/api/v1/feeds/medi", headers={"Authorization": "Bearer " + "a" * 2000})[0] == 431
    finally:
        logs = one.stop() + other.stop()

    access = [line for line in logs if line.get("logger") == "catalog_service.access"]
    assert len(access) >= 8
    assert all(len(line["request_id"]) == 32 and "?" not in line["path"] for line in access)
    assert {"POST", "GET"} <= {line["method"] for line in access}
    everything = json.dumps(logs)
    assert eshop["Authorization"][7:] not in everything and uploader not in everything and publisher not in everything
