"""The second factor of local accounts (TOTP, recovery codes) and the session rules: idle timeout, absolute
lifetime, a new session id at login, and every session ended when an admin disables the person."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from catalog_service.auth.models import RecoveryCode, User
from catalog_service.config import require_mfa
from catalog_service.extensions import db
from tests.conftest import PASSWORD, csrf_from, login, make_person
from tests.helpers import audit_entries, database_text


@pytest.fixture
def app_config():
    return {"REQUIRE_MFA": True}


def enrol(client) -> tuple[str, list[str]]:
    """Enrol an authenticator during a pending login; the secret and the ten recovery codes."""
    page = client.get("/login/mfa/enrol")
    assert page.status_code == 200 and "<svg" in page.text
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page.text).group(1)
    done = client.post("/login/mfa/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page.text)})
    assert done.status_code == 200, done.text
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", done.text)
    return secret, codes


def next_code(secret: str) -> str:
    """A code for the next 30-second step (accepted: one step of clock difference is allowed), so it differs
    from the one just used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def give_code(client, code: str):
    page = client.get("/login/mfa")
    return client.post("/login/mfa", data={"code": code, "csrf_token": csrf_from(page.text)})


@pytest.fixture
def enrolled(app):
    """A local person with TOTP enrolled: (secret, recovery codes)."""
    make_person(app, "leverantor1", ("hmc",))
    client = app.test_client()
    login(client, "leverantor1")
    secret, codes = enrol(client)
    return secret, codes


def test_a_local_login_without_the_second_factor_is_impossible_when_required(app, client):
    make_person(app, "hmc1", ("hmc",))
    response = login(client, "hmc1")
    assert response.status_code == 302 and response.headers["Location"] == "/login/mfa/enrol"
    assert client.get("/orders").status_code == 302  # not logged in: the password alone opens nothing
    assert client.get("/api/v1/orders").status_code == 401
    page = client.get("/login/mfa/enrol")
    wrong = client.post("/login/mfa/enrol", data={"code": "000000", "csrf_token": csrf_from(page.text)})
    assert wrong.status_code == 401 and "Fel kod" in wrong.text
    assert client.get("/orders").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.totp_secret).where(User.name == "hmc1")) is None


def test_enrolling_logs_in_and_gives_ten_recovery_codes_stored_only_hashed(app, client):
    make_person(app, "hmc1", ("hmc",))
    login(client, "hmc1")
    _, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/orders").status_code == 200
    text, _ = database_text(app)
    assert not any(code in text or code.replace("-", "") in text for code in codes)
    with app.app_context():
        assert len(list(db.session.scalars(select(RecoveryCode)))) == 10
    assert [e.details.get("mfa") for e in audit_entries(app, "user.login")] == ["enrol"]


def test_after_enrolment_a_login_needs_the_code(app, enrolled):
    secret, _ = enrolled
    client = app.test_client()
    response = login(client, "leverantor1")
    assert response.headers["Location"] == "/login/mfa"
    assert client.get("/orders").status_code == 302
    assert give_code(client, "123456").status_code == 401
    assert give_code(client, next_code(secret)).status_code == 302
    assert client.get("/orders").status_code == 200


def test_a_code_works_once(app, enrolled):
    secret, _ = enrolled
    code = next_code(secret)
    first = app.test_client()
    login(first, "leverantor1")
    assert give_code(first, code).status_code == 302
    second = app.test_client()
    login(second, "leverantor1")
    assert give_code(second, code).status_code == 401  # seen by someone looking over the shoulder


def test_a_wrong_code_counts_against_the_rate_limit(app, enrolled):
    secret, _ = enrolled
    client = app.test_client()
    login(client, "leverantor1")
    statuses = [give_code(client, "000000").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert give_code(client, next_code(secret)).status_code == 429  # even the right code waits now
    assert login(app.test_client(), "leverantor1").status_code == 429  # and so does the password
    assert len(audit_entries(app, "user.login_failed")) == 5


def test_a_recovery_code_works_once(app, enrolled):
    _, codes = enrolled
    client = app.test_client()
    login(client, "leverantor1")
    assert give_code(client, codes[3].upper()).status_code == 302
    assert client.get("/orders").status_code == 200
    again = app.test_client()
    login(again, "leverantor1")
    assert give_code(again, codes[3]).status_code == 401
    assert len(audit_entries(app, "user.mfa_recovery_code")) == 1


def test_a_local_login_needs_no_second_factor_in_development(app):
    assert require_mfa({"DEVELOPMENT": True}) is False
    assert require_mfa({}) is True
    assert require_mfa({"DEVELOPMENT": True, "REQUIRE_MFA": True}) is True


def test_a_session_ends_after_30_idle_minutes(app, client):
    app.config["REQUIRE_MFA"] = False
    make_person(app, "hmc1", ("hmc",))
    with time_machine.travel(time.time(), tick=True) as clock:
        login(client, "hmc1")
        clock.shift(timedelta(minutes=29))
        assert client.get("/orders").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/orders").status_code == 200  # active: the idle clock started again
        clock.shift(timedelta(minutes=31))
        assert client.get("/orders").status_code == 302


def test_a_session_ends_8_hours_after_login_however_active(app, client):
    app.config["REQUIRE_MFA"] = False
    make_person(app, "hmc1", ("hmc",))
    with time_machine.travel(time.time(), tick=True) as clock:
        login(client, "hmc1")
        for _ in range(16):
            clock.shift(timedelta(minutes=29))
            assert client.get("/orders").status_code == 200
        clock.shift(timedelta(minutes=29))  # 8 h 13 min after login
        assert client.get("/orders").status_code == 302


def test_login_starts_a_new_session_id(app, client):
    app.config["REQUIRE_MFA"] = False
    make_person(app, "hmc1", ("hmc",))
    with client.session_transaction() as planted:
        planted["sid"] = "chosen-by-an-attacker"
        planted["user_id"] = 999
    login(client, "hmc1")
    with client.session_transaction() as session:
        first = session["sid"]
    assert first != "chosen-by-an-attacker" and session["user_id"] != 999
    token = csrf_from(client.get("/orders").text)
    client.post("/login", data={"name": "hmc1", "password": PASSWORD, "csrf_token": token})  # logging in again
    with client.session_transaction() as session:
        assert session["sid"] != first


def test_disabling_a_person_ends_all_their_sessions(app, runner):
    app.config["REQUIRE_MFA"] = False
    make_person(app, "hmc1", ("hmc",))
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        login(client, "hmc1")
        assert client.get("/orders").status_code == 200
    result = runner.invoke(args=["user", "disable", "hmc1", "--actor", "admin1"])
    assert result.exit_code == 0, result.output
    assert [client.get("/orders").status_code for client in clients] == [302, 302]
    assert runner.invoke(args=["user", "enable", "hmc1", "--actor", "admin1"]).exit_code == 0
    assert [client.get("/orders").status_code for client in clients] == [302, 302]  # still ended
    assert login(app.test_client(), "hmc1", PASSWORD).status_code == 302  # a new login works
    assert [e.actor for e in audit_entries(app, "user.disable")] == ["admin1"]
