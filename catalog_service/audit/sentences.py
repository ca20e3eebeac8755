"""Audit entries as Swedish sentences for the audit page: "upphandlare2 publicerade version 3 av sortimentet för
Medi (812 artiklar)." The codes (``assortment.publish``, ``roles: ['admin']``) stay in the API, the CLI and the
exports; people read sentences with Swedish role names. Reads only.

A new audited action gets its sentence in ``SENTENCES`` (tests/audit/test_sentences.py finds every ``action=``
in the source and fails for one without); until then the page says only that something changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..suppliers import profiles

# Swedish names of the roles; a role added later shows its code until it is named here.
ROLE_NAMES = {
    "upphandlare": "upphandlare",
    "hmc": "HMC-personal",
    "forskrivare": "förskrivare",
    "admin": "administratör",
    "leverantor": "leverantör",
}

# What each audited action is called in the filter's choices.
ACTION_NAMES = {
    "assortment.publish": "Publicering av sortiment",
    "assortment.rollback": "Återställning av sortiment",
    "colour.map": "Färg kopplad till basfärg",
    "colour.dismiss": "Färg avfärdad",
    "contract.load": "Inläsning av avtal",
    "feed.refused": "Nekad hämtning av flöde",
    "orders.import": "Inläsning av orderexport",
    "orders.purge": "Rensning av orderrader",
    "pricelist.import": "Inläsning av prislista",
    "pricelist.upload": "Uppladdning av prislista",
    "pricelist.job_lost": "Avbruten inläsning",
    "requests.submit": "Ny konsultation",
    "requests.start_review": "Konsultation påbörjad",
    "requests.propose_alternative": "Alternativ föreslaget",
    "requests.send_for_cost_approval": "Skickad för kostnadsgodkännande",
    "requests.approve": "Kostnad godkänd",
    "requests.reject": "Konsultation avslagen",
    "requests.close": "Konsultation avslutad",
    "work_orders.create": "Ny arbetsorder",
    "work_orders.order": "Arbetsorder beställd",
    "work_orders.receive": "Ankomst till HMC",
    "work_orders.deliver": "Leverans",
    "work_orders.close": "Arbetsorder avslutad",
    "stock.decide": "Lagerbeslut",
    "token.create": "Ny token",
    "token.revoke": "Återkallad token",
    "user.create": "Ny användare",
    "user.login": "Inloggning",
    "user.logout": "Utloggning",
    "user.login_failed": "Misslyckad inloggning",
    "user.update": "Ändrad användare",
    "user.enable": "Användare återaktiverad",
    "user.disable": "Användare spärrad",
    "user.mfa_enrol": "Tvåstegsinloggning aktiverad",
    "user.mfa_recovery_code": "Reservkod använd",
    "assortment.cancel_schedule": "Schemalagd version avbruten",
    "webhook.add": "Ny webhook",
    "webhook.remove": "Borttagen webhook",
    "webhook.redeliver": "Webhook skickad igen",
}

# The sentence after the actor's name; {placeholders} are the entry's object_id and details.
SENTENCES = {
    "assortment.publish": "publicerade version {number} av sortimentet för {supplier} "
    "({items} {items|artikel|artiklar})",
    "assortment.rollback": "återställde sortimentet för {supplier} till innehållet i version {restored}, "
    "publicerat som version {number}",
    "colour.map": "kopplade färgen ”{colour}” till basfärgen {base_colour} i en prislista för {supplier} "
    "({rows} {rows|rad|rader})",
    "colour.dismiss": "avfärdade färgen ”{colour}” i en prislista för {supplier}",
    "contract.load": "läste in avtalet ({models} {models|modell|modeller}, "
    "{base_colours} {base_colours|basfärg|basfärger})",
    "feed.refused": "nekades att hämta flödet för {object_id}",
    "orders.import": "läste in orderexporten ({data_rows} {data_rows|rad|rader}, {stored} nya, {updated} uppdaterade)",
    "orders.purge": "rensade gamla orderrader",
    "pricelist.import": "läste in en prislista för {supplier} ({data_rows} {data_rows|datarad|datarader}, "
    "{allowed} tillåtna)",
    "pricelist.upload": "laddade upp prislistan {filename} för {supplier}",
    "pricelist.job_lost": "markerade inläsning {object_id} som avbruten: processen slutade svara",
    "requests.submit": "skickade in konsultation {object_id}",
    "requests.start_review": "påbörjade handläggningen av konsultation {object_id}",
    "requests.propose_alternative": "föreslog ett alternativ i sortimentet för konsultation {object_id}",
    "requests.send_for_cost_approval": "skickade konsultation {object_id} för kostnadsgodkännande",
    "requests.approve": "registrerade kostnadsgodkännandet för konsultation {object_id}",
    "requests.reject": "avslog konsultation {object_id}",
    "requests.close": "avslutade konsultation {object_id}",
    "work_orders.create": "skapade arbetsorder {object_id} för konsultation {request}",
    "work_orders.order": "beställde arbetsorder {object_id}",
    "work_orders.receive": "registrerade att arbetsorder {object_id} kom till HMC",
    "work_orders.deliver": "registrerade leverans av arbetsorder {object_id}",
    "work_orders.close": "avslutade arbetsorder {object_id}",
    "stock.decide": "beslutade om {supplier} {article_number} som lagerartikel: {stock}",
    "token.create": "skapade {kind} (som börjar med {prefix})",
    "token.revoke": "återkallade {kind} (som börjar med {prefix})",
    "user.create": "lade till användaren {object_id} med {roles}",
    "user.login": "loggade in",
    "user.logout": "loggade ut",
    "user.login_failed": "försökte logga in utan att lyckas",
    "user.update": "uppdaterade användaren {object_id} från organisationens inloggning",
    "user.enable": "återaktiverade användaren {object_id}",
    "user.disable": "spärrade användaren {object_id} och avslutade alla hens sessioner",
    "user.mfa_enrol": "aktiverade tvåstegsinloggning",
    "user.mfa_recovery_code": "loggade in med en reservkod",
    "assortment.cancel_schedule": "avbröt den schemalagda version {number} av sortimentet för {supplier}: {reason}",
    "webhook.add": "lade till en webhook för e-butiken {eshop}",
    "webhook.remove": "tog bort en webhook för e-butiken {eshop}",
    "webhook.redeliver": "skickade webhookleverans {object_id} igen",
}
# What each kind of object is called in the filter's choices.
OBJECT_NAMES = {
    "api_token": "Token",
    "assortment_version": "Sortimentsversion",
    "consultation_request": "Konsultation",
    "contract": "Avtal",
    "feed": "Flöde",
    "import_job": "Uppladdning",
    "order_import": "Orderinläsning",
    "order_lines": "Orderrader",
    "pricelist_import": "Prislista",
    "stock_decision": "Lagerbeslut",
    "user": "Användare",
    "webhook_endpoint": "Webhook",
    "webhook_delivery": "Webhookleverans",
    "work_order": "Arbetsorder",
}
UNKNOWN = "gjorde en ändring som loggen saknar beskrivning för"
ANONYMOUS = {"anonym": "Någon"}
TOKEN_KINDS = {"eshop": "en e-butikstoken", "user": "en personlig API-token"}


def role_names(roles) -> str:
    """Swedish role names: ['admin', 'hmc'] → 'administratör, HMC-personal'."""
    return ", ".join(ROLE_NAMES.get(role, role) for role in roles or ())


def action_name(action: str) -> str:
    """The filter choice's label for an action code."""
    return ACTION_NAMES.get(action, "Annan händelse")


def object_name(object_type: str) -> str:
    """The filter choice's label for an object type."""
    return OBJECT_NAMES.get(object_type, "Annat")


def actor_name(actor: str) -> str:
    """The filter choice's label for an actor (a failed login has no known actor)."""
    return ANONYMOUS.get(actor, actor)


def sentence(entry) -> str:
    """The entry as one Swedish sentence, led by who did it."""
    actor = actor_name(entry.actor)
    values = _values(entry)
    template = SENTENCES.get(entry.action)
    text = UNKNOWN if template is None else _fill(template, values)
    return f"{actor} {text}."


def _values(entry) -> dict:
    details: Mapping = entry.details or {}
    names = {code: profile.name for code, profile in profiles().items()}
    values = {key: ("–" if value is None else value) for key, value in details.items()}
    values["object_id"] = entry.object_id or "–"
    for key in ("supplier", "eshop"):  # an e-shop is named by its supplier's code
        if key in details:
            values[key] = names.get(details[key], details[key] or "–")
    if "roles" in details:
        roles = details["roles"] or []
        values["roles"] = ("rollen " if len(roles) == 1 else "rollerna ") + role_names(roles)
    if "kind" in details:
        values["kind"] = TOKEN_KINDS.get(details["kind"], "en token")
    if "stock" in details:
        values["stock"] = "ja" if details["stock"] else "nej"
    return values


def _fill(template: str, values: dict) -> str:
    """``{name}`` is the value (grouped the Swedish way when a number), ``{name|one|many}`` the noun for it."""
    from ..web.filters import number, plural

    def replace(match: re.Match) -> str:
        name, *forms = match.group(1).split("|")
        value = values.get(name, "–")
        if forms:
            return plural(value, *forms) if isinstance(value, int) else forms[1]
        return number(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)

    return re.sub(r"\{([a-z_|åäö]+)\}", replace, template)
