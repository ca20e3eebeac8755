"""Two uploads for one supplier at once: one draft, and a clear 409 for the other (issue 8, point 4)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.pricelists import store
from catalog_service.pricelists.models import ImportStatus, PriceListImport
from tests.conftest import bearer_client, make_token, post_upload
from tests.factories import assortments as factory
from tests.helpers import Worker, assert_error, held, table_counts


@pytest.fixture
def contract(app, tmp_path) -> int:
    """The small four-supplier contract, active."""
    return factory.load_contract(app, factory.small_contract(tmp_path))


def _list(tmp_path, supplier: str, name: str, count: int = 6000, start: int = 1):
    """A list of two row batches, so the first batch is written while the second is read."""
    return factory.write_price_list(tmp_path, supplier, factory.articles(supplier, count, start=start), name=name)


def _imports(app, supplier: str) -> list[tuple[int, ImportStatus]]:
    with app.app_context():
        rows = db.session.execute(
            select(PriceListImport.id, PriceListImport.status).where(PriceListImport.supplier == supplier)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def test_second_upload_for_a_supplier_during_an_import_is_409_and_one_draft_results(
    app, contract, tmp_path, monkeypatch
):
    officer = bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))
    colleague = bearer_client(app, make_token(app, roles=("upphandlare",), name="anna"))
    first_file, second_file = _list(tmp_path, "medi", "forsta.xlsx"), _list(tmp_path, "medi", "andra.xlsx", start=9000)
    with held(monkeypatch, store, "insert_rows", "first") as hold:
        first = Worker("first", lambda: post_upload(officer, first_file, "medi"))
        first.start()
        assert hold.reached.wait(20), "the first import never wrote"
        before = table_counts(app)  # the first import's rows are not committed: not counted here

        started = time.monotonic()
        second = post_upload(colleague, second_file, "medi")
        waited = time.monotonic() - started

        error = assert_error(second, 409, "import_in_progress")
        assert "försök" in error["message"].lower() and error["details"] == {"supplier": "medi"}
        assert waited < 5, f"the refusal took {waited:.1f} s"
        hold.release()
        assert first.outcome().status_code == 201

    after = table_counts(app)
    assert after["pricelist_imports"] == before["pricelist_imports"] + 1
    assert after["pricelist_rows"] == before["pricelist_rows"] + 6000
    assert [status for _, status in _imports(app, "medi")] == [ImportStatus.draft]
    assert after["audit_entries"] == before["audit_entries"] + 1  # the first import's; the refusal wrote nothing


def test_two_uploads_started_together_never_leave_two_drafts(app, contract, tmp_path):
    """No hold: two threads released by a barrier. Whichever way they interleave, no 500 and one draft:
    overlapping imports give 201 and 409; if one finished before the other took the lock (SQLite waits a
    second for a short write to end), the later one is the draft and the earlier one is superseded."""
    files = [_list(tmp_path, "juzo", f"samtidig-{n}.xlsx", count=12_000, start=n * 50_000) for n in (1, 2)]
    clients = [bearer_client(app, make_token(app, roles=("upphandlare",), name=f"upphandlare{n}")) for n in (1, 2)]
    barrier = threading.Barrier(2)

    def upload(n):
        barrier.wait()
        return post_upload(clients[n], files[n], "juzo")

    workers = [Worker(f"upload-{n}", lambda n=n: upload(n)) for n in (0, 1)]
    for worker in workers:
        worker.start()
    statuses = sorted(worker.outcome().status_code for worker in workers)

    assert statuses in ([201, 201], [201, 409]), statuses
    imports = sorted(_imports(app, "juzo"))
    assert [status for _, status in imports][-1] == ImportStatus.draft
    assert [status for _, status in imports][:-1] == [ImportStatus.superseded] * (statuses.count(201) - 1)


def test_another_suppliers_import_runs_beside_a_held_one_on_postgresql(
    app, contract, tmp_path, monkeypatch, database_template
):
    """PostgreSQL locks per supplier; SQLite has one writer, so there the other import is refused clearly."""
    officer = bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))
    medi_file, rama_file = _list(tmp_path, "medi", "medi.xlsx"), _list(tmp_path, "rama", "rama.xlsx", count=50)
    with held(monkeypatch, store, "insert_rows", "medi") as hold:
        medi = Worker("medi", lambda: post_upload(officer, medi_file, "medi"))
        medi.start()
        assert hold.reached.wait(20)
        rama = post_upload(officer, rama_file, "rama")
        if database_template["kind"] == "postgresql":
            assert rama.status_code == 201, rama.get_json()
        else:
            assert_error(rama, 409, "import_in_progress")
        hold.release()
        assert medi.outcome().status_code == 201
    assert [status for _, status in _imports(app, "medi")] == [ImportStatus.draft]


def test_the_lock_ends_with_the_transaction_so_the_next_import_works(app, contract, tmp_path, monkeypatch):
    """A refused or failed import releases the lock by rolling back: nothing to clean up."""
    officer = bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))

    def failing(session, rows):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store, "insert_rows", failing)
    with app.app_context():
        from catalog_service.pricelists.service import import_price_list

        try:
            import_price_list(db.session, _list(tmp_path, "essity", "a.xlsx", count=10), "essity", actor="upphandlare1")
        except OSError:
            db.session.rollback()
        db.session.remove()
    monkeypatch.undo()

    response = post_upload(officer, _list(tmp_path, "essity", "b.xlsx", count=10), "essity")
    assert response.status_code == 201, response.get_json()
