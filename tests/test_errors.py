"""The one error type and its one status table."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from catalog_service.errors import STATUS, Conflict, DomainError, NotFound, status_of
from catalog_service.privacy.guard import PersonalDataFound, guard_text
from importers.errors import ImportFileError, unreadable

ROOT = Path(__file__).resolve().parents[1]
KIND_STATUS = {"NotFound": 404, "Unauthorized": 401, "Forbidden": 403, "Conflict": 409, "Invalid": 422}


def _raised_codes():
    """(kind, code, where) of every ``NotFound("code", …)``-style construction in the code."""
    for path in [*(ROOT / "catalog_service").rglob("*.py"), *(ROOT / "importers").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KIND_STATUS:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.func.id, first.value, f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_every_kind_of_refusal_has_the_status_its_name_says():
    found = list(_raised_codes())
    assert len(found) > 40  # the scan sees the code base, not nothing
    wrong = []
    for kind, code, where, node in found:
        details = node.args[2] if len(node.args) > 2 else None
        names_a_field = isinstance(details, ast.Dict) and any(
            isinstance(key, ast.Constant) and key.value == "field" for key in details.keys
        )
        status = 422 if names_a_field else STATUS.get(code, 422)
        if status != KIND_STATUS[kind]:
            wrong.append((where, kind, code, status))
    assert wrong == []


def test_every_error_is_one_type_with_code_message_and_details():
    with pytest.raises(PersonalDataFound) as caught:
        guard_text("kommentar", "ring 070-123 45 67")
    found = caught.value
    assert isinstance(found, DomainError) and isinstance(unreadable("x"), DomainError)
    assert (found.code, found.details) == ("personal_data", {"field": "kommentar", "kinds": ["phone"]})
    assert status_of(found) == 422
    assert status_of(ImportFileError("unsupported", "x")) == 415
    assert status_of(NotFound("unknown_supplier", "x")) == 404
    assert status_of(DomainError("unknown_supplier", "x", {"field": "supplier"})) == 422
    assert status_of(DomainError("no_such_code_anywhere", "x")) == 422


def test_an_error_survives_the_reader_process_boundary():
    for error in (unreadable("Trasig", reason="zip"), Conflict("no_draft", "Inget utkast", None, retry_after=3)):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (copy.code, copy.message, copy.details, copy.retry_after) == (
            error.code,
            error.message,
            error.details,
            error.retry_after,
        )
