"""One commit per request at the HTTP edge: every view runs in it, and no view commits by hand."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from catalog_service.audit.models import AuditEntry
from catalog_service.audit.service import record
from catalog_service.errors import Conflict
from catalog_service.extensions import db
from catalog_service.transactions import discard, keep_refusal
from tests.conftest import ROOT

HAND_WRITTEN = re.compile(r"\bsession\.(commit|rollback)\(")


def test_no_view_or_page_module_commits_by_hand():
    modules = [*ROOT.glob("catalog_service/*/api.py"), *ROOT.glob("catalog_service/*/views.py")]
    modules += list(ROOT.glob("catalog_service/web/*.py"))
    assert len(modules) >= 15
    assert [str(path) for path in modules if HAND_WRITTEN.search(path.read_text(encoding="utf-8"))] == []


def test_every_view_runs_in_the_transaction(app):
    assert all(getattr(view, "in_transaction", False) for view in app.view_functions.values())


def _entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize(
    ("outcome", "kept"),
    [("ok", True), ("raise", False), ("answer_422", False), ("discard", False), ("audited_refusal", True)],
)
def test_a_view_commits_once_on_success_and_rolls_back_otherwise(app, outcome, kept):
    from catalog_service.transactions import wrap_views

    @app.get(f"/_transaction_probe_{outcome}")
    def probe():
        record(db.session, actor="probe", action="probe.write", object_type="probe")
        db.session.flush()
        if outcome == "raise":
            raise Conflict("no_draft", "Inget utkast.")
        if outcome == "discard":
            discard()
        if outcome == "audited_refusal":
            keep_refusal()
            raise Conflict("no_draft", "Inget utkast.")
        return ("nej", 422) if outcome == "answer_422" else "ja"

    wrap_views(app)
    before = _entries(app)
    app.test_client().get(f"/_transaction_probe_{outcome}")
    assert _entries(app) == before + (1 if kept else 0)
