"""Listing a supplier's versions with where each one's content came from."""

from __future__ import annotations

import pytest

from catalog_service.assortment.service import list_versions, rollback_assortment
from catalog_service.errors import NotFound
from catalog_service.extensions import db
from tests.factories import assortments as factory


def test_versions_newest_first_with_their_file_or_restored_version(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    for count in (2, 3):
        factory.import_draft(
            app,
            factory.write_price_list(tmp_path, "rama", factory.articles("rama", count), name=f"rama-{count}.xlsx"),
            "rama",
        )
        factory.publish(app, "rama")
    with app.app_context():
        rollback_assortment(db.session, "rama", 1, actor="upphandlare2", reason="Tillbaka")
        db.session.commit()
        rows = list_versions(db.session, "Rama")
        assert [(r["version"].number, r["filename"], r["restored"]) for r in rows] == [
            (3, None, 1),
            (2, "rama-3.xlsx", None),
            (1, "rama-2.xlsx", None),
        ]
        assert list_versions(db.session, "juzo") == []
        with pytest.raises(NotFound):
            list_versions(db.session, "nosuch")
