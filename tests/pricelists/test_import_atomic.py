"""An import that fails part-way leaves the database exactly as before; a retry then succeeds."""

from __future__ import annotations

import pytest

from catalog_service.extensions import db
from catalog_service.pricelists import store
from catalog_service.pricelists.service import import_price_list
from tests.factories import workbooks
from tests.helpers import table_counts

MEDI_MODELS = [workbooks.ContractModel("Medi", 1, "SOL1-AD"), workbooks.ContractModel("Medi", 7, "LUN2-AG")]
MEDI_COLOURS = [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart, Black")]


def _big_list(tmp_path, rows: int):
    data = [
        [f"MD{n:07d}", "", "Sol", "SOL1-AD" if n % 3 else "XYZ9-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5]
        for n in range(rows)
    ]
    return workbooks.price_list(tmp_path, workbooks.SMALL_LAYOUT, data, name="stor.xlsx")


@pytest.mark.parametrize("fail_after_batches", [1, 3])
def test_import_failing_after_n_batches_changes_nothing(app, tmp_path, monkeypatch, fail_after_batches):
    contract = workbooks.contract(tmp_path, MEDI_MODELS, MEDI_COLOURS)
    path = _big_list(tmp_path, 12_000)  # three batches of rows
    with app.app_context():
        from catalog_service.contracts.service import load_contract

        load_contract(db.session, contract, actor="upphandlare1")
        db.session.commit()
        before = table_counts()
        writes = {"count": 0}
        real_write = store.insert_tuples

        def failing_write(session, table, columns, rows):
            writes["count"] += 1
            if writes["count"] > fail_after_batches:
                raise OSError("disk full (simulated)")
            real_write(session, table, columns, rows)

        monkeypatch.setattr(store, "insert_tuples", failing_write)
        with pytest.raises(OSError, match="simulated"):
            import_price_list(db.session, path, "medi", actor="upphandlare1")
        db.session.rollback()
        assert writes["count"] > fail_after_batches
        assert table_counts() == before

        monkeypatch.setattr(store, "insert_tuples", real_write)
        result = import_price_list(db.session, path, "medi", actor="upphandlare1")
        db.session.commit()
        assert result.status == "draft"
        assert result.data_rows == 12_000
        assert table_counts()["pricelist_rows"] == 12_000
