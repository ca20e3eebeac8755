"""A real HTTP receiver on 127.0.0.1 for webhook tests, answering with the status codes a test gives it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []  # status codes to answer, in order; 200 once they run out
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.lock:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/hmc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def of_type(self, kind: str) -> list[dict]:
        import json

        return [r for r in self.received if json.loads(r["body"])["type"] == kind]


@pytest.fixture
def receiver():
    found = Receiver()
    found.thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def webhook_app(app):
    app.config.update(WEBHOOK_ALLOW_LOOPBACK=True, PUBLIC_URL="https://katalog.example")
    return app
