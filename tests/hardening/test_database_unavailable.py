"""A database that cannot be reached, or goes away mid-import: 503 with the JSON error shape and
Retry-After, never a 500, and nothing of the request written (issue 8, point 4). /readyz says so too."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from catalog_service import create_app
from catalog_service.extensions import db
from catalog_service.pricelists import store
from tests.conftest import bearer_client, make_token, post_upload
from tests.factories import assortments as factory
from tests.helpers import assert_error, table_counts

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/catalog.sqlite3",
    "postgresql": "postgresql://127.0.0.1:1/catalog",  # nothing listens on port 1
}


@pytest.fixture(params=sorted(UNREACHABLE))
def unreachable_app(request):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": UNREACHABLE[request.param], "CACHE_SECONDS": 0})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/feeds/medi"), ("GET", "/api/v1/pricelists"), ("POST", "/api/v1/suppliers/medi/publish")],
)
def test_requests_needing_an_unreachable_database_are_503_json(unreachable_app, method, path):
    response = unreachable_app.test_client().open(
        path, method=method, json={}, headers={"Authorization": "Bearer " + "x" * 43}
    )
    error = assert_error(response, 503, "database_unavailable")
    assert "försök igen" in error["message"].lower()
    assert response.headers["Retry-After"] == "5"
    assert "psycopg" not in response.get_data(as_text=True) and "sqlite" not in response.get_data(as_text=True)


def test_readiness_fails_and_liveness_holds_without_the_database(unreachable_app):
    client = unreachable_app.test_client()
    assert client.get("/healthz").status_code == 200
    assert_error(client.get("/readyz"), 503, "database_unavailable")


def test_database_lost_in_the_middle_of_an_upload_is_503_and_nothing_is_written(
    app, tmp_path, monkeypatch, database_template
):
    """PostgreSQL: the import's server process is terminated after the first batch of rows. SQLite: the
    second batch's write fails as on a disk error. Either way the client gets a clean 503."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    officer = bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))
    path = factory.write_price_list(tmp_path, "medi", factory.articles("medi", 12_000), name="stor.xlsx")
    before = table_counts(app)
    real, calls = store.insert_rows, []

    def failing_insert(session, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            if database_template["kind"] == "postgresql":
                _terminate(app, session.execute(text("SELECT pg_backend_pid()")).scalar_one())
            else:
                raise sqlite3.OperationalError("disk I/O error")
        real(session, rows)

    monkeypatch.setattr(store, "insert_rows", failing_insert)
    response = post_upload(officer, path, "medi")

    assert_error(response, 503, "database_unavailable")
    assert len(calls) == 2
    monkeypatch.setattr(store, "insert_rows", real)
    assert table_counts(app) == before
    assert post_upload(officer, path, "medi").status_code == 201  # the service recovers by itself


def _terminate(app, pid: int) -> None:
    with app.app_context(), db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


# --- readiness -------------------------------------------------------------------------------------


def test_ready_when_the_database_answers_and_is_migrated(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and len(body["revision"]) == 1


def test_not_ready_when_the_database_is_behind_the_code(app):
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '21d12ab9e648'"))
        db.session.commit()
    response = app.test_client().get("/readyz")
    error = assert_error(response, 503, "migrations_pending")
    assert error["details"]["database"] == ["21d12ab9e648"] and error["details"]["expected"] != ["21d12ab9e648"]
    assert "catalog init-db" in error["message"]
    with app.app_context():  # put it back for the next test on the shared PostgreSQL database
        db.session.execute(
            text("UPDATE alembic_version SET version_num = :head"), {"head": error["details"]["expected"][0]}
        )
        db.session.commit()


def test_not_ready_on_a_database_never_migrated(tmp_path):
    empty = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tom.sqlite3'}"})
    error = assert_error(empty.test_client().get("/readyz"), 503, "migrations_pending")
    assert error["details"]["database"] == []
    with empty.app_context():
        db.engine.dispose()
