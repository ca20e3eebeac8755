"""Backup and restore as the README's "Operating" section says (issue 8, point 7): a restored database
serves byte-identical feeds with the same ETags. PostgreSQL: pg_dump -Fc and pg_restore into a new
database. SQLite: the online backup (sqlite3's .backup) of a database in use."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from catalog_service import create_app
from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory

FEEDS = [("medi", "json", "gzip"), ("medi", "csv", "identity"), ("medi", "xlsx", "gzip"), ("juzo", "json", "identity")]


def _feeds(app, tokens: dict[str, str]) -> dict:
    answers = {}
    for supplier, format_name, encoding in FEEDS:
        client = bearer_client(app, tokens[supplier])
        response = client.get(f"/api/v1/feeds/{supplier}?format={format_name}", headers={"Accept-Encoding": encoding})
        assert response.status_code == 200, response.get_json()
        answers[(supplier, format_name, encoding)] = (response.headers["ETag"], response.data)
    return answers


def _backup_and_restore_sqlite(source_url: str, folder) -> str:
    source = make_url(source_url).database
    backup, target = folder / "backup.sqlite3", folder / "aterstalld.sqlite3"
    if shutil.which("sqlite3"):  # as the README says: .backup of the live file, .restore into another
        subprocess.run(["sqlite3", source, f".backup '{backup}'"], check=True, capture_output=True)
        subprocess.run(["sqlite3", str(target), f".restore '{backup}'"], check=True, capture_output=True)
    else:  # the same online backup through Python's driver
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
    return f"sqlite:///{target}"


def _backup_and_restore_postgresql(source_url: str, folder) -> tuple[str, callable]:
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    url = make_url(source_url).set(drivername="postgresql")
    dump = folder / "katalog.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), url.render_as_string(hide_password=False)],
        check=True,
        capture_output=True,
    )
    name = f"catalog_restore_{uuid.uuid4().hex[:10]}"
    admin = url.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    restored = url.set(database=name).render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--no-owner", "-d", restored, str(dump)], check=True, capture_output=True)

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return restored, drop


def test_a_restored_database_serves_byte_identical_feeds(app, database_url, database_template, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 30))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 35), name="v2.xlsx")
    factory.import_and_publish(app, tmp_path, "juzo", factory.articles("juzo", 12))
    tokens = {supplier: make_token(app, eshop=supplier) for supplier in ("medi", "juzo")}
    before = _feeds(app, tokens)

    drop = None
    if database_template["kind"] == "postgresql":
        restored_url, drop = _backup_and_restore_postgresql(database_url, tmp_path)
    else:
        restored_url = _backup_and_restore_sqlite(database_url, tmp_path)
    restored = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": restored_url})
    try:
        assert restored.test_client().get("/readyz").status_code == 200
        assert _feeds(restored, tokens) == before  # the tokens (their hashes) came along too
        changes = bearer_client(restored, tokens["medi"]).get("/api/v1/feeds/medi/changes?since=1").get_json()
        assert (changes["version"], len(changes["added"])) == (2, 5)
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
        if drop is not None:
            drop()
