"""Who may do what: the one table read by the API (``require_roles``), the pages (``page_roles``), the menu
and the README's role table (tests/auth/test_permissions.py checks the README against it).

Each action names what a person does, whichever door they use: ``GET /api/v1/orders`` and the page
``/orders`` are both "orders.read", so they cannot disagree. ``admin`` may do everything. The steps of a
consultation request have their own table (``requests/workflow.py``), as their roles depend on the state.

A ``leverantor`` (L) acts for one supplier only: ``auth/supplier_fence.py`` answers 404 for anything of
another supplier and keeps them to the endpoints it lists, whatever this table grants.
"""

from __future__ import annotations

from typing import NamedTuple

from .models import Role

U, H, F, A, L = Role.upphandlare, Role.hmc, Role.forskrivare, Role.admin, Role.leverantor


class Permission(NamedTuple):
    roles: tuple[Role, ...]
    what: str  # for the README's table


PERMISSIONS: dict[str, Permission] = {
    "home.read": Permission((U, H, F, L), "the start page: one's own tasks and what waits"),
    "overview.read": Permission((U, H), "the overview page: imports, drafts, published versions, e-shop fetches"),
    "contract.read": Permission((U, H), "the contract: procured models, base colours, prices"),
    "contract.load": Permission((U,), "load the contract workbook (replaces the active contract)"),
    "pricelists.read": Permission((U, H, L), "price-list imports and their results (L: own supplier's)"),
    "pricelists.upload": Permission((U, L), "upload a price list (L: own supplier's)"),
    "pricelists.colours": Permission((U,), "map unknown colours of an import"),
    "assortment.read": Permission(
        (U, H, L), "review a draft (diff, reconciliation), versions, e-shop fetch status (L: own, read-only)"
    ),
    "assortment.publish": Permission((U,), "publish a draft, roll back to an earlier version"),
    "feeds.read": Permission((U, H, L), "read a supplier's feed with a person's token (L: own supplier's)"),
    "orders.read": Permission((H, F), "order history by customer order number or dates"),
    "orders.import": Permission((H,), "import WebSesam order lines"),
    "orders.reorder": Permission((H, F), "a reorder draft of an earlier order"),
    "orders.labels": Permission((H,), "label sheets (PDF) for made-to-measure lines"),
    "orders.delivery": Permission((H, U), "the supplier delivery report"),
    "stock.manage": Permission((H,), "stock item analysis, decisions and the stock list"),
    "requests.submit": Permission((F, H), "ask for an article outside the assortment (a consultation)"),
    "requests.queue": Permission((H, F), "the request queue (a prescriber: own requests)"),
    "requests.read": Permission((F, H, U), "read a request or work order, look one up"),
    "requests.act": Permission((F, H), "take a step on a request (which step: the workflow's own table)"),
    "requests.candidates": Permission((H, U), "articles asked for repeatedly outside the assortment"),
    "work_orders.act": Permission((H,), "take a step on a work order"),
    "work_orders.list": Permission((H,), "the list of work orders, overdue ones first"),
    "audit.read": Permission((A,), "the audit log"),
    "tokens.manage": Permission((U,), "create and revoke e-shop tokens"),
    "metrics.read": Permission((A,), "read `/metrics` (Prometheus); also open to callers on loopback"),
    "suppliers.invite": Permission((U,), "invite a supplier's person (role leverantor) to upload their own lists"),
    "webhooks.manage": Permission((U,), "e-shops' webhook endpoints: add, remove, delivery log, redeliver"),
}


def roles_for(action: str) -> tuple[Role, ...]:
    """The roles that may do ``action`` (admin passes everywhere besides). Raises KeyError for an unknown action."""
    return PERMISSIONS[action].roles


def role_table() -> str:
    """The README's role table (Markdown), generated from PERMISSIONS."""
    lines = ["| action | what | who (admin may do all) |", "| --- | --- | --- |"]
    for action, permission in PERMISSIONS.items():
        lines.append(f"| `{action}` | {permission.what} | {', '.join(role.value for role in permission.roles)} |")
    return "\n".join(lines)


def may(holder, action: str) -> bool:
    """Whether ``holder`` (a person or an API caller: anything with ``has_role``) may do ``action``."""
    return holder.has_role(*roles_for(action), Role.admin)
