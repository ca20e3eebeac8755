"""Test fixtures: an app on a fresh database per test, on SQLite or on PostgreSQL.

Set CATALOG_TEST_DATABASE_URL (a PostgreSQL server URL) to run the suite on
PostgreSQL: a scratch database is created for the session and dropped after.
Without it, every test gets a copy of a migrated SQLite template file.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from catalog_service import create_app
from catalog_service.config import normalise_database_uri
from catalog_service.extensions import db

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("CATALOG_SAMPLES_DIR", ROOT.parent / "shared" / "samples"))
POSTGRES_URL = os.environ.get("CATALOG_TEST_DATABASE_URL")


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with a cheap method: scrypt costs 0.1 s a hash, and the suite logs in thousands of times.

    tests/web/test_login_and_access.py checks that the service itself uses scrypt.
    """
    from catalog_service.auth import service

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service, "PASSWORD_METHOD", "pbkdf2:sha256:1000")
        yield


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database: a SQLite template file, or a scratch PostgreSQL database."""
    if not POSTGRES_URL:
        template = tmp_path_factory.mktemp("db") / "template.sqlite3"
        _migrate(f"sqlite:///{template}")
        yield {"kind": "sqlite", "template": template}
        return
    import psycopg

    server = make_url(normalise_database_uri(POSTGRES_URL))
    name = f"catalog_test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield {"kind": "postgresql", "url": url}
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if database_template["kind"] == "sqlite":
        copy = tmp_path / "catalog.sqlite3"
        shutil.copyfile(database_template["template"], copy)
        return f"sqlite:///{copy}"
    return database_template["url"]


@pytest.fixture
def app_config() -> dict:
    """Settings a test module adds to the test app's (override this fixture in the module)."""
    return {}


@pytest.fixture
def app(database_url, database_template, tmp_path, app_config):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            # Every request reads the database and writes its fetch log at once, so tests see
            # each change immediately; tests/feeds/test_cache.py covers the caches themselves.
            "CACHE_SECONDS": 0,
            "CACHE_LISTEN": False,
            "FETCH_LOG_FLUSH_SECONDS": 0,
            # Tests make many calls with one token; tests/web/test_security.py sets low limits itself.
            "API_RATE_LIMIT": "100000 per minute",
            "JOB_FOLDER": str(tmp_path / "import-jobs"),
            # No sweep for lost import jobs in a thread beside each test; tests/pricelists/test_lost_jobs.py
            # turns it on.
            "JOB_SWEEP_SECONDS": 0,
            # Pages are reached with a password alone (page_client); tests/auth/test_mfa.py turns the
            # second factor on.
            "REQUIRE_MFA": False,
            # Tasks run at once where they are enqueued (an upload's import after its request's commit);
            # tests/jobs runs a real worker where the worker is the point.
            "QUEUE_IMMEDIATE": True,
            **app_config,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        if database_template["kind"] == "postgresql":
            _truncate_all()
        db.engine.dispose()


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def long_cache_app(database_url, database_template, app):
    """A second app on the same database with production caching (long TTL, buffered fetch log)."""
    cached = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CACHE_SECONDS": 300,
            "CACHE_LISTEN": True,
            "FETCH_LOG_FLUSH_SECONDS": 300,
            "JOB_SWEEP_SECONDS": 0,
        }
    )
    yield cached
    cached.extensions["fetch_log"].flush()
    listener = cached.extensions.get("catalog_cache_listener")
    if listener:
        listener.stop()
    with cached.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def samples() -> Path:
    if not (SAMPLES / "expected.json").exists():
        pytest.skip(f"the shared samples are not here ({SAMPLES}); these tests need ../shared/samples")
    return SAMPLES


@pytest.fixture(scope="session")
def blanked_export(tmp_path_factory):
    """A copy of the sample order export with the planted personal data blanked (the Kommentar cells
    of pii_rows): the order import refuses the file whole otherwise."""
    import json

    import openpyxl

    if not (SAMPLES / "expected.json").exists():
        pytest.skip(f"the shared samples are not here ({SAMPLES}); these tests need ../shared/samples")
    truth = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["orders"]
    book = openpyxl.load_workbook(SAMPLES / "websesam-orderrader.xlsx")
    sheet = book["Orderrader"]
    comment = [c.value for c in sheet[1]].index("Kommentar") + 1
    for planted in truth["pii_rows"]:
        sheet.cell(planted["row"], comment).value = None
    path = tmp_path_factory.mktemp("orders") / "orderrader-utan-personuppgifter.xlsx"
    book.save(path)
    return path


@pytest.fixture
def sample_contract(app, samples):
    """The sample contract, loaded as the active contract."""
    from catalog_service.contracts.service import load_contract

    with app.app_context():
        contract = load_contract(db.session, samples / "avtal-kompression-2026.xlsx", actor="upphandlare1")
        db.session.commit()
        return contract.id


def make_token(app, *, roles: tuple[str, ...] = (), eshop: str | None = None, name: str | None = None) -> str:
    """A live API token: for a new person with ``roles``, or for an e-shop."""
    from catalog_service.auth.service import create_token, create_user

    with app.app_context():
        if eshop:
            raw, _ = create_token(db.session, actor="admin", eshop=eshop)
        else:
            name = name or "-".join(roles)
            supplier = "juzo" if "leverantor" in roles else None  # a supplier's person acts for Juzo
            create_user(db.session, name, list(roles), actor="admin", supplier=supplier)
            raw, _ = create_token(db.session, actor="admin", user=name)
        db.session.commit()
    return raw


def bearer_client(app, token: str):
    """A test client that sends the token with every request."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def officer_client(app):
    """A client acting as the procurement officer `upphandlare1`."""
    return bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))


@pytest.fixture
def reviewer_client(app):
    """A client acting as a second procurement officer, `upphandlare2` (four-eyes)."""
    return bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare2"))


PASSWORD = "rätt häst batteri häftklammer"


def make_person(app, name: str, roles: tuple[str, ...], password: str = PASSWORD, supplier: str | None = None) -> None:
    """A person who can log in to the pages (a `leverantor` acts for ``supplier``, Juzo unless named)."""
    from catalog_service.auth.service import create_user

    if "leverantor" in roles:
        supplier = supplier or "juzo"
    with app.app_context():
        create_user(db.session, name, list(roles), actor="admin", password=password, supplier=supplier)
        db.session.commit()


def csrf_from(html: str) -> str:
    """The CSRF token in a page's first form."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def login(client, name: str, password: str = PASSWORD):
    """Log in through the login form, as a browser does; returns the response."""
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_from(page.text)})


def page_client(app, *roles: str, name: str | None = None, csrf_header: bool = False):
    """A test client logged in to the pages as a new person with ``roles``.

    With ``csrf_header`` every request carries the session's CSRF token in X-CSRFToken (as a page's
    script would), so form posts and API writes need no token of their own.
    """
    name = name or "-".join(roles)
    make_person(app, name, roles)
    client = app.test_client()
    response = login(client, name)
    assert response.status_code == 302, response.text
    if csrf_header:
        client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_from(client.get("/").text)  # even a 403 page has a form
    return client


def post_upload(client, path: Path, supplier: str, *, url: str = "/api/v1/pricelists", filename=None, **form):
    """POST a price list as multipart form data, encoded in memory.

    (The test client's own encoder spills bodies above 500 KB to a temporary
    file that it never closes, which pytest reports as a ResourceWarning.)
    """
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    upload = FileStorage(
        io.BytesIO(path.read_bytes()), filename=filename or path.name, content_type="application/octet-stream"
    )
    boundary, body = encode_multipart({"supplier": supplier, **form, "file": upload})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
