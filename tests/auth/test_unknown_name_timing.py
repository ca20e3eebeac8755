"""The hash checked for an unknown name is a fixed string, not made at import (a scrypt run per app start)."""

from werkzeug.security import check_password_hash, generate_password_hash

from catalog_service.auth import service


def test_the_dummy_hash_costs_what_a_real_password_hash_costs():
    # Same method and parameters as a password hashed with Werkzeug's scrypt defaults (PASSWORD_METHOD).
    method = service._DUMMY_HASH.split("$", 1)[0]
    assert method == generate_password_hash("x", method="scrypt").split("$", 1)[0] == "scrypt:32768:8:1"
    assert check_password_hash(service._DUMMY_HASH, "not-a-password")
    assert not check_password_hash(service._DUMMY_HASH, "")
