"""Source files are kept as uploaded: text formats gzip-compressed, zip containers as they are.

See catalog_service/files.py.
"""

from __future__ import annotations

import os
import zlib

from sqlalchemy import select, text

from catalog_service import create_app
from catalog_service.extensions import db
from catalog_service.files import GZIP, SourceFile, sha256_of, store_source_file


def _stored(path, name):
    """Stored and committed, then read back from the database (in the caller's app context)."""
    source_id = store_source_file(db.session, path, sha256_of(path), name, fallback="fil").id
    db.session.commit()
    db.session.expunge_all()
    return db.session.get(SourceFile, source_id)


def test_a_text_file_is_stored_compressed_and_read_back_byte_for_byte(app, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes("Artikelnr;Benämning;Pris\r\n".encode("cp1252") + b"MD0000001;Str\xe4mpa;450,00\r\n" * 20_000)
    with app.app_context():
        source = _stored(path, "lista.csv")
        assert source.content_encoding == GZIP and source.size == path.stat().st_size
        assert len(source.content) < path.stat().st_size // 20
        assert source.original_bytes() == path.read_bytes()


def test_a_zip_container_is_stored_as_it_is(app, tmp_path, samples):
    path = samples / "rama-prislista-2026.xlsx"
    with app.app_context():
        source = _stored(path, path.name)
        assert source.content_encoding is None and bytes(source.content) == path.read_bytes()
        assert source.original_bytes() == path.read_bytes()


def test_a_file_that_does_not_shrink_is_stored_as_it_is(app, tmp_path):
    path = tmp_path / "brus.csv"
    path.write_bytes(os.urandom(300_000))
    with app.app_context():
        source = _stored(path, "brus.csv")
        assert source.content_encoding is None and bytes(source.content) == path.read_bytes()


def test_an_imported_csv_is_stored_compressed_and_a_second_upload_is_recognised(
    runner, app, samples, sample_contract, tmp_path
):
    from tests.factories.formats import small_csv

    path = small_csv(tmp_path)
    first = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json"])
    again = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json"])
    assert first.exit_code == 0, first.output
    assert '"unchanged"' in again.output  # found by the hash of the file as uploaded
    with app.app_context():
        (source,) = db.session.scalars(select(SourceFile)).all()
        assert source.content_encoding == GZIP and source.original_bytes() == path.read_bytes()


def test_the_downgrade_writes_compressed_files_back_as_uploaded(tmp_path):
    from flask_migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    original = b"<Catalogue/>" * 10_000
    packer = zlib.compressobj(3, zlib.DEFLATED, 31)
    compressed = packer.compress(original) + packer.flush()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "CACHE_LISTEN": False})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        db.session.add(
            SourceFile(sha256="a" * 64, filename="k.xml", size=len(original), content=compressed, content_encoding=GZIP)
        )
        db.session.commit()
        downgrade(directory=directory, revision="a3c9e5f1d207")
        assert db.session.execute(text("SELECT content FROM source_files")).scalar_one() == original
        upgrade(directory=directory)
        db.engine.dispose()
