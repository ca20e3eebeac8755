"""Audit entries as Swedish sentences (issue 13, item 4): every action the code records has one."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import catalog_service
from catalog_service.audit.sentences import ACTION_NAMES, SENTENCES, role_names, sentence
from catalog_service.requests.workflow import RequestAction, WorkOrderAction

SOURCE = Path(catalog_service.__file__).parent


def recorded_actions() -> set[str]:
    """Every literal action code passed to record() in the source, and the workflow's generated ones."""
    found = set()
    for module in SOURCE.rglob("*.py"):
        found |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', module.read_text()))
        found |= set(re.findall(r'"(colour\.[a-z_]+)"', module.read_text()))
    found |= {f"requests.{action.value}" for action in RequestAction}
    found |= {f"work_orders.{action.value}" for action in WorkOrderAction}
    return found


def entry(action: str, actor: str = "upphandlare1", object_id: str | None = "7", **details):
    return SimpleNamespace(action=action, actor=actor, object_id=object_id, details=details)


def test_every_recorded_action_has_a_sentence_and_a_name():
    actions = recorded_actions()
    assert {"assortment.publish", "user.login", "requests.approve", "work_orders.deliver"} <= actions
    assert sorted(actions - set(SENTENCES)) == []
    assert sorted(actions - set(ACTION_NAMES)) == []


def test_sentences_fill_in_the_details_in_swedish():
    assert sentence(entry("assortment.publish", supplier="medi", number=3, items=1234)) == (
        "upphandlare1 publicerade version 3 av sortimentet för Medi (1\u00a0234 artiklar)."
    )
    assert sentence(entry("colour.map", colour="Natrual", base_colour="Natur", supplier="rama", rows=1)) == (
        "upphandlare1 kopplade färgen ”Natrual” till basfärgen Natur i en prislista för Rama (1 rad)."
    )
    assert sentence(entry("user.create", actor="admin", object_id="hmc2", roles=["hmc", "forskrivare"])) == (
        "admin lade till användaren hmc2 med rollerna HMC-personal, förskrivare."
    )
    assert sentence(entry("user.login_failed", actor="anonym", object_id=None)) == (
        "Någon försökte logga in utan att lyckas."
    )
    assert sentence(entry("token.create", kind="eshop", prefix="abcd1234")) == (
        "upphandlare1 skapade en e-butikstoken (som börjar med abcd1234)."
    )


def test_an_unknown_action_never_shows_its_code():
    text = sentence(entry("something.new", secret_detail=1))
    assert "something" not in text and "secret_detail" not in text and text.startswith("upphandlare1 ")


def test_role_names_are_swedish():
    assert role_names(["admin", "hmc", "forskrivare", "upphandlare"]) == (
        "administratör, HMC-personal, förskrivare, upphandlare"
    )
